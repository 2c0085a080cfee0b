"""The built-in questionnaires (no school): their questions carry the wording of seeds 000-004, kept in
fixtures/questionnaires.yaml.

`builtins_sync` creates them or brings them up to date, from the data migration and from tests. A built-in
that has been answered keeps every question it had: an answered question gets only its new wording, never a
new kind, range or choices, and no question is ever deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps as installed_apps
from django.db import transaction

from mentoring.reference import YES_NO, choice_value, reference

from .models import Question, Questionnaire

Kind = Question.Kind
Measure = Question.Measure
Topic = Question.Topic


@dataclass(frozen=True)
class BuiltinQuestion:
    text: str
    kind: str = Kind.OPEN
    required: bool = True
    help_text: str = ""
    choices: tuple[str, ...] = ()
    scale_min: int | None = None
    scale_max: int | None = None
    scale_min_label: str = ""
    scale_max_label: str = ""
    measures: str = ""
    topic: str = ""


@dataclass(frozen=True)
class BuiltinQuestionnaire:
    code: str
    purpose: str
    title: str
    description: str
    questions: tuple[BuiltinQuestion, ...]
    audience: str = Questionnaire.Audience.EVERYONE
    mentor_sees_answers: bool = False


def builtin_question(data: dict) -> BuiltinQuestion:
    return BuiltinQuestion(
        data["вопрос"],
        kind=choice_value(Kind, data["вид"]),
        required=YES_NO[data.get("обязательный", "да")],
        help_text=data.get("подсказка", ""),
        choices=tuple(data.get("варианты", ())),
        scale_min=data.get("от"),
        scale_max=data.get("до"),
        scale_min_label=data.get("подпись от", ""),
        scale_max_label=data.get("подпись до", ""),
        measures=choice_value(Measure, data["измеряет"]) if "измеряет" in data else "",
        topic=choice_value(Topic, data["тема"]) if "тема" in data else "",
    )


BUILTINS: tuple[BuiltinQuestionnaire, ...] = tuple(
    BuiltinQuestionnaire(
        code=data["код"],
        purpose=choice_value(Questionnaire.Purpose, data["назначение"]),
        title=data["название"],
        description=data["описание"],
        questions=tuple(builtin_question(question) for question in data["вопросы"]),
        audience=choice_value(Questionnaire.Audience, data["для кого"]),
        mentor_sees_answers=YES_NO[data.get("наставник видит ответы", "нет")],
    )
    for data in reference("questionnaires")["анкеты"]
)


WORDING_FIELDS = ("text", "help_text", "scale_min_label", "scale_max_label")
SHAPE_FIELDS = ("kind", "required", "scale_min", "scale_max", "measures", "topic")


def question_fields(question: BuiltinQuestion, *, answered: bool) -> dict:
    fields = {name: getattr(question, name) for name in WORDING_FIELDS}
    if not answered:
        fields |= {name: getattr(question, name) for name in SHAPE_FIELDS}
        fields["choices"] = list(question.choices)
    return fields


@transaction.atomic
def builtins_sync(apps=None) -> None:
    """Create the built-in questionnaires or bring them up to the file's wording, idempotently."""
    registry = apps or installed_apps
    questionnaires = registry.get_model("monitoring", "Questionnaire")
    questions = registry.get_model("monitoring", "Question")
    answers = registry.get_model("monitoring", "Answer")
    # The migrations before the audience field call this too, with a model that has no such field yet.
    has_audience = any(f.name == "audience" for f in questionnaires._meta.get_fields())
    for builtin in BUILTINS:
        defaults = {
            "purpose": builtin.purpose,
            "title": builtin.title,
            "description": builtin.description,
            "mentor_sees_answers": builtin.mentor_sees_answers,
        }
        if has_audience:
            defaults["audience"] = builtin.audience
        questionnaire, _ = questionnaires.objects.update_or_create(
            school=None, code=builtin.code, defaults=defaults
        )
        existing = {
            question.order: question for question in questions.objects.filter(questionnaire=questionnaire)
        }
        answered = set(
            answers.objects.filter(question__questionnaire=questionnaire).values_list(
                "question_id", flat=True
            )
        )
        for order, builtin_question in enumerate(builtin.questions, start=1):
            question = existing.get(order)
            if question is None:
                questions.objects.create(
                    questionnaire=questionnaire,
                    order=order,
                    **question_fields(builtin_question, answered=False),
                )
                continue
            fields = question_fields(builtin_question, answered=question.pk in answered)
            if any(getattr(question, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(question, name, value)
                question.save(update_fields=list(fields))

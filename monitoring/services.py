"""Writes of questionnaires and the mentor's portfolio request: each is one transaction, called with keyword
arguments only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from mentoring.academic_year import AcademicYear
from mentoring.documents import documents_request
from mentoring.models import Document, MentorEntry, Organisation, User
from pairs.proposals import MAX_CHOICES

from .documents import MENTOR_PORTFOLIO, portfolio_draft, refuse_empty_portfolio
from .models import Answer, Question, Questionnaire, Response

COPY_SUFFIX = " (копия)"
QUESTIONNAIRE_FIELDS = ("title", "description", "audience", "mentor_sees_answers")
QUESTION_FIELDS = (
    "order",
    "text",
    "help_text",
    "kind",
    "required",
    "choices",
    "scale_min",
    "scale_max",
    "scale_min_label",
    "scale_max_label",
    "measures",
    "topic",
)
BUILTIN_REFUSAL = "Встроенную анкету изменить нельзя: сделайте копию и измените её."
FOREIGN_QUESTION = "Вопрос не из этой анкеты: обновите страницу и попробуйте снова."
ANSWERED = "На анкету уже ответили: "
DELETE_REFUSAL = ANSWERED + "вопрос не удалить, иначе пропадут ответы на него."
KIND_REFUSAL = ANSWERED + "тип ответа не сменить. Можно изменить формулировку вопроса."
REQUIRED_REFUSAL = ANSWERED + "новый вопрос может быть только необязательным."
SCALE_MIN_REFUSAL = ANSWERED + "шкалу не сузить: начало не может быть больше {value}."
SCALE_MAX_REFUSAL = ANSWERED + "шкалу не сузить: конец не может быть меньше {value}."
CHOICE_REFUSAL = ANSWERED + "варианты {options} не убрать и не переименовать, можно только добавить новые."
TOO_MANY_PARTNERS = (
    f"Участник называет не больше {MAX_CHOICES} человек: вопросов с выбором участника в анкете "
    f"может быть не больше {MAX_CHOICES}."
)
PARTNER_REFUSAL = (
    "Вопрос с выбором участника другой стороны программы бывает только в анкете предпочитаемого "
    "наставника/наставляемого."
)


def answered_filter(questionnaire_ref: str = "pk") -> Q:
    """A questionnaire is answered once an answer is stored or a response to one of its surveys is sent."""
    answers = Answer.objects.filter(question__questionnaire=OuterRef(questionnaire_ref))
    sent = Response.objects.filter(
        invitation__survey__questionnaire=OuterRef(questionnaire_ref), submitted_at__isnull=False
    )
    return Q(Exists(answers)) | Q(Exists(sent))


def is_answered(questionnaire: Questionnaire) -> bool:
    return Questionnaire.objects.filter(answered_filter(), pk=questionnaire.pk).exists()


@dataclass(frozen=True)
class QuestionRow:
    """One row of the edit form: an existing question (`question`) or a new one, and what it becomes."""

    question: Question | None
    data: dict[str, Any]
    delete: bool = False


def partner_kind_allowed(purpose: str) -> bool:
    """A partner question names a participant of the survey's programme: only a preferred-partner
    questionnaire asks it, and only its surveys are required to have a programme."""
    return purpose == Questionnaire.Purpose.PREFERRED_PARTNER


def breaking_changes(row: QuestionRow) -> dict[str, str]:
    """Why the row would break the answers already given, by form field; empty when it would not."""
    old, new = row.question, row.data
    if old is None:
        return {"required": REQUIRED_REFUSAL} if new.get("required") and not row.delete else {}
    if row.delete:
        return {"DELETE": DELETE_REFUSAL}
    problems = {}
    if new.get("kind", old.kind) != old.kind:
        problems["kind"] = KIND_REFUSAL
    elif old.kind == Question.Kind.SCALE:
        if new.get("scale_min") is not None and new["scale_min"] > old.scale_min:
            problems["scale_min"] = SCALE_MIN_REFUSAL.format(value=old.scale_min)
        if new.get("scale_max") is not None and new["scale_max"] < old.scale_max:
            problems["scale_max"] = SCALE_MAX_REFUSAL.format(value=old.scale_max)
    elif "choices" in new:
        removed = [option for option in old.choices if option not in new["choices"]]
        if removed:
            problems["choices"] = CHOICE_REFUSAL.format(options=", ".join(f"«{o}»" for o in removed))
    return problems


@transaction.atomic
def questionnaire_copy(*, questionnaire: Questionnaire, school: Organisation) -> Questionnaire:
    title = questionnaire.title[: Questionnaire._meta.get_field("title").max_length - len(COPY_SUFFIX)]
    copy = Questionnaire.objects.create(
        school=school,
        purpose=questionnaire.purpose,
        title=title + COPY_SUFFIX,
        description=questionnaire.description,
        audience=questionnaire.audience,
        mentor_sees_answers=questionnaire.mentor_sees_answers,
        based_on=questionnaire,
    )
    Question.objects.bulk_create(
        Question(questionnaire=copy, **{name: getattr(q, name) for name in QUESTION_FIELDS})
        for q in questionnaire.questions.all()
    )
    return copy


@transaction.atomic
def questionnaire_update(
    *, questionnaire: Questionnaire, data: dict[str, Any], rows: list[QuestionRow]
) -> Questionnaire:
    """Save the questionnaire and its questions; refuse, saving nothing, what would break given answers."""
    # The lock makes the answered check and the save one step against a response being sent meanwhile.
    locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if locked.is_builtin:
        raise ValidationError(BUILTIN_REFUSAL)
    own = {q.pk: q for q in locked.questions.all()}
    if any(row.question is not None and row.question.pk not in own for row in rows):
        raise ValidationError(FOREIGN_QUESTION)
    rows = [QuestionRow(own[r.question.pk] if r.question else None, r.data, r.delete) for r in rows]
    asks_partner = any(row.data.get("kind") == Question.Kind.PARTNER for row in rows if not row.delete)
    if asks_partner and not partner_kind_allowed(locked.purpose):
        raise ValidationError(PARTNER_REFUSAL)
    if is_answered(locked):
        for row in rows:
            if problems := breaking_changes(row):
                raise ValidationError(next(iter(problems.values())))
    for name in QUESTIONNAIRE_FIELDS:
        setattr(locked, name, data[name])
    locked.full_clean()
    locked.save()
    next_order = (locked.questions.aggregate(last=Max("order"))["last"] or 0) + 1
    for row in rows:
        if row.delete:
            if row.question is not None:
                row.question.delete()
            continue
        question = row.question or Question(questionnaire=locked)
        for name, value in row.data.items():
            setattr(question, name, value)
        if question.order is None:
            question.order, next_order = next_order, next_order + 1
        question.full_clean()
        question.save()
    if asks_partner and locked.questions.filter(kind=Question.Kind.PARTNER).count() > MAX_CHOICES:
        raise ValidationError(TOO_MANY_PARTNERS)
    return locked


@transaction.atomic
def mentor_portfolio_request(*, entry: MentorEntry, year: AcademicYear | None, by: User) -> Document:
    """The one-click portfolio of the mentor's page and of the mentor's own page, dated today."""
    refuse_empty_portfolio(entry, year)
    [document] = documents_request(
        school=entry.school,
        kind=MENTOR_PORTFOLIO,
        drafts=[portfolio_draft(entry, year)],
        date=timezone.localdate(),
        by=by,
    )
    return document

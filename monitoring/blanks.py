"""The printable blank of a questionnaire, for a paper round where pupils have no devices: every question
drawn for pen and paper (boxes to tick, the scale as numbered boxes, lines to write on). From the
questionnaire's page, or from a survey's, with its title and dates and, if asked, one blank per respondent
with the name printed."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError

from mentoring.documents import DocumentDataError, DocumentForm, DocumentSpec, Draft, register
from mentoring.models import Document

from .models import Invitation, Question, Questionnaire, Survey

QUESTIONNAIRE_BLANK = "questionnaire_blank"
MAX_NAMED = 400
MAX_SCALE_BOXES = 11  # a longer scale asks for its number written in
Kind = Question.Kind
# How many lines a hand-written answer gets.
LINES = {Kind.OPEN: 4, Kind.PARTNER: 1}
HINTS = {
    Kind.SINGLE: "Отметьте один вариант.",
    Kind.MULTIPLE: "Отметьте все подходящие варианты.",
    Kind.YES_NO: "Отметьте один вариант.",
    Kind.PARTNER: "Впишите фамилию и имя участника.",
}


@dataclass(frozen=True)
class BlankQuestion:
    question: Question
    boxes: list[str]  # what is ticked: the options, «Да» and «Нет», or a scale's points
    lines: int

    @property
    def hint(self) -> str:
        question = self.question
        if question.kind == Kind.SCALE:
            if self.boxes:
                return f"Отметьте одно число от {question.scale_min} до {question.scale_max}."
            return f"Впишите число от {question.scale_min} до {question.scale_max}."
        if question.kind == Kind.NUMBER:
            least, most = question.scale_min, question.scale_max
            if least is not None and most is not None:
                return f"Впишите число от {least} до {most}."
            return "Впишите число."
        return HINTS.get(question.kind, "")

    @property
    def line_range(self) -> range:
        return range(self.lines)

    @property
    def number_field(self) -> bool:
        return self.question.kind == Kind.NUMBER or (self.question.kind == Kind.SCALE and not self.boxes)


def blank_question(question: Question) -> BlankQuestion:
    boxes: list[str] = []
    match question.kind:
        case Kind.SINGLE | Kind.MULTIPLE:
            boxes = list(question.choices)
        case Kind.YES_NO:
            boxes = ["Да", "Нет"]
        case Kind.SCALE if question.scale_max - question.scale_min < MAX_SCALE_BOXES:
            boxes = [str(point) for point in range(question.scale_min, question.scale_max + 1)]
    return BlankQuestion(question, boxes, LINES.get(question.kind, 0))


class BlankForm(DocumentForm):
    questionnaire = forms.ModelChoiceField(
        label="Анкета", queryset=Questionnaire.objects.none(), required=False, empty_label="— выберите —"
    )
    survey = forms.ModelChoiceField(
        label="Анкетирование",
        queryset=Survey.objects.none(),
        required=False,
        empty_label="Без анкетирования",
        help_text="На бланке будут название и сроки анкетирования; анкета — та, что в нём.",
    )
    named = forms.BooleanField(
        label="Отдельный бланк на каждого респондента анкетирования, с его именем",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = Questionnaire.objects.of_school(self.school)
        self.fields["questionnaire"].error_messages["invalid_choice"] = "Выберите анкету из списка."
        self.fields["survey"].queryset = Survey.objects.for_school(self.school).select_related(
            "questionnaire"
        )
        self.fields["survey"].error_messages["invalid_choice"] = "Выберите анкетирование этой школы."

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        survey = cleaned.get("survey")
        questionnaire = survey.questionnaire if survey else cleaned.get("questionnaire")
        if questionnaire is None:
            raise ValidationError("Выберите анкету или анкетирование, для которого нужен бланк.")
        if not questionnaire.questions.exists():
            raise ValidationError("В анкете нет вопросов: печатать нечего.")
        if cleaned.get("named"):
            if survey is None:
                raise ValidationError("Бланки с именами печатаются для анкетирования: выберите его.")
            invited = survey.invitations.count()
            if not invited:
                raise ValidationError("В анкетировании нет респондентов: бланки с именами печатать некому.")
            if invited > MAX_NAMED:
                raise ValidationError(
                    f"Респондентов больше {MAX_NAMED}: напечатайте один бланк без имён и сделайте копии."
                )
        cleaned["questionnaire"] = questionnaire
        return cleaned

    def drafts(self) -> list[Draft]:
        cleaned = self.cleaned_data
        questionnaire, survey = cleaned["questionnaire"], cleaned["survey"]
        title = f"Бланк анкеты «{questionnaire.title}»"
        if survey:
            title += f": {survey.title}" + (", с именами респондентов" if cleaned["named"] else "")
        params = {
            "questionnaire": questionnaire.pk,
            "survey": survey and survey.pk,
            "named": cleaned["named"],
        }
        return [Draft(title, params)]


def blank_context(document: Document) -> dict:
    params = document.params
    questionnaire = (
        Questionnaire.objects.of_school(document.school).filter(pk=params["questionnaire"]).first()
    )
    if questionnaire is None:
        raise DocumentDataError("Анкета удалена: бланк сформировать нельзя.")
    survey = None
    if params.get("survey"):
        survey = Survey.objects.for_school(document.school).filter(pk=params["survey"]).first()
        if survey is None:
            raise DocumentDataError("Анкетирование удалено: бланк сформировать нельзя.")
    respondents: list[Invitation | None] = [None]
    if survey and params.get("named"):
        respondents = list(
            survey.invitations.select_related("person").order_by(
                "person__grade",
                "person__class_letter",
                "person__last_name",
                "person__first_name",
                "respondent",
            )
        )
    return {
        "questionnaire": questionnaire,
        "survey": survey,
        "questions": [blank_question(q) for q in questionnaire.questions.all()],
        "respondents": respondents,
    }


register(
    DocumentSpec(
        kind=QUESTIONNAIRE_BLANK,
        label="Бланк анкеты",
        form=BlankForm,
        template="documents/pdf/questionnaire_blank.html",
        context=blank_context,
        description="Анкета для заполнения на бумаге, где у участников нет устройств: вопросы с квадратами "
        "для отметок, шкалами и линиями для ответов. Ответы с бланков куратор вносит на странице "
        "анкетирования.",
    )
)

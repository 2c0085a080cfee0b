"""The respondent's form: one field per question of the questionnaire, and nothing else.

Fields are built from the questionnaire only, so a forged or unknown key in the POST is never read.
Answer values as the service stores them: open text → str, single → [option], multiple → [options],
scale → int, number → Decimal, yes/no → 1 or 0 (so that an average is the share of «да»), partner →
Partner (a participant of the other side of the survey's programme, offered through `partners`).
"""

from __future__ import annotations

from django import forms

from .models import Answer, Question, Response
from .responses import NOT_A_PARTNER, AnswerValue, Partner, Partners

Kind = Question.Kind
REQUIRED = "Ответьте на этот вопрос: он обязательный."
NOT_IN_LIST = "Выберите вариант из списка."
YES_NO_CHOICES = [("1", "Да"), ("0", "Нет")]
MAX_TEXT = 5000


def field_name(question: Question) -> str:
    return f"q{question.pk}"


def scale_field(question: Question) -> forms.Field:
    out_of_range = f"Выберите значение от {question.scale_min} до {question.scale_max}."
    return forms.TypedChoiceField(
        choices=[(str(v), str(v)) for v in range(question.scale_min, question.scale_max + 1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": out_of_range},
    )


def number_field(question: Question) -> forms.Field:
    least, most = question.scale_min, question.scale_max
    bounds = {
        (False, False): "",
        (True, False): f" не меньше {least}",
        (False, True): f" не больше {most}",
        (True, True): f" от {least} до {most}",
    }[(least is not None, most is not None)]
    outside = f"Введите число{bounds}."
    return forms.DecimalField(
        min_value=least,
        max_value=most,
        max_digits=10,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "invalid": f"Введите число{bounds}, например 12 или 4,5.",
            "min_value": outside,
            "max_value": outside,
            "max_digits": "Слишком длинное число.",
            "max_decimal_places": "Не больше двух знаков после запятой.",
            "max_whole_digits": "Слишком большое число.",
        },
    )


def partner_field(partners: Partners | None) -> forms.Field:
    names = partners.names if partners else {}
    return forms.TypedChoiceField(
        choices=[("", "— выберите —"), *((str(pk), name) for pk, name in names.items())],
        coerce=lambda value: Partner(int(value), names[int(value)]),
        error_messages={"invalid_choice": NOT_A_PARTNER},
    )


def question_field(question: Question, partners: Partners | None = None) -> forms.Field:
    options = [(option, option) for option in question.choices]
    not_in_list = {"invalid_choice": NOT_IN_LIST}
    match question.kind:
        case Kind.SINGLE:
            field = forms.ChoiceField(choices=options, widget=forms.RadioSelect, error_messages=not_in_list)
        case Kind.MULTIPLE:
            field = forms.MultipleChoiceField(
                choices=options, widget=forms.CheckboxSelectMultiple, error_messages=not_in_list
            )
        case Kind.SCALE:
            field = scale_field(question)
        case Kind.NUMBER:
            field = number_field(question)
        case Kind.YES_NO:
            field = forms.TypedChoiceField(
                choices=YES_NO_CHOICES, coerce=int, widget=forms.RadioSelect, error_messages=not_in_list
            )
        case Kind.PARTNER:
            field = partner_field(partners)
        case _:
            field = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=MAX_TEXT,
                error_messages={"max_length": f"Ответ слишком длинный: не больше {MAX_TEXT} знаков."},
            )
    field.required = question.required
    field.label = question.text
    field.help_text = question.help_text
    field.error_messages["required"] = REQUIRED
    return field


def answer_initial(answer: Answer) -> str | list[str]:
    """A stored answer as the form shows it again."""
    match answer.question.kind:
        case Kind.OPEN:
            return answer.text
        case Kind.SINGLE | Kind.PARTNER:
            return answer.chosen[0] if answer.chosen else ""
        case Kind.MULTIPLE:
            return answer.chosen
        case Kind.NUMBER:
            return "" if answer.number is None else f"{answer.number.normalize():f}".replace(".", ",")
        case _:
            return "" if answer.number is None else str(int(answer.number))


def form_initial(response: Response | None) -> dict:
    """The answers sent, once they are; before that, the saved draft."""
    if response is None:
        return {}
    if response.submitted_at is None:
        return response.draft
    return {field_name(a.question): answer_initial(a) for a in response.answers.select_related("question")}


class ResponseForm(forms.Form):
    def __init__(self, *args, questions: list[Question], partners: Partners | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions, self.partners = questions, partners
        for question in questions:
            self.fields[field_name(question)] = question_field(question, partners)

    def draft(self) -> dict[str, str | list[str]]:
        """What was typed, unvalidated, for the questionnaire's own fields only."""
        typed = {}
        for question in self.questions:
            name = field_name(question)
            value = self.data.getlist(name) if question.kind == Kind.MULTIPLE else self.data.get(name, "")
            if value:
                typed[name] = value if question.kind == Kind.MULTIPLE else value[:MAX_TEXT]
        return typed

    def answers(self) -> dict[Question, AnswerValue | None]:
        """Every question with its cleaned value; None (or empty) for an optional question left empty."""
        return {q: self.cleaned_data.get(field_name(q)) for q in self.questions}

    def error_link(self, field: forms.BoundField) -> tuple[str, str]:
        """A wrong answer is named by its question's number, short on a phone, and leads to the whole
        question (monitoring/partials/answer_field.html): the respondent reads what is asked, then answers."""
        question = next(q for q in self.questions if field_name(q) == field.name)
        return f"Вопрос {question.order}", f"question-{question.pk}"

    def fields_by_question(self) -> list[tuple[Question, forms.BoundField]]:
        return [(q, self[field_name(q)]) for q in self.questions]

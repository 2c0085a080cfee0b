"""The questionnaire form and its questions as rows: Russian messages next to the field."""

from __future__ import annotations

import copy
from typing import Any

from django import forms

from mentoring.forms import fieldless_helper

from . import services
from .models import Question, Questionnaire

EXTRA_QUESTION_ROWS = 2
CHOICE_KINDS = frozenset({Question.Kind.SINGLE, Question.Kind.MULTIPLE})
SCALE_FIELDS = ("scale_min", "scale_max", "scale_min_label", "scale_max_label")


class QuestionnaireForm(forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = list(services.QUESTIONNAIRE_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fieldless_helper()

    def questionnaire_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in services.QUESTIONNAIRE_FIELDS}


class QuestionForm(forms.ModelForm):
    choices = forms.CharField(
        label="Варианты ответа",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Каждый вариант — с новой строки.",
    )

    class Meta:
        model = Question
        fields = list(services.QUESTION_FIELDS)
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, purpose: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # What the question was before this request: the form's validation writes into its instance.
        self.saved = copy.copy(self.instance) if self.instance.pk else None
        if not services.partner_kind_allowed(purpose):
            kind = self.fields["kind"]
            kind.choices = [(value, label) for value, label in kind.choices if value != Question.Kind.PARTNER]
        self.initial["choices"] = "\n".join(self.instance.choices)
        # A new row without a number goes to the end.
        self.fields["order"].required = False

    def clean_choices(self) -> list[str]:
        options = [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]
        if len(set(options)) != len(options):
            raise forms.ValidationError("Варианты ответа не должны повторяться.")
        return options

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind, options = cleaned.get("kind"), cleaned.get("choices")
        if kind in CHOICE_KINDS and options is not None and len(options) < 2:
            self.add_error(
                "choices", "Для выбора нужно не меньше двух вариантов ответа, каждый с новой строки."
            )
        elif kind and kind not in CHOICE_KINDS and options:
            self.add_error("choices", "Варианты ответа задаются только для вопросов с выбором ответа.")
        if kind == Question.Kind.SCALE:
            low, high = cleaned.get("scale_min"), cleaned.get("scale_max")
            for name, value in (("scale_min", low), ("scale_max", high)):
                if value is None and name not in self.errors:
                    self.add_error(name, "Укажите оба конца шкалы.")
            if low is not None and high is not None and high <= low:
                self.add_error("scale_max", "Конец шкалы должен быть больше её начала.")
        elif kind:
            cleaned.update(scale_min=None, scale_max=None, scale_min_label="", scale_max_label="")
        return cleaned


class BaseQuestionFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, answered: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.answered = answered

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "purpose": self.instance.purpose}

    def rows(self) -> list[services.QuestionRow]:
        """The questions kept, changed, added and deleted; blank new rows are left out."""
        return [self._row(form) for form in self.forms if form.saved or form.has_changed()]

    def _row(self, form: QuestionForm) -> services.QuestionRow:
        if self._should_delete_form(form):
            return services.QuestionRow(form.saved, {}, delete=True)
        return services.QuestionRow(
            form.saved, {name: form.cleaned_data.get(name) for name in services.QUESTION_FIELDS}
        )

    def clean(self) -> None:
        super().clean()
        # Django takes an initial row whose id is not of this questionnaire for a new question.
        if any(form.saved is None for form in self.forms[: self.initial_form_count()]):
            raise forms.ValidationError(services.FOREIGN_QUESTION)
        if not self.answered:
            return
        for form in self.forms:
            deleted = self._should_delete_form(form)
            if (form.errors and not deleted) or not (form.saved or form.has_changed()):
                continue
            for field, message in services.breaking_changes(self._row(form)).items():
                if field == "DELETE":
                    raise forms.ValidationError(f"Вопрос № {form.saved.order}: {message}")
                form.add_error(field, message)


QuestionFormSet = forms.inlineformset_factory(
    Questionnaire,
    Question,
    form=QuestionForm,
    formset=BaseQuestionFormSet,
    extra=EXTRA_QUESTION_ROWS,
    can_delete=True,
    max_num=200,
)

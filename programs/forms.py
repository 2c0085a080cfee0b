"""The programme form, its risks as rows, and the request to move its status."""

from __future__ import annotations

from typing import Any

from crispy_forms.layout import Fieldset
from django import forms
from django.db.models import QuerySet

from mentoring.forms import DateInput, fieldless_helper
from mentoring.models import User

from .models import MentoringForm, Programme

EXTRA_RISK_ROWS = 2


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "form",
            "title",
            "goal",
            "tasks",
            "expected_results",
            "starts_on",
            "ends_on",
            "curator",
            "style",
            "mode",
            "attention_after_days",
            "threat_after_days",
            "consent_warning_days",
        ]
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 3}),
            "tasks": forms.Textarea(attrs={"rows": 6}),
            "expected_results": forms.Textarea(attrs={"rows": 6}),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }

    def __init__(self, *args, curators: QuerySet[User], has_pairs: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = MentoringForm.objects.all()
        if has_pairs:
            # The pairs were matched by the rules of this form; another form would break them.
            self.fields["form"].disabled = True
            self.fields["form"].help_text = "В программе уже есть пары: форму наставничества не сменить."
        self.fields["curator"].queryset = curators
        self.fields["curator"].error_messages["invalid_choice"] = "Выберите куратора этой школы."
        self.helper = fieldless_helper(
            Fieldset("Программа", "form", "title", "goal", "tasks", "expected_results"),
            Fieldset("Срок реализации", "starts_on", "ends_on"),
            Fieldset("Как организована работа", "curator", "style", "mode"),
            Fieldset(
                "Когда пара требует внимания",
                "attention_after_days",
                "threat_after_days",
                "consent_warning_days",
            ),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on <= starts_on:
            self.add_error("ends_on", "Окончание реализации должно быть позже её начала.")
        attention, threat = cleaned.get("attention_after_days"), cleaned.get("threat_after_days")
        if attention is not None and threat is not None and threat <= attention:
            self.add_error(
                "threat_after_days", "Срок «под угрозой» должен быть больше срока «нужно внимание»."
            )
        return cleaned

    def programme_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class RiskForm(forms.Form):
    # Not marked required: a row left blank is simply no risk.
    risk = forms.CharField(label="Риск", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    mitigation = forms.CharField(
        label="Пути минимизации", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("mitigation") and not cleaned.get("risk"):
            self.add_error("risk", "Укажите риск или очистите строку.")
        return cleaned


class BaseRiskFormSet(forms.BaseFormSet):
    def risks(self) -> list[tuple[str, str]]:
        """(risk, mitigation) of the rows kept, in order; blank, cleared and deleted rows are left out."""
        return [
            (form.cleaned_data["risk"], form.cleaned_data["mitigation"])
            for form in self.forms
            if form.cleaned_data.get("risk") and not self._should_delete_form(form)
        ]


RiskFormSet = forms.formset_factory(
    RiskForm, formset=BaseRiskFormSet, extra=EXTRA_RISK_ROWS, can_delete=True, max_num=30
)


def risk_formset(data=None, *, initial: list[dict[str, str]] | None = None) -> BaseRiskFormSet:
    return RiskFormSet(data, initial=initial, prefix="risks")


class StatusForm(forms.Form):
    """What the page showed (`seen`) and where the user moves the programme (`to`)."""

    to = forms.ChoiceField(choices=Programme.Status.choices)
    seen = forms.ChoiceField(choices=Programme.Status.choices)

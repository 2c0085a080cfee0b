"""Forms of the department's indicators: the base value and its year, a planned value for a year, an actual
value entered by hand."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from mentoring.models import Organisation

from . import indicators
from .models import Indicator

DEPARTMENT_CHOICE = ""


class IndicatorValueFormBase(forms.Form):
    year = forms.IntegerField(label="Год", min_value=2000, max_value=2100)
    value = forms.DecimalField(label="Значение", max_digits=8, decimal_places=3)

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["value"].label = f"Значение, {indicator.unit}"

    def clean_value(self):
        value = self.cleaned_data["value"]
        try:
            indicators.indicator_check_value(self.indicator, value)
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        return value


class IndicatorPlanForm(IndicatorValueFormBase):
    prefix = "plan"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].label = f"Плановое значение, {self.indicator.unit}"


class IndicatorBaseForm(IndicatorValueFormBase):
    prefix = "base"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].label = "Год базового значения"
        self.fields["value"].label = f"Базовое значение, {self.indicator.unit}"


class IndicatorActualForm(IndicatorValueFormBase):
    """A school of the department, or the department as a whole."""

    prefix = "actual"
    school = forms.ChoiceField(label="Для кого")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.schools = {
            str(school.pk): school for school in indicators.department_schools(self.indicator.department)
        }
        self.fields["school"].choices = [
            (DEPARTMENT_CHOICE, "Управление образования в целом"),
            *((pk, school.short_name) for pk, school in self.schools.items()),
        ]
        self.fields["value"].label = f"Фактическое значение, {self.indicator.unit}"
        self.order_fields(["school", "year", "value"])

    def clean_school(self) -> Organisation | None:
        chosen = self.cleaned_data["school"]
        return None if chosen == DEPARTMENT_CHOICE else self.schools[chosen]

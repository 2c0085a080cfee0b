"""The school's rule of paying its teacher-mentors (Трудовой кодекс, ст. 351.8), set by the director."""

from __future__ import annotations

from typing import Any

from django import forms

from mentoring.forms import fieldless_helper
from mentoring.models import Organisation

RATE_REQUIRED = (
    "Укажите размер оплаты в рублях: за час, за пару в месяц или в месяц — смотря по порядку оплаты."
)


class PayRuleForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["mentor_pay_rule", "mentor_pay_rate"]
        widgets = {"mentor_pay_rule": forms.RadioSelect}
        error_messages = {
            "mentor_pay_rate": {
                "min_value": "Размер оплаты не может быть отрицательным.",
                "invalid": "Введите размер оплаты числом, например 300 или 300,50.",
                "max_digits": "Слишком большой размер оплаты.",
                "max_decimal_places": "Укажите не больше двух знаков после запятой (копейки).",
            }
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rule = self.fields["mentor_pay_rule"]
        rule.choices = [("", "Не установлен: в табеле только часы"), *rule.choices[1:]]
        self.helper = fieldless_helper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("mentor_pay_rule"):
            cleaned["mentor_pay_rate"] = None
        elif cleaned.get("mentor_pay_rate") is None and "mentor_pay_rate" not in self.errors:
            self.add_error("mentor_pay_rate", RATE_REQUIRED)
        return cleaned

"""The meeting form: what the mentor or the curator records about a meeting of a pair or group."""

from __future__ import annotations

import uuid
from typing import Any

from crispy_forms.layout import Fieldset
from django import forms
from django.core import signing

from mentoring.forms import fieldless_helper
from mentoring.models import MenteeEntry

from .meetings import meeting_problems
from .models import Meeting, Pair

TOKEN_SALT = "pairs.meeting-form"
TOKEN_MAX_AGE = 12 * 60 * 60
STALE_FORM = "Форма устарела: откройте страницу записи встречи заново."
DURATION = "Продолжительность встречи — от 5 до 600 минут."


class MeetingForm(forms.ModelForm):
    """A new meeting carries a one-time signed token, so that sending the same form twice records it once."""

    duration_minutes = forms.IntegerField(
        label="Продолжительность, минут",
        min_value=5,
        max_value=600,
        initial=Meeting._meta.get_field("duration_minutes").default,
        error_messages={"min_value": DURATION, "max_value": DURATION, "invalid": DURATION},
    )
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    nonce = ""

    class Meta:
        model = Meeting
        fields = [
            "status",
            "starts_at",
            "kind",
            "format",
            "topic",
            "duration_minutes",
            "present",
            "outcome",
            "next_step",
        ]
        widgets = {
            "status": forms.RadioSelect,
            "format": forms.RadioSelect,
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "present": forms.CheckboxSelectMultiple,
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "next_step": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "topic": "Тема попадает в календарь телефона наставника: не пишите в ней имён учеников.",
            "present": "Отметьте наставляемых, которые были на встрече.",
        }

    def __init__(self, *args: Any, pair: Pair, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pair = pair
        self.fields["status"].choices = Meeting.Status.choices
        self.fields["format"].choices = Meeting.Format.choices
        present = self.fields["present"]
        present.queryset = MenteeEntry.objects.filter(
            pair_memberships__pair=pair, pair_memberships__is_current=True
        ).select_related("person")
        present.error_messages["invalid_choice"] = "Отметьте только наставляемых этой пары."
        present.error_messages["invalid_pk_value"] = "Отметьте только наставляемых этой пары."
        names = ["status", "starts_at", "kind", "format", "topic", "duration_minutes"]
        if self.instance.pk:
            del self.fields["form_token"]
        else:
            names.append("form_token")
            self.initial["form_token"] = signing.dumps(uuid.uuid4().hex, salt=TOKEN_SALT)
            has_meetings = pair.meetings.exists()
            self.initial["kind"] = Meeting.Kind.REGULAR if has_meetings else Meeting.Kind.ORGANISATIONAL
        self.helper = fieldless_helper(
            Fieldset("Встреча", *names), Fieldset("Итоги встречи", "present", "outcome", "next_step")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "form_token" in self.fields:
            try:
                self.nonce = signing.loads(
                    cleaned.get("form_token", ""), salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE
                )
            except signing.BadSignature:
                self.add_error(None, STALE_FORM)
        if cleaned.get("status") and cleaned.get("starts_at"):
            # The instance still holds the stored values here: the form copies its own onto it afterwards.
            problems = meeting_problems(
                pair=self.pair,
                status=cleaned["status"],
                starts_at=cleaned["starts_at"],
                before=self.instance if self.instance.pk else None,
            )
            for field, message in problems.items():
                self.add_error(field, message)
        return cleaned

    def meeting_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "present"}

"""Forms of a pair's page: its status actions, the rows of its personalised programme and their marks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone

from mentoring.forms import DateInput, fieldless_helper
from mentoring.models import Role

from .models import Pair, PlanItem
from .services import TERM_REQUIRED, TERMINATION_REASON_REQUIRED

S = Pair.Status


@dataclass(frozen=True)
class StatusAction:
    """A step of the pair's lifecycle as a button on its page, and the role that may take it."""

    to: str
    label: str
    role: str
    date_label: str = ""  # empty: the step takes no date
    note_label: str = "Комментарий"
    note_required: bool = False
    button: str = "btn-primary"


STATUS_ACTIONS = {
    action.to: action
    for action in (
        StatusAction(S.ACTIVE, "Начать работу", Role.CURATOR, date_label="Дата начала работы"),
        StatusAction(
            S.COMPLETED, "Завершить", Role.CURATOR, date_label="Дата завершения", button="btn-success"
        ),
        StatusAction(
            S.TERMINATED,
            "Прекратить",
            Role.CURATOR,
            date_label="Дата прекращения",
            note_label="Причина прекращения",
            note_required=True,
            button="btn-outline-danger",
        ),
    )
}


class PairStatusForm(forms.Form):
    """One status action; `shown` carries the status the page was shown with, so a stale form changes
    nothing. Each action has its own prefix: several of them share one page."""

    shown = forms.CharField(widget=forms.HiddenInput)
    on = forms.DateField(label="Дата", widget=DateInput(), error_messages={"required": "Укажите дату."})
    note = forms.CharField(label="Комментарий", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, action: StatusAction, pair: Pair, **kwargs) -> None:
        kwargs.setdefault("initial", {"shown": pair.status, "on": timezone.localdate()})
        super().__init__(*args, prefix=action.to, **kwargs)
        self.action = action
        if action.date_label:
            self.fields["on"].label = action.date_label
        else:
            del self.fields["on"]
        note = self.fields["note"]
        note.label, note.required = action.note_label, action.note_required
        note.error_messages["required"] = TERMINATION_REASON_REQUIRED
        self.helper = fieldless_helper()


PLAN_LABELS = {
    # The columns of seed 004's plan table.
    "activity": "Мероприятия",
    "work_form": "Виды, форма деятельности",
    "area": "Направление наставнической деятельности",
    "direction": "Этапы деятельности, направления деятельности",
    "risks": "Возможные риски при реализации программы",
    "prevention": "Способы предотвращения",
    "expected_result": "Ожидаемые результаты",
    "criteria": "Критерии оценивания эффективности мер",
    "term": "Срок",
    "due_on": "Выполнить до",
}


class PlanItemForm(forms.ModelForm):
    class Meta:
        model = PlanItem
        fields = list(PLAN_LABELS)
        labels = PLAN_LABELS
        help_texts = {
            "due_on": "Дата, после которой невыполненный пункт отмечается как просроченный, "
            "если пара уже начала работу."
        }
        widgets = {
            "due_on": DateInput(),
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in ("work_form", "direction", "risks", "prevention", "expected_result", "criteria")
            },
            "activity": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "term": {"required": TERM_REQUIRED},
            "activity": {"required": "Опишите мероприятие."},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "— не выбрано —"), *PlanItem.Area.choices]
        self.helper = fieldless_helper()

    def item_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PlanItemMarkForm(forms.Form):
    done_on = forms.DateField(
        label="Дата выполнения", widget=DateInput(), error_messages={"required": "Укажите дату выполнения."}
    )
    done_note = forms.CharField(
        label="Комментарий к отметке",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Что сделано, где посмотреть результат.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fieldless_helper()

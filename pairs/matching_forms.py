"""Forms of matching: the weights and candidates of a run, the edits of a proposal, the preferences."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from mentoring.error_summary import field_link
from mentoring.forms import fieldless_helper
from mentoring.models import MenteeEntry, MentorEntry
from programs.models import Programme

from . import matching, rules
from .models import Preference
from .proposals import MAX_CHOICES


def entries_of(model: type[MentorEntry] | type[MenteeEntry], programme: Programme, side: int) -> QuerySet:
    """The active entries of the programme's school whose people may take this side in its form."""
    kinds = rules.FORM_KINDS[programme.form.code][side]
    return (
        model.objects.for_school(programme.school_id)
        .active()
        .filter(person__kind__in=kinds, person__archived_at__isnull=True)
        .select_related("person")
        .order_by(*model._meta.ordering, "pk")
    )


def mentor_entries(programme: Programme) -> QuerySet[MentorEntry]:
    return entries_of(MentorEntry, programme, 0)


def mentee_entries(programme: Programme) -> QuerySet[MenteeEntry]:
    return entries_of(MenteeEntry, programme, 1)


class MatchingForm(forms.Form):
    """The candidates ticked in the two lists and the weight of each criterion."""

    mentors = forms.ModelMultipleChoiceField(
        label="Наставники",
        queryset=MentorEntry.objects.none(),
        error_messages={
            "required": "Отметьте хотя бы одного наставника.",
            "invalid_choice": "Отмеченного наставника нет в базе этой школы.",
        },
    )
    mentees = forms.ModelMultipleChoiceField(
        label="Наставляемые",
        queryset=MenteeEntry.objects.none(),
        error_messages={
            "required": "Отметьте хотя бы одного наставляемого.",
            "invalid_choice": "Отмеченного наставляемого нет в базе этой школы.",
        },
    )

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentors"].queryset = MentorEntry.objects.for_school(programme.school_id)
        self.fields["mentees"].queryset = MenteeEntry.objects.for_school(programme.school_id)
        defaults = matching.Weights().as_dict()
        for name, label in matching.CRITERIA.items():
            self.fields[name] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=matching.MAX_WEIGHT,
                initial=defaults[name],
                error_messages={
                    "required": "Укажите вес от 0 до 5.",
                    "invalid": "Вес — целое число от 0 до 5.",
                    "min_value": "Вес не может быть меньше 0.",
                    "max_value": "Вес не может быть больше 5.",
                },
            )
        self.helper = fieldless_helper(*matching.CRITERIA)

    def error_link(self, field: forms.BoundField) -> tuple[str, str]:
        """The candidates are ticked in the lists of the page, each list under its heading."""
        if field.name in ("mentors", "mentees"):
            return str(field.label), f"{field.name}-title"
        return field_link(field)

    def weights(self) -> matching.Weights:
        return matching.Weights(**{name: self.cleaned_data[name] for name in matching.CRITERIA})

    def chosen_ids(self, name: str) -> list[int]:
        return [entry.pk for entry in self.cleaned_data[name]]


def id_field(required: str) -> forms.IntegerField:
    return forms.IntegerField(error_messages={"required": required, "invalid": required})


class RemoveForm(forms.Form):
    row_id = id_field("Не выбрана пара.")


class ChangeMentorForm(RemoveForm):
    mentor_id = id_field("Выберите нового наставника.")


class SwapForm(RemoveForm):
    other_row_id = id_field("Выберите пару, с которой обменяться наставниками.")


class AddPairForm(forms.Form):
    mentor_id = id_field("Выберите наставника.")
    mentee_id = id_field("Выберите наставляемого.")


class EntryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: MentorEntry | MenteeEntry) -> str:
        school_class = obj.person.school_class
        return f"{obj.person.full_name}, {school_class}" if school_class else obj.person.full_name


PLACES = ("first", "second", "third")


class PreferenceForm(forms.Form):
    """One participant's choice of up to three partners after the group meeting, first choice first."""

    def __init__(self, *args, programme: Programme, side: str, **kwargs) -> None:
        super().__init__(*args, prefix=side, **kwargs)
        self.side = side
        chooser_side = 1 if side == Preference.Side.MENTEE else 0
        choosers = entries_of((MentorEntry, MenteeEntry)[chooser_side], programme, chooser_side)
        partners = entries_of((MenteeEntry, MentorEntry)[chooser_side], programme, 1 - chooser_side)
        who, whom = ("Наставляемый", "наставник") if chooser_side else ("Наставник", "наставляемый")
        self.fields["chooser"] = EntryChoiceField(
            queryset=choosers,
            label=f"{who}, который выбирает",
            empty_label="— выберите —",
            error_messages={"required": f"Выберите, кто выбирает: {who.lower()}."},
        )
        for place, name in enumerate(PLACES[:MAX_CHOICES], start=1):
            self.fields[name] = EntryChoiceField(
                queryset=partners, label=f"{place}-й выбор: {whom}", required=False, empty_label="—"
            )
        self.helper = fieldless_helper()

    def clean(self) -> dict:
        cleaned = super().clean()
        partners = [cleaned[name] for name in PLACES[:MAX_CHOICES] if cleaned.get(name)]
        if len({p.pk for p in partners}) != len(partners):
            raise forms.ValidationError(
                "Один и тот же участник выбран дважды: у каждого места свой участник."
            )
        cleaned["partners"] = partners
        return cleaned


class PreferenceImportForm(forms.Form):
    file = forms.FileField(
        label="Файл с выбором участников",
        help_text="XLSX или CSV со столбцами «Кто выбирает», «Кого выбирает», «Место».",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
        error_messages={
            "required": "Выберите файл.",
            "empty": "Файл пуст: выберите файл с выбором участников.",
        },
    )

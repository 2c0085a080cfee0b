"""Forms of matching: the weights and candidates of a run, the edits of a proposal, the preferences."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from mentoring.error_summary import field_link
from mentoring.filters import CONSENT_CHOICES, name_filter
from mentoring.forms import TEACHER_CATEGORIES, fieldless_helper
from mentoring.models import MenteeCategory, MenteeEntry, MentorEntry, Person, parse_school_class
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


# The names are listed, each with its box, only while the filter finds no more than this many on a side: a
# large base is chosen by its filter alone, so the page and its post stay small however many people it holds.
LIST_LIMIT = 100
WAITING, ELSEWHERE, ALL = "waiting", "elsewhere", "all"
SCOPES = (
    (WAITING, "Только ждущие пары, подходящие по классу"),
    (ELSEWHERE, "И те, кто уже в паре другой программы"),
    (ALL, "Все найденные, кроме выбывших и уже в паре этой программы"),
)


def school_classes(value: str) -> list[tuple[int, str]]:
    """«7Б, 8 «А»; 9» → [(7, "Б"), (8, "А"), (9, "")]."""
    return [parse_school_class(part.strip()) for part in re.split(r"[,;]", value) if part.strip()]


class CandidateFilter(forms.Form):
    """One side's candidates asked for by what they are rather than ticked one by one."""

    q = forms.CharField(
        label="Фамилия или имя",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "например, Иванова"}),
    )
    consent = forms.ChoiceField(
        label="Согласие на обработку ПДн", choices=[("", "Все"), *CONSENT_CHOICES], required=False
    )

    def __init__(self, data, *, prefix: str) -> None:
        super().__init__(data, prefix=prefix)
        self.helper = fieldless_helper()

    def values(self) -> dict:
        """The valid fields of what was asked: a wrong one is shown with its error, the rest applies."""
        self.is_valid()
        return self.cleaned_data

    def narrow(self, rows: QuerySet) -> QuerySet:
        values = self.values()
        if values.get("q"):
            rows = name_filter(rows, values["q"], "person__")
        if values.get("consent"):
            rows = rows.filter(has_consent_flag=values["consent"] == "present")
        return rows

    def is_used(self) -> bool:
        values = self.values()
        return values.get("scope", WAITING) not in ("", WAITING) or any(
            value for name, value in values.items() if name != "scope"
        )

    def takes(self, row: MentorEntry | MenteeEntry) -> bool:
        """Whether a found row goes to the run unless the curator unticks it: the ones in play."""
        return not row.aside


class MentorFilter(CandidateFilter):
    kind = forms.MultipleChoiceField(
        label="Кто", required=False, choices=Person.Kind.choices, widget=forms.CheckboxSelectMultiple
    )
    field_order = ["kind", "q", "consent"]

    def __init__(self, data, *, programme: Programme, prefix: str = "mentor") -> None:
        super().__init__(data, prefix=prefix)
        kinds = rules.FORM_KINDS[programme.form.code][0]
        if len(kinds) > 1:
            self.fields["kind"].choices = [(k, label) for k, label in Person.Kind.choices if k in kinds]
        else:
            del self.fields["kind"]

    def narrow(self, rows: QuerySet) -> QuerySet:
        rows = super().narrow(rows)
        kinds = self.values().get("kind")
        return rows.filter(person__kind__in=kinds) if kinds else rows


class MenteeFilter(CandidateFilter):
    grade = forms.TypedMultipleChoiceField(
        label="Параллели",
        required=False,
        coerce=int,
        choices=[(grade, str(grade)) for grade in range(1, 12)],
        widget=forms.CheckboxSelectMultiple,
    )
    school_class = forms.CharField(
        label="Классы",
        required=False,
        max_length=200,
        help_text="Через запятую; вместе с отмеченными параллелями.",
        widget=forms.TextInput(attrs={"placeholder": "например, 7Б, 8А"}),
    )
    category = forms.ModelMultipleChoiceField(
        label="Категории наставляемых",
        required=False,
        queryset=MenteeCategory.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Любая из отмеченных.",
        error_messages={"invalid_choice": "Такой категории наставляемых нет: обновите страницу."},
    )
    scope = forms.ChoiceField(
        label="Кого включить", required=False, choices=SCOPES, initial=WAITING, widget=forms.RadioSelect
    )
    field_order = ["grade", "school_class", "category", "q", "consent", "scope"]

    def __init__(self, data, *, programme: Programme, prefix: str = "mentee") -> None:
        if f"{prefix}-scope" not in data:
            data = data.copy()
            data[f"{prefix}-scope"] = WAITING
        super().__init__(data, prefix=prefix)
        self.grades = rules.programme_grades(programme)
        if Person.Kind.TEACHER not in rules.FORM_KINDS[programme.form.code][1]:
            self.fields["category"].queryset = MenteeCategory.objects.exclude(code__in=TEACHER_CATEGORIES)

    def clean_school_class(self) -> list[tuple[int, str]]:
        try:
            return school_classes(self.cleaned_data["school_class"])
        except ValidationError as error:
            raise ValidationError(f"{error.messages[0]} Несколько классов пишутся через запятую.") from None

    def narrow(self, rows: QuerySet) -> QuerySet:
        rows = super().narrow(rows)
        values = self.values()
        classes = Q(person__grade__in=values.get("grade") or [])
        for grade, letter in values.get("school_class") or []:
            classes |= Q(person__grade=grade, **({"person__class_letter": letter} if letter else {}))
        if values.get("grade") or values.get("school_class"):
            rows = rows.filter(classes)
        if values.get("category"):
            # A subquery, not a join: a pupil of two chosen categories is one row, and its counts stay right.
            of_categories = MenteeEntry.objects.filter(categories__in=values["category"]).values("pk")
            rows = rows.filter(pk__in=of_categories)
        return rows

    def takes(self, row: MenteeEntry) -> bool:
        candidate, scope = row.candidate, self.values().get("scope") or WAITING
        if not row.aside:
            return True
        if candidate.left or candidate.busy or scope == WAITING:
            return False
        return scope == ALL or (candidate.paired_elsewhere and self.grades.take(candidate))


class MatchingForm(forms.Form):
    """The weight of each criterion and, while the names are listed, the candidates ticked among them."""

    mentors = forms.ModelMultipleChoiceField(
        label="Наставники",
        required=False,
        queryset=MentorEntry.objects.none(),
        error_messages={"invalid_choice": "Отмеченного наставника нет в базе этой школы."},
    )
    mentees = forms.ModelMultipleChoiceField(
        label="Наставляемые",
        required=False,
        queryset=MenteeEntry.objects.none(),
        error_messages={"invalid_choice": "Отмеченного наставляемого нет в базе этой школы."},
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

    @property
    def shows(self) -> bool:
        """Sent by «Показать» (or Enter in a filter): the filters are applied, nothing is proposed."""
        return self.is_bound and "show" in self.data

    def listed(self, key: str) -> bool:
        """Whether the page listed this side's names with their boxes, so that the ticks say who goes; after
        «Показать» the ticks were of another list, and the rows the filter takes are ticked anew."""
        return self.is_bound and f"{key}-listed" in self.data and not self.shows

    def ticked_ids(self, key: str) -> set[int]:
        return {entry.pk for entry in self.cleaned_data[f"{key}s"]}


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

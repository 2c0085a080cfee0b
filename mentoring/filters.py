"""Search, filters and sorting of the people list and the two bases."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django_filters.constants import EMPTY_VALUES

from programs.models import MentoringForm

from .access import shown_categories
from .models import (
    MenteeCategory,
    MenteeEntry,
    MentorEntry,
    Organisation,
    Person,
    consent_date,
    parse_school_class,
)
from .search import search_key

GRADES = [(grade, f"{grade} классы") for grade in range(1, 12)]
CONSENT_CHOICES = [("present", "Есть"), ("missing", "Нет")]
ARCHIVE_CHOICES = [("yes", "В архиве")]
FILTER_ORDER = (
    "q",
    "school",
    "school_class",
    "grade",
    "kind",
    "category",
    "status",
    "form",
    "consent",
    "archived",
    "o",
)


def name_matches(value: str, person_path: str = "") -> Q:
    """Every word must match one part of the name: «Иванова Анна» finds the surname and the name.

    Words and names are compared in one spelling (mentoring/search.py), as a LIKE that a trigram index
    serves on PostgreSQL."""
    words = search_key(value).split()[:5]
    return Q(*(Q(**{f"{person_path}search_name__contains": word}) for word in words))


def name_filter(queryset: QuerySet, value: str, person_path: str = "") -> QuerySet:
    """The queryset is one organisation's already: the name is looked for among its people only."""
    return queryset.filter(name_matches(value, person_path))


class SchoolClassField(forms.CharField):
    def clean(self, value: str) -> tuple[int, str] | None:
        value = super().clean(value).strip()
        if not value:
            return None
        if re.search(r"[A-Za-z]", value):
            raise ValidationError("Буква класса пишется кириллицей, например 7 «Б».")
        return parse_school_class(value)


class SchoolClassFilter(django_filters.CharFilter):
    field_class = SchoolClassField


class ColumnOrdering(django_filters.OrderingFilter):
    """Sorting by a table column; a column may sort by several fields (a name is three of them)."""

    def __init__(self, *, columns: dict[str, tuple[str, tuple[str, ...]]], **kwargs) -> None:
        self.columns = {key: fields for key, (_label, fields) in columns.items()}
        kwargs["fields"] = {key: key for key in columns}
        kwargs["field_labels"] = {key: label for key, (label, _fields) in columns.items()}
        kwargs.setdefault("label", "Сортировка")
        super().__init__(**kwargs)

    descending_fmt = "%s (по убыванию)"

    def filter(self, qs: QuerySet, value: list[str]) -> QuerySet:
        if value in EMPTY_VALUES:
            return qs
        ordering = []
        for param in value:
            descending = param.startswith("-")
            ordering += [("-" if descending else "") + f for f in self.columns[param.removeprefix("-")]]
        # The primary key last keeps the pages stable when many rows share a value.
        return qs.order_by(*ordering, "pk")


def choice(label: str, choices, method: str, **kwargs) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        label=label, choices=choices, method=method, empty_label="Все", **kwargs
    )


class PeopleFilterSet(django_filters.FilterSet):
    """Filters shared by the three lists; `person_path` says how a row reaches its person."""

    person_path = ""

    q = django_filters.CharFilter(
        label="Поиск по ФИО",
        method="filter_name",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Фамилия, имя или отчество"}),
    )
    school_class = SchoolClassFilter(
        label="Класс",
        method="filter_school_class",
        widget=forms.TextInput(attrs={"placeholder": "например, 7Б"}),
    )
    grade = choice("Параллель", GRADES, "filter_grade")
    kind = choice("Кто", Person.Kind.choices, "filter_kind")
    consent = choice("Согласие на обработку ПДн", CONSENT_CHOICES, "filter_consent")
    archived = django_filters.ChoiceFilter(
        label="Показать", choices=ARCHIVE_CHOICES, empty_label="Действующие", method="filter_archived"
    )
    school = django_filters.ModelChoiceFilter(
        label="Школа", queryset=Organisation.objects.none(), empty_label="Все школы"
    )

    def __init__(self, data=None, queryset=None, *, schools: QuerySet[Organisation] | None = None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters = {name: self.filters[name] for name in FILTER_ORDER if name in self.filters}
        # Only a coordinator, looking at a whole department, chooses a school.
        if schools is None:
            del self.filters["school"]
        else:
            self.filters["school"].queryset = schools

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("archived"):
            queryset = queryset.filter(archived_at__isnull=True)
        return queryset

    def filter_name(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return name_filter(queryset, value, self.person_path)

    def filter_school_class(self, queryset: QuerySet, name: str, value: tuple[int, str]) -> QuerySet:
        grade, letter = value
        queryset = queryset.filter(**{f"{self.person_path}grade": grade})
        return queryset.filter(**{f"{self.person_path}class_letter": letter}) if letter else queryset

    def filter_grade(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{f"{self.person_path}grade": value})

    def filter_kind(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{f"{self.person_path}kind": value})

    def filter_consent(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Every list shows the date of the consent in force: the filter reads the same column, and adds it
        # to rows that do not carry it.
        if "consent_date" not in queryset.query.annotations:
            person = self.person_path.removesuffix("__") or "pk"
            queryset = queryset.annotate(consent_date=consent_date(person))
        return queryset.filter(consent_date__isnull=value != "present")

    def filter_archived(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(archived_at__isnull=False)


NAME = ("ФИО", ("{p}last_name", "{p}first_name", "{p}patronymic"))
SCHOOL_CLASS = ("Класс", ("{p}grade", "{p}class_letter", "{p}last_name", "{p}first_name"))


def columns(person_path: str, **extra: tuple[str, tuple[str, ...]]) -> dict:
    spec = {"name": NAME, "class": SCHOOL_CLASS, **extra}
    return {
        key: (label, tuple(f.format(p=person_path) for f in fields)) for key, (label, fields) in spec.items()
    }


class PersonFilterSet(PeopleFilterSet):
    o = ColumnOrdering(columns=columns("", kind=("Кто", ("kind", "last_name", "first_name"))))

    class Meta:
        model = Person
        fields: list[str] = []


class BaseEntryFilterSet(PeopleFilterSet):
    person_path = "person__"

    form = django_filters.ModelChoiceFilter(
        label="Форма наставничества",
        field_name="forms",
        queryset=MentoringForm.objects.all(),
        empty_label="Все",
    )


BASE_COLUMNS = {
    "status": ("Статус", ("status", "person__last_name", "person__first_name")),
    "included": ("Включён в базу", ("included_on",)),
}


class MentorEntryFilterSet(BaseEntryFilterSet):
    status = django_filters.ChoiceFilter(
        label="Статус", choices=MentorEntry.Status.choices, empty_label="Все"
    )
    o = ColumnOrdering(columns=columns("person__", **BASE_COLUMNS))

    class Meta:
        model = MentorEntry
        fields: list[str] = []


class MenteeEntryFilterSet(BaseEntryFilterSet):
    category = django_filters.ModelChoiceFilter(
        label="Категория", field_name="categories", queryset=MenteeCategory.objects.all(), empty_label="Все"
    )
    status = django_filters.ChoiceFilter(
        label="Статус", choices=MenteeEntry.Status.choices, empty_label="Все"
    )
    o = ColumnOrdering(columns=columns("person__", **BASE_COLUMNS))

    class Meta:
        model = MenteeEntry
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        # Filtering by a category one may not see would tell who is in it.
        self.filters["category"].queryset = shown_categories(getattr(self.request, "roles", ()))

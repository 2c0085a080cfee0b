"""Search, filters and sorting of the list of pairs and groups."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet

from mentoring.filters import ColumnOrdering, name_matches
from mentoring.models import MentorEntry, Organisation
from programs.models import MentoringForm, Programme

from . import agreements
from .health import health_case
from .models import Health, Pair, PairMentee

MENTOR_NAME = ("mentor__person__last_name", "mentor__person__first_name", "mentor__person__patronymic")


class PairFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Поиск по ФИО",
        method="filter_name",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Наставник или наставляемый"}),
    )
    school = django_filters.ModelChoiceFilter(
        label="Школа", queryset=Organisation.objects.none(), empty_label="Все школы"
    )
    programme = django_filters.ModelChoiceFilter(
        label="Программа", queryset=Programme.objects.none(), empty_label="Все"
    )
    status = django_filters.ChoiceFilter(label="Статус", choices=Pair.Status.choices, empty_label="Все")
    health = django_filters.ChoiceFilter(
        label="Состояние", choices=Health.choices, empty_label="Все", method="filter_health"
    )
    consent = django_filters.ChoiceFilter(
        label="Согласие наставника-педагога",
        choices=[("waiting", "Не подписано")],
        empty_label="Все",
        method="filter_consent",
    )
    form = django_filters.ModelChoiceFilter(
        label="Форма наставничества",
        field_name="programme__form",
        queryset=MentoringForm.objects.all(),
        empty_label="Все",
    )
    o = ColumnOrdering(
        columns={
            "mentor": ("Наставник", MENTOR_NAME),
            "status": ("Статус", ("status", *MENTOR_NAME)),
            "started": ("Начало работы", ("started_on", *MENTOR_NAME)),
        }
    )

    class Meta:
        model = Pair
        fields: list[str] = []

    def __init__(
        self,
        data=None,
        queryset=None,
        *,
        pairs: QuerySet[Pair],
        schools: QuerySet[Organisation] | None = None,
        **kwargs,
    ):
        super().__init__(data, queryset, **kwargs)
        # The programmes of the pairs the user may see: those of its school, or its own pairs'. They are read
        # from the pairs without the list's columns: a subquery of the annotated rows costs more to build
        # than the choices' query takes to run.
        self.filters["programme"].queryset = Programme.objects.filter(pk__in=pairs.values("programme"))
        # Only a coordinator, looking at a whole department, chooses a school.
        if schools is None:
            del self.filters["school"]
        else:
            self.filters["school"].queryset = schools

    def filter_name(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """A pair is found by its mentor's name or by any of its mentees' names; only the pairs the user
        sees are looked into, not every person of the municipality."""
        members = PairMentee.objects.filter(name_matches(value, "mentee__person__"), pair=OuterRef("pk"))
        # The mentor's name in a subquery too: compared over the join, it made PostgreSQL hash every person
        # of the municipality to read the mentors of a school's two hundred pairs.
        mentor = MentorEntry.objects.filter(name_matches(value, "person__"), pk=OuterRef("mentor"))
        return queryset.filter(Exists(mentor) | Exists(members))

    def filter_health(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Rows show `Pair.health` read from the signs; the filter counts it in SQL, and only when asked."""
        return queryset.alias(health=health_case()).filter(health=value)

    def filter_consent(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return agreements.without_signed_consent(queryset)

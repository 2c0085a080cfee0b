"""Search, filters and sorting of the list of programmes."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from mentoring.filters import ColumnOrdering
from mentoring.models import Organisation

from .models import MentoringForm, Programme

SORTABLE = {
    "title": ("Название", ("title",)),
    "term": ("Срок реализации", ("starts_on", "ends_on", "title")),
    "status": ("Статус", ("status_order", "title")),  # status_order: annotated by the view
}


class ProgrammeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Поиск по названию",
        method="filter_title",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Слово из названия"}),
    )
    school = django_filters.ModelChoiceFilter(
        label="Школа", queryset=Organisation.objects.none(), empty_label="Все школы"
    )
    status = django_filters.ChoiceFilter(label="Статус", choices=Programme.Status.choices, empty_label="Все")
    form = django_filters.ModelChoiceFilter(
        label="Форма наставничества", queryset=MentoringForm.objects.all(), empty_label="Все"
    )
    o = ColumnOrdering(columns=SORTABLE)

    class Meta:
        model = Programme
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, schools: QuerySet[Organisation] | None = None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        # Only a coordinator, looking at a whole department, chooses a school.
        if schools is None:
            del self.filters["school"]
        else:
            self.filters["school"].queryset = schools

    def filter_title(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Every word must be in the title, whatever its case."""
        for word in value.split()[:5]:
            # SQLite folds the case of Latin letters only, so the usual spellings are matched explicitly.
            spellings = {word, word.lower(), word.capitalize(), word.upper()}
            queryset = queryset.filter(Q(*(Q(title__icontains=s) for s in spellings), _connector=Q.OR))
        return queryset

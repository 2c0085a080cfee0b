"""«Журнал доступа к персональным данным»: the director reads who viewed, exported or downloaded whose data.
There is no page that changes an entry."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from .access import allow, reading_school
from .filters import name_filter
from .forms import DateInput
from .models import AccessRecord, DataAccess, Role, User
from .tables import Column, table_page

LOG_READERS = frozenset({Role.DIRECTOR})
COLUMNS = (Column("Когда"), Column("Кто"), Column("Действие"), Column("Чьи данные"), Column("Что"))


class AccessRecordFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Чьи данные",
        method="filter_name",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Фамилия, имя или отчество"}),
    )
    user = django_filters.ModelChoiceFilter(label="Кто", queryset=User.objects.none(), empty_label="Все")
    action = django_filters.ChoiceFilter(label="Действие", choices=DataAccess.choices, empty_label="Все")
    since = django_filters.DateFilter(label="С", field_name="at", lookup_expr="date__gte", widget=DateInput())
    until = django_filters.DateFilter(
        label="По", field_name="at", lookup_expr="date__lte", widget=DateInput()
    )

    class Meta:
        model = AccessRecord
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["user"].queryset = User.objects.filter(pk__in=queryset.values("user")).order_by(
            "last_name", "first_name", "username"
        )

    def filter_name(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return name_filter(queryset, value, "person__")


@allow(LOG_READERS)
def access_log(request: HttpRequest) -> HttpResponse:
    school = reading_school(request, LOG_READERS)
    rows = AccessRecord.objects.for_school(school).select_related("user", "person")
    filterset = AccessRecordFilterSet(request.GET, queryset=rows)
    context = {**table_page(request, filterset, COLUMNS), "section": "access_log", "school": school}
    return render(request, "mentoring/access_log.html", context)


urlpatterns = [path("school/access-log/", access_log, name="access_log")]

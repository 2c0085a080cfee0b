"""List tables: their columns, sorting, paging and the formats a list exports to."""

from dataclasses import dataclass, replace

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .access import NO_NAMED_LISTS

PER_PAGE_CHOICES = (20, 50, 100)
EXPORT_FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class Column:
    """A column of a list table; `sort` is its value of the `o` parameter when it is sortable."""

    label: str
    sort: str = ""
    current: str = ""

    @property
    def state(self) -> str:
        if not self.sort:
            return ""
        return {self.sort: "asc", f"-{self.sort}": "desc"}.get(self.current, "")

    @property
    def next_order(self) -> str:
        return f"-{self.sort}" if self.state == "asc" else self.sort

    @property
    def aria_sort(self) -> str:
        return {"asc": "ascending", "desc": "descending"}.get(self.state, "")


class CountingPaginator(Paginator):
    """A page of rows that brings the number of all rows with it: each row carries `COUNT(*) OVER ()`, one
    query where a paginator runs two. A page past the end, or rows made distinct (a window counts before
    DISTINCT removes the repeats), are counted apart, as Django's paginator does."""

    def get_page(self, number) -> Page:
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        if number < 1 or self.object_list.query.distinct:
            return super().get_page(number)
        bottom = (number - 1) * self.per_page
        rows = list(
            self.object_list.annotate(rows_in_all=Window(Count("*")))[bottom : bottom + self.per_page]
        )
        if not rows and number > 1:
            return super().get_page(number)
        self.count = rows[0].rows_in_all if rows else 0
        return self._get_page(rows, number, self)


def table_page(request: HttpRequest, filterset, columns: tuple[Column, ...]) -> dict:
    """The context of a list table: what the filters found, sorted, one page of it, and its columns."""
    per_page = request.GET.get("per_page", "")
    per_page = int(per_page) if per_page in {str(n) for n in PER_PAGE_CHOICES} else PER_PAGE_CHOICES[0]
    page = CountingPaginator(filterset.qs, per_page).get_page(request.GET.get("page"))
    current = (filterset.form.cleaned_data.get("o") or [""])[0]
    return {
        "filter": filterset,
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
        "columns": [replace(column, current=current) for column in columns],
        "per_page": per_page,
        "per_page_choices": PER_PAGE_CHOICES,
        "is_filtered": any(v for k, v in request.GET.items() if k not in ("o", "page", "per_page")),
    }


def counts_page(
    request: HttpRequest, *, rows: QuerySet, schools: QuerySet, title: str, section: str
) -> HttpResponse:
    """A department's list without names: how many rows each school has (least privilege, 152-ФЗ)."""
    counted = dict(rows.order_by().values_list("school").annotate(n=Count("pk")))
    lines = [(school, counted.get(school.pk, 0)) for school in schools]
    context = {
        "section": section,
        "title": title,
        "lines": lines,
        "total": sum(counted.values()),
        "notice": NO_NAMED_LISTS,
    }
    return render(request, "mentoring/department_counts.html", context)

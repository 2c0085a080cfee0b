"""`make bench`: closing the school year of the large municipality's biggest school, its preview and its undo.

Figures are printed, never asserted; only the query counts are part of the contract: they do not grow with
the school.
"""

import datetime
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from mentoring import school_year
from mentoring.models import Organisation, Person
from pairs.models import Pair

QUERY_BOUND = 150


def measured(work) -> tuple[object, float, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
    return result, seconds * 1000, len(queries)


@pytest.mark.django_db
def test_closing_the_year_of_the_biggest_school(department):
    school = (
        Organisation.objects.filter(department=department)
        .annotate(pupils=Count("people", filter=Q(people__kind=Person.Kind.PUPIL)))
        .order_by("-pupils", "pk")
        .first()
    )
    year = school_year.year_to_close(school)
    june = datetime.datetime(year.end_year, 6, 20, 10, tzinfo=ZoneInfo("Europe/Moscow"))
    pairs = Pair.objects.for_school(school)
    print(
        f"\nЗавершение {year.label} учебного года, {connection.vendor}: {school.short_name}, "
        f"учеников {school.pupils}, пар и групп в работе {pairs.current().count()}"
    )
    with time_machine.travel(june, tick=True):
        preview, preview_ms, preview_queries = measured(lambda: school_year.year_preview(school=school))
        assert preview.refusal is None
        closing, close_ms, close_queries = measured(
            lambda: school_year.year_close(school=school, year=year, by=None)
        )
        _, revert_ms, revert_queries = measured(
            lambda: school_year.year_closing_revert(closing=closing, by=None)
        )
    print(f"  предпросмотр       {preview_ms:8.1f} мс, запросов к базе {preview_queries}")
    print(f"  завершение года    {close_ms:8.1f} мс, запросов к базе {close_queries}")
    print(f"  отмена завершения  {revert_ms:8.1f} мс, запросов к базе {revert_queries}")
    assert max(preview_queries, close_queries, revert_queries) < QUERY_BOUND

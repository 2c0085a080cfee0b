"""`make bench`: the coordinator's home, «Школы» and target indicators pages on the large municipality.

Figures are printed, never asserted; the query counts are the contract: the same for the fifteen schools of
the municipality as for a department of one school.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring.academic_year import AcademicYear
from mentoring.models import Membership, Organisation, Role, User
from roadmap.indicators import indicators_fill_from_seed

from .conftest import REPEATS, timings
from .test_bench_pairs import login

PAGES = ("home", "department_schools", "indicator_list")


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


def one_school_department(department: Organisation) -> str:
    """A department of one of the municipality's schools, moved there for this test only (rolled back)."""
    small = Organisation.objects.create(
        kind=Organisation.Kind.DEPARTMENT, full_name="Малое управление образования", short_name="Малое"
    )
    Organisation.objects.filter(pk__in=department.schools.order_by("pk").values("pk")[:1]).update(
        department=small
    )
    user = User.objects.create(username="bench_small_coordinator")
    Membership.objects.create(user=user, organisation=small, role=Role.COORDINATOR)
    indicators_fill_from_seed(department=small)
    return user.username


@pytest.mark.django_db
def test_department_pages(department, client):
    indicators_fill_from_seed(department=department)
    schools = department.schools.count()
    coordinator = login(client, "bench_coordinator")
    end_year = AcademicYear.current().end_year
    print(
        f"\nСтраницы координатора, школ {schools}, {connection.vendor}, год показателей {end_year}, "
        f"{REPEATS} запросов на страницу:"
    )
    counts = {}
    for name in PAGES:
        url = reverse(name)
        first, second = queries_of(coordinator, url), queries_of(coordinator, url)
        median, p95 = timings(lambda url=url: coordinator.get(url))
        print(
            f"  {name:19}: медиана {median:7.1f} мс, 95-й процентиль {p95:7.1f} мс, запросов к базе {first}"
        )
        assert first == second, name
        counts[name] = first

    small = login(client, one_school_department(department))
    for name in PAGES:
        assert queries_of(small, reverse(name)) == counts[name], f"{name}: the count grows with the schools"

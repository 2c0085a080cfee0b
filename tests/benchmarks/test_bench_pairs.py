"""`make bench`: the pair page and the mentor's home on the large municipality with years of pairs.

Figures are printed, never asserted; only the query counts are part of the contract.
"""

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring.models import Organisation, User
from pairs.models import Meeting, Pair

from .conftest import REPEATS, timings


def login(client, username: str):
    client.force_login(
        User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend"
    )
    return client


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_pair_page(department, client):
    school = Organisation.objects.get(memberships__user__username="bench_curator")
    busiest = (
        Pair.objects.filter(school=school)
        .annotate(meetings_count=Count("meetings", distinct=True), size=Count("members", distinct=True))
        .filter(size=1)
        .order_by("-meetings_count", "pk")
    )
    many = busiest.first()
    few = busiest.filter(programme__form=many.programme.form_id, status=many.status).last()
    curator = login(client, "bench_curator")

    print(f"\nСтраница пары, {connection.vendor}, {REPEATS} запросов на страницу:")
    counts = []
    for pair in (few, many):
        url = reverse("pair_detail", args=[pair.pk])
        counts.append(queries_of(curator, url))
        median, p95 = timings(lambda url=url: curator.get(url))
        print(
            f"  встреч у пары {pair.meetings_count:3}: медиана {median:7.1f} мс, "
            f"95-й процентиль {p95:7.1f} мс, запросов к базе {counts[-1]}"
        )
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_mentors_home(department, client):
    mentor = login(client, "bench_mentor")
    pairs = Pair.objects.mentored_by(User.objects.get(username="bench_mentor"))
    url = reverse("home")

    count = queries_of(mentor, url)
    median, p95 = timings(lambda: mentor.get(url))

    meetings = Meeting.objects.filter(pair__in=pairs).count()
    print(
        f"\nГлавная страница наставника (пар и групп в работе: {pairs.current().count()}, "
        f"всего: {pairs.count()}, встреч: {meetings}), {connection.vendor}, {REPEATS} запросов: "
        f"медиана {median:7.1f} мс, 95-й процентиль {p95:7.1f} мс, запросов к базе {count}"
    )

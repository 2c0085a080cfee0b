"""`make bench`: the mentee base list page on the large municipality (the import: test_bench_import.py).

Figures are printed, never asserted; only the query counts are part of the contract.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentoring.models import MenteeCategory, User

from .conftest import REPEATS, timings


@pytest.fixture
def curator_client(client, department):
    client.force_login(
        User.objects.get(username="bench_curator"), backend="django.contrib.auth.backends.ModelBackend"
    )
    return client


@pytest.mark.django_db
def test_mentee_base_list_page(curator_client):
    category = MenteeCategory.objects.get(code="low_results")
    pages = {
        "первая страница": "/mentees/",
        "фильтр (категория, без согласия, 7 класс)": (
            f"/mentees/?category={category.pk}&consent=missing&grade=7"
        ),
        "поиск по фамилии": "/mentees/?q=Иван",
    }
    print(f"\nСписок базы наставляемых, {connection.vendor}, {REPEATS} запросов на страницу:")
    for label, url in pages.items():
        assert curator_client.get(url).status_code == 200
        median, p95 = timings(lambda url=url: curator_client.get(url))
        print(f"  {label:45} медиана {median:7.1f} мс, 95-й процентиль {p95:7.1f} мс")

    counts = {}
    for size in (20, 100):
        with CaptureQueriesContext(connection) as queries:
            response = curator_client.get(f"/mentees/?per_page={size}")
        assert len(response.context["page_obj"].object_list) == size
        counts[size] = len(queries)
    print(f"  запросов к базе: {counts[20]} при 20 строках, {counts[100]} при 100 строках")
    assert counts[20] == counts[100]

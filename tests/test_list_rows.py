"""The rows of the lists are built without an `{% include %}` per cell, and look exactly as before: one cell
per column of the header (the phone layout labels each cell by its column), the same badges."""

import datetime
import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.core.paginator import Paginator
from django.db import connection
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentoring.filters import MenteeEntryFilterSet, PersonFilterSet
from mentoring.models import MenteeCategory, MenteeEntry, Person, Role
from mentoring.tables import CountingPaginator
from mentoring.templatetags.filter_fields import filter_field

from .factories import ConsentFactory, MenteeEntryFactory, PairFactory, PersonFactory


def body_rows(html: str) -> list[str]:
    """The rows of the table's body, their whitespace collapsed the way a browser shows it."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    body = re.sub(r"\s+", " ", body)
    return [re.sub(r"\s+</td>", "</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body)]


def header_cells(html: str) -> int:
    return html.split("<thead", 1)[1].split("</thead>", 1)[0].count("<th ")


@pytest.mark.django_db
def test_a_mentee_row_has_a_cell_per_column_with_its_status_and_consent_badges(curator_client, school):
    entry = MenteeEntryFactory(school=school, person__school=school, status=MenteeEntry.Status.WAITING)
    ConsentFactory(person=entry.person, date=datetime.date(2026, 9, 1))

    html = curator_client.get("/mentees/").text

    [row] = body_rows(html)
    assert row.count("<td") == header_cells(html)
    assert f'<td><a href="/mentees/{entry.pk}/">{entry.person.full_name}</a></td>' in row
    assert '<td><span class="badge text-bg-info">Ожидает наставника</span></td>' in row
    assert '<td><span class="badge text-bg-success">Согласие от 01.09.2026</span></td>' in row


@pytest.mark.django_db
def test_an_archived_mentee_without_consent_shows_both_badges(curator_client, school):
    entry = MenteeEntryFactory(school=school, person__school=school, archived_at=timezone.now())

    [row] = body_rows(curator_client.get("/mentees/?archived=yes").text)

    archived_on = timezone.localdate().strftime("%d.%m.%Y")
    assert f'</a> <span class="badge text-bg-secondary">В архиве с {archived_on}</span></td>' in row
    assert '<td><span class="badge text-bg-warning">Нет согласия</span></td>' in row
    assert entry.person.full_name in row


@pytest.mark.django_db
def test_a_pair_row_has_a_cell_per_column_with_its_status_order_and_dates(client_as, school):
    pair = PairFactory(programme__school=school)
    html = client_as(Role.DIRECTOR, school).get("/pairs/").text

    [row] = body_rows(html)
    assert row.count("<td") == header_cells(html)
    assert (
        '<td><span class="badge text-bg-success">Работает</span> '
        '<span class="badge text-bg-light border border-warning text-nowrap" title="Ни один приказ не '
        'утверждает эту пару: её можно включить в приказ о закреплении пар">без приказа</span></td>'
    ) in row
    assert '<td class="text-nowrap small">с 15.09.2026<br>до 30.06.2027</td>' in row
    assert f'aria-label="Утвердить приказом: {pair.mentor.person.full_name} — {pair.mentees_label}"' in row


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/mentees/", "/mentors/", "/pairs/"])
def test_a_list_reads_its_filters_choices_without_a_cursor_on_the_server(curator_client, school, url):
    if connection.vendor != "postgresql":
        pytest.skip("Курсоры на стороне сервера есть только в PostgreSQL.")
    PairFactory(programme__school=school)

    with CaptureQueriesContext(connection) as queries:
        assert curator_client.get(url).status_code == 200

    assert [q["sql"] for q in queries if q["sql"].startswith("DECLARE")] == []


@pytest.mark.django_db
def test_postgresql_plans_for_a_database_held_in_memory_without_compiling_queries():
    if connection.vendor != "postgresql":
        pytest.skip("Настройки планировщика есть только в PostgreSQL.")

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('random_page_cost'), current_setting('jit')")
        assert cursor.fetchone() == ("1.1", "off")


# Every kind of filter field: a search, a class typed in, choices with one chosen, a choice that does not
# exist (the field shows its error), a date that is not one.
FILTERED = [
    ("person_list", Role.CURATOR, "q=Ив&school_class=7Б&kind=pupil&consent=нет-такого"),
    ("mentor_list", Role.CURATOR, "grade=7&status=active&form=999"),
    ("mentee_list", Role.CURATOR, "category=1&status=нет-такого&archived=yes"),
    ("pair_list", Role.CURATOR, "q=Ив&status=active&health=нет-такого"),
    ("programme_list", Role.CURATOR, "q=план&status=draft&form=999"),
    ("access_log", Role.DIRECTOR, "action=card&since=вчера&until=2026-09-01"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "role", "query"), FILTERED)
def test_a_lists_filters_are_drawn_exactly_as_crispy_draws_them(client_as, school, url_name, role, query):
    response = client_as(role, school).get(f"{reverse(url_name)}?{query}")
    fields = [field for field in response.context["filter"].form if field.name != "o"]

    drawn = [filter_field(field) for field in fields]

    assert any(field.errors for field in fields), "a filter with an error is among those compared"
    for field, html in zip(fields, drawn, strict=True):
        assert html in response.text
        assert parse_html(html) == parse_html(as_crispy_field(field)), field.name


@pytest.mark.django_db
def test_a_page_of_a_list_brings_the_count_of_all_its_rows_in_the_same_query(django_assert_num_queries):
    PersonFactory.create_batch(5)
    rows = Person.objects.order_by("pk")

    with django_assert_num_queries(1):
        page = CountingPaginator(rows, 2).get_page("2")
        assert (page.paginator.count, page.paginator.num_pages, len(page)) == (5, 3, 2)


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["1", "2", "3", "4", "99", "0", "-1", "два", "", None])
def test_the_counting_paginator_gives_the_page_djangos_paginator_gives(number):
    PersonFactory.create_batch(5)
    rows = Person.objects.order_by("pk")

    counted, expected = CountingPaginator(rows, 2).get_page(number), Paginator(rows, 2).get_page(number)

    assert (counted.number, list(counted), counted.paginator.count) == (
        expected.number,
        list(expected),
        expected.paginator.count,
    )


@pytest.mark.django_db
def test_an_empty_list_counts_no_rows():
    assert CountingPaginator(Person.objects.order_by("pk"), 2).get_page("1").paginator.count == 0


@pytest.mark.django_db
def test_rows_made_distinct_are_counted_once_each(school):
    entry = MenteeEntryFactory(school=school, person__school=school)
    entry.categories.set(MenteeCategory.objects.all()[:2])
    # Joined to its two categories the entry comes twice; DISTINCT leaves one row, and so must the count.
    rows = MenteeEntry.objects.filter(categories__in=MenteeCategory.objects.all()).distinct().order_by("pk")

    assert CountingPaginator(rows, 20).get_page("1").paginator.count == 1


@pytest.mark.django_db
def test_postgresql_plans_a_query_once_for_the_connection_from_its_third_run(school):
    if connection.vendor != "postgresql":
        pytest.skip("Подготовленные запросы есть только в PostgreSQL.")

    for _ in range(3):
        assert list(Person.objects.filter(school=school, last_name="Нет такого")) == []

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%Нет такого%"]
        )
        assert cursor.fetchone() == (0,), "the parameters are bound on the server, not written into the query"
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "mentoring_person" WHERE ("mentoring_person"."last_name" = $%'],
        )
        assert cursor.fetchone() == (1,)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filterset_class", "row_of"),
    [(PersonFilterSet, lambda entry: entry.person), (MenteeEntryFilterSet, lambda entry: entry)],
)
def test_the_consent_filter_works_on_rows_that_do_not_carry_the_consent_date(school, filterset_class, row_of):
    given, missing, revoked = MenteeEntryFactory.create_batch(3, school=school)
    ConsentFactory(person=given.person)
    ConsentFactory(person=revoked.person, revoked_at=timezone.now())
    model = filterset_class._meta.model
    rows = model.objects.filter(pk__in=[row_of(entry).pk for entry in (given, missing, revoked)])
    for value, expected in {"present": [given], "missing": [missing, revoked]}.items():
        found = filterset_class({"consent": value}, queryset=rows).qs
        assert sorted(row.pk for row in found) == sorted(row_of(entry).pk for entry in expected)

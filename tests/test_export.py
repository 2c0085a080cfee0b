"""Export of the people list and the two bases to XLSX and CSV."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from mentoring.imports import MenteeEntryResource, MentorEntryResource, PersonResource, export_response
from mentoring.models import MenteeCategory, MenteeEntry, MentorEntry, Person, Role

from .factories import ConsentFactory, MenteeEntryFactory, MentorEntryFactory, PersonFactory

pytestmark = pytest.mark.django_db

DANGEROUS = ["=1+1", "+7 900 000-00-00", "-2+3", "@SUM(A1)", "\tтаб", "\rвозврат"]


def csv_rows(response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Russian Excel
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))


def xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def xlsx_types(response) -> set[str]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return {cell.data_type for row in sheet.iter_rows(min_row=2) for cell in row if cell.value is not None}


@pytest.fixture
def dangerous_people(school):
    """People whose cells a spreadsheet would run as formulae."""
    return [
        PersonFactory(school=school, last_name=value, first_name="Иван", phone=value, position=value)
        for value in DANGEROUS
    ]


def test_a_csv_export_is_utf8_with_semicolons_and_russian_headers(school):
    PersonFactory(school=school, last_name="Иванов", first_name="Иван", patronymic="Иванович")
    response = export_response(PersonResource, Person.objects.all(), "csv", "people")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response)
    assert rows[0] == [
        "Фамилия",
        "Имя",
        "Отчество",
        "Дата рождения",
        "Класс",
        "Кто это",
        "Должность",
        "Предметы",
        "Стаж",
        "Телефон",
        "Электронная почта",
    ]
    assert rows[1][:6] == ["Иванов", "Иван", "Иванович", "17.05.2012", "7 «Б»", "Обучающийся"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_file_is_named_in_ascii_with_the_date(school, fmt):
    response = export_response(PersonResource, Person.objects.none(), fmt, "mentees")
    assert response["Content-Disposition"] == (
        f'attachment; filename="mentees-{timezone.localdate():%Y-%m-%d}.{fmt}"'
    )


def test_a_csv_export_neutralises_every_formula_start(dangerous_people):
    rows = csv_rows(export_response(PersonResource, Person.objects.order_by("pk"), "csv", "people"))
    surnames = [row[0] for row in rows[1:]]
    phones = [row[9] for row in rows[1:]]
    assert surnames == ["'" + value for value in DANGEROUS]
    assert phones == ["'" + value for value in DANGEROUS]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_an_xlsx_export_neutralises_every_formula_start_and_writes_no_formula(dangerous_people):
    response = export_response(PersonResource, Person.objects.order_by("pk"), "xlsx", "people")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = xlsx_rows(response)
    # Whether a lone CR reads back as CR or LF depends on the XML library openpyxl finds (lxml keeps it).
    expected = ["'" + value.replace("\r", "\n") for value in DANGEROUS]
    assert [row[0].replace("\r", "\n") for row in rows[1:]] == expected
    assert [row[6].replace("\r", "\n") for row in rows[1:]] == expected
    assert "f" not in xlsx_types(response)  # no cell is a formula


def test_ordinary_values_are_left_as_they_are(school):
    MentorEntryFactory(person__school=school, school=school, capacity=3, competencies="Олимпиады; проекты")
    rows = csv_rows(export_response(MentorEntryResource, MentorEntry.objects.all(), "csv", "mentors"))
    assert rows[0][-3:] == ["Компетенции", "Сколько наставляемых", "Статус"]
    assert rows[1][-3:] == ["Олимпиады; проекты", "3", "Отобран"]
    assert rows[1][0] == "Орлова"


def test_a_mentee_export_has_categories_status_and_consent(school):
    with_consent = MenteeEntryFactory(person__school=school, school=school, person__last_name="Анисимов")
    ConsentFactory(person=with_consent.person, date=datetime.date(2026, 9, 1))
    with_consent.categories.set(MenteeCategory.objects.filter(code__in=["high_ability", "disability"]))
    MenteeEntryFactory(person__school=school, school=school, person__last_name="Борисов")
    rows = csv_rows(export_response(MenteeEntryResource, MenteeEntry.objects.all(), "csv", "mentees"))
    header = rows[0]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_name["Анисимов"]["Категории"] == (
        "Проявившие выдающиеся способности; С ограниченными возможностями здоровья (ОВЗ, рекомендация ПМПК)"
    )
    assert by_name["Анисимов"]["Согласие"] == "есть, от 01.09.2026"
    assert by_name["Борисов"]["Согласие"] == "нет"
    assert by_name["Борисов"]["Статус"] == "Ожидает наставника"
    assert by_name["Борисов"]["Кто выявил"] == "Классный руководитель"


def make_mentees(school, count: int) -> None:
    categories = list(MenteeCategory.objects.all()[:2])
    for _ in range(count):
        entry = MenteeEntryFactory(person__school=school, school=school)
        entry.categories.set(categories)
        ConsentFactory(person=entry.person)


@pytest.mark.parametrize(
    "resource, model",
    [(PersonResource, Person), (MenteeEntryResource, MenteeEntry), (MentorEntryResource, MentorEntry)],
)
def test_an_export_runs_as_many_queries_for_50_rows_as_for_5(school, other_school, resource, model):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            export_response(resource, model.objects.filter(school=school), "xlsx", "list")
        return len(captured)

    make_mentees(school, 5)
    MentorEntryFactory.create_batch(5, person__school=school, school=school)
    few = queries()
    make_mentees(school, 45)
    MentorEntryFactory.create_batch(45, person__school=school, school=school)
    assert queries() == few


def test_the_mentee_list_exports_what_its_filter_shows(client_as, school, other_school):
    waiting = MenteeEntryFactory(person__school=school, school=school, person__last_name="Ждущий")
    MenteeEntryFactory(
        person__school=school, school=school, person__last_name="Впаре", status=MenteeEntry.Status.PAIRED
    )
    MenteeEntryFactory(person__school=other_school, school=other_school, person__last_name="Чужой")
    client = client_as(Role.CURATOR, school)
    response = client.get(reverse("mentee_list"), {"status": "waiting", "format": "xlsx"})
    assert response.status_code == 200
    rows = xlsx_rows(response)
    assert rows[0][0] == "Фамилия"
    assert [row[0] for row in rows[1:]] == [waiting.person.last_name]

    everything = csv_rows(client.get(reverse("mentee_list"), {"format": "csv"}))
    assert sorted(row[0] for row in everything[1:]) == ["Впаре", "Ждущий"]


def test_the_people_list_exports_neutralised_cells(client_as, school, dangerous_people):
    client = client_as(Role.CURATOR, school)
    rows = csv_rows(client.get(reverse("person_list"), {"format": "csv"}))
    assert sorted(row[0] for row in rows[1:]) == sorted("'" + value for value in DANGEROUS)

"""The access log in use: who viewed a card, exported a list, downloaded a scan or a document; the
director's page of the log, which nobody can edit."""

import datetime
import io

import pytest
from django.contrib.admin.sites import site
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from mentoring.access_log import access_record
from mentoring.models import AccessRecord, DataAccess, MenteeCategory, Role

from .factories import (
    ConsentFactory,
    DepartmentFactory,
    DocumentFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    PairFactory,
    PersonFactory,
    SchoolFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def only_record() -> AccessRecord:
    return AccessRecord.objects.get()


# What is logged.


def test_viewing_a_persons_card_is_logged_with_who_and_whose(client_as, school):
    person = PersonFactory(school=school)
    client = client_as(Role.PSYCHOLOGIST, school)

    client.get(f"/people/{person.pk}/")
    client.get(f"/people/{person.pk}/")

    records = list(AccessRecord.objects.all())
    assert len(records) == 2  # every view, not once per visit
    assert {(r.action, r.person, r.school, r.user.memberships.get().role) for r in records} == {
        (DataAccess.CARD, person, school, Role.PSYCHOLOGIST)
    }


@pytest.mark.parametrize("base", ["mentors", "mentees"])
def test_viewing_an_entry_of_a_base_is_logged_as_a_card_of_its_person(client_as, school, base):
    factory = MentorEntryFactory if base == "mentors" else MenteeEntryFactory
    entry = factory(school=school, person__school=school)

    client_as(Role.DIRECTOR, school).get(f"/{base}/{entry.pk}/")

    record = only_record()
    assert (record.action, record.person, record.school) == (DataAccess.CARD, entry.person, school)


def test_an_export_is_logged_with_its_list_filter_and_rows_but_not_the_searched_name(client_as, school):
    low = MenteeCategory.objects.get(code="low_results")
    for _ in range(3):
        MenteeEntryFactory(school=school, person__school=school).categories.add(low)
    MenteeEntryFactory(school=school, person__school=school, person__grade=5)
    client = client_as(Role.CURATOR, school)

    response = client.get(
        "/mentees/", {"format": "xlsx", "school_class": "7Б", "category": low.pk, "q": "Смирнов"}
    )

    assert response.status_code == 200
    record = only_record()
    assert record.action == DataAccess.LIST_EXPORT and record.person is None
    assert record.what == (
        f"База наставляемых (XLSX); фильтр: поиск по ФИО, класс: 7 «Б», категория: {low.name}"
    )
    assert "Смирнов" not in record.what
    assert record.rows == 1  # the one Смирнов of 7 «Б» among the three


def test_an_unfiltered_export_names_only_the_list(client_as, school):
    PersonFactory.create_batch(2, school=school)

    client_as(Role.CURATOR, school).get("/people/", {"format": "csv"})

    assert (only_record().what, only_record().rows) == ("Список участников (CSV)", 2)


def test_a_departments_own_export_is_logged_in_the_department(client_as):
    department = DepartmentFactory(named_lists_for_coordinator=True)
    school = SchoolFactory(department=department)
    MentorEntryFactory(school=school, person__school=school)

    client_as(Role.COORDINATOR, department).get("/mentors/", {"format": "xlsx", "school": school.pk})

    record = only_record()
    assert record.school == department
    assert record.what == f"База наставников (XLSX); фильтр: школа: {school.short_name}"


def test_an_export_of_pairs_is_logged(client_as, school):
    PairFactory(programme__school=school)

    client_as(Role.DIRECTOR, school).get("/pairs/", {"format": "xlsx"})

    assert (only_record().what, only_record().rows) == ("Список пар и групп (XLSX)", 1)


def test_the_mentors_timesheet_download_is_logged(client_as, school):
    month = timezone.localdate().replace(day=1)

    response = client_as(Role.DIRECTOR, school).get(f"/hours/{month.year}/{month.month}/xlsx/")

    assert response.status_code == 200
    record = only_record()
    assert record.action == DataAccess.LIST_EXPORT and record.what.startswith("Табель учёта часов")


def test_downloading_a_consent_scan_is_logged_with_its_person(client_as, school):
    consent = ConsentFactory(person=PersonFactory(school=school), date=datetime.date(2026, 9, 1))
    consent.scan.save("soglasie.pdf", ContentFile(b"%PDF-1.4"))

    client_as(Role.CURATOR, school).get(f"/consents/{consent.pk}/scan/")

    record = only_record()
    assert (record.action, record.person) == (DataAccess.SCAN, consent.person)
    assert record.what == "Скан согласия на обработку персональных данных от 01.09.2026"


def test_downloading_a_document_and_its_signed_scan_is_logged_without_its_title(client_as, school):
    document = DocumentFactory(school=school, title="О наставнике Иванове Артёме")
    document.file.save("order.pdf", ContentFile(b"%PDF-1.4"))
    document.signed_scan.save("signed.pdf", ContentFile(b"%PDF-1.4"), save=False)
    document.signed_on = datetime.date(2026, 9, 11)
    document.save()
    client = client_as(Role.CURATOR, school)

    assert client.get(reverse("document_file", args=[document.pk])).status_code == 200
    assert client.get(reverse("document_signed_scan", args=[document.pk])).status_code == 200

    records = AccessRecord.objects.order_by("pk")
    assert [r.action for r in records] == [DataAccess.DOCUMENT, DataAccess.SCAN]
    number = f"№ {document.number} от 10.09.2026"
    assert records[0].what == f"{document.kind_label} {number}"
    assert records[1].what == f"Скан подписанного экземпляра: {document.kind_label} {number}"
    assert all("Иванов" not in r.what for r in records)


def test_a_publishable_document_about_no_one_is_not_logged(client_as, school):
    document = DocumentFactory(school=school, kind="order_introduction")
    document.file.save("order.pdf", ContentFile(b"%PDF-1.4"))

    client_as(Role.CURATOR, school).get(reverse("document_file", args=[document.pk]))

    assert not AccessRecord.objects.exists()


# The director's page.


@pytest.fixture
def log(school):
    """Three records of the school, oldest first, and one of another school."""
    smirnov = PersonFactory(school=school, last_name="Смирнов")
    kuznetsov = PersonFactory(school=school, last_name="Кузнецов")
    reader = UserFactory(username="reader", last_name="Петрова")
    made = [
        access_record(user=reader, school=school, action=DataAccess.CARD, person=smirnov, what="Карточка"),
        access_record(user=UserFactory(), school=school, action=DataAccess.SCAN, person=kuznetsov),
        access_record(user=reader, school=school, action=DataAccess.LIST_EXPORT, what="Список", rows=40),
    ]
    other = SchoolFactory()
    access_record(
        user=UserFactory(), school=other, action=DataAccess.CARD, person=PersonFactory(school=other)
    )
    return made


def listed(response) -> list[AccessRecord]:
    return list(response.context["page_obj"])


def test_the_director_sees_the_schools_log_newest_first(client_as, school, log):
    response = client_as(Role.DIRECTOR, school).get("/school/access-log/")

    assert response.status_code == 200
    assert listed(response) == log[::-1]
    assert "Журнал доступа к персональным данным" in response.text
    assert "записей: 40" in response.text


def test_the_director_filters_the_log_by_person_user_action_and_dates(client_as, school, log):
    client = client_as(Role.DIRECTOR, school)
    today = timezone.localdate()

    assert listed(client.get("/school/access-log/", {"q": "смирнов"})) == [log[0]]
    assert listed(client.get("/school/access-log/", {"user": log[0].user_id})) == [log[2], log[0]]
    assert listed(client.get("/school/access-log/", {"action": DataAccess.SCAN})) == [log[1]]
    assert len(listed(client.get("/school/access-log/", {"since": today, "until": today}))) == 3
    assert listed(client.get("/school/access-log/", {"until": today - datetime.timedelta(days=1)})) == []


def test_the_log_page_runs_a_fixed_number_of_queries(client_as, school, log, django_assert_num_queries):
    client = client_as(Role.DIRECTOR, school)
    client.get("/school/access-log/")  # the session's first save
    with django_assert_num_queries(5):
        client.get("/school/access-log/", {"per_page": 20})
    for _ in range(30):
        access_record(
            user=UserFactory(), school=school, action=DataAccess.CARD, person=PersonFactory(school=school)
        )

    # The same for 33 records as for 3: the request's own, the filter's users, one page of records with
    # their users, their people and the count of all.
    with django_assert_num_queries(5):
        client.get("/school/access-log/", {"per_page": 20})


@pytest.mark.parametrize("role", [Role.CURATOR, Role.PSYCHOLOGIST, Role.TEACHER, Role.MENTOR, Role.MENTEE])
def test_no_one_but_the_director_reads_the_log(client_as, school, log, role):
    response = client_as(role, school).get("/school/access-log/")

    assert response.status_code == 403


def test_the_coordinator_does_not_read_a_schools_log(client_as, school, log):
    assert client_as(Role.COORDINATOR, school.department).get("/school/access-log/").status_code == 403


def test_the_menu_links_the_director_to_the_log(client_as, school):
    assert 'href="/school/access-log/"' in client_as(Role.DIRECTOR, school).get("/").text
    assert 'href="/school/access-log/"' not in client_as(Role.CURATOR, school).get("/").text


def test_the_admin_shows_the_log_read_only(admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    model_admin = site._registry[AccessRecord]

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_demo_directors_log_shows_a_card_view_and_an_export(client):
    call_command("demo", stdout=io.StringIO())
    client.post("/accounts/login/", {"username": "director", "password": "demo"})

    listed = list(client.get("/school/access-log/").context["page_obj"])

    assert {r.action for r in listed} == {DataAccess.CARD, DataAccess.LIST_EXPORT}
    assert {r.user.username for r in listed} == {"curator", "psychologist"}

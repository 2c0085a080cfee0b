"""Least privilege (152-ФЗ): the special categories of the mentee base and the consent scans are for the
school's director and curator; the psychologist reads the base without them; the municipal coordinator
sees counts, not named lists, unless its department allows them."""

import io

import pytest
from auditlog.models import LogEntry
from django.core.files.base import ContentFile
from openpyxl import load_workbook

from mentoring.models import AccessRecord, MenteeCategory, MenteeEntry, Role

from .factories import (
    ConsentFactory,
    DepartmentFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    PairFactory,
    PersonFactory,
    SchoolFactory,
)

pytestmark = pytest.mark.django_db

SCHOOL_READERS = [Role.DIRECTOR, Role.CURATOR]


@pytest.fixture
def register() -> MenteeCategory:
    return MenteeCategory.objects.get(code="prevention_register")


@pytest.fixture
def ability() -> MenteeCategory:
    return MenteeCategory.objects.get(code="high_ability")


@pytest.fixture
def registered(school, register, ability):
    """A pupil on a preventive register, and with high ability."""
    entry = MenteeEntryFactory(school=school, person__school=school, person__last_name="Учётов")
    entry.categories.add(register, ability)
    return entry


def text(response) -> str:
    return response.content.decode().replace("&laquo;", "«").replace("&raquo;", "»")


def exported(response) -> str:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None)


def test_the_preventive_register_and_health_are_the_special_categories():
    assert set(MenteeCategory.objects.filter(sensitive=True).values_list("code", flat=True)) == {
        "prevention_register",
        "disability",
    }


# Special categories.


@pytest.mark.parametrize("role", SCHOOL_READERS)
def test_the_director_and_the_curator_see_the_special_categories_everywhere(
    client_as, school, registered, register, role
):
    client = client_as(role, school)

    assert register.name in text(client.get("/mentees/"))
    assert register.name in text(client.get(f"/mentees/{registered.pk}/"))
    assert register.name in exported(client.get("/mentees/", {"format": "xlsx"}))
    assert register in client.get("/mentees/").context["filter"].form.fields["category"].queryset


def test_the_psychologist_reads_the_base_without_the_special_categories(
    client_as, school, registered, register, ability
):
    client = client_as(Role.PSYCHOLOGIST, school)

    listed, card = client.get("/mentees/"), client.get(f"/mentees/{registered.pk}/")
    export = exported(client.get("/mentees/", {"format": "xlsx"}))

    assert ability.name in text(listed) and ability.name in text(card) and ability.name in export
    assert register.name not in text(listed)
    assert register.name not in text(card)
    assert register.name not in export
    assert register not in listed.context["filter"].form.fields["category"].queryset


def test_the_psychologist_cannot_find_who_is_on_a_register_by_filtering(
    client_as, school, registered, register
):
    other = MenteeEntryFactory(school=school, person__school=school)

    response = client_as(Role.PSYCHOLOGIST, school).get("/mentees/", {"category": register.pk})

    assert set(response.context["page_obj"]) == {registered, other}  # the filter is refused, not applied


def test_the_psychologist_does_not_see_a_special_category_in_a_cards_history(
    client_as, school, registered, register
):
    curator = client_as(Role.CURATOR, school)
    curator.post(
        f"/mentees/{registered.pk}/edit/",
        {"categories": [register.pk], "request": "Помочь", "included_on": "2026-09-01", "status": "waiting"},
    )

    card = client_as(Role.PSYCHOLOGIST, school).get(f"/mentees/{registered.pk}/")

    assert register.name not in text(card)


# Consent scans.


@pytest.fixture
def scanned(school):
    consent = ConsentFactory(person=PersonFactory(school=school))
    consent.scan.save("soglasie.pdf", ContentFile(b"%PDF-1.4 scan"))
    return consent


@pytest.mark.parametrize("role", SCHOOL_READERS)
def test_the_director_and_the_curator_download_a_consent_scan(client_as, school, scanned, role):
    client = client_as(role, school)

    assert client.get(f"/consents/{scanned.pk}/scan/").status_code == 200
    assert f'href="/consents/{scanned.pk}/scan/"' in text(client.get(f"/people/{scanned.person_id}/"))


def test_the_psychologist_neither_downloads_nor_sees_a_link_to_a_consent_scan(client_as, school, scanned):
    client = client_as(Role.PSYCHOLOGIST, school)

    refused = client.get(f"/consents/{scanned.pk}/scan/")
    card = text(client.get(f"/people/{scanned.person_id}/"))

    assert refused.status_code == 403
    assert "Скан согласия скачивают только директор и куратор школы." in text(refused)
    assert f'href="/consents/{scanned.pk}/scan/"' not in card
    assert "скан хранится у куратора" in card


def test_the_coordinator_does_not_download_a_consent_scan_even_with_named_lists(client_as, school, scanned):
    school.department.named_lists_for_coordinator = True
    school.department.save()

    assert (
        client_as(Role.COORDINATOR, school.department).get(f"/consents/{scanned.pk}/scan/").status_code == 403
    )


# The coordinator: counts, unless the department allows named lists.


@pytest.fixture
def department_with_people():
    department = DepartmentFactory()
    school = SchoolFactory(department=department, short_name="МБОУ «СОШ № 3»")
    mentee = MenteeEntryFactory(school=school, person__school=school, person__last_name="Поимённов")
    MenteeEntryFactory(school=school, person__school=school, person__last_name="Второв")
    mentor = MentorEntryFactory(school=school, person__school=school)
    pair = PairFactory(programme__school=school, mentor=mentor)
    return department, school, mentee, pair


@pytest.mark.parametrize("url", ["/people/", "/mentors/", "/mentees/", "/pairs/"])
def test_the_coordinator_sees_counts_by_school_not_names(client_as, department_with_people, url):
    department, school, mentee, _pair = department_with_people
    client = client_as(Role.COORDINATOR, department)

    page = client.get(url)
    export = client.get(url, {"format": "xlsx"})

    assert page.status_code == 200
    assert school.short_name in text(page) and "только числа" in text(page)
    assert "Поимённов" not in text(page)
    assert export["Content-Type"].startswith("text/html")  # the counts again, not a file
    assert not AccessRecord.objects.exists()


def test_the_coordinators_counts_are_per_school(client_as, department_with_people):
    department, school, _mentee, _pair = department_with_people
    empty = SchoolFactory(department=department)

    response = client_as(Role.COORDINATOR, department).get("/mentees/")

    assert dict(response.context["lines"]) == {school: MenteeEntry.objects.count(), empty: 0}
    assert response.context["total"] == MenteeEntry.objects.count() == 3  # the pair's mentee too


def test_the_coordinator_opens_no_card_or_pair_without_named_lists(client_as, department_with_people):
    department, _school, mentee, pair = department_with_people
    client = client_as(Role.COORDINATOR, department)

    for url in (f"/people/{mentee.person_id}/", f"/mentees/{mentee.pk}/", f"/pairs/{pair.pk}/"):
        response = client.get(url)
        assert response.status_code == 403, url
    assert not AccessRecord.objects.exists()


def test_with_the_departments_permission_the_coordinator_sees_names(client_as, department_with_people):
    department, _school, mentee, pair = department_with_people
    department.named_lists_for_coordinator = True
    department.save()
    client = client_as(Role.COORDINATOR, department)

    assert "Поимённов" in text(client.get("/mentees/"))
    assert client.get(f"/mentees/{mentee.pk}/").status_code == 200
    assert client.get(f"/pairs/{pair.pk}/").status_code == 200
    assert client.get("/mentees/", {"format": "xlsx"})["Content-Type"].startswith("application/vnd")


def test_opening_named_lists_to_the_coordinator_is_kept_in_the_departments_history():
    department = DepartmentFactory()

    department.named_lists_for_coordinator = True
    department.save()

    change = LogEntry.objects.get_for_object(department).get(action=LogEntry.Action.UPDATE).changes_dict
    assert change["named_lists_for_coordinator"] == ["False", "True"]


def test_the_coordinator_never_sees_the_special_categories(client_as, department_with_people, register):
    department, _school, mentee, _pair = department_with_people
    mentee.categories.add(register)
    department.named_lists_for_coordinator = True
    department.save()
    client = client_as(Role.COORDINATOR, department)

    assert register.name not in text(client.get("/mentees/"))
    assert register.name not in text(client.get(f"/mentees/{mentee.pk}/"))


def test_the_coordinators_counts_cost_the_same_queries_for_one_school_and_for_four(
    client_as, department_with_people, django_assert_num_queries
):
    department, *_ = department_with_people
    client = client_as(Role.COORDINATOR, department)
    client.get("/mentees/")  # the session's first save
    with django_assert_num_queries(5) as one:
        client.get("/mentees/")
    for _ in range(3):
        school = SchoolFactory(department=department)
        MenteeEntryFactory(school=school, person__school=school)

    with django_assert_num_queries(len(one.captured_queries)):
        client.get("/mentees/")

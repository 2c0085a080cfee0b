import datetime

import pytest
from django.utils import timezone

from mentoring.models import MenteeCategory, MenteeEntry, MentorEntry, Person, Role
from programs.models import MentoringForm

from .factories import (
    ConsentFactory,
    DepartmentFactory,
    MembershipFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    PersonFactory,
    SchoolFactory,
)

NEW_PUPIL = {
    "person-last_name": "Иванова",
    "person-first_name": "Анна",
    "person-patronymic": "Сергеевна",
    "person-birth_date": "2012-05-17",
    "person-kind": "pupil",
    "person-school_class": "7Б",
}
MENTEE = {"status": "waiting", "request": "Подтянуть математику", "included_on": "2026-09-01"}
MENTOR = {"status": "candidate", "capacity": "2", "included_on": "2026-09-01"}


def rows(response) -> list:
    return list(response.context["page_obj"])


def text(response) -> str:
    return response.text.replace("&laquo;", "«").replace("&raquo;", "»")


# Adding to the bases.


def test_it_adds_a_new_pupil_to_the_mentee_base_in_one_step(curator_client, school):
    category = MenteeCategory.objects.get(code="low_results")
    form = MentoringForm.objects.get(code="teacher_pupil")

    response = curator_client.post(
        "/mentees/new/", NEW_PUPIL | MENTEE | {"categories": [category.pk], "forms": [form.pk]}, follow=True
    )

    entry = MenteeEntry.objects.get()
    assert (entry.school, entry.person.school, entry.person.full_name) == (
        school,
        school,
        "Иванова Анна Сергеевна",
    )
    assert list(entry.categories.all()) == [category] and list(entry.forms.all()) == [form]
    assert "Участник добавлен в базу наставляемых." in response.text
    assert "Иванова Анна Сергеевна" in response.text


def test_it_adds_a_person_already_in_the_school_without_asking_for_the_person_again(curator_client, school):
    person = PersonFactory(school=school)

    curator_client.post("/mentees/new/", MENTEE | {"existing_person": person.pk})

    assert MenteeEntry.objects.get().person == person
    assert Person.objects.count() == 1


def test_it_offers_only_people_of_the_school_not_yet_in_the_base(curator_client, school, other_school):
    free = PersonFactory(school=school)
    MenteeEntryFactory(person=PersonFactory(school=school))
    PersonFactory(school=other_school)
    PersonFactory(school=school, archived_at=timezone.now())

    form = curator_client.get("/mentees/new/").context["form"]

    assert list(form.fields["existing_person"].queryset) == [free]


def test_it_refuses_a_person_of_another_school_sent_by_hand(curator_client, other_school):
    stranger = PersonFactory(school=other_school)

    response = curator_client.post("/mentees/new/", MENTEE | {"existing_person": stranger.pk})

    assert response.status_code == 200
    assert "Этого участника нельзя добавить" in response.text
    assert not MenteeEntry.objects.exists()


def test_it_preselects_the_person_it_came_from(curator_client, school):
    person = PersonFactory(school=school)

    form = curator_client.get("/mentees/new/", {"person": person.pk}).context["form"]

    assert str(form["existing_person"].value()) == str(person.pk)


def test_it_creates_neither_the_person_nor_the_entry_when_the_entry_is_wrong(curator_client):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    response = curator_client.post("/mentees/new/", NEW_PUPIL | MENTEE | {"included_on": tomorrow})

    assert "Дата включения в базу не может быть в будущем." in response.text
    assert 'value="Иванова"' in response.text
    assert not Person.objects.exists()


def test_it_asks_for_the_person_when_nobody_is_picked(curator_client):
    response = curator_client.post("/mentees/new/", MENTEE)

    assert "Обязательное поле." in response.text
    assert not MenteeEntry.objects.exists()


def test_it_adds_a_teacher_to_the_mentor_base(curator_client, school):
    teacher = {
        "person-last_name": "Орлова",
        "person-first_name": "Елена",
        "person-kind": "teacher",
        "person-position": "Учитель математики",
    }

    response = curator_client.post(
        "/mentors/new/", teacher | MENTOR | {"competencies": "Олимпиады"}, follow=True
    )

    entry = MentorEntry.objects.get()
    assert (entry.person.full_name, entry.person.grade, entry.capacity) == ("Орлова Елена", None, 2)
    assert "Участник добавлен в базу наставников." in response.text


def test_it_edits_a_mentor_entry_and_records_who_did_it(curator_client, school):
    entry = MentorEntryFactory(school=school, person__school=school, status=MentorEntry.Status.SELECTED)

    curator_client.post(f"/mentors/{entry.pk}/edit/", MENTOR | {"status": "trained", "capacity": "3"})
    history = curator_client.get(f"/mentors/{entry.pk}/").context["history"]

    entry.refresh_from_db()
    assert (entry.status, entry.capacity) == ("trained", 3)
    assert history[0].actor == "Иванова Анна"
    assert {c.field: (c.old, c.new) for c in history[0].changes}["Статус"] == ("Отобран", "Обучен")


def test_it_refuses_a_mentor_capacity_out_of_range(curator_client, school):
    entry = MentorEntryFactory(school=school, person__school=school)

    response = curator_client.post(f"/mentors/{entry.pk}/edit/", MENTOR | {"capacity": "11"})

    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.capacity == 2


def test_it_archives_and_restores_an_entry(curator_client, school):
    entry = MenteeEntryFactory(school=school, person__school=school)

    curator_client.post(f"/mentees/{entry.pk}/archive/")
    assert rows(curator_client.get("/mentees/")) == []
    assert rows(curator_client.get("/mentees/", {"archived": "yes"})) == [entry]

    curator_client.post(f"/mentees/{entry.pk}/archive/", {"restore": "1"})
    entry.refresh_from_db()
    assert entry.archived_at is None


def test_it_restores_no_entry_while_its_person_is_archived(curator_client, school):
    moment = timezone.now()
    entry = MenteeEntryFactory(
        school=school, person__school=school, person__archived_at=moment, archived_at=moment
    )

    response = curator_client.post(f"/mentees/{entry.pk}/archive/", {"restore": "1"}, follow=True)

    entry.refresh_from_db()
    assert entry.archived_at is not None
    assert "сначала верните из архива его карточку" in response.text


# The mentee base list.


def test_it_shows_at_a_glance_who_lacks_a_consent(curator_client, school):
    without = MenteeEntryFactory(school=school, person__school=school, person__last_name="Бобров")
    with_consent = MenteeEntryFactory(school=school, person__school=school, person__last_name="Авдеев")
    ConsentFactory(person=with_consent.person, date=datetime.date(2026, 9, 1))

    response = curator_client.get("/mentees/")

    assert "Нет согласия" in response.text and "text-bg-warning" in response.text
    assert "Согласие от 01.09.2026" in response.text
    assert [entry.consent_date for entry in rows(response)] == [datetime.date(2026, 9, 1), None]
    assert without in rows(response)


def test_it_shows_names_classes_and_dates_the_russian_way(curator_client, school):
    MenteeEntryFactory(
        school=school,
        person__school=school,
        person__last_name="Иванова",
        person__first_name="Анна",
        person__patronymic="Сергеевна",
        person__grade=7,
        person__class_letter="Б",
        included_on=datetime.date(2026, 9, 1),
    )

    page = text(curator_client.get("/mentees/"))

    assert "Иванова Анна Сергеевна" in page
    assert "7 «Б»" in page
    assert "01.09.2026" in page


def test_it_follows_the_home_pages_links_to_waiting_mentees_and_missing_consents(curator_client, school):
    waiting = MenteeEntryFactory(school=school, person__school=school)
    paired = MenteeEntryFactory(school=school, person__school=school, status=MenteeEntry.Status.PAIRED)
    ConsentFactory(person=paired.person)

    assert rows(curator_client.get("/mentees/", {"status": "waiting"})) == [waiting]
    assert rows(curator_client.get("/mentees/", {"consent": "missing"})) == [waiting]
    assert rows(curator_client.get("/mentees/", {"consent": "present"})) == [paired]


def test_it_filters_the_mentee_base_by_category_and_form(curator_client, school):
    hardship = MenteeCategory.objects.get(code="hardship")
    form = MentoringForm.objects.get(code="pupil_pupil")
    chosen = MenteeEntryFactory(school=school, person__school=school)
    chosen.categories.add(hardship)
    chosen.forms.add(form)
    MenteeEntryFactory(school=school, person__school=school)

    assert rows(curator_client.get("/mentees/", {"category": hardship.pk})) == [chosen]
    assert rows(curator_client.get("/mentees/", {"form": form.pk})) == [chosen]


def test_it_filters_the_mentor_base_by_status_and_kind(curator_client, school):
    active = MentorEntryFactory(school=school, person__school=school, status=MentorEntry.Status.ACTIVE)
    pupil = MentorEntryFactory(school=school, person=PersonFactory(school=school, grade=10, class_letter="А"))

    assert rows(curator_client.get("/mentors/", {"status": "active"})) == [active]
    assert rows(curator_client.get("/mentors/", {"kind": "pupil"})) == [pupil]
    assert rows(curator_client.get("/mentors/", {"school_class": "10А"})) == [pupil]


def test_it_sorts_the_bases_by_status_and_inclusion_date(curator_client, school):
    early = MenteeEntryFactory(school=school, person__school=school, included_on=datetime.date(2025, 9, 1))
    late = MenteeEntryFactory(
        school=school,
        person__school=school,
        included_on=datetime.date(2026, 9, 1),
        status=MenteeEntry.Status.PAIRED,
    )

    assert rows(curator_client.get("/mentees/", {"o": "included"})) == [early, late]
    assert rows(curator_client.get("/mentees/", {"o": "-included"})) == [late, early]
    assert rows(curator_client.get("/mentees/", {"o": "status"})) == [late, early]


def test_it_shows_the_sort_direction_in_the_header(curator_client, school):
    MenteeEntryFactory(school=school, person__school=school)

    response = curator_client.get("/mentees/", {"o": "name"})

    assert 'aria-sort="ascending"' in response.text
    assert '?o=-name"' in response.text


def test_it_tells_the_curator_what_to_do_with_an_empty_mentee_base(curator_client):
    response = curator_client.get("/mentees/")

    assert "База наставляемых пуста" in response.text
    assert "импортируйте список класса" in response.text
    assert 'href="/mentees/new/"' in response.text


def test_it_says_nothing_was_found_rather_than_that_the_base_is_empty(curator_client, school):
    MenteeEntryFactory(school=school, person__school=school)

    response = curator_client.get("/mentees/", {"q": "Несуществующая"})

    assert "По этим условиям никого не нашли." in response.text
    assert "Найдено: 0" in response.text


def test_it_lets_a_coordinator_narrow_the_base_to_one_school(client_as, db):
    department = DepartmentFactory(named_lists_for_coordinator=True)
    first, second = SchoolFactory(department=department), SchoolFactory(department=department)
    one = MenteeEntryFactory(school=first, person__school=first)
    two = MenteeEntryFactory(school=second, person__school=second)
    client = client_as(Role.COORDINATOR, department)

    assert set(rows(client.get("/mentees/"))) == {one, two}
    assert rows(client.get("/mentees/", {"school": second.pk})) == [two]
    assert first.short_name in client.get("/mentees/").text
    assert 'href="/mentees/new/"' not in client.get("/mentees/").text


def test_it_shows_a_school_its_own_rows_even_to_a_curator_of_two_schools(client, make_user, school, db):
    second = SchoolFactory()
    curator = make_user(Role.CURATOR, school)
    MembershipFactory(user=curator, organisation=second, role=Role.CURATOR)
    own = MenteeEntryFactory(school=school, person__school=school)
    MenteeEntryFactory(school=second, person__school=second)
    client.force_login(curator, backend="django.contrib.auth.backends.ModelBackend")
    client.post("/organisation/switch/", {"organisation": school.pk})

    assert rows(client.get("/mentees/")) == [own]


# Query counts: the same whatever the page size.

# Session, user, memberships, one page of rows with the person, the consent and the count of all rows joined
# in, the categories of the mentees (the forms of the mentors), the mentoring forms (and categories) of the
# filter form.
MENTEE_LIST_QUERIES = 7
MENTOR_LIST_QUERIES = 6


@pytest.fixture
def many_mentees(school):
    categories = list(MenteeCategory.objects.all()[:2])
    forms = list(MentoringForm.objects.all()[:2])
    for entry in MenteeEntryFactory.create_batch(100, school=school, person__school=school):
        entry.categories.set(categories)
        entry.forms.set(forms)
        ConsentFactory(person=entry.person)


@pytest.mark.parametrize("per_page", [20, 100])
def test_it_runs_a_fixed_number_of_queries_for_the_mentee_base(
    curator_client, many_mentees, django_assert_num_queries, per_page
):
    with django_assert_num_queries(MENTEE_LIST_QUERIES):
        response = curator_client.get("/mentees/", {"per_page": per_page})

    assert len(rows(response)) == per_page


@pytest.mark.parametrize("per_page", [20, 100])
def test_it_runs_a_fixed_number_of_queries_for_the_mentor_base(
    curator_client, school, django_assert_num_queries, per_page
):
    forms = list(MentoringForm.objects.all()[:2])
    for entry in MentorEntryFactory.create_batch(100, school=school, person__school=school):
        entry.forms.set(forms)

    with django_assert_num_queries(MENTOR_LIST_QUERIES):
        response = curator_client.get("/mentors/", {"per_page": per_page})

    assert len(rows(response)) == per_page


@pytest.mark.parametrize("per_page", [20, 100])
def test_it_runs_a_fixed_number_of_queries_for_a_coordinator_too(
    client_as, django_assert_num_queries, per_page
):
    department = DepartmentFactory(named_lists_for_coordinator=True)
    schools = SchoolFactory.create_batch(3, department=department)
    for index in range(100):
        school = schools[index % 3]
        MenteeEntryFactory(school=school, person__school=school)
    client = client_as(Role.COORDINATOR, department)

    # The mentee list's queries and one more for the schools of the «Школа» filter.
    with django_assert_num_queries(MENTEE_LIST_QUERIES + 1):
        response = client.get("/mentees/", {"per_page": per_page})

    assert len(rows(response)) == per_page

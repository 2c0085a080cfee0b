import datetime

import pytest
from django.utils import timezone

from mentoring.models import Person, Role

from .factories import (
    ConsentFactory,
    DepartmentFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    PersonFactory,
    SchoolFactory,
    TeacherFactory,
)

PUPIL = {
    "last_name": "Иванова",
    "first_name": "Анна",
    "patronymic": "Сергеевна",
    "birth_date": "2012-05-17",
    "kind": "pupil",
    "school_class": "7 «Б»",
}


def names(response) -> list[str]:
    return [person.full_name for person in response.context["page_obj"]]


# Creating and editing a person.


def test_it_creates_a_pupil_in_the_curators_school(curator_client, school):
    response = curator_client.post("/people/new/", PUPIL)

    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/people/{person.pk}/"
    assert (person.school, person.full_name, person.school_class) == (
        school,
        "Иванова Анна Сергеевна",
        "7 «Б»",
    )


def test_it_ignores_a_school_sent_with_the_form(curator_client, school, other_school):
    curator_client.post("/people/new/", PUPIL | {"school": other_school.pk})

    assert Person.objects.get().school == school


def test_it_shows_the_new_persons_page_with_a_russian_message(curator_client):
    response = curator_client.post("/people/new/", PUPIL, follow=True)

    assert "Участник внесён." in response.text
    assert "Иванова Анна Сергеевна" in response.text
    assert "7 «Б»" in response.text.replace("&laquo;", "«").replace("&raquo;", "»")


def test_it_refuses_a_pupil_without_a_class_and_keeps_what_was_typed(curator_client):
    response = curator_client.post("/people/new/", PUPIL | {"school_class": ""})

    assert response.status_code == 200
    assert not Person.objects.exists()
    assert "Для обучающегося укажите класс" in response.text
    assert 'value="Иванова"' in response.text


def test_it_refuses_a_birth_date_in_the_future(curator_client):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = curator_client.post("/people/new/", PUPIL | {"birth_date": tomorrow.isoformat()})

    assert "Дата рождения не может быть в будущем." in response.text
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("typed", "message"), [("7B", "кириллицей"), ("12А", "не класс"), ("седьмой", "не класс")]
)
def test_it_refuses_a_class_that_is_no_class(curator_client, typed, message):
    response = curator_client.post("/people/new/", PUPIL | {"school_class": typed})

    assert message in response.text
    assert not Person.objects.exists()


def test_it_creates_a_teacher_without_a_class(curator_client):
    teacher = PUPIL | {
        "kind": "teacher",
        "school_class": "",
        "position": "Учитель математики",
        "subjects": "Математика",
        "experience_years": "12",
        "qualification_category": "highest",
    }

    curator_client.post("/people/new/", teacher)

    person = Person.objects.get()
    assert (person.grade, person.position, person.experience_years) == (None, "Учитель математики", 12)


def test_it_edits_a_person_and_keeps_the_class_it_showed(curator_client, school):
    person = PersonFactory(school=school, grade=7, class_letter="Б")
    page = curator_client.get(f"/people/{person.pk}/edit/")
    assert page.context["form"]["school_class"].value() == "7 «Б»"

    curator_client.post(f"/people/{person.pk}/edit/", PUPIL | {"school_class": "8в"})

    person.refresh_from_db()
    assert (person.last_name, person.grade, person.class_letter) == ("Иванова", 8, "В")


# Archive and restore.


def test_it_archives_a_person_with_its_entries_and_restores_them(curator_client, school):
    person = PersonFactory(school=school)
    entry = MenteeEntryFactory(person=person)

    curator_client.post(f"/people/{person.pk}/archive/")
    person.refresh_from_db()
    entry.refresh_from_db()
    assert person.archived_at is not None and entry.archived_at == person.archived_at
    assert names(curator_client.get("/people/")) == []
    assert names(curator_client.get("/people/?archived=yes")) == [person.full_name]

    response = curator_client.post(f"/people/{person.pk}/archive/", {"restore": "1"}, follow=True)
    person.refresh_from_db()
    entry.refresh_from_db()
    assert (person.archived_at, entry.archived_at) == (None, None)
    assert "Участник возвращён из архива." in response.text


def test_it_refuses_to_edit_an_archived_person(curator_client, school):
    person = PersonFactory(school=school, archived_at=timezone.now())

    response = curator_client.post(f"/people/{person.pk}/edit/", PUPIL, follow=True)

    person.refresh_from_db()
    assert person.last_name != "Иванова"
    assert "верните её из архива" in response.text


def test_it_offers_no_delete_only_the_archive(curator_client, school):
    person = PersonFactory(school=school)

    response = curator_client.get(f"/people/{person.pk}/")

    assert "Перенести в архив" in response.text
    assert "Удалить" not in response.text


# The list: search, filters, sorting, pagination.


@pytest.fixture
def people(school):
    return {
        "anna": PersonFactory(
            school=school,
            last_name="Иванова",
            first_name="Анна",
            patronymic="Сергеевна",
            grade=7,
            class_letter="Б",
        ),
        "maria": PersonFactory(
            school=school,
            last_name="Иванова",
            first_name="Мария",
            patronymic="Петровна",
            grade=7,
            class_letter="А",
        ),
        "petr": PersonFactory(
            school=school, last_name="Петров", first_name="Пётр", grade=9, class_letter="Б"
        ),
        "olga": TeacherFactory(school=school, last_name="Анненкова", first_name="Ольга"),
    }


def test_it_finds_a_person_by_surname_and_name_together(curator_client, people):
    response = curator_client.get("/people/", {"q": "Иванова Анна"})

    assert names(response) == ["Иванова Анна Сергеевна"]


def test_it_finds_a_person_whatever_the_case_of_the_query(curator_client, people):
    assert len(names(curator_client.get("/people/", {"q": "иванова"}))) == 2
    assert len(names(curator_client.get("/people/", {"q": "ИВАНОВА"}))) == 2


@pytest.mark.parametrize(
    ("query", "expected"), [("7Б", ["anna"]), ("7 «Б»", ["anna"]), ("7", ["anna", "maria"])]
)
def test_it_filters_by_class_written_as_schools_write_it(curator_client, people, query, expected):
    response = curator_client.get("/people/", {"school_class": query})

    assert names(response) == [people[key].full_name for key in expected]


def test_it_explains_a_class_filter_it_cannot_read(curator_client, people):
    response = curator_client.get("/people/", {"school_class": "7Z"})

    assert "кириллицей" in response.text


def test_it_filters_by_grade_and_kind(curator_client, people):
    assert len(names(curator_client.get("/people/", {"grade": "7"}))) == 2
    assert names(curator_client.get("/people/", {"kind": "teacher"})) == [people["olga"].full_name]


def test_it_filters_by_consent(curator_client, people):
    ConsentFactory(person=people["anna"])

    assert names(curator_client.get("/people/", {"consent": "present"})) == [people["anna"].full_name]
    assert people["anna"].full_name not in names(curator_client.get("/people/", {"consent": "missing"}))


def test_it_sorts_by_a_column_both_ways(curator_client, people):
    ascending = names(curator_client.get("/people/", {"o": "name"}))
    descending = names(curator_client.get("/people/", {"o": "-name"}))

    assert ascending[0].startswith("Анненкова") and descending[0].startswith("Петров")
    assert ascending == list(reversed(descending))


def test_it_sorts_by_class(curator_client, people):
    response = curator_client.get("/people/", {"o": "class", "kind": "pupil"})

    assert names(response) == [people[k].full_name for k in ("maria", "anna", "petr")]


def test_it_keeps_the_filter_in_the_sorting_and_paging_links(curator_client, school):
    PersonFactory.create_batch(25, school=school, grade=5, class_letter="А")

    response = curator_client.get("/people/", {"grade": "5", "o": "name"})

    assert "?grade=5&amp;o=name&amp;page=2" in response.text
    assert "?grade=5&amp;o=-name" in response.text
    assert "Найдено: 25" in response.text


def test_it_pages_twenty_rows_by_default_and_more_on_request(curator_client, school):
    PersonFactory.create_batch(60, school=school)

    assert len(curator_client.get("/people/").context["page_obj"]) == 20
    assert len(curator_client.get("/people/", {"per_page": "50"}).context["page_obj"]) == 50
    assert len(curator_client.get("/people/", {"per_page": "7"}).context["page_obj"]) == 20
    assert len(curator_client.get("/people/", {"page": "3"}).context["page_obj"]) == 20


def test_it_offers_the_export_of_what_is_filtered(curator_client, people):
    response = curator_client.get("/people/", {"grade": "7"})

    assert "?grade=7&amp;format=xlsx" in response.text
    assert "?grade=7&amp;format=csv" in response.text


def test_it_tells_what_to_do_when_there_is_nobody_yet(curator_client):
    response = curator_client.get("/people/")

    assert "Участников пока нет" in response.text
    assert 'href="/people/new/"' in response.text


def test_it_tells_a_director_who_keeps_the_list(client_as, school):
    response = client_as(Role.DIRECTOR, school).get("/people/")

    assert "Списки ведёт куратор школы." in response.text
    assert 'href="/people/new/"' not in response.text


def test_it_shows_a_coordinator_every_school_of_its_department_with_a_school_filter(client_as, db):
    department = DepartmentFactory(named_lists_for_coordinator=True)
    first, second = SchoolFactory(department=department), SchoolFactory(department=department)
    one, two = PersonFactory(school=first), PersonFactory(school=second)
    PersonFactory(school=SchoolFactory())
    client = client_as(Role.COORDINATOR, department)

    everything = client.get("/people/")
    narrowed = client.get("/people/", {"school": second.pk})

    assert set(everything.context["page_obj"]) == {one, two}
    assert list(narrowed.context["page_obj"]) == [two]
    assert set(everything.context["filter"].form.fields["school"].queryset) == {first, second}
    assert "Школа" in everything.text


def test_it_runs_the_same_number_of_queries_for_twenty_and_a_hundred_people(
    curator_client, school, django_assert_num_queries
):
    for person in PersonFactory.create_batch(100, school=school):
        ConsentFactory(person=person)
    MentorEntryFactory.create_batch(5, school=school, person__school=school)

    # Session, user, memberships, one page of rows (the count of all, consent, entries and school joined in).
    with django_assert_num_queries(4):
        assert len(curator_client.get("/people/", {"per_page": "20"}).context["page_obj"]) == 20
    with django_assert_num_queries(4):
        assert len(curator_client.get("/people/", {"per_page": "100"}).context["page_obj"]) == 100


# The audit trail.


def test_it_shows_who_changed_the_person_and_what(client, make_user, school):
    curator = make_user(Role.CURATOR, school)
    curator.last_name, curator.first_name = "Смирнова", "Ольга"
    curator.save()
    client.force_login(curator, backend="django.contrib.auth.backends.ModelBackend")
    person = PersonFactory(school=school, last_name="Петрова", grade=7, class_letter="Б")

    client.post(f"/people/{person.pk}/edit/", PUPIL | {"school_class": "8 «А»"})
    history = client.get(f"/people/{person.pk}/").context["history"]

    edit = history[0]
    assert (edit.actor, edit.action) == ("Смирнова Ольга", "изменение")
    changes = {change.field: (change.old, change.new) for change in edit.changes}
    assert changes["Фамилия"] == ("Петрова", "Иванова")
    assert changes["Класс (номер)"] == ("7", "8")
    assert history[-1].actor == "система"


def test_it_includes_the_consents_and_base_entries_in_the_persons_history(curator_client, school):
    person = PersonFactory(school=school)
    ConsentFactory(person=person)
    MenteeEntryFactory(person=person)

    history = curator_client.get(f"/people/{person.pk}/").context["history"]

    assert {row.subject for row in history} == {
        "Участник",
        "Согласие на обработку персональных данных",
        "Запись базы наставляемых",
    }


def test_it_shows_dates_in_the_history_as_pages_show_them(curator_client, school):
    person = PersonFactory(school=school)
    ConsentFactory(person=person, date=datetime.date(2026, 9, 1))

    history = curator_client.get(f"/people/{person.pk}/").context["history"]

    consent_created = next(row for row in history if row.subject.startswith("Согласие"))
    assert consent_created.action == "создание"
    assert {c.field: c.new for c in consent_created.changes}["Дата согласия"] == "01.09.2026"
    assert {c.field: c.new for c in consent_created.changes}[
        "Кем дано"
    ] == "Родитель (законный представитель)"


@pytest.mark.parametrize("edits", [1, 10])
def test_it_runs_a_fixed_number_of_queries_for_a_persons_page_however_long_its_history(
    curator_client, school, django_assert_num_queries, edits
):
    person = PersonFactory(school=school)
    ConsentFactory(person=person)
    MenteeEntryFactory(person=person)
    MentorEntryFactory(person=person)
    for number in range(edits):
        curator_client.post(f"/people/{person.pk}/edit/", PUPIL | {"phone": f"+7 900 000-00-{number:02}"})

    # Session, user, memberships, the person with its entries, the access record, its consents,
    # may-write, the log with its actors.
    with django_assert_num_queries(7):
        response = curator_client.get(f"/people/{person.pk}/")

    assert len(response.context["history"]) == edits + 4

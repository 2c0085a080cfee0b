"""What two requests at once, or one person typed in twice, must not do: a 500 for the second «add to base»,
two documents for one order, three cards of one pupil."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection
from django.urls import reverse

from mentoring import documents, services
from mentoring.documents import Draft
from mentoring.forms import MentorEntryForm
from mentoring.models import Document, DocumentCounter, MenteeEntry, MentorEntry, Person, Register, Role
from pairs.documents import CERTIFICATE, PAIR_REPORT
from pairs.models import Pair

from .factories import (
    DocumentFactory,
    MentorEntryFactory,
    PairFactory,
    PersonFactory,
    ProgrammeFactory,
    TeacherFactory,
    UserFactory,
)

TODAY = datetime.date(2026, 11, 23)

# «Add to base» twice


def test_putting_a_person_into_a_base_twice_is_refused_with_the_entry_already_there(school):
    teacher = TeacherFactory(school=school)
    first = services.mentor_entry_create(school=school, person=teacher, entry_data={})

    with pytest.raises(services.AlreadyInBase) as refused:
        services.mentor_entry_create(school=school, person=teacher, entry_data={"competencies": "Олимпиады"})

    assert refused.value.entry == first
    assert refused.value.messages == [
        "Орлова Елена Викторовна уже в базе наставников: открыта существующая запись."
    ]
    assert MentorEntry.objects.get().competencies == ""


def test_a_second_add_to_base_sent_at_the_same_moment_leads_to_the_entry_made_by_the_first(
    client_as, school, monkeypatch
):
    teacher = TeacherFactory(school=school)
    entry_data = MentorEntryForm.entry_data

    def first_request_commits_meanwhile(form):
        # The other request's entry appears after this form was validated, before its save.
        MentorEntryFactory(person=teacher, school=school)
        return entry_data(form)

    monkeypatch.setattr(MentorEntryForm, "entry_data", first_request_commits_meanwhile)
    client = client_as(Role.CURATOR, school)

    response = client.post(
        reverse("mentor_create"),
        {"existing_person": teacher.pk, "status": "candidate", "capacity": 1, "included_on": "2026-09-01"},
    )

    first = MentorEntry.objects.get()
    assert response.status_code == 302 and response.url == reverse("mentor_detail", args=[first.pk])
    page = client.get(response.url)
    assert "Орлова Елена Викторовна уже в базе наставников: открыта существующая запись." in page.text


def at_once(*calls) -> list:
    """Runs the calls each on its own connection, released together; what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = []

    def run(call) -> None:
        try:
            connection.ensure_connection()  # so that neither starts late, opening its connection
            barrier.wait(timeout=10)
            outcomes.append(call())
        except Exception as error:  # the outcome the test looks at
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=[call]) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Гонку двух запросов видно только на PostgreSQL: SQLite выполняет записи по очереди.")


@pytest.mark.django_db(transaction=True)
def test_two_curators_adding_one_teacher_at_the_same_moment_make_one_entry_and_no_error():
    postgresql_only()
    teacher = TeacherFactory()

    def add():
        return services.mentor_entry_create(school=teacher.school, person=teacher, entry_data={})

    outcomes = at_once(add, add)

    entry = MentorEntry.objects.get()
    assert sorted(type(o).__name__ for o in outcomes) == ["AlreadyInBase", "MentorEntry"]
    assert all(o == entry or o.entry == entry for o in outcomes)


# One order of a document, twice


@pytest.fixture
def director(db):
    return UserFactory()


def test_ordering_a_pair_report_while_it_is_rendering_gives_the_same_document(school, director):
    pair = PairFactory(programme=ProgrammeFactory(school=school))
    draft = Draft("Отчёт пары", {"pair": pair.pk}, pair=pair)

    [first] = documents.documents_request(
        school=school, kind=PAIR_REPORT, drafts=[draft], date=TODAY, by=director
    )
    Document.objects.filter(pk=first.pk).update(status=Document.Status.RENDERING)
    [second] = documents.documents_request(
        school=school, kind=PAIR_REPORT, drafts=[draft], date=TODAY, by=director
    )

    assert second == first and Document.objects.count() == 1


def test_a_curator_sending_the_pair_report_order_twice_gets_one_document(client_as, school):
    pair = PairFactory(programme=ProgrammeFactory(school=school), status=Pair.Status.ACTIVE)
    client = client_as(Role.CURATOR, school)
    order = {"date": TODAY.isoformat(), "pair": pair.pk}

    responses = [client.post(reverse("document_new", args=[PAIR_REPORT]), order) for _ in range(2)]

    document = Document.objects.get()
    assert [r.url for r in responses] == [reverse("document_detail", args=[document.pk])] * 2


def test_a_second_order_of_a_numbered_document_takes_no_number(school, director):
    person = PersonFactory(school=school)
    draft = Draft("Сертификат", {"person": person.pk}, person=person)

    made = [
        documents.documents_request(school=school, kind=CERTIFICATE, drafts=[draft], date=TODAY, by=director)
        for _ in range(2)
    ]

    assert made[0] == made[1] and made[0][0].number == "1"
    assert DocumentCounter.objects.get(register=Register.CERTIFICATES).last == 1


def test_a_document_ready_or_failed_does_not_stop_a_new_order_of_it(school, director):
    pair = PairFactory(programme=ProgrammeFactory(school=school))
    draft = Draft("Отчёт пары", {"pair": pair.pk}, pair=pair)
    ask = dict(school=school, kind=PAIR_REPORT, drafts=[draft], date=TODAY, by=director)

    [failed] = documents.documents_request(**ask)
    Document.objects.filter(pk=failed.pk).update(status=Document.Status.FAILED)
    [new] = documents.documents_request(**ask)
    [other_day] = documents.documents_request(**ask | {"date": TODAY - datetime.timedelta(days=1)})

    assert len({failed.pk, new.pk, other_day.pk}) == 3


def test_rendering_an_old_document_again_beside_a_new_order_of_it_is_allowed(school, director):
    pair = PairFactory(programme=ProgrammeFactory(school=school))
    draft = Draft("Отчёт пары", {"pair": pair.pk}, pair=pair)
    ask = dict(school=school, kind=PAIR_REPORT, drafts=[draft], date=TODAY, by=director)
    [old] = documents.documents_request(**ask)
    Document.objects.filter(pk=old.pk).update(status=Document.Status.FAILED)
    documents.documents_request(**ask)

    documents.document_regenerate(document=old)

    assert Document.objects.filter(status=Document.Status.QUEUED).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_curators_ordering_one_pair_report_at_the_same_moment_get_one_document(monkeypatch):
    postgresql_only()
    monkeypatch.setattr(documents, "documents_enqueue", lambda ids: None)
    pair = PairFactory()
    draft = Draft("Отчёт пары", {"pair": pair.pk}, pair=pair)

    def order(by):
        return documents.documents_request(
            school=pair.school, kind=PAIR_REPORT, drafts=[draft], date=TODAY, by=by
        )

    first, second = UserFactory(), UserFactory()

    outcomes = at_once(lambda: order(first), lambda: order(second))

    assert outcomes[0] == outcomes[1] == list(Document.objects.all())


def test_the_database_refuses_two_pending_orders_of_one_document(school):
    DocumentFactory(school=school, request_key="k" * 64)

    with pytest.raises(IntegrityError):
        DocumentFactory(school=school, request_key="k" * 64, status=Document.Status.RENDERING)


# One pupil typed in again

PUPIL = {
    "last_name": "Иванова",
    "first_name": "Алёна",
    "patronymic": "Сергеевна",
    "birth_date": "2012-05-17",
    "kind": "pupil",
    "school_class": "7 «Б»",
}
DUPLICATE_WARNING = "В школе уже есть Иванова Алёна Сергеевна (17.05.2012): возможно, это тот же человек."


@pytest.fixture
def alyona(school) -> Person:
    return PersonFactory(
        school=school, last_name="Иванова", first_name="Алёна", patronymic="Сергеевна", birth_date=BIRTH
    )


BIRTH = datetime.date(2012, 5, 17)


@pytest.mark.parametrize(
    "typed",
    [
        {},
        {"last_name": "ИВАНОВА", "first_name": "алена"},  # another case, «е» for «ё»
        {"first_name": " Алена ", "school_class": "8А"},  # another class does not make another pupil
    ],
    ids=["same", "case and ё", "other class"],
)
def test_a_person_with_the_name_and_birth_date_of_one_in_the_school_is_not_saved_without_asking(
    curator_client, alyona, typed
):
    response = curator_client.post(reverse("person_create"), PUPIL | typed)

    assert response.status_code == 200 and Person.objects.count() == 1
    assert DUPLICATE_WARNING in response.text
    assert f'href="{reverse("person_detail", args=[alyona.pk])}"' in response.text
    assert "Это другой человек, всё равно добавить" in response.text


def test_ticking_another_person_saves_the_namesake(curator_client, alyona):
    response = curator_client.post(reverse("person_create"), PUPIL | {"not_a_duplicate": "on"})

    assert response.status_code == 302 and Person.objects.count() == 2


@pytest.mark.parametrize(
    "typed",
    [{"birth_date": "2012-05-18"}, {"patronymic": "Петровна"}, {"first_name": "Анна"}],
    ids=["other birth date", "other patronymic", "other name"],
)
def test_a_namesake_born_on_another_day_or_otherwise_named_is_saved_without_asking(
    curator_client, alyona, typed
):
    response = curator_client.post(reverse("person_create"), PUPIL | typed)

    assert response.status_code == 302 and Person.objects.count() == 2


def test_a_person_of_another_school_is_no_duplicate(curator_client, other_school):
    PersonFactory(school=other_school, last_name="Иванова", first_name="Алёна", patronymic="Сергеевна")

    response = curator_client.post(reverse("person_create"), PUPIL)

    assert response.status_code == 302 and "Иванова Алёна" not in response.text


def test_an_edit_that_makes_a_person_the_namesake_of_another_asks_first(curator_client, school, alyona):
    other = PersonFactory(school=school, last_name="Иванова", first_name="Анна", patronymic="Сергеевна")

    response = curator_client.post(reverse("person_edit", args=[other.pk]), PUPIL)

    assert DUPLICATE_WARNING in response.text
    other.refresh_from_db()
    assert other.first_name == "Анна"
    curator_client.post(reverse("person_edit", args=[other.pk]), PUPIL | {"not_a_duplicate": "on"})
    other.refresh_from_db()
    assert other.first_name == "Алёна"


def test_an_edit_that_leaves_the_name_and_birth_date_as_they_were_does_not_ask(
    curator_client, school, alyona
):
    PersonFactory(
        school=school, last_name="Иванова", first_name="Алёна", patronymic="Сергеевна", birth_date=BIRTH
    )

    response = curator_client.post(
        reverse("person_edit", args=[alyona.pk]), PUPIL | {"school_class": "8 «А»"}
    )

    assert response.status_code == 302
    alyona.refresh_from_db()
    assert alyona.school_class == "8 «А»"


def test_a_new_person_of_a_base_with_the_name_of_one_in_the_school_is_not_saved_without_asking(
    client_as, school, alyona
):
    client = client_as(Role.CURATOR, school)
    new_pupil = {f"person-{name}": value for name, value in PUPIL.items()}
    entry = {"status": "waiting", "included_on": "2026-09-01"}

    response = client.post(reverse("mentee_create"), new_pupil | entry)

    assert DUPLICATE_WARNING in response.text and not MenteeEntry.objects.exists()
    response = client.post(reverse("mentee_create"), new_pupil | entry | {"person-not_a_duplicate": "on"})
    assert response.status_code == 302 and MenteeEntry.objects.get().person != alyona


def test_the_form_shows_no_such_question_while_there_is_no_namesake(curator_client, alyona):
    page = curator_client.get(reverse("person_create"))

    assert "Это другой человек" not in page.text
    assert (
        "Это другой человек"
        not in curator_client.post(reverse("person_create"), PUPIL | {"last_name": ""}).text
    )

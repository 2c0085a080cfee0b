"""Who may read and change the people, consents and the two bases: another school's rows are a 404."""

from dataclasses import dataclass

import pytest
from auditlog.models import LogEntry
from django.core.files.base import ContentFile

from mentoring.models import Consent, MenteeEntry, MentorEntry, Organisation, Person, Role

from .factories import ConsentFactory, MenteeEntryFactory, MentorEntryFactory, PersonFactory, TeacherFactory

EVERY_ROLE = [
    Role.COORDINATOR,
    Role.DIRECTOR,
    Role.CURATOR,
    Role.MENTOR,
    Role.MENTEE,
    Role.TEACHER,
    Role.PSYCHOLOGIST,
]
LISTS = ["/people/", "/mentors/", "/mentees/"]
PERSON_FORM = {"last_name": "Взломов", "first_name": "Иван", "kind": "pupil", "school_class": "7Б"}
MENTOR_FORM = {"status": "active", "capacity": "3", "included_on": "2026-09-01"}
MENTEE_FORM = {"status": "left", "included_on": "2026-09-01"}
CONSENT_FORM = {"given_by": "representative", "representative_name": "Кто-то", "date": "2026-09-01"}


@dataclass
class Rows:
    person: Person
    consent: Consent
    mentor: MentorEntry
    mentee: MenteeEntry

    def cards(self) -> list[str]:
        return [f"/people/{self.person.pk}/", f"/mentors/{self.mentor.pk}/", f"/mentees/{self.mentee.pk}/"]

    @property
    def scan(self) -> str:
        return f"/consents/{self.consent.pk}/scan/"

    def reads(self) -> list[str]:
        return [*self.cards(), self.scan]

    def writes(self) -> list[tuple[str, str, dict]]:
        """Every change a page can make to these rows: (method, url, data)."""
        person, mentor, mentee = self.person.pk, self.mentor.pk, self.mentee.pk
        return [
            ("get", f"/people/{person}/edit/", {}),
            ("post", f"/people/{person}/edit/", PERSON_FORM),
            ("post", f"/people/{person}/archive/", {}),
            ("post", f"/people/{person}/archive/", {"restore": "1"}),
            ("get", f"/people/{person}/consents/new/", {}),
            ("post", f"/people/{person}/consents/new/", CONSENT_FORM),
            ("get", f"/consents/{self.consent.pk}/revoke/", {}),
            ("post", f"/consents/{self.consent.pk}/revoke/", {"note": "Отзыв"}),
            ("get", f"/mentors/{mentor}/edit/", {}),
            ("post", f"/mentors/{mentor}/edit/", MENTOR_FORM),
            ("post", f"/mentors/{mentor}/archive/", {}),
            ("get", f"/mentees/{mentee}/edit/", {}),
            ("post", f"/mentees/{mentee}/edit/", MENTEE_FORM),
            ("post", f"/mentees/{mentee}/archive/", {}),
        ]


def make_rows(school: Organisation) -> Rows:
    person = PersonFactory(school=school)
    consent = ConsentFactory(person=person)
    consent.scan.save("soglasie.pdf", ContentFile(b"%PDF-1.4 scan"))
    return Rows(
        person=person,
        consent=consent,
        mentor=MentorEntryFactory(person=TeacherFactory(school=school)),
        mentee=MenteeEntryFactory(person=person),
    )


def snapshot() -> tuple:
    """Everything a write could have changed."""
    return (
        list(Person.objects.values_list("pk", "last_name", "grade", "archived_at").order_by("pk")),
        list(Consent.objects.values_list("pk", "revoked_at", "revocation_note").order_by("pk")),
        list(MentorEntry.objects.values_list("pk", "status", "capacity", "archived_at").order_by("pk")),
        list(MenteeEntry.objects.values_list("pk", "status", "archived_at").order_by("pk")),
        LogEntry.objects.count(),
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def foreign(other_school) -> Rows:
    """Rows of a school of another department."""
    return make_rows(other_school)


@pytest.fixture
def own(school) -> Rows:
    return make_rows(school)


def client_for(client_as, role: str, school: Organisation):
    """A coordinator works in the department of `school`, which lets it see named lists; every other role
    in `school` itself."""
    if role == Role.COORDINATOR:
        return coordinator_with_named_lists(client_as, school)
    return client_as(role, school)


def coordinator_with_named_lists(client_as, school: Organisation):
    school.department.named_lists_for_coordinator = True
    school.department.save()
    return client_as(Role.COORDINATOR, school.department)


# Another school's rows, whatever the role.


@pytest.mark.parametrize("role", EVERY_ROLE)
@pytest.mark.parametrize("url", LISTS)
def test_it_does_not_list_another_schools_rows(client_as, school, foreign, own, role, url):
    client = client_for(client_as, role, school)

    for query in (
        {},
        {"school": foreign.person.school_id},
        {"archived": "yes"},
        {"q": foreign.person.last_name},
    ):
        response = client.get(url, query)
        assert response.status_code in (200, 403)
        if response.status_code == 200:
            listed = {getattr(row, "person", row) for row in response.context["page_obj"]}
            assert foreign.person not in listed and foreign.mentor.person not in listed


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_it_answers_404_for_another_schools_person_consent_and_entries(client_as, school, foreign, role):
    client = client_for(client_as, role, school)

    for url in foreign.reads():
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_it_refuses_every_write_to_another_schools_rows_and_changes_nothing(client_as, school, foreign, role):
    client = client_for(client_as, role, school)
    before = snapshot()

    for method, url, data in foreign.writes():
        assert getattr(client, method)(url, data).status_code == 404, (method, url)

    assert snapshot() == before


# The coordinator of the school's own department reads everything and writes nothing.


@pytest.fixture
def coordinator(client_as, school):
    return coordinator_with_named_lists(client_as, school)


@pytest.mark.parametrize("url", LISTS)
def test_it_shows_the_coordinator_its_schools_lists(coordinator, own, url):
    response = coordinator.get(url)

    assert response.status_code == 200
    assert len(response.context["page_obj"]) >= 1
    assert response.context["can_write"] is False


def test_it_shows_the_coordinator_its_schools_pages_without_write_actions(coordinator, own):
    for url in own.cards():
        assert coordinator.get(url).status_code == 200, url
    assert coordinator.get(own.scan).status_code == 403  # scans: the director and the curator only

    page = coordinator.get(f"/people/{own.person.pk}/").text
    assert "Перенести в архив" not in page and "Отозвать" not in page


def test_it_refuses_the_coordinator_every_write_and_changes_nothing(coordinator, own):
    before = snapshot()

    for method, url, data in own.writes():
        assert getattr(coordinator, method)(url, data).status_code == 404, (method, url)
    # A page of its own organisation that its role may not use: refused, without a 404's pretence.
    for url in ("/people/new/", "/mentors/new/", "/mentees/new/"):
        assert coordinator.get(url).status_code == 403
        assert coordinator.post(url, {"person-" + k: v for k, v in PERSON_FORM.items()}).status_code == 403

    assert snapshot() == before


# The director and the psychologist read their school and change nothing.


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.PSYCHOLOGIST])
def test_it_lets_the_director_and_psychologist_read_their_school(client_as, school, own, role):
    client = client_as(role, school)

    for url in LISTS:
        assert len(client.get(url).context["page_obj"]) >= 1
    for url in own.cards():
        assert client.get(url).status_code == 200, url
    assert client.get(own.scan).status_code == (200 if role == Role.DIRECTOR else 403)


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.PSYCHOLOGIST])
def test_it_refuses_the_director_and_psychologist_every_write(client_as, school, own, role):
    client = client_as(role, school)
    before = snapshot()

    for method, url, data in own.writes():
        assert getattr(client, method)(url, data).status_code == 404, (method, url)
    for url in ("/people/new/", "/mentors/new/", "/mentees/new/"):
        assert client.post(url, PERSON_FORM).status_code == 403

    assert snapshot() == before


# Mentors, mentees and teachers see nothing of the bases, even of their own school.


@pytest.mark.parametrize("role", [Role.MENTOR, Role.MENTEE, Role.TEACHER])
def test_it_shows_no_base_to_mentors_mentees_and_teachers(client_as, school, own, role):
    client = client_as(role, school)

    for url in LISTS:
        response = client.get(url)
        assert response.status_code == 403
    for url in own.reads():
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", [Role.MENTOR, Role.MENTEE, Role.TEACHER])
def test_it_refuses_mentors_mentees_and_teachers_every_write(client_as, school, own, role):
    client = client_as(role, school)
    before = snapshot()

    for method, url, data in own.writes():
        assert getattr(client, method)(url, data).status_code == 404, (method, url)

    assert snapshot() == before


def test_it_refuses_the_lists_to_a_curator_working_now_in_a_school_where_it_only_mentors(
    client, make_user, school, other_school
):
    from .factories import MembershipFactory

    user = make_user(Role.CURATOR, school)
    MembershipFactory(user=user, organisation=other_school, role=Role.MENTOR)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.post("/organisation/switch/", {"organisation": other_school.pk})

    assert client.get("/mentees/").status_code == 403
    assert client.get("/mentees/new/").status_code == 403


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, own):
    for url in [*LISTS, *own.reads()]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_lets_the_curator_do_all_of_it_in_its_own_school(curator_client, own):
    for url in [*LISTS, *own.reads()]:
        assert curator_client.get(url).status_code == 200, url
    for method, url, _data in own.writes():
        if method == "get":
            assert curator_client.get(url).status_code == 200, url

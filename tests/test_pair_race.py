"""Two curators accept two proposals at the same moment: the row locks of the services let exactly one
through, so no mentee ends up in two current pairs of a programme and no mentor over capacity.

Run on PostgreSQL only: SQLite serialises every writer, so there is no race to see. Each curator sends a real
request on its own connection; a barrier releases both at once."""

import threading

import pytest
from django.db import connection
from django.db.models import Count, F, Q
from django.test import Client

from mentoring.models import Consent, MenteeEntry, MentorEntry, Role
from pairs.models import Pair, PairMentee, Proposal, ProposedPair

from .factories import (
    ConsentFactory,
    MembershipFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    ProgrammeFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Гонку двух кураторов видно только на PostgreSQL: SQLite выполняет записи по очереди.")


def with_consent(entry):
    ConsentFactory(person=entry.person, given_by=Consent.GivenBy.SELF, representative_name="")
    return entry


def mentor(school, capacity: int) -> MentorEntry:
    person = TeacherFactory(school=school, last_name="Орлова")
    return with_consent(MentorEntryFactory(person=person, school=school, capacity=capacity))


def mentee(school, last_name: str) -> MenteeEntry:
    person = TeacherFactory(school=school, last_name=last_name, first_name="Мария", experience_years=1)
    return with_consent(MenteeEntryFactory(person=person, school=school))


def proposal(programme, rows: list[tuple[MentorEntry, MenteeEntry]]) -> Proposal:
    made = Proposal.objects.create(school=programme.school, programme=programme)
    for mentor_entry, mentee_entry in rows:
        ProposedPair.objects.create(proposal=made, mentor=mentor_entry, mentee=mentee_entry, score=100)
    return made


def accept_at_once(school, proposals: list[Proposal]) -> list[str]:
    """Each proposal accepted by its own curator: a request of its own client in its own thread, the two
    released together by a barrier. Where each one was sent: the pairs (accepted) or back to the proposal."""
    clients = []
    for _ in proposals:
        curator = UserFactory()
        MembershipFactory(user=curator, organisation=school, role=Role.CURATOR)
        client = Client()
        client.force_login(curator, backend="django.contrib.auth.backends.ModelBackend")
        clients.append(client)
    barrier = threading.Barrier(len(proposals))
    answers: list[str] = []

    def accept(made: Proposal, client: Client) -> None:
        try:
            connection.ensure_connection()  # so that neither starts late, opening its connection
            barrier.wait(timeout=10)
            response = client.post(f"/proposals/{made.pk}/accept/")
            answers.append("принято" if response["Location"].startswith("/pairs/") else "отказ")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=pair) for pair in zip(proposals, clients, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def accepted(proposals: list[Proposal]) -> int:
    return Proposal.objects.filter(pk__in=[p.pk for p in proposals], status=Proposal.Status.ACCEPTED).count()


def assert_rules_hold() -> None:
    twice = (
        PairMentee.objects.filter(is_current=True)
        .values("programme", "mentee")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not twice.exists()
    taken = Count("pairs__members", filter=Q(pairs__members__is_current=True))
    assert not MentorEntry.objects.annotate(taken=taken).filter(taken__gt=F("capacity")).exists()


def test_two_curators_putting_one_mentee_into_two_pairs_of_a_programme_let_exactly_one_through():
    school = SchoolFactory()
    programme = ProgrammeFactory(school=school)
    shared = mentee(school, "Соколова")
    proposals = [
        proposal(programme, [(mentor(school, capacity=2), shared)]),
        proposal(programme, [(mentor(school, capacity=2), shared)]),
    ]

    answers = accept_at_once(school, proposals)

    assert answers.count("принято") == 1 and len(answers) == 2
    assert accepted(proposals) == 1
    assert Pair.objects.filter(programme=programme).count() == 1
    assert PairMentee.objects.filter(mentee=shared, is_current=True).count() == 1
    assert_rules_hold()


def test_two_curators_putting_a_mentor_over_capacity_let_exactly_one_through():
    """Two programmes, so that only the lock on the mentor's entry keeps the two apart."""
    school = SchoolFactory()
    busy = mentor(school, capacity=1)
    proposals = [
        proposal(ProgrammeFactory(school=school), [(busy, mentee(school, "Соколова"))]),
        proposal(ProgrammeFactory(school=school), [(busy, mentee(school, "Белова"))]),
    ]

    answers = accept_at_once(school, proposals)

    assert answers.count("принято") == 1 and len(answers) == 2
    assert accepted(proposals) == 1
    assert PairMentee.objects.filter(pair__mentor=busy, is_current=True).count() == 1
    assert_rules_hold()

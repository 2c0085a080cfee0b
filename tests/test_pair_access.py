"""Who reads a pair and who changes it: another school's pair is a 404 for everyone; a mentor sees only its
own pairs, a mentee only reads its own, a teacher sees none."""

import itertools
from dataclasses import dataclass

import pytest

from mentoring.models import Membership, Organisation, Person, Role, User
from pairs.models import Pair, PairStatusChange, PlanItem

from .factories import PairFactory, PlanItemFactory, SchoolFactory

BACKEND = "django.contrib.auth.backends.ModelBackend"
EVERY_ROLE = [
    Role.CURATOR,
    Role.DIRECTOR,
    Role.PSYCHOLOGIST,
    Role.COORDINATOR,
    Role.MENTOR,
    Role.MENTEE,
    Role.TEACHER,
]
ITEM_FORM = {"activity": "Чужой пункт", "term": "Завтра"}


@dataclass
class Target:
    pair: Pair
    item: PlanItem

    def reads(self) -> list[str]:
        return [f"/pairs/{self.pair.pk}/"]

    def writes(self) -> list[tuple[str, str, dict]]:
        pair, item = self.pair.pk, self.item.pk
        return [
            ("get", f"/pairs/{pair}/plan/new/", {}),
            ("post", f"/pairs/{pair}/plan/new/", ITEM_FORM),
            ("get", f"/plan-items/{item}/edit/", {}),
            ("post", f"/plan-items/{item}/edit/", ITEM_FORM),
            ("get", f"/plan-items/{item}/mark/", {}),
            ("post", f"/plan-items/{item}/mark/", {"done_on": "2026-10-01"}),
            ("post", f"/plan-items/{item}/mark/", {"unmark": "1"}),
            ("post", f"/plan-items/{item}/delete/", {}),
            ("post", f"/pairs/{pair}/status/", {"to": "terminated", "terminated-shown": "active",
                                                "terminated-on": "2026-11-01", "terminated-note": "Взлом"}),
            ("post", f"/pairs/{pair}/status/", {"to": "completed", "completed-shown": "active",
                                                "completed-on": "2026-11-01"}),
        ]  # fmt: skip


MENTOR_NAMES = itertools.count(1)


def target(school: Organisation) -> Target:
    """A pair whose mentor's surname no other pair shares, with one row of its plan."""
    pair = PairFactory(programme__school=school, mentor__person__last_name=f"Орлова-{next(MENTOR_NAMES)}")
    return Target(pair=pair, item=PlanItemFactory(pair=pair, number=1))


def name(target: Target) -> str:
    return target.pair.mentor.person.last_name


def snapshot() -> tuple:
    return (
        list(Pair.objects.values_list("pk", "status", "ended_on", "termination_reason").order_by("pk")),
        list(PlanItem.objects.values_list("pk", "number", "activity", "done_on").order_by("pk")),
        PairStatusChange.objects.count(),
    )


def sign_in(client, make_user, role: str, school: Organisation, person: Person | None = None) -> User:
    """A user of the role at the school (a coordinator: at its department); a mentor or a mentee is the
    person given, or else the mentor or the mentee of a pair of its own."""
    user = make_user(role, school.department if role == Role.COORDINATOR else school)
    if person is None and role == Role.MENTOR:
        person = target(school).pair.mentor.person
    if person is None and role == Role.MENTEE:
        person = target(school).pair.members.get().mentee.person
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])
    client.force_login(user, backend=BACKEND)
    return user


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_another_schools_pair_is_a_404_for_every_role(client, make_user, school, role):
    foreign = target(SchoolFactory())
    sign_in(client, make_user, role, school)
    before = snapshot()

    for url in foreign.reads():
        assert client.get(url).status_code == 404, url
    for method, url, data in foreign.writes():
        assert getattr(client, method)(url, data).status_code == 404, (method, url)
    client.post("/documents/new/order_pairs/", {"date": "2026-11-23", "pairs": [foreign.pair.pk]})

    assert snapshot() == before
    assert name(foreign) not in client.get("/pairs/").content.decode()


@pytest.mark.parametrize("role", [Role.CURATOR, Role.DIRECTOR, Role.PSYCHOLOGIST, Role.COORDINATOR])
def test_the_schools_readers_read_its_pairs(client, make_user, school, role):
    own = target(school)
    school.department.named_lists_for_coordinator = True
    school.department.save()
    sign_in(client, make_user, role, school)

    assert client.get(f"/pairs/{own.pair.pk}/").status_code == 200
    assert name(own) in client.get("/pairs/").content.decode()


@pytest.mark.parametrize(
    "role", [Role.DIRECTOR, Role.PSYCHOLOGIST, Role.COORDINATOR, Role.MENTEE, Role.TEACHER]
)
def test_only_the_curator_and_the_pairs_mentor_change_its_plan_and_status(client, make_user, school, role):
    own = target(school)
    person = own.pair.members.get().mentee.person if role == Role.MENTEE else None
    sign_in(client, make_user, role, school, person)
    before = snapshot()

    for method, url, data in own.writes():
        # The director approves pairs by the pairs order, not on the pair's page.
        assert getattr(client, method)(url, data).status_code == 404, (method, url)

    assert snapshot() == before


def test_the_curator_changes_the_plan_and_the_status(curator_client, school):
    own = target(school)

    assert curator_client.get(f"/plan-items/{own.item.pk}/edit/").status_code == 200
    curator_client.post(f"/pairs/{own.pair.pk}/plan/new/", ITEM_FORM)
    curator_client.post(f"/plan-items/{own.item.pk}/mark/", {"done_on": "2026-10-01"})
    curator_client.post(
        f"/pairs/{own.pair.pk}/status/",
        {"to": "completed", "completed-shown": "active", "completed-on": "2026-11-01"},
    )

    own.pair.refresh_from_db()
    assert own.pair.plan_items.count() == 2
    assert own.pair.plan_items.get(number=1).done_on is not None
    assert own.pair.status == Pair.Status.COMPLETED


def test_a_mentor_sees_and_changes_its_own_pair_but_not_another_mentors(client, make_user, school):
    own, others = target(school), target(school)
    sign_in(client, make_user, Role.MENTOR, school, own.pair.mentor.person)
    before = snapshot()

    assert client.get(f"/pairs/{others.pair.pk}/").status_code == 404
    for method, url, data in others.writes():
        assert getattr(client, method)(url, data).status_code == 404, (method, url)
    assert snapshot() == before

    assert client.get(f"/pairs/{own.pair.pk}/").status_code == 200
    client.post(f"/pairs/{own.pair.pk}/plan/new/", ITEM_FORM)
    client.post(f"/plan-items/{own.item.pk}/mark/", {"done_on": "2026-10-01"})
    assert own.pair.plan_items.count() == 2
    assert own.pair.plan_items.get(number=1).done_on is not None
    # The lifecycle is the curator's and the director's.
    for method, url, data in own.writes()[-2:]:
        assert getattr(client, method)(url, data).status_code == 404


def test_a_mentee_reads_its_own_pair_without_any_edit_button(client, make_user, school):
    own, others = target(school), target(school)
    sign_in(client, make_user, Role.MENTEE, school, own.pair.members.get().mentee.person)

    text = client.get(f"/pairs/{own.pair.pk}/").content.decode()

    assert own.pair.mentor.person.full_name in text and own.item.activity in text
    for button in ("Добавить пункт плана", "/plan-items/", "Записать встречу", "/status/", "Прекратить"):
        assert button not in text
    assert client.get(f"/pairs/{others.pair.pk}/").status_code == 404


def test_a_teacher_sees_no_pairs(client, make_user, school):
    own = target(school)
    sign_in(client, make_user, Role.TEACHER, school)

    assert client.get(f"/pairs/{own.pair.pk}/").status_code == 404
    assert name(own) not in client.get("/pairs/").content.decode()


def test_a_reader_of_one_school_who_mentors_in_another_lists_only_its_own_pairs_there(
    client, make_user, school
):
    elsewhere = SchoolFactory()
    own, others, read = target(elsewhere), target(elsewhere), target(school)
    user = sign_in(client, make_user, Role.MENTOR, elsewhere, own.pair.mentor.person)
    Membership.objects.create(user=user, organisation=school, role=Role.PSYCHOLOGIST)

    def listed(organisation: Organisation) -> str:
        client.post("/organisation/switch/", {"organisation": organisation.pk})
        return client.get("/pairs/").content.decode()

    as_mentor, as_psychologist = listed(elsewhere), listed(school)

    assert name(own) in as_mentor and name(others) not in as_mentor and name(read) not in as_mentor
    assert name(read) in as_psychologist and name(own) not in as_psychologist

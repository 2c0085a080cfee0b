"""The home page of a mentor (own pairs and groups, the nearest meeting, what is overdue) and of a mentee
(its pair, the plan and the next meeting, read-only)."""

import datetime

import pytest
from django.utils import timezone

from mentoring.models import MenteeEntry, MentorEntry, Role
from pairs.models import Meeting, Pair
from programs.models import RoleModel

from .factories import (
    MeetingFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    PairFactory,
    PersonFactory,
    PlanItemFactory,
)

TODAY = timezone.localdate()


def login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def pupil(school, last_name: str, grade: int = 7, letter: str = "Б") -> MenteeEntry:
    return MenteeEntryFactory(
        school=school,
        person=PersonFactory(
            school=school,
            last_name=last_name,
            first_name="Анна",
            patronymic="Сергеевна",
            grade=grade,
            class_letter=letter,
        ),
        status=MenteeEntry.Status.PAIRED,
    )


def make_pair(school, mentor: MentorEntry | None, **kwargs) -> Pair:
    values = {
        "programme__school": school,
        "programme__title": "Программа «Ученик – ученик»",
        **({"mentor": mentor} if mentor else {}),
        "started_on": TODAY - datetime.timedelta(days=60),
        "ends_on": TODAY + datetime.timedelta(days=180),
    }
    return PairFactory(**(values | kwargs))


def days(n: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=n)


def plan(pair: Pair, *, done: int, overdue: int, ahead: int) -> None:
    for _ in range(done):
        PlanItemFactory(pair=pair, due_on=TODAY - datetime.timedelta(days=5), done_on=TODAY)
    for _ in range(overdue):
        PlanItemFactory(
            pair=pair, due_on=TODAY - datetime.timedelta(days=3), activity="Взаимопосещение уроков"
        )
    for _ in range(ahead):
        PlanItemFactory(pair=pair, due_on=TODAY + datetime.timedelta(days=30))


@pytest.fixture
def mentor_user(make_user, school):
    return make_user(Role.MENTOR, school)


@pytest.fixture
def mentor(mentor_user, school) -> MentorEntry:
    """The mentor user's entry in the mentor base; `make_pair(school, mentor)` gives it a pair."""
    return MentorEntryFactory(school=school, person__school=school, person__user=mentor_user, capacity=10)


# The mentor.


def test_the_mentor_sees_its_pairs_with_progress_meetings_and_the_last_meeting(
    client, school, mentor, mentor_user
):
    pair = make_pair(school, mentor, mentees=[pupil(school, "Зайцева")])
    plan(pair, done=5, overdue=0, ahead=8)
    MeetingFactory(pair=pair, starts_at=days(-20))
    last = MeetingFactory(pair=pair, starts_at=days(-2))
    MeetingFactory(pair=pair, status=Meeting.Status.PLANNED, starts_at=days(3))

    response = login(client, mentor_user).get("/")

    shown = response.context["mentor"].current[0]
    assert (shown.plan_done, shown.plan_total, shown.meetings_held, shown.last_met_at) == (
        5,
        13,
        2,
        last.starts_at,
    )
    assert "Зайцева Анна Сергеевна, 7 «Б»" in response.text
    assert "Программа «Ученик – ученик»" in response.text
    assert "выполнено 5 из 13" in response.text
    assert '<progress class="w-100" max="13" value="5"' in response.text
    assert "Проведено встреч: 2" in response.text
    assert f"последняя {timezone.localtime(last.starts_at):%d.%m.%Y}" in response.text
    assert 'href="/calendar/"' in response.text


def test_the_nearest_meeting_is_the_earliest_planned_one_ahead_across_own_pairs(
    client, school, mentor, mentor_user
):
    first, second = make_pair(school, mentor), make_pair(school, mentor)
    MeetingFactory(pair=first, status=Meeting.Status.PLANNED, starts_at=days(6), topic="Позже")
    nearest = MeetingFactory(pair=second, status=Meeting.Status.PLANNED, starts_at=days(1), topic="Скоро")
    MeetingFactory(pair=first, status=Meeting.Status.PLANNED, starts_at=days(-1), topic="Прошла")
    MeetingFactory(pair=make_pair(school, None), status=Meeting.Status.PLANNED, starts_at=days(0.5))

    response = login(client, mentor_user).get("/")

    assert response.context["mentor"].next_meeting == nearest
    assert f'href="/meetings/{nearest.pk}/edit/"' in response.text
    assert f"{timezone.localtime(nearest.starts_at):%d.%m.%Y %H:%M} — Регулярная встреча" in response.text


def test_overdue_plan_items_of_current_pairs_are_listed_with_their_pair(client, school, mentor, mentor_user):
    pair = make_pair(school, mentor, mentees=[pupil(school, "Зайцева")])
    plan(pair, done=1, overdue=2, ahead=1)
    ended = make_pair(school, mentor, status=Pair.Status.COMPLETED, ended_on=TODAY)
    plan(ended, done=0, overdue=1, ahead=0)

    response = login(client, mentor_user).get("/")

    overdue = response.context["mentor"].overdue
    assert [item.pair for item in overdue] == [pair, pair]
    assert "Взаимопосещение уроков" in response.text
    assert f"срок {TODAY - datetime.timedelta(days=3):%d.%m.%Y}" in response.text


def test_current_pairs_come_first_and_ended_ones_are_folded_below(client, school, mentor, mentor_user):
    ended = make_pair(school, mentor, mentees=[pupil(school, "Окончившая")], status=Pair.Status.COMPLETED)
    current = make_pair(school, mentor, mentees=[pupil(school, "Работающая")])
    make_pair(school, mentor, mentees=[pupil(school, "Предложенная")], status=Pair.Status.PROPOSED)

    response = login(client, mentor_user).get("/")

    overview = response.context["mentor"]
    assert (overview.current, overview.ended) == ([current], [ended])
    text = response.text
    assert text.index("Работающая") < text.index("<details") < text.index("Окончившая")
    assert "Предложенная" not in text


def test_an_ended_pair_is_one_line_with_its_programme_dates_and_meetings_held(
    client, school, mentor, mentor_user
):
    ended = make_pair(
        school,
        mentor,
        mentees=[pupil(school, "Окончившая")],
        status=Pair.Status.COMPLETED,
        ended_on=TODAY - datetime.timedelta(days=10),
    )
    plan(ended, done=1, overdue=0, ahead=0)
    MeetingFactory.create_batch(2, pair=ended, starts_at=days(-20))

    folded = login(client, mentor_user).get("/").text.split("<details", 1)[1]

    assert f'href="/pairs/{ended.pk}/"' in folded
    assert (
        f"Программа «Ученик – ученик» · с {ended.started_on:%d.%m.%Y} по {ended.ended_on:%d.%m.%Y} · "
        "проведено встреч: 2"
    ) in folded
    assert "Персонализированная программа" not in folded


def test_another_mentors_pairs_are_not_on_the_home_page(client, school, mentor_user):
    make_pair(school, None, mentees=[pupil(school, "Чужая")])

    response = login(client, mentor_user).get("/")

    assert response.context.get("mentor") is None
    assert "Чужая" not in response.text
    assert "Как наставник" in response.text


def fill_mentor(school, mentor, pairs: int) -> None:
    role_model = RoleModel.objects.first()  # shown with each pair: its members' are fetched at once
    for n in range(pairs):
        mentees = [pupil(school, f"Ученица{n}"), pupil(school, f"Ученик{n}")]
        pair = make_pair(school, mentor, mentees=mentees, role_model=role_model)
        plan(pair, done=2, overdue=2, ahead=2)
        MeetingFactory.create_batch(3, pair=pair, starts_at=days(-n - 1))
        MeetingFactory(pair=pair, status=Meeting.Status.PLANNED, starts_at=days(n + 1))
    make_pair(school, mentor, status=Pair.Status.COMPLETED, ended_on=TODAY)


# session, user, memberships; own pairs, their mentees, the nearest meeting, overdue items (pairs as a
# mentee only for a mentee).
# «Требует внимания» asks three sources (meeting tomorrow, plan items, silence) and the hidden; its
# questionnaires waiting are read with the home's surveys, its memberships are the request's.
MENTOR_HOME_QUERIES = 14


@pytest.mark.parametrize("pairs", [1, 6])
def test_the_mentors_home_runs_a_fixed_number_of_queries(
    client, school, mentor, mentor_user, django_assert_num_queries, pairs
):
    fill_mentor(school, mentor, pairs)
    client = login(client, mentor_user)

    with django_assert_num_queries(MENTOR_HOME_QUERIES):
        response = client.get("/")

    assert len(response.context["mentor"].current) == pairs


# The mentee.


@pytest.fixture
def mentee(make_user, school):
    return make_user(Role.MENTEE, school)


def own_entry(school, mentee_user) -> MenteeEntry:
    entry = pupil(school, "Зайцева")
    entry.person.user = mentee_user
    entry.person.save()
    return entry


def group_with(school, mentee_user, **kwargs) -> Pair:
    """A group of two pupils, the first of them the mentee user; the mentor is Орлова Елена Викторовна."""
    mentees = [own_entry(school, mentee_user), pupil(school, "Соседова", grade=8, letter="А")]
    return make_pair(school, None, mentees=mentees, **kwargs)


def test_the_mentee_sees_its_mentor_programme_plan_and_next_meeting(client, school, mentee):
    pair = group_with(school, mentee)
    plan(pair, done=1, overdue=1, ahead=2)
    meeting = MeetingFactory(
        pair=pair, status=Meeting.Status.PLANNED, starts_at=days(2), topic="Подготовка к олимпиаде"
    )

    response = login(client, mentee).get("/")

    assert response.context["mentee_pairs"] == [pair]
    text = response.text
    assert "Наставник: Орлова Елена Викторовна" in text
    assert "Программа «Ученик – ученик»" in text
    assert "выполнено 1 из 4" in text
    assert "Взаимопосещение уроков" in text
    assert f"{timezone.localtime(meeting.starts_at):%d.%m.%Y %H:%M}" in text
    assert "Подготовка к олимпиаде" in text


def test_the_mentees_home_is_read_only_and_shows_no_other_pupil_of_the_group(client, school, mentee):
    pair = group_with(school, mentee)
    meeting = MeetingFactory(pair=pair, status=Meeting.Status.PLANNED, starts_at=days(2))

    text = login(client, mentee).get("/").text

    assert "Соседова" not in text and "8 «А»" not in text
    assert "Записать встречу" not in text
    assert f"/meetings/{meeting.pk}/edit/" not in text


def test_a_pair_not_yet_approved_is_not_shown_to_the_mentee(client, school, mentee):
    group_with(school, mentee, status=Pair.Status.PROPOSED, started_on=None)

    response = login(client, mentee).get("/")

    assert response.context.get("mentee_pairs") is None
    assert "Как наставляемый" in response.text


# session, user, memberships; pairs as a mentee, their plans and upcoming meetings (pairs as a mentor only
# for a mentor).
MENTEE_HOME_QUERIES = 7  # and the surveys, which «Требует внимания» reads its questionnaires waiting from


@pytest.mark.parametrize("pairs", [1, 4])
def test_the_mentees_home_runs_a_fixed_number_of_queries(
    client, school, mentee, django_assert_num_queries, pairs
):
    own = own_entry(school, mentee)
    for n in range(pairs):
        pair = make_pair(school, None, mentees=[own, pupil(school, f"Соседова{n}")])
        plan(pair, done=1, overdue=1, ahead=1)
        MeetingFactory(pair=pair, status=Meeting.Status.PLANNED, starts_at=days(n + 1))
    client = login(client, mentee)

    with django_assert_num_queries(MENTEE_HOME_QUERIES):
        response = client.get("/")

    assert len(response.context["mentee_pairs"]) == pairs


# Other roles keep what they had.


def test_the_curator_still_sees_the_bases_and_no_pairs_of_its_own(client_as, school):
    response = client_as(Role.CURATOR, school).get("/")

    assert response.context["bases"]["mentees"] == 0
    assert response.context.get("mentor") is None
    assert response.context.get("mentee_pairs") is None
    assert "Мои пары и группы" not in response.text

"""The private iCalendar feed of a mentor and of a mentee: what goes into a phone's calendar, and what never
does."""

import datetime

import pytest
from django.utils import timezone
from icalendar import Calendar

from mentoring.models import Role
from pairs.models import CalendarFeed, Meeting, Pair

from .factories import (
    MeetingFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    PairFactory,
    PersonFactory,
    TeacherFactory,
)

TODAY = timezone.localdate()


def login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def days(n: float) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(days=n)).replace(microsecond=0)


@pytest.fixture
def mentor_user(make_user, school):
    return make_user(Role.MENTOR, school)


@pytest.fixture
def pair(school, mentor_user):
    pupil = MenteeEntryFactory(
        school=school,
        person=PersonFactory(
            school=school,
            last_name="Зайцева",
            first_name="Виолетта",
            patronymic="Игоревна",
            birth_date=datetime.date(2012, 3, 8),
            grade=7,
            class_letter="Б",
            phone="+7 900 123-45-67",
        ),
    )
    mentor = MentorEntryFactory(
        school=school,
        person=TeacherFactory(school=school, last_name="Белозёрова", first_name="Ксения", user=mentor_user),
    )
    return PairFactory(
        programme__school=school,
        programme__title="Программа «Учитель – ученик»",
        mentor=mentor,
        mentees=[pupil],
        started_on=TODAY - datetime.timedelta(days=400),
        ends_on=TODAY + datetime.timedelta(days=180),
    )


@pytest.fixture
def mentee_user(make_user, school, pair):
    """The pupil of the pair, with an account and the mentee's role."""
    user = make_user(Role.MENTEE, school)
    person = pair.members.get().mentee.person
    person.user = user
    person.save()
    return user


def feed_of(user) -> str:
    return f"/calendar/{CalendarFeed.objects.get_or_create(user=user)[0].token}.ics"


def events(response) -> dict[str, dict]:
    calendar = Calendar.from_ical(response.content)
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


# The settings page.


def test_the_mentor_gets_an_absolute_private_link_with_how_to_add_it(client, mentor_user):
    response = login(client, mentor_user).get("/calendar/")

    feed = CalendarFeed.objects.get(user=mentor_user)
    assert f'value="http://testserver/calendar/{feed.token}.ics"' in response.text
    assert f'href="webcal://testserver/calendar/{feed.token}.ics"' in response.text
    assert "Подписной календарь" in response.text and "Добавить по URL" in response.text
    assert "Создать новую ссылку" in response.text


def test_the_mentee_gets_a_private_link_of_its_own(client, mentor_user, mentee_user):
    response = login(client, mentee_user).get("/calendar/")

    feed = CalendarFeed.objects.get(user=mentee_user)
    assert response.status_code == 200
    assert f'value="http://testserver/calendar/{feed.token}.ics"' in response.text
    assert not CalendarFeed.objects.filter(user=mentor_user).exists()


def test_the_mentees_home_page_leads_to_the_calendar_link(client, mentee_user):
    assert 'href="/calendar/"' in login(client, mentee_user).get("/").text


def test_a_teacher_who_is_a_mentee_of_a_pair_has_the_link_too(client, make_user, school):
    teacher = make_user(Role.TEACHER, school)
    PairFactory(
        programme__school=school,
        mentees=[MenteeEntryFactory(person=TeacherFactory(school=school, user=teacher))],
    )

    assert login(client, teacher).get("/calendar/").status_code == 200


@pytest.mark.parametrize("role", [Role.CURATOR, Role.TEACHER, Role.DIRECTOR, Role.PSYCHOLOGIST])
def test_only_a_mentor_or_a_mentee_has_a_calendar_link(client_as, school, role):
    client = client_as(role, school)

    assert client.get("/calendar/").status_code == 404
    assert client.post("/calendar/reset/").status_code == 404
    assert not CalendarFeed.objects.exists()


def test_a_curator_who_also_mentors_a_pair_has_the_link_too(client, make_user, school):
    curator = make_user(Role.CURATOR, school)
    PairFactory(programme__school=school, mentor__person__user=curator)

    assert login(client, curator).get("/calendar/").status_code == 200


# The feed.


def test_the_feed_holds_the_meetings_of_own_pairs_of_the_last_year_and_ahead(client, pair, mentor_user):
    held = MeetingFactory(pair=pair, starts_at=days(-30), topic="Разбор контрольной", duration_minutes=45)
    planned = MeetingFactory(
        pair=pair,
        status=Meeting.Status.PLANNED,
        kind=Meeting.Kind.PLANNING,
        format=Meeting.Format.ONLINE,
        starts_at=days(200),
        topic="План на четверть",
        duration_minutes=90,
    )
    MeetingFactory(pair=pair, starts_at=days(-380), topic="Давняя встреча")
    MeetingFactory(pair=PairFactory(programme__school=pair.school), topic="Чужая встреча")

    response = client.get(feed_of(mentor_user))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    found = events(response)
    assert set(found) == {"Регулярная встреча: Разбор контрольной", "Встреча-планирование: План на четверть"}
    first = found["Регулярная встреча: Разбор контрольной"]
    assert str(first["uid"]) == f"meeting-{held.pk}@testserver"
    assert first.decoded("dtstart") == held.starts_at
    assert first.decoded("dtend") == held.starts_at + datetime.timedelta(minutes=45)
    assert str(first["status"]) == "CONFIRMED"
    second = found["Встреча-планирование: План на четверть"]
    assert second.decoded("dtend") == planned.starts_at + datetime.timedelta(minutes=90)
    assert str(second["status"]) == "TENTATIVE"
    description = str(second["description"])
    assert "Программа: Программа «Учитель – ученик»" in description
    assert "Формат: онлайн" in description
    assert f"Страница пары: http://testserver/pairs/{pair.pk}/" in description


def test_the_mentees_feed_holds_the_meetings_of_its_own_pairs_only(client, pair, mentor_user, mentee_user):
    MeetingFactory(pair=pair, starts_at=days(-30), topic="Разбор контрольной")
    MeetingFactory(pair=pair, status=Meeting.Status.PLANNED, starts_at=days(7), topic="План на четверть")
    MeetingFactory(pair=pair, starts_at=days(-380), topic="Давняя встреча")
    MeetingFactory(
        pair=PairFactory(programme=pair.programme, mentor=pair.mentor), topic="Встреча другой пары"
    )

    found = events(client.get(feed_of(mentee_user)))

    assert set(found) == {"Регулярная встреча: Разбор контрольной", "Регулярная встреча: План на четверть"}
    assert str(found["Регулярная встреча: План на четверть"]["status"]) == "TENTATIVE"
    assert len(events(client.get(feed_of(mentor_user)))) == 3  # the mentor's other pair is in its own feed


def test_a_meeting_planned_in_a_pair_that_has_ended_since_leaves_the_feed(client, pair, mentor_user):
    MeetingFactory(pair=pair, starts_at=days(-10), topic="Проведённая")
    MeetingFactory(pair=pair, status=Meeting.Status.PLANNED, starts_at=days(10), topic="Несостоявшаяся")
    pair.status, pair.ended_on, pair.termination_reason = Pair.Status.TERMINATED, TODAY, "Переезд"
    pair.save()

    assert set(events(client.get(feed_of(mentor_user)))) == {"Регулярная встреча: Проведённая"}


def test_a_meetings_uid_stays_the_same_from_one_request_to_the_next(client, pair, mentor_user):
    MeetingFactory(pair=pair)

    first = events(client.get(feed_of(mentor_user)))
    second = events(client.get(feed_of(mentor_user)))

    assert [str(e["uid"]) for e in first.values()] == [str(e["uid"]) for e in second.values()]


@pytest.mark.parametrize("whose", ["mentor_user", "mentee_user"])
def test_the_feed_carries_no_personal_data_of_the_pupils_or_the_mentor(client, request, pair, whose):
    user = request.getfixturevalue(whose)
    MeetingFactory(pair=pair, starts_at=days(-2))
    MeetingFactory(pair=pair, status=Meeting.Status.PLANNED, starts_at=days(2))

    text = client.get(feed_of(user)).content.decode()

    for person in (pair.members.get().mentee.person, pair.mentor.person):
        for value in (person.last_name, person.first_name, person.patronymic):
            assert value not in text
    assert "7 «Б»" not in text and "7 \\«Б\\»" not in text
    assert "08.03.2012" not in text and "20120308" not in text
    assert "+7 900" not in text
    assert user.username not in text


def test_an_unknown_token_is_404(client, pair, mentor_user):
    feed_of(mentor_user)

    assert client.get("/calendar/no-such-token-at-all-1234567890abcdefghijklmn.ics").status_code == 404


def test_the_feed_of_a_deactivated_account_is_404(client, pair, mentor_user):
    url = feed_of(mentor_user)
    mentor_user.is_active = False
    mentor_user.save()

    assert client.get(url).status_code == 404


def test_a_new_link_invalidates_the_old_one(client, pair, mentor_user):
    MeetingFactory(pair=pair)
    old = feed_of(mentor_user)
    client = login(client, mentor_user)

    response = client.post("/calendar/reset/")

    assert response["Location"] == "/calendar/"
    new = feed_of(mentor_user)
    assert new != old
    client.logout()
    assert client.get(old).status_code == 404
    assert len(events(client.get(new))) == 1

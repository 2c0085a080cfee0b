"""Meetings of a pair or group (seed 002, stage 6): who records them, what is refused, and what a held one
starts."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mentoring.models import MenteeEntry, MentorEntry, Role
from pairs import meetings
from pairs.models import Meeting, Pair, PairStatusChange

from .factories import (
    MeetingFactory,
    MenteeEntryFactory,
    PairFactory,
    PersonFactory,
    SignedMentorConsentFactory,
)

TODAY = timezone.localdate()


def login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def moment(days: float) -> str:
    """A local date and time `days` from now, as the browser's datetime-local field sends it."""
    return timezone.localtime(timezone.now() + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def pupil(school, last_name: str) -> MenteeEntry:
    return MenteeEntryFactory(
        school=school,
        person=PersonFactory(school=school, last_name=last_name, grade=7, class_letter="Б"),
        status=MenteeEntry.Status.PAIRED,
    )


def make_pair(school, mentor_user=None, **kwargs) -> Pair:
    """A pair at work since two months ago, until half a year ahead."""
    values = {
        "programme__school": school,
        "programme__starts_on": TODAY - datetime.timedelta(days=90),
        "programme__ends_on": TODAY + datetime.timedelta(days=300),
        "started_on": TODAY - datetime.timedelta(days=60),
        "ends_on": TODAY + datetime.timedelta(days=180),
    }
    if mentor_user is not None:
        values["mentor__person__user"] = mentor_user
    return PairFactory(**(values | kwargs))


@pytest.fixture
def mentor(make_user, school):
    return make_user(Role.MENTOR, school)


@pytest.fixture
def pair(school, mentor) -> Pair:
    return make_pair(school, mentor, mentees=[pupil(school, "Зайцева"), pupil(school, "Волков")])


@pytest.fixture
def mentor_client(client, mentor):
    return login(client, mentor)


def form_token(client, pair: Pair) -> str:
    response = client.get(f"/pairs/{pair.pk}/meetings/new/")
    assert response.status_code == 200
    return response.context["form"].initial["form_token"]


def meeting_form(client, pair: Pair, **changes) -> dict:
    data = {
        "status": "held",
        "starts_at": moment(-2),
        "kind": "organisational",
        "format": "in_person",
        "topic": "Знакомство, правила работы пары",
        "duration_minutes": "45",
        "present": [m.mentee_id for m in pair.members.all()],
        "outcome": "Договорились о графике встреч",
        "next_step": "Пробная рабочая встреча",
        "form_token": form_token(client, pair),
    }
    return data | changes


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def field_errors(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


# Recording a meeting.


def test_the_mentor_records_a_held_meeting_with_who_was_present(mentor_client, mentor, pair):
    data = meeting_form(mentor_client, pair, present=[pair.members.first().mentee_id])

    response = mentor_client.post(f"/pairs/{pair.pk}/meetings/new/", data)

    assert response.status_code == 302
    assert response["Location"] == reverse("pair_detail", args=[pair.pk])
    meeting = Meeting.objects.get()
    assert (meeting.pair, meeting.school, meeting.status, meeting.kind) == (
        pair,
        pair.school,
        Meeting.Status.HELD,
        Meeting.Kind.ORGANISATIONAL,
    )
    assert list(meeting.present.all()) == [pair.members.first().mentee]
    assert meeting.created_by == mentor
    assert messages_of(response) == [f"Встреча {timezone.localtime(meeting.starts_at):%d.%m.%Y} записана."]


def test_the_curator_of_the_school_records_a_planned_meeting(client_as, school, pair):
    client = client_as(Role.CURATOR, school)
    data = meeting_form(client, pair, status="planned", starts_at=moment(5), present=[])

    response = client.post(f"/pairs/{pair.pk}/meetings/new/", data)

    meeting = Meeting.objects.get()
    assert meeting.status == Meeting.Status.PLANNED
    assert messages_of(response) == [
        f"Встреча запланирована на {timezone.localtime(meeting.starts_at):%d.%m.%Y %H:%M}."
    ]


def test_a_held_group_meeting_without_anyone_marked_present_is_recorded(mentor_client, pair):
    mentor_client.post(f"/pairs/{pair.pk}/meetings/new/", meeting_form(mentor_client, pair, present=[]))

    assert Meeting.objects.get().present.count() == 0


def test_the_first_meeting_is_organisational_by_default_and_later_ones_regular(mentor_client, pair):
    first = mentor_client.get(f"/pairs/{pair.pk}/meetings/new/").context["form"]
    MeetingFactory(pair=pair)
    later = mentor_client.get(f"/pairs/{pair.pk}/meetings/new/").context["form"]

    assert first.initial["kind"] == Meeting.Kind.ORGANISATIONAL
    assert later.initial["kind"] == Meeting.Kind.REGULAR


def test_the_form_offers_as_present_only_the_pairs_current_mentees(mentor_client, pair, school):
    make_pair(school, mentees=[pupil(school, "Чужой")])

    form = mentor_client.get(f"/pairs/{pair.pk}/meetings/new/").context["form"]

    offered = {str(label) for _value, label in form.fields["present"].choices}
    assert offered == {m.mentee.person.full_name for m in pair.members.all()}


def test_a_mentee_of_another_pair_sent_as_present_is_refused(mentor_client, pair, school):
    stranger = make_pair(school, mentees=[pupil(school, "Чужой")]).members.get().mentee

    response = mentor_client.post(
        f"/pairs/{pair.pk}/meetings/new/", meeting_form(mentor_client, pair, present=[stranger.pk])
    )

    assert response.status_code == 200
    assert field_errors(response, "present") == ["Отметьте только наставляемых этой пары."]
    assert not Meeting.objects.exists()


def test_the_service_itself_refuses_a_mentee_of_another_pair(pair, school, mentor):
    stranger = make_pair(school, mentees=[pupil(school, "Чужой")]).members.get().mentee
    data = {"status": "held", "starts_at": timezone.now() - datetime.timedelta(days=1), "topic": "Тема"}

    with pytest.raises(ValidationError) as error:
        meetings.meeting_log(pair=pair, data=data, present=[stranger], by=mentor)

    assert error.value.message_dict == {"present": ["Отметьте только наставляемых этой пары."]}
    assert not Meeting.objects.exists()


# Bad input: a message next to the field, what was typed kept, nothing stored.


def test_a_meeting_in_the_future_cannot_be_recorded_as_held(mentor_client, pair):
    data = meeting_form(mentor_client, pair, starts_at=moment(1))

    response = mentor_client.post(f"/pairs/{pair.pk}/meetings/new/", data)

    assert field_errors(response, "starts_at") == [
        "Встреча ещё не прошла: запланируйте её, а после встречи отметьте проведённой."
    ]
    assert 'value="Знакомство, правила работы пары"' in response.text
    assert not Meeting.objects.exists()


def test_a_planned_meeting_cannot_be_put_in_the_past(mentor_client, pair):
    data = meeting_form(mentor_client, pair, status="planned", starts_at=moment(-1))

    response = mentor_client.post(f"/pairs/{pair.pk}/meetings/new/", data)

    assert field_errors(response, "starts_at") == [
        "Это время уже прошло: если встреча состоялась, отметьте её как проведённую."
    ]
    assert not Meeting.objects.exists()


def test_a_held_meeting_before_the_pair_started_is_refused(mentor_client, pair):
    data = meeting_form(mentor_client, pair, starts_at=moment(-61))

    response = mentor_client.post(f"/pairs/{pair.pk}/meetings/new/", data)

    assert field_errors(response, "starts_at") == [
        f"Пара начала работу {pair.started_on:%d.%m.%Y}: проведённая встреча не может быть раньше."
    ]
    assert not Meeting.objects.exists()


def test_a_meeting_after_the_pair_ends_is_refused(mentor_client, pair):
    data = meeting_form(mentor_client, pair, status="planned", starts_at=moment(181))

    response = mentor_client.post(f"/pairs/{pair.pk}/meetings/new/", data)

    assert field_errors(response, "starts_at") == [
        f"Работа пары заканчивается {pair.ends_on:%d.%m.%Y}: встреча не может быть позже."
    ]
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("minutes", ["4", "601", "0"])
def test_the_duration_is_between_5_and_600_minutes(mentor_client, pair, minutes):
    data = meeting_form(mentor_client, pair, duration_minutes=minutes)

    response = mentor_client.post(f"/pairs/{pair.pk}/meetings/new/", data)

    assert field_errors(response, "duration_minutes") == ["Продолжительность встречи — от 5 до 600 минут."]
    assert not Meeting.objects.exists()


def test_a_proposed_pair_takes_no_meetings(client, school, mentor, make_user):
    pair = make_pair(school, mentor, status=Pair.Status.PROPOSED, started_on=None)
    client = login(client, make_user(Role.CURATOR, school))

    response = client.get(f"/pairs/{pair.pk}/meetings/new/")

    assert response["Location"] == reverse("pair_detail", args=[pair.pk])
    assert messages_of(response) == [meetings.NOT_APPROVED]
    assert meetings.NOT_APPROVED.startswith("Пара ещё не утверждена")


def test_the_mentor_does_not_meet_a_pair_the_director_has_not_approved(client, school, mentor):
    pair = make_pair(school, mentor, status=Pair.Status.PROPOSED, started_on=None)
    client = login(client, mentor)

    assert client.get(f"/pairs/{pair.pk}/meetings/new/").status_code == 404
    assert client.get(reverse("pair_detail", args=[pair.pk])).status_code == 404


@pytest.mark.parametrize(
    "status, extra",
    [
        (Pair.Status.COMPLETED, {}),
        (Pair.Status.TERMINATED, {"termination_reason": "Переезд наставляемого"}),
    ],
)
def test_a_pair_whose_work_ended_takes_no_meetings(client, school, mentor, status, extra):
    pair = make_pair(school, mentor, status=status, ended_on=TODAY, **extra)
    meeting = MeetingFactory(pair=pair, status=Meeting.Status.PLANNED, starts_at=timezone.now())
    client = login(client, mentor)

    created = client.post(f"/pairs/{pair.pk}/meetings/new/", {"status": "held", "topic": "Тема"})
    edited = client.post(f"/meetings/{meeting.pk}/edit/", {"status": "held", "topic": "Другая тема"})
    cancelled = client.post(f"/meetings/{meeting.pk}/delete/")

    for response in (created, edited, cancelled):
        assert response["Location"] == reverse("pair_detail", args=[pair.pk])
        assert messages_of(response)[-1] == meetings.ENDED
    assert meetings.ENDED.startswith("Работа пары завершена")
    assert list(Meeting.objects.values_list("topic", flat=True)) == ["Разбор открытого урока"]


def test_the_service_itself_refuses_a_meeting_of_a_proposed_pair(school, mentor):
    pair = make_pair(school, mentor, status=Pair.Status.PROPOSED, started_on=None)
    data = {"status": "planned", "starts_at": timezone.now() + datetime.timedelta(days=1), "topic": "Тема"}

    with pytest.raises(ValidationError) as error:
        meetings.meeting_log(pair=pair, data=data, present=[], by=mentor)

    assert error.value.messages == [meetings.NOT_APPROVED]
    assert not Meeting.objects.exists()


# The first held meeting starts the pair's work.


@pytest.fixture
def approved(school, mentor) -> Pair:
    pair = make_pair(school, mentor, status=Pair.Status.APPROVED, started_on=None)
    SignedMentorConsentFactory(pair=pair)  # the teacher-mentor's consent (Трудовой кодекс, ст. 351.8)
    return pair


def test_the_first_held_meeting_of_an_approved_pair_starts_its_work(mentor_client, approved, mentor):
    data = meeting_form(mentor_client, approved, starts_at=moment(-3))

    response = mentor_client.post(f"/pairs/{approved.pk}/meetings/new/", data)

    approved.refresh_from_db()
    started = (timezone.localtime(timezone.now()) - datetime.timedelta(days=3)).date()
    assert (approved.status, approved.started_on) == (Pair.Status.ACTIVE, started)
    change = PairStatusChange.objects.get(pair=approved, to_status=Pair.Status.ACTIVE)
    assert (change.from_status, change.changed_by) == (Pair.Status.APPROVED, mentor)
    assert MentorEntry.objects.get(pk=approved.mentor_id).status == MentorEntry.Status.ACTIVE
    assert messages_of(response) == [
        f"Встреча {started:%d.%m.%Y} записана. "
        f"Это первая проведённая встреча: пара начала работу {started:%d.%m.%Y}."
    ]


def test_a_held_meeting_of_an_approved_pair_before_its_programme_began_is_refused(mentor_client, approved):
    data = meeting_form(mentor_client, approved, starts_at=moment(-91))

    response = mentor_client.post(f"/pairs/{approved.pk}/meetings/new/", data)

    assert field_errors(response, "starts_at") == [
        f"Программа начинается {approved.programme.starts_on:%d.%m.%Y}: "
        "проведённая встреча не может быть раньше."
    ]
    approved.refresh_from_db()
    assert approved.status == Pair.Status.APPROVED
    assert not Meeting.objects.exists()


def test_a_planned_meeting_does_not_start_the_pair(mentor_client, approved):
    data = meeting_form(mentor_client, approved, status="planned", starts_at=moment(2))

    mentor_client.post(f"/pairs/{approved.pk}/meetings/new/", data)

    approved.refresh_from_db()
    assert (approved.status, approved.started_on) == (Pair.Status.APPROVED, None)
    assert Meeting.objects.count() == 1


def test_a_held_meeting_does_not_start_a_teacher_mentors_pair_without_the_signed_consent(
    mentor_client, school, mentor
):
    waiting = make_pair(school, mentor, status=Pair.Status.APPROVED, started_on=None)
    data = meeting_form(mentor_client, waiting, starts_at=moment(-3))

    response = mentor_client.post(f"/pairs/{waiting.pk}/meetings/new/", data)

    waiting.refresh_from_db()
    assert "только с письменного согласия" in response.content.decode()
    assert waiting.status == Pair.Status.APPROVED and not waiting.meetings.exists()


def test_marking_a_planned_meeting_held_starts_the_pair(mentor_client, approved):
    meeting = MeetingFactory(
        pair=approved, status=Meeting.Status.PLANNED, starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    form = mentor_client.get(f"/meetings/{meeting.pk}/edit/").context["form"]
    data = {name: form[name].value() for name in form.fields} | {"status": "held", "present": []}
    data["starts_at"] = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M")

    response = mentor_client.post(f"/meetings/{meeting.pk}/edit/", data)

    approved.refresh_from_db()
    assert approved.status == Pair.Status.ACTIVE
    assert approved.started_on == timezone.localdate(meeting.starts_at)
    assert messages_of(response)[0].startswith("Изменения сохранены. Это первая проведённая встреча")


# Sending the same form twice.


def test_sending_the_same_form_twice_records_one_meeting(mentor_client, pair):
    data = meeting_form(mentor_client, pair)

    first = mentor_client.post(f"/pairs/{pair.pk}/meetings/new/", data)
    second = mentor_client.post(f"/pairs/{pair.pk}/meetings/new/", data)

    assert Meeting.objects.count() == 1
    assert second["Location"] == first["Location"] == reverse("pair_detail", args=[pair.pk])
    assert messages_of(second)[-1:] == ["Эта встреча уже записана."]


def test_a_form_refused_once_can_be_corrected_and_sent_again(mentor_client, pair):
    data = meeting_form(mentor_client, pair, duration_minutes="1000")
    mentor_client.post(f"/pairs/{pair.pk}/meetings/new/", data)

    mentor_client.post(f"/pairs/{pair.pk}/meetings/new/", data | {"duration_minutes": "60"})

    assert Meeting.objects.get().duration_minutes == 60


def test_a_forged_form_token_is_refused(mentor_client, pair):
    data = meeting_form(mentor_client, pair, form_token="d3b07384d113edec49eaa6238ad5ff00")

    response = mentor_client.post(f"/pairs/{pair.pk}/meetings/new/", data)

    assert response.context["form"].non_field_errors() == [
        "Форма устарела: откройте страницу записи встречи заново."
    ]
    assert not Meeting.objects.exists()


# Editing and cancelling.


def test_the_mentor_corrects_a_meeting(mentor_client, pair):
    meeting = MeetingFactory(pair=pair)
    form = mentor_client.get(f"/meetings/{meeting.pk}/edit/").context["form"]
    data = {name: form[name].value() for name in form.fields} | {"topic": "Разбор урока в 7 «Б»"}
    data["starts_at"] = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M")

    response = mentor_client.post(f"/meetings/{meeting.pk}/edit/", data)

    assert response["Location"] == reverse("pair_detail", args=[pair.pk])
    meeting.refresh_from_db()
    assert meeting.topic == "Разбор урока в 7 «Б»"
    assert Meeting.objects.count() == 1


def test_a_planned_meeting_can_be_cancelled_and_a_held_one_cannot(mentor_client, pair):
    planned = MeetingFactory(
        pair=pair, status=Meeting.Status.PLANNED, starts_at=timezone.now() + datetime.timedelta(days=2)
    )
    held = MeetingFactory(pair=pair)

    cancelled = mentor_client.post(f"/meetings/{planned.pk}/delete/")
    refused = mentor_client.post(f"/meetings/{held.pk}/delete/")

    assert messages_of(cancelled) == ["Встреча отменена."]
    assert messages_of(refused)[-1:] == ["Встреча уже проведена: отменить можно только запланированную."]
    assert list(Meeting.objects.all()) == [held]
    assert mentor_client.post(f"/meetings/{planned.pk}/delete/").status_code == 404


def test_the_edit_page_offers_to_cancel_only_a_planned_meeting(mentor_client, pair):
    planned = MeetingFactory(
        pair=pair, status=Meeting.Status.PLANNED, starts_at=timezone.now() + datetime.timedelta(days=2)
    )
    held = MeetingFactory(pair=pair)

    assert "Отменить встречу" in mentor_client.get(f"/meetings/{planned.pk}/edit/").text
    assert "Отменить встречу" not in mentor_client.get(f"/meetings/{held.pk}/edit/").text


# Who may record: the pair's own mentor and the school's curator; anyone else gets a 404.


def writes(pair: Pair, meeting: Meeting) -> list[tuple[str, str]]:
    return [
        ("get", f"/pairs/{pair.pk}/meetings/new/"),
        ("post", f"/pairs/{pair.pk}/meetings/new/"),
        ("get", f"/meetings/{meeting.pk}/edit/"),
        ("post", f"/meetings/{meeting.pk}/edit/"),
        ("post", f"/meetings/{meeting.pk}/delete/"),
    ]


def assert_refused_everywhere(client, pair: Pair) -> None:
    meeting = MeetingFactory(
        pair=pair, status=Meeting.Status.PLANNED, starts_at=timezone.now() + datetime.timedelta(days=2)
    )
    data = {"status": "held", "starts_at": moment(-1), "topic": "Взлом", "duration_minutes": "45"}
    for method, url in writes(pair, meeting):
        assert getattr(client, method)(url, data if method == "post" else {}).status_code == 404, url
    assert list(Meeting.objects.values_list("topic", flat=True)) == ["Разбор открытого урока"]


def test_the_mentor_of_another_pair_of_the_same_school_gets_404(client, school, make_user, pair):
    other_mentor = make_user(Role.MENTOR, school)
    make_pair(school, other_mentor)

    assert_refused_everywhere(login(client, other_mentor), pair)


def test_the_curator_of_another_school_gets_404(client_as, other_school, pair):
    assert_refused_everywhere(client_as(Role.CURATOR, other_school), pair)


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.TEACHER, Role.PSYCHOLOGIST, Role.COORDINATOR])
def test_other_roles_of_the_school_cannot_record_meetings(client_as, school, pair, role):
    organisation = school.department if role == Role.COORDINATOR else school
    assert_refused_everywhere(client_as(role, organisation), pair)


def test_a_mentee_of_the_pair_cannot_record_meetings(client, school, make_user, pair):
    user = make_user(Role.MENTEE, school)
    member = pair.members.first().mentee
    member.person.user = user
    member.person.save()

    assert_refused_everywhere(login(client, user), pair)

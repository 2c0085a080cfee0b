"""The mentors' hours and pay (Трудовой кодекс, ст. 351.8): counted from the logged meetings, pairs and plans,
paid by the school's rule, approved by the director, downloaded by the accountant, seen by the mentor."""

import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from mentoring.models import MentorPayRule, Person, Role
from pairs import hours, meetings, services
from pairs.hours import HoursSheet
from pairs.models import Meeting, MentorHoursMonth, Pair

from .factories import (
    MeetingFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    PairFactory,
    PersonFactory,
    PlanItemFactory,
    ProgrammeFactory,
    SchoolFactory,
)

MSK = zoneinfo.ZoneInfo("Europe/Moscow")
NOVEMBER = datetime.date(2026, 11, 1)
OCTOBER = datetime.date(2026, 10, 1)
DECEMBER = datetime.date(2026, 12, 1)


def at(day: int, month: int = 11, hour: int = 15) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, tzinfo=MSK)


@pytest.fixture(autouse=True)
def tenth_of_december():
    with time_machine.travel(datetime.datetime(2026, 12, 10, 12, tzinfo=MSK), tick=True):
        yield


@pytest.fixture
def programme(school):
    return ProgrammeFactory(school=school, title="Учитель – учитель")


def mentor_in(school, last_name: str, kind: str = Person.Kind.TEACHER, user=None):
    person = PersonFactory(
        school=school,
        last_name=last_name,
        kind=kind,
        grade=None,
        class_letter="",
        position="Учитель",
        user=user,
    )
    return MentorEntryFactory(school=school, person=person, capacity=5)


def pair_of(mentor, programme, **kwargs) -> Pair:
    return PairFactory(school=mentor.school, programme=programme, mentor=mentor, **kwargs)


def held(pair: Pair, moment: datetime.datetime, minutes: int = 45, **kwargs) -> Meeting:
    return MeetingFactory(pair=pair, starts_at=moment, duration_minutes=minutes, **kwargs)


def line_of(sheet: HoursSheet, name: str):
    return next(line for line in sheet.lines if line.name.startswith(name))


# The arithmetic ------------------------------------------------------------------------------------------


def test_a_group_meeting_counts_once_and_planned_or_other_months_meetings_do_not(school, programme):
    mentor = mentor_in(school, "Орлова")
    group = pair_of(mentor, programme, mentees=[MenteeEntryFactory(school=school) for _ in range(3)])
    meeting = held(group, at(5), 45)
    meeting.present.set(group.members.values_list("mentee", flat=True))
    held(group, at(19), 60)
    held(group, at(26), 90, status=Meeting.Status.PLANNED)
    held(group, at(20, month=10), 30)

    line = line_of(hours.school_sheet(school, NOVEMBER), "Орлова")

    assert (line.meetings, line.minutes, line.hours) == (2, 105, Decimal("1.75"))


def test_a_held_meeting_dated_in_the_future_never_counts(school, programme):
    pair = pair_of(mentor_in(school, "Орлова"), programme)
    held(pair, at(3, month=12), 60)
    held(pair, at(20, month=12), 600)  # written past the form, which refuses it

    line = line_of(hours.school_sheet(school, DECEMBER), "Орлова")

    assert (line.meetings, line.minutes) == (1, 60)


def test_the_meeting_form_refuses_a_held_meeting_in_the_future(school, programme):
    pair = pair_of(mentor_in(school, "Орлова"), programme)

    problems = meetings.meeting_problems(pair=pair, status=Meeting.Status.HELD, starts_at=at(20, month=12))

    assert "Встреча ещё не прошла" in problems["starts_at"]


def test_hours_are_counted_per_programme_and_summed_for_the_mentor(school, programme):
    mentor = mentor_in(school, "Орлова")
    other = ProgrammeFactory(school=school, title="Учитель – ученик")
    held(pair_of(mentor, programme), at(5), 45)
    held(pair_of(mentor, other), at(6), 30)
    PlanItemFactory(pair=pair_of(mentor, other), done_on=datetime.date(2026, 11, 20))

    line = line_of(hours.school_sheet(school, NOVEMBER), "Орлова")

    assert [(p.title, p.minutes, p.pairs, p.plan_done) for p in line.programmes] == [
        ("Учитель – ученик", 30, 2, 1),
        ("Учитель – учитель", 45, 1, 0),
    ]
    assert (line.minutes, line.pairs, line.plan_done, line.meetings) == (75, 3, 1, 2)


def test_a_pair_counts_in_each_month_it_was_at_work_on_any_day(school, programme):
    mentor = mentor_in(school, "Орлова")
    pair_of(mentor, programme, started_on=datetime.date(2026, 11, 30))
    pair_of(
        mentor,
        programme,
        status=Pair.Status.COMPLETED,
        started_on=datetime.date(2026, 9, 15),
        ended_on=datetime.date(2026, 10, 31),
    )
    pair_of(mentor, programme, status=Pair.Status.APPROVED, started_on=None)

    found = hours.figures(Pair.objects.filter(school=school), [OCTOBER, NOVEMBER])

    assert found[mentor.pk, programme.pk, OCTOBER].pairs == 1
    assert found[mentor.pk, programme.pk, NOVEMBER].pairs == 1


def test_plan_items_done_count_in_the_month_they_were_done_and_carry_no_hours(school, programme):
    pair = pair_of(mentor_in(school, "Орлова"), programme)
    PlanItemFactory(pair=pair, done_on=datetime.date(2026, 11, 3))
    PlanItemFactory(pair=pair, done_on=datetime.date(2026, 10, 3))
    PlanItemFactory(pair=pair)

    line = line_of(hours.school_sheet(school, NOVEMBER), "Орлова")

    assert (line.plan_done, line.minutes) == (1, 0)


def test_another_schools_mentors_are_not_in_the_sheet(school, programme):
    held(pair_of(mentor_in(school, "Орлова"), programme), at(5))
    theirs = SchoolFactory()
    held(pair_of(mentor_in(theirs, "Чужая"), ProgrammeFactory(school=theirs)), at(5))

    assert [line.name.split()[0] for line in hours.school_sheet(school, NOVEMBER).lines] == ["Орлова"]


# Pay -------------------------------------------------------------------------------------------------------


def set_rule(school, rule: str, rate: str) -> None:
    school.mentor_pay_rule, school.mentor_pay_rate = rule, Decimal(rate)
    school.save()


@pytest.fixture
def two_pairs(school, programme):
    """Орлова: two pairs, 90 minutes in November; Студент: an external mentor of one pair, 45 minutes."""
    mentor = mentor_in(school, "Орлова")
    held(pair_of(mentor, programme), at(5), 45)
    held(pair_of(mentor, programme), at(6), 45)
    held(pair_of(mentor_in(school, "Студентов", kind=Person.Kind.STUDENT), programme), at(7), 45)


@pytest.mark.parametrize(
    ("rule", "rate", "pay"),
    [
        (MentorPayRule.PER_HOUR, "300", Decimal("450.00")),
        (MentorPayRule.PER_PAIR_MONTH, "500", Decimal("1000.00")),
        (MentorPayRule.FIXED, "2000", Decimal("2000.00")),
    ],
)
def test_an_employee_is_paid_by_the_schools_rule(school, two_pairs, rule, rate, pay):
    set_rule(school, rule, rate)

    sheet = hours.school_sheet(school, NOVEMBER)

    assert line_of(sheet, "Орлова").pay == pay
    assert sheet.total.pay == pay


def test_a_mentor_who_is_not_the_schools_employee_has_hours_but_no_pay(school, two_pairs):
    set_rule(school, MentorPayRule.PER_HOUR, "300")

    line = line_of(hours.school_sheet(school, NOVEMBER), "Студентов")

    assert (line.minutes, line.employee, line.pay) == (45, False, None)


def test_without_a_rule_the_sheet_shows_hours_only_and_says_so(director_client, school, two_pairs):
    sheet = hours.school_sheet(school, NOVEMBER)
    assert [line.pay for line in sheet.lines] == [None, None]
    assert sheet.total.pay is None

    page = director_client.get(month_url("hours_month", NOVEMBER)).content.decode()
    assert hours.NO_RULE in page
    assert hours.NO_RULE in xlsx_text(director_client)


# Approval ------------------------------------------------------------------------------------------------


@pytest.fixture
def director(make_user, school):
    return make_user(Role.DIRECTOR, school)


@pytest.fixture
def director_client(client, director):
    client.force_login(director, backend="django.contrib.auth.backends.ModelBackend")
    return client


def month_url(name: str, month: datetime.date) -> str:
    return reverse(name, args=[month.year, month.month])


def test_the_director_approves_an_ended_month_and_its_figures_are_kept(director_client, school, two_pairs):
    set_rule(school, MentorPayRule.PER_HOUR, "300")

    response = director_client.post(month_url("hours_month_approve", NOVEMBER), follow=True)

    assert "Часы за ноябрь 2026 г. утверждены" in response.content.decode()
    approval = MentorHoursMonth.objects.get(school=school, month=NOVEMBER)
    assert HoursSheet.from_json(approval.figures) == hours.school_sheet(school, NOVEMBER)
    assert LogEntry.objects.get_for_object(approval).get().actor.pk == response.wsgi_request.user.pk


def test_a_month_that_has_not_ended_is_not_approved(director_client, school, two_pairs):
    response = director_client.post(month_url("hours_month_approve", DECEMBER), follow=True)

    assert "Месяц ещё не закончился: часы за декабрь 2026 г. можно утвердить с 01.01.2027." in (
        response.content.decode()
    )
    assert not MentorHoursMonth.objects.exists()


def test_a_month_is_approved_once(school, director, two_pairs):
    services.hours_month_approve(school=school, month=NOVEMBER, by=director)

    with pytest.raises(ValidationError, match="уже утверждены"):
        services.hours_month_approve(school=school, month=NOVEMBER, by=director)


def test_the_approved_timesheet_stays_as_approved(director_client, school, director, programme):
    set_rule(school, MentorPayRule.PER_HOUR, "300")
    pair = pair_of(mentor_in(school, "Орлова"), programme)
    held(pair, at(5), 60)
    services.hours_month_approve(school=school, month=NOVEMBER, by=director)
    held(pair, at(6), 60)  # past the refusals, straight into the database

    assert "Утверждено" in xlsx_text(director_client)
    assert xlsx_row(director_client, "Орлова")[4:8] == [1, 1, 0, 300]


def test_held_meetings_of_an_approved_month_are_neither_logged_nor_changed(school, director, programme):
    pair = pair_of(mentor_in(school, "Орлова"), programme)
    stored = held(pair, at(5), 60)
    services.hours_month_approve(school=school, month=NOVEMBER, by=director)
    data = {
        "status": Meeting.Status.HELD,
        "starts_at": at(12),
        "topic": "Разбор урока",
        "duration_minutes": 45,
    }

    with pytest.raises(ValidationError, match="за ноябрь 2026 г. утверждены директором"):
        meetings.meeting_log(pair=pair, data=data, present=[], by=director)
    with pytest.raises(ValidationError, match="попросите директора отменить утверждение"):
        meetings.meeting_update(
            meeting=stored, data=data | {"starts_at": at(3, month=12)}, present=[], by=director
        )

    assert pair.meetings.count() == 1
    stored.refresh_from_db()
    assert stored.starts_at == at(5)
    meetings.meeting_log(pair=pair, data=data | {"starts_at": at(3, month=12)}, present=[], by=director)


def test_the_meeting_form_says_why_an_approved_month_is_closed(
    client, make_user, school, director, programme
):
    mentor_user = make_user(Role.MENTOR, school)
    pair = pair_of(mentor_in(school, "Орлова", user=mentor_user), programme)
    stored = held(pair, at(5), 60)
    services.hours_month_approve(school=school, month=NOVEMBER, by=director)
    client.force_login(mentor_user, backend="django.contrib.auth.backends.ModelBackend")
    form = {
        "status": "held",
        "starts_at": "2026-11-05T15:00",
        "kind": "regular",
        "format": "in_person",
        "topic": "Другая тема",
        "duration_minutes": 90,
    }

    opened = client.get(reverse("meeting_edit", args=[stored.pk]), follow=True)
    response = client.post(reverse("meeting_edit", args=[stored.pk]), form, follow=True)

    assert "утверждены директором" in opened.content.decode()
    assert "утверждены директором" in response.content.decode()
    stored.refresh_from_db()
    assert (stored.topic, stored.duration_minutes) == ("Разбор открытого урока", 60)


def test_withdrawing_the_approval_opens_the_month_again(director_client, school, director, programme):
    pair = pair_of(mentor_in(school, "Орлова"), programme)
    services.hours_month_approve(school=school, month=NOVEMBER, by=director)
    approval = MentorHoursMonth.objects.get()

    response = director_client.post(month_url("hours_month_withdraw", NOVEMBER), follow=True)

    assert "Утверждение часов за ноябрь 2026 г. отменено" in response.content.decode()
    assert not MentorHoursMonth.objects.exists()
    assert LogEntry.objects.filter(object_pk=str(approval.pk), action=LogEntry.Action.DELETE).exists()
    data = {
        "status": Meeting.Status.HELD,
        "starts_at": at(12),
        "topic": "Разбор урока",
        "duration_minutes": 45,
    }
    meetings.meeting_log(pair=pair, data=data, present=[], by=director)


def test_withdrawing_a_month_that_is_not_approved_says_so(director_client):
    response = director_client.post(month_url("hours_month_withdraw", NOVEMBER), follow=True)

    assert "Часы за ноябрь 2026 г. не утверждены: отменять нечего." in response.content.decode()


def test_an_approved_month_keeps_the_rule_it_was_approved_with(director_client, school, director, two_pairs):
    set_rule(school, MentorPayRule.PER_HOUR, "300")
    services.hours_month_approve(school=school, month=NOVEMBER, by=director)
    set_rule(school, MentorPayRule.FIXED, "5000")

    assert xlsx_row(director_client, "Орлова")[7] == 450


def test_hours_by_pair_count_each_pairs_held_meetings(school, programme):
    mentor = mentor_in(school, "Орлова")
    one, other = pair_of(mentor, programme), pair_of(mentor, programme)
    held(one, at(5), 45)
    held(one, at(5, month=10), 30)
    held(other, at(6), 60, status=Meeting.Status.PLANNED)

    found = hours.hours_by_pair(Pair.objects.filter(school=school), (OCTOBER, datetime.date(2026, 11, 30)))

    assert {pair: (f.meetings, f.minutes) for pair, f in found.items()} == {one.pk: (2, 75)}
    everything = hours.hours_by_pair(Pair.objects.filter(school=school))
    assert {pair: (f.meetings, f.minutes) for pair, f in everything.items()} == {one.pk: (2, 75)}
    november = hours.hours_by_pair(
        Pair.objects.filter(school=school), (NOVEMBER, datetime.date(2026, 11, 30))
    )
    assert {pair: f.minutes for pair, f in november.items()} == {one.pk: 45}


# Pages and access ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/hours/2026/13/",
        "/hours/2026/0/",
        "/hours/2027/1/",
        "/hours/1999/12/",
        "/hours/99999/1/",
        "/hours/x/",
    ],
)
def test_a_month_outside_the_years_that_have_begun_or_malformed_is_a_404(director_client, url):
    assert director_client.get(url).status_code == 404


def test_the_hours_and_the_timesheet_are_never_cached(director_client):
    for name in ("hours_month", "hours_month_xlsx"):
        assert "no-store" in director_client.get(month_url(name, NOVEMBER))["Cache-Control"]


def test_the_hours_page_opens_on_the_last_ended_month(director_client):
    assert director_client.get("/hours/").url == "/hours/2026/11/"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.DIRECTOR, 200),
        (Role.CURATOR, 200),
        (Role.PSYCHOLOGIST, 403),
        (Role.TEACHER, 403),
        (Role.MENTOR, 403),
        (Role.MENTEE, 403),
    ],
)
def test_the_hours_and_the_timesheet_are_the_directors_and_the_curators(client_as, school, role, status):
    client = client_as(role, school)

    assert client.get(month_url("hours_month", NOVEMBER)).status_code == status
    assert client.get(month_url("hours_month_xlsx", NOVEMBER)).status_code == status


def test_a_coordinator_does_not_open_a_schools_hours(client_as, school):
    assert client_as(Role.COORDINATOR, school.department).get("/hours/2026/11/").status_code == 403


@pytest.mark.parametrize("role", [Role.CURATOR, Role.PSYCHOLOGIST, Role.MENTOR, Role.TEACHER])
def test_only_the_director_approves_and_withdraws(client_as, school, role):
    client = client_as(role, school)

    assert client.post(month_url("hours_month_approve", NOVEMBER)).status_code == 403
    assert not MentorHoursMonth.objects.exists()


def test_another_schools_director_neither_sees_nor_withdraws_this_schools_month(
    client_as, school, director, two_pairs
):
    services.hours_month_approve(school=school, month=NOVEMBER, by=director)
    theirs = client_as(Role.DIRECTOR, SchoolFactory())

    page = theirs.get(month_url("hours_month", NOVEMBER)).content.decode()
    theirs.post(month_url("hours_month_withdraw", NOVEMBER))

    assert "Орлова" not in page
    assert MentorHoursMonth.objects.filter(school=school).exists()


def test_the_page_lists_the_mentors_with_their_figures(director_client, school, two_pairs):
    set_rule(school, MentorPayRule.PER_HOUR, "300")

    page = director_client.get(month_url("hours_month", NOVEMBER)).content.decode()

    assert "Табель учёта часов наставнической деятельности за ноябрь 2026 г." in page
    assert "450,00 руб." in page
    assert "не начисляется: не работник школы" in page
    assert "Утвердить часы за месяц" in page


def test_the_hours_page_runs_a_fixed_number_of_queries(
    director_client, school, programme, django_assert_num_queries
):
    def add_mentor(n: int) -> None:
        pair = pair_of(mentor_in(school, f"Наставник{n}"), programme)
        held(pair, at(5))
        PlanItemFactory(pair=pair, done_on=datetime.date(2026, 11, 5))

    add_mentor(0)
    url = month_url("hours_month", NOVEMBER)
    director_client.get(url)
    with django_assert_num_queries(9) as few:
        director_client.get(url)
    for n in range(1, 6):
        add_mentor(n)
    with django_assert_num_queries(len(few.captured_queries)):
        assert director_client.get(url).content.decode().count("Наставник") >= 6


def test_the_directors_home_asks_to_approve_last_months_hours_until_approved(
    director_client, client_as, school, director, two_pairs
):
    reminder = "Часы наставников за ноябрь 2026 г. ждут утверждения"

    assert reminder in director_client.get("/").content.decode()
    assert reminder not in client_as(Role.CURATOR, school).get("/").content.decode()
    services.hours_month_approve(school=school, month=NOVEMBER, by=director)
    director_client.force_login(director, backend="django.contrib.auth.backends.ModelBackend")
    assert reminder not in director_client.get("/").content.decode()


# The mentor's own hours ----------------------------------------------------------------------------------


def test_the_mentor_sees_its_own_months_and_nobody_elses(client, make_user, school, programme, director):
    set_rule(school, MentorPayRule.PER_HOUR, "300")
    user = make_user(Role.MENTOR, school)
    own = pair_of(mentor_in(school, "Орлова", user=user), programme)
    held(own, at(5, month=10), 60)
    held(own, at(5), 90)
    held(pair_of(mentor_in(school, "Чужова"), programme), at(5), 45)
    services.hours_month_approve(school=school, month=OCTOBER, by=director)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    response = client.get(reverse("my_hours"))

    rows = {row.month: (row.line.minutes, row.line.pay, row.approved) for row in response.context["rows"]}
    assert rows == {
        datetime.date(2026, 9, 1): (0, Decimal("0.00"), False),  # the pair worked from 15.09, no meeting
        OCTOBER: (60, Decimal("300.00"), True),
        NOVEMBER: (90, Decimal("450.00"), False),
        DECEMBER: (0, Decimal("0.00"), False),
    }
    page = response.content.decode()
    assert "Мои часы наставничества" in page
    assert "Чужова" not in page
    assert "no-store" in response["Cache-Control"]


def test_my_hours_runs_a_fixed_number_of_queries(client, make_user, school, django_assert_num_queries):
    user = make_user(Role.MENTOR, school)
    mentor = mentor_in(school, "Орлова", user=user)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    def add_programme(n: int) -> None:
        pair = pair_of(mentor, ProgrammeFactory(school=school, title=f"Программа {n}"))
        held(pair, at(5, month=10 + n % 3))
        PlanItemFactory(pair=pair, done_on=datetime.date(2026, 10 + n % 3, 5))

    add_programme(0)
    client.get(reverse("my_hours"))
    with django_assert_num_queries(9) as few:
        client.get(reverse("my_hours"))
    for n in range(1, 5):
        add_programme(n)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(reverse("my_hours")).content.decode().count("Программа ") >= 5


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.CURATOR, Role.TEACHER])
def test_my_hours_is_a_mentors_page(client_as, school, role):
    assert client_as(role, school).get(reverse("my_hours")).status_code == 403


# The accountant's XLSX ---------------------------------------------------------------------------------


def xlsx_rows(client, month: datetime.date = NOVEMBER) -> list[list]:
    response = client.get(month_url("hours_month_xlsx", month))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def xlsx_text(client) -> str:
    return "\n".join(str(cell) for row in xlsx_rows(client) for cell in row if cell is not None)


def xlsx_row(client, name: str) -> list:
    return next(row for row in xlsx_rows(client) if str(row[0]).startswith(name))


def test_the_xlsx_has_the_title_columns_numbers_rule_total_and_approval(
    director_client, school, director, two_pairs
):
    set_rule(school, MentorPayRule.PER_HOUR, "300")
    services.hours_month_approve(school=school, month=NOVEMBER, by=director)

    response = director_client.get(month_url("hours_month_xlsx", NOVEMBER))
    table = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in table.iter_rows(values_only=True)]

    assert rows[0][0] == school.full_name
    assert rows[1][0] == "Табель учёта часов наставнической деятельности за ноябрь 2026 г."
    assert rows[3][:3] == ["ФИО наставника", "Должность", "Программы наставничества"]
    orlova = xlsx_row(director_client, "Орлова")
    assert orlova[3:8] == [2, 2, 1.5, 0, 450]
    assert xlsx_row(director_client, "Студентов")[7] == "не начисляется"
    total = xlsx_row(director_client, "Итого")
    assert total[3:8] == [3, 3, 2.25, 0, 450]
    assert any("300,00 руб. за час" in str(row[0]) for row in rows)
    approved = xlsx_row(director_client, "Утверждено директором")
    assert approved[1] == str(director)
    assert isinstance(approved[2], datetime.datetime)
    assert table.column_dimensions["A"].width == 36
    assert "attachment" in response["Content-Disposition"]


def test_the_xlsx_of_a_month_not_approved_says_so(director_client, two_pairs):
    assert "Не утверждено" in xlsx_text(director_client)


def test_the_xlsx_neutralises_formulae_in_names(director_client, school, programme):
    pair = pair_of(mentor_in(school, '=HYPERLINK("http://evil")'), programme)
    held(pair, at(5))

    row = xlsx_row(director_client, "'=HYPERLINK")

    assert row[0].startswith("'=HYPERLINK")

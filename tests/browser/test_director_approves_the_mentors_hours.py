"""The director opens the last month's hours of the school's mentors, approves the month and downloads the
accountant's timesheet; the mentor sees its own hours on the phone."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from mentoring.models import MentorPayRule, Person, Role
from pairs.hours import month_label, previous_month
from pairs.models import MentorHoursMonth
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    MentorEntryFactory,
    PairFactory,
    PersonFactory,
    ProgrammeFactory,
    SchoolFactory,
    UserFactory,
)

from .conftest import assert_fits_the_window, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def school_with_a_mentors_month() -> datetime.date:
    """A school paying 300 руб. an hour, whose mentor held 90 minutes of meetings last month."""
    month = previous_month(timezone.localdate())
    school = SchoolFactory(mentor_pay_rule=MentorPayRule.PER_HOUR, mentor_pay_rate=Decimal("300"))
    MembershipFactory(user=UserFactory(username="director"), organisation=school, role=Role.DIRECTOR)
    mentor_user = UserFactory(username="mentor")
    MembershipFactory(user=mentor_user, organisation=school, role=Role.MENTOR)
    person = PersonFactory(
        school=school,
        kind=Person.Kind.TEACHER,
        last_name="Орлова",
        first_name="Елена",
        patronymic="Викторовна",
        grade=None,
        class_letter="",
        position="Учитель математики",
        user=mentor_user,
    )
    programme = ProgrammeFactory(
        school=school,
        starts_on=month - datetime.timedelta(days=60),
        ends_on=month + datetime.timedelta(days=300),
    )
    pair = PairFactory(
        programme=programme,
        mentor=MentorEntryFactory(school=school, person=person),
        started_on=month - datetime.timedelta(days=30),
        ends_on=None,
    )
    moment = timezone.make_aware(datetime.datetime.combine(month.replace(day=10), datetime.time(15)))
    MeetingFactory(pair=pair, starts_at=moment, duration_minutes=90)
    return month


def test_the_director_approves_the_month_and_downloads_the_timesheet(page: Page, phone: Page, tmp_path):
    month = school_with_a_mentors_month()

    log_in(page, "director")
    page.get_by_role("link", name="Часы наставников").click()
    title = f"Табель учёта часов наставнической деятельности за {month_label(month)}"
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Орлова Елена")
    expect(row).to_contain_text("1,50")
    expect(row).to_contain_text("450,00 руб.")
    expect(page.get_by_text("Не утверждено")).to_be_visible()

    page.get_by_role("button", name="Утвердить часы за месяц").click()
    expect(page.get_by_text(f"Часы за {month_label(month)} утверждены")).to_be_visible()
    expect(page.get_by_role("button", name="Отменить утверждение")).to_be_visible()
    assert MentorHoursMonth.objects.filter(month=month).exists()

    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать табель (XLSX)").click()
    target = tmp_path / "tabel.xlsx"
    download.value.save_as(target)
    rows = [list(r) for r in load_workbook(target).active.iter_rows(values_only=True)]
    assert rows[1][0] == title
    assert rows[4][:2] == ["Орлова Елена Викторовна", "Учитель математики"]
    assert rows[4][5:8] == [1.5, 0, 450]
    assert rows[-1][:2] == ["Утверждено директором", "Иванова Анна"]

    log_in(phone, "mentor")
    phone.get_by_role("button", name="Меню").click()
    phone.get_by_role("link", name="Мои часы наставничества").click()
    mine = phone.get_by_role("row").filter(has_text=month_label(month).removesuffix(" г."))
    expect(mine).to_contain_text("1,50")
    expect(mine).to_contain_text("утверждён директором")
    assert_fits_the_window(phone)

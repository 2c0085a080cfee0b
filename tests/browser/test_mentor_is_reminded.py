"""The mentor of the demo, with an address, is reminded of tomorrow's meeting: on its home on a phone, and
by one letter from the scheduled job, whose unsubscribe link switches such letters off without login."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from mentoring.models import MailOptOut, User
from pairs.models import Meeting, Pair

from .conftest import assert_fits_the_window, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_mentor_sees_and_gets_the_meeting_reminder_and_unsubscribes(phone: Page, settings, live_server):
    call_command("demo", stdout=io.StringIO())
    settings.SITE_URL = live_server.url
    User.objects.filter(username="mentor").update(email="mentor@school1.ru")
    pair = Pair.objects.filter(mentor__person__user__username="mentor", status=Pair.Status.ACTIVE).first()
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    Meeting.objects.create(
        school=pair.school,
        pair=pair,
        status=Meeting.Status.PLANNED,
        starts_at=tomorrow.replace(hour=15, minute=30),
        topic="Подготовка к олимпиаде",
    )

    log_in(phone, "mentor")
    attention = phone.get_by_role("region", name="Требует внимания")
    reminder = "Завтра в 15:30 встреча «Подготовка к олимпиаде»."
    expect(attention.get_by_role("link", name=reminder)).to_be_visible()
    assert_fits_the_window(phone)

    call_command("run_scheduled", stdout=io.StringIO())
    call_command("run_scheduled", stdout=io.StringIO())
    letters = [m for m in mail.outbox if m.subject.startswith("Встреча завтра")]
    assert len(letters) == 1 and reminder in letters[0].body

    unsubscribe = re.search(r"Не получать такие напоминания по почте: (\S+)", letters[0].body)[1]
    phone.context.clear_cookies()
    phone.goto(unsubscribe)
    phone.get_by_role("button", name="Отписаться").click()
    expect(phone.get_by_text("больше не будут приходить по почте")).to_be_visible()
    assert_fits_the_window(phone)
    assert MailOptOut.objects.filter(user__username="mentor", kind="meeting_tomorrow").exists()

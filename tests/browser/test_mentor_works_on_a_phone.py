"""The mentor of the demo works on a 390 px phone: opens the pair, logs a meeting, marks a plan item done,
and never scrolls sideways."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from pairs.models import Meeting, Pair

from .conftest import assert_fits_the_window, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_mentor_logs_a_meeting_and_marks_a_plan_item_on_a_phone(phone: Page):
    call_command("demo", stdout=io.StringIO())
    pair = Pair.objects.get(
        mentor__person__user__username="mentor", members__mentee__person__user__username="mentee"
    )
    meetings = Meeting.objects.filter(pair=pair).count()

    log_in(phone, "mentor")
    assert_fits_the_window(phone)
    phone.get_by_role("link", name="Гущина Ева Николаевна, 5 «А»").click()
    assert_fits_the_window(phone)
    # The page's own action is on the first screen, not below the menu.
    record = phone.get_by_role("link", name="Записать встречу").first
    assert record.bounding_box()["y"] < 844

    record.click()
    assert_fits_the_window(phone)
    phone.get_by_label("Проведена").check()
    held_at = timezone.localtime() - datetime.timedelta(hours=3)
    phone.get_by_label("Дата и время").fill(held_at.strftime("%Y-%m-%dT%H:%M"))
    phone.get_by_label("Тема").fill("Подготовка к олимпиаде: разбор задач")
    phone.get_by_role("checkbox", name="Гущина Ева").check()
    phone.get_by_role("button", name="Сохранить встречу").click()
    expect(phone.get_by_text("Подготовка к олимпиаде: разбор задач")).to_be_visible()
    assert_fits_the_window(phone)

    # Each plan item is a card on the phone with its own action in view.
    first_item = phone.locator("#plan tbody tr").first
    first_item.get_by_role("link", name="Отметить выполнение").click()
    assert_fits_the_window(phone)
    phone.get_by_label("Комментарий к отметке").fill("Участвовала в школьном этапе олимпиады")
    phone.get_by_role("button", name="Отметить выполнение").click()
    expect(phone.get_by_text("Участвовала в школьном этапе олимпиады")).to_be_visible()
    assert_fits_the_window(phone)

    assert Meeting.objects.filter(pair=pair).count() == meetings + 1
    assert pair.plan_items.filter(done_on__isnull=False).exists()

"""The director, on a phone, previews whose data will be depersonalised and when, depersonalises those due
now, and finds the act of destruction on the page afterwards."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from mentoring.models import Person, Role
from tests.factories import ConsentFactory, MembershipFactory, PersonFactory, UserFactory

from .conftest import assert_fits_the_window, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def revoked_pupil(school, last_name: str, days_ago: int) -> Person:
    person = PersonFactory(school=school, last_name=last_name, first_name="Анна")
    ConsentFactory(
        person=person, school=school, revoked_at=datetime.date.today() - datetime.timedelta(days_ago)
    )
    return person


def test_the_director_depersonalises_those_due_from_a_phone(phone: Page, school, renders):
    MembershipFactory(user=UserFactory(username="director"), organisation=school, role=Role.DIRECTOR)
    due = revoked_pupil(school, "Белоусова", days_ago=31)
    waiting = revoked_pupil(school, "Ершова", days_ago=5)

    log_in(phone, "director")
    phone.get_by_role("button", name="Меню").click()
    phone.get_by_role("navigation", name="Разделы").get_by_role("link", name="Обезличивание данных").click()
    expect(phone.get_by_role("heading", name="Обезличивание персональных данных")).to_be_visible()
    expect(phone.get_by_text("Белоусова Анна")).to_be_visible()
    expect(phone.get_by_text("Ершова Анна")).to_be_visible()
    assert_fits_the_window(phone)

    phone.get_by_role("button", name="Обезличить сейчас").click()
    expect(phone.get_by_text("Данные обезличены: участников — 1.")).to_be_visible()
    expect(phone.get_by_role("heading", name="Акт об уничтожении персональных данных")).to_be_visible()
    assert_fits_the_window(phone)

    phone.go_back()
    phone.reload()
    expect(phone.get_by_text("Обезличивать сейчас некого.")).to_be_visible()
    expect(phone.get_by_role("link", name="Акт об уничтожении персональных данных")).to_be_visible()
    expect(phone.get_by_text("Белоусова Анна")).to_have_count(0)
    assert_fits_the_window(phone)
    due.refresh_from_db()
    waiting.refresh_from_db()
    assert due.is_depersonalised and not waiting.is_depersonalised

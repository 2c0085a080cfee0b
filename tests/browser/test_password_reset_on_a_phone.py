"""A mentor who forgot the password restores it on a phone: from the login page to a letter, a new password
and the first login with it, every page the product's own and none wider than the phone."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from mentoring.models import Role
from tests.factories import MembershipFactory, SchoolFactory, UserFactory

from .conftest import assert_fits_the_window, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "Весенний-сад-2026"


def test_a_mentor_restores_the_password_on_a_phone(phone: Page):
    user = UserFactory(username="mentor", email="mentor@example.ru")
    MembershipFactory(user=user, organisation=SchoolFactory(), role=Role.MENTOR)

    phone.goto("/accounts/login/")
    phone.get_by_role("link", name="Забыли пароль?").click()
    expect(phone.get_by_role("heading", name="Восстановление пароля")).to_be_visible()
    assert_fits_the_window(phone)
    phone.get_by_label("Электронная почта").fill("mentor@example.ru")
    phone.get_by_role("button", name="Прислать ссылку").click()

    expect(phone.get_by_role("heading", name="Проверьте почту")).to_be_visible()
    assert_fits_the_window(phone)
    (letter,) = mail.outbox
    phone.goto(re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", letter.body).group(1))

    expect(phone.get_by_role("heading", name="Новый пароль")).to_be_visible()
    assert_fits_the_window(phone)
    phone.get_by_label("Новый пароль*", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("Подтверждение нового пароля").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Сохранить пароль").click()

    expect(phone.get_by_role("heading", name="Пароль изменён")).to_be_visible()
    assert_fits_the_window(phone)
    phone.get_by_role("link", name="Войти").click()
    log_in(phone, "mentor", NEW_PASSWORD)
    expect(phone.get_by_role("link", name="Наставничество")).to_be_visible()
    assert phone.url.endswith("/")
    assert_fits_the_window(phone)

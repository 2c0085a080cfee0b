"""A pupil without e-mail gets its login on paper: the curator prints the slips of a class, the pupil enters
the code on its phone and sets a password of its own."""

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from mentoring.models import LoginCode, Role
from tests.factories import MembershipFactory, MenteeEntryFactory, PersonFactory, SchoolFactory, UserFactory

from .conftest import assert_fits_the_window, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SLIP = re.compile(r"Логин: (\S+) Одноразовый код: ([A-Z0-9]{5}-[A-Z0-9]{5})")


def test_the_curator_prints_slips_for_a_class_and_a_pupil_logs_in_with_a_code_on_a_phone(
    page: Page, phone: Page, renders
):
    school = SchoolFactory()
    MembershipFactory(user=UserFactory(username="curator"), organisation=school, role=Role.CURATOR)
    for last_name, first_name, letter in (
        ("Ёлкина", "Варвара", "Б"),
        ("Щукин", "Тимофей", "Б"),
        ("Жаров", "Олег", "А"),
    ):
        person = PersonFactory(
            school=school, last_name=last_name, first_name=first_name, grade=7, class_letter=letter
        )
        MenteeEntryFactory(person=person, school=school)

    log_in(page, "curator")
    page.goto("/documents/new/login_slips/")
    page.get_by_label("Класс").fill("7Б")
    page.get_by_label("Сколько дней действуют коды").fill("10")
    page.get_by_role("button", name="Сформировать").click()
    expect(page.get_by_text("Готов").first).to_be_visible(timeout=60_000)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Скачать")).first.click()
    reader = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    slips = dict(SLIP.findall(text))
    assert set(slips) == {"elkina.v.7b", "shchukin.t.7b"}

    phone.goto("/accounts/login/")
    phone.get_by_role("link", name="Первый вход по коду с листа входа").click()
    assert_fits_the_window(phone)
    phone.get_by_label("Логин").fill("elkina.v.7b")
    phone.get_by_label("Одноразовый код").fill(slips["shchukin.t.7b"])
    phone.get_by_role("button", name="Продолжить").click()
    expect(phone.get_by_text("Неверный логин или код")).to_be_visible()
    phone.get_by_label("Одноразовый код").fill(slips["elkina.v.7b"].lower())
    phone.get_by_role("button", name="Продолжить").click()

    expect(phone.get_by_role("heading", name="Придумайте пароль")).to_be_visible()
    assert_fits_the_window(phone)
    phone.get_by_label("Новый пароль").fill("Varvara-v-lesu-2026")
    phone.get_by_label("Подтверждение нового пароля").fill("Varvara-v-lesu-2026")
    phone.get_by_role("button", name="Сохранить пароль и войти").click()

    expect(phone.get_by_text("Пароль сохранён")).to_be_visible()
    assert_fits_the_window(phone)
    assert LoginCode.objects.get(user__username="elkina.v.7b").used_at is not None

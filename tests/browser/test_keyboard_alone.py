"""A pupil without a mouse or a touch screen: the skip link, the phone's menu and its sections work from the
keyboard, and the focused element is always visibly outlined."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTLINE = "getComputedStyle(document.activeElement).outlineStyle"


def test_the_phone_menu_opens_and_leads_to_a_section_by_keyboard_alone(phone: Page):
    call_command("demo", stdout=io.StringIO())
    log_in(phone, "mentee")
    phone.goto("/")

    phone.keyboard.press("Tab")
    skip = phone.get_by_role("link", name="Перейти к содержанию")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    assert phone.evaluate(OUTLINE) != "none"

    phone.keyboard.press("Tab")
    phone.keyboard.press("Tab")
    menu = phone.get_by_role("button", name="Меню")
    expect(menu).to_be_focused()
    assert phone.evaluate(OUTLINE) != "none"
    phone.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")

    sections = phone.get_by_role("navigation", name="Разделы").get_by_role("link")
    expect(sections.first).to_be_visible()
    for _ in range(sections.count()):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.textContent.trim()") == "Мои ответы":
            break
    expect(sections.filter(has_text="Мои ответы")).to_be_focused()
    assert phone.evaluate(OUTLINE) != "none"
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Мои ответы")

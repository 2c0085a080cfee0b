"""A parent opens the school's «Наставничество» page from the school's website, without logging in: on a
phone, on a desktop and at 200 % zoom nothing scrolls sideways; the keyboard reaches everything with a
visible focus; the version for the visually impaired is one link away; the published order downloads."""

import datetime
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from mentoring.models import Document, Role
from programs.documents import ORDER_INTRODUCTION
from tests.factories import MembershipFactory, ProgrammeFactory, SchoolFactory, TeacherFactory, UserFactory

from .conftest import watched_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A phone, a desktop, and a 1366 px screen at 200 % zoom (half the CSS width at twice the pixel density).
VIEWPORTS = {"phone": (390, 844, 1), "desktop": (1366, 900, 1), "zoom 200 %": (683, 450, 2)}
URL = "/s/ensk-sosh-1/nastavnichestvo/"


@pytest.fixture
def school_page(db) -> Document:
    school = SchoolFactory(
        public_slug="ensk-sosh-1", phone="+7 (81234) 5-01-01", email="school1@edu.example.ru"
    )
    curator = UserFactory(last_name="Юдина", first_name="Оксана", patronymic="Сергеевна")
    TeacherFactory(
        school=school, user=curator, position="Заместитель директора по учебно-воспитательной работе"
    )
    MembershipFactory(user=curator, organisation=school, role=Role.CURATOR)
    ProgrammeFactory(
        school=school, title="Программа наставничества «Учитель – учитель» на 2026/2027 учебный год"
    )
    order = Document.objects.create(
        school=school,
        kind=ORDER_INTRODUCTION,
        year=2026,
        date=datetime.date(2026, 9, 1),
        number="1-о",
        sequence=1,
        title="О внедрении целевой модели наставничества и назначении куратора",
        published_at=timezone.now(),
    )
    order.file.save("order.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
    order.status = Document.Status.READY
    order.save()
    return order


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways: {width}"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_page_opens_without_login_and_fits_every_screen(
    browser: Browser, live_server, school_page, viewport
):
    width, height, scale = VIEWPORTS[viewport]
    options = {"viewport": {"width": width, "height": height}, "device_scale_factor": scale}
    with watched_page(browser, live_server.url, accept_downloads=True, **options) as page:
        page.goto(URL)
        expect(page).to_have_url(f"{live_server.url}{URL}")  # not sent to the login page
        expect(page.get_by_role("heading", level=1)).to_have_text("Наставничество")
        headings = page.locator("h1, h2, h3").evaluate_all("hs => hs.map(h => Number(h.tagName[1]))")
        assert all(b - a <= 1 for a, b in zip(headings, headings[1:], strict=False)), headings
        expect(page.get_by_text("Юдина Оксана Сергеевна")).to_be_visible()
        no_sideways_scroll(page)

        page.get_by_role("link", name="Версия для слабовидящих").click()
        expect(page.locator("body")).to_have_class("school-page school-page-accessible")
        font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert font >= 24
        colours = page.locator("main a").first.evaluate(
            "a => [getComputedStyle(a).color, getComputedStyle(document.body).backgroundColor]"
        )
        assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
        no_sideways_scroll(page)
        page.get_by_role("link", name="Обычная версия сайта").click()
        expect(page.locator("body")).to_have_class("school-page")


def test_the_keyboard_reaches_the_order_with_a_visible_focus_and_downloads_it(page: Page, school_page):
    page.goto(URL)

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Перейти к содержанию")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    order = page.get_by_role("link", name="Приказ о внедрении целевой модели наставничества")
    for _ in range(10):
        page.keyboard.press("Tab")
        if order.evaluate("a => a === document.activeElement"):
            break
    expect(order).to_be_focused()
    outline = order.evaluate("a => getComputedStyle(a).outlineStyle + ' ' + getComputedStyle(a).outlineWidth")
    assert outline == "solid 3px"
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "Приказ о внедрении целевой модели наставничества № 1-о.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

"""The mentor's portfolio in one click: the director makes it from the mentor's page in the mentor base and
downloads it; the mentor makes its own from its home page on a phone and downloads it there."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from mentoring.models import Membership, Role
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    MentorEntryFactory,
    PairFactory,
    PlanItemFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
)

from .conftest import assert_fits_the_window, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def school_with_a_working_mentor():
    school = SchoolFactory()
    MembershipFactory(user=UserFactory(username="director"), organisation=school, role=Role.DIRECTOR)
    user = UserFactory(username="mentor")
    Membership.objects.create(user=user, organisation=school, role=Role.MENTOR)
    person = TeacherFactory(
        school=school, last_name="Белова", first_name="Ирина", patronymic="Павловна", user=user
    )
    mentor = MentorEntryFactory(person=person, school=school)
    pair = PairFactory(school=school, programme__school=school, mentor=mentor)
    MeetingFactory(pair=pair, duration_minutes=90)
    PlanItemFactory(pair=pair)
    return mentor


def pdf_text_of(download) -> str:
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF")
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())


def test_the_director_makes_a_mentors_portfolio_from_its_page_and_downloads_it(page: Page, renders):
    school_with_a_working_mentor()

    log_in(page, "director")
    page.get_by_role("link", name="База наставников").click()
    page.get_by_role("link", name="Белова Ирина Павловна").click()
    expect(page.get_by_role("heading", name="Портфолио наставника")).to_be_visible()
    page.get_by_role("button", name="Сформировать портфолио").click()

    expect(page.get_by_text("Готов", exact=True)).to_be_visible(timeout=60_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать PDF").click()
    text = pdf_text_of(download.value)
    assert "Сведения о наставнической деятельности педагога Беловой Ирины Павловны" in text
    assert "Общая продолжительность встреч 1,5 ч" in text and "Сведения подтверждаю" in text
    assert_fits_the_window(page)


def test_the_mentor_makes_its_own_portfolio_on_a_phone(phone: Page, renders):
    school_with_a_working_mentor()

    log_in(phone, "mentor")
    card = phone.get_by_role("region", name="Портфолио наставника для аттестации")
    expect(card).to_be_visible()
    assert_fits_the_window(phone)
    card.get_by_role("button", name="Сформировать портфолио").click()

    expect(phone.get_by_role("heading", name="Моё портфолио наставника")).to_be_visible()
    download_link = phone.get_by_role("link", name="Скачать PDF")
    expect(download_link).to_be_visible(timeout=60_000)
    assert_fits_the_window(phone)
    with phone.expect_download() as download:
        download_link.click()
    assert "ПОРТФОЛИО НАСТАВНИКА Сведения о наставнической деятельности" in pdf_text_of(download.value)

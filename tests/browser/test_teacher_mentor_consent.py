"""The teacher-mentor's consent (Трудовой кодекс, ст. 351.8), walked in the browser by the curator, on a
computer and on a phone: the pair waits for the consent, the curator makes it in one click, marks it signed
with a scan (a mark without one is refused), and starts the pair."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mentoring.models import Document, MentorPayRule, Role
from pairs.agreements import MENTOR_CONSENT
from pairs.models import Pair
from tests.factories import (
    MembershipFactory,
    MentorEntryFactory,
    PairFactory,
    ProgrammeFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
)

from .conftest import assert_fits_the_window, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pair() -> Pair:
    school = SchoolFactory(mentor_pay_rule=MentorPayRule.PER_HOUR, mentor_pay_rate=300)
    curator = UserFactory(username="curator", last_name="Юдина", first_name="Оксана", patronymic="Сергеевна")
    MembershipFactory(user=curator, organisation=school, role=Role.CURATOR)
    today = timezone.localdate()
    programme = ProgrammeFactory(
        school=school,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=200),
    )
    mentor = MentorEntryFactory(
        school=school,
        person=TeacherFactory(
            school=school, last_name="Аксенова", first_name="Алёна", patronymic="Васильевна"
        ),
    )
    return PairFactory(
        programme=programme,
        mentor=mentor,
        status=Pair.Status.APPROVED,
        started_on=None,
        ends_on=programme.ends_on,
    )


@pytest.mark.parametrize("size", ["computer", "phone"])
def test_the_curator_makes_the_consent_marks_it_signed_and_starts_the_pair(
    request, live_server, renders, pair, tmp_path, size
):
    page: Page = request.getfixturevalue("page" if size == "computer" else "phone")
    scan = tmp_path / "soglasie.pdf"
    scan.write_bytes(b"%PDF-1.4\n% signed on paper\n")
    log_in(page, "curator")

    page.goto(f"/pairs/{pair.pk}/")
    expect(page.get_by_text("Согласие наставника (ст. 351.8 ТК РФ)")).to_be_visible()
    expect(page.get_by_text("Пара не может начать работу")).to_be_visible()
    expect(page.get_by_role("button", name="Начать работу")).to_have_count(0)
    assert_fits_the_window(page)

    page.get_by_role("button", name="Сформировать согласие").click()
    expect(page.get_by_text("Готов", exact=True)).to_be_visible(timeout=60_000)
    assert_fits_the_window(page)

    # A mark without the scan is refused and changes nothing.
    page.get_by_role("button", name="Отметить подписанным").click()
    expect(page.get_by_text("без скана отметить документ подписанным нельзя").first).to_be_visible()
    assert not Document.objects.get(kind=MENTOR_CONSENT).is_signed

    page.get_by_label("Скан подписанного документа").set_input_files(str(scan))
    page.get_by_role("button", name="Отметить подписанным").click()
    expect(page.get_by_text("Документ отмечен подписанным, скан сохранён.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Скан подписанного экземпляра").click()
    assert Path(download.value.path()).read_bytes() == scan.read_bytes()
    assert_fits_the_window(page)

    page.get_by_role("link", name="К странице пары").click()
    expect(page.get_by_text(f"Подписано {timezone.localdate():%d.%m.%Y}").first).to_be_visible()
    assert_fits_the_window(page)
    page.get_by_role("button", name="Начать работу").click()
    expect(page.get_by_text("Статус пары изменён: «Работает».")).to_be_visible()
    pair.refresh_from_db()
    assert pair.status == Pair.Status.ACTIVE

"""The director's documents, walked in the browser: ticks proposed pairs in the list and approves them by the
pairs order, which names the mentors in the accusative; issues the approval order with the roadmap as its
appendix and publishes it on the school's page; hands a mentee a numbered certificate; and a visitor opens
the school's «Наставничество» page without logging in and downloads the published order."""

import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from mentoring.academic_year import AcademicYear
from mentoring.models import Document, Role
from pairs.models import Pair
from programs.documents import ORDER_APPROVAL
from programs.models import Programme
from roadmap.services import roadmap_create_from_template
from roadmap.templates_data import TEMPLATES
from tests.factories import (
    MembershipFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    PairFactory,
    ProgrammeFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
)

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def downloaded(page: Page, link: str) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("link", name=link).click()
    return Path(download.value.path()).read_bytes()


def wait_ready(page: Page) -> None:
    expect(page.get_by_text("Готов", exact=True)).to_be_visible(timeout=60_000)


@pytest.fixture
def school():
    school = SchoolFactory(public_slug="sosh-1")
    director = UserFactory(
        username="director", last_name="Филиппов", first_name="Юрий", patronymic="Андреевич"
    )
    MembershipFactory(user=director, organisation=school, role=Role.DIRECTOR)
    curator = UserFactory(username="curator", last_name="Юдина", first_name="Оксана", patronymic="Сергеевна")
    MembershipFactory(user=curator, organisation=school, role=Role.CURATOR)
    programme = ProgrammeFactory(school=school, status=Programme.Status.RUNNING, curator=curator)
    for last, first, patronymic in (
        ("Аксенова", "Алёна", "Васильевна"),
        ("Монгуш", "Айдар", "Чечен-оолович"),
    ):
        mentor = MentorEntryFactory(
            school=school,
            person=TeacherFactory(
                school=school,
                last_name=last,
                first_name=first,
                patronymic=patronymic,
                position="Учитель английского языка",
            ),
        )
        PairFactory(programme=programme, mentor=mentor, status=Pair.Status.PROPOSED)
    mentee = MenteeEntryFactory(school=school)
    PairFactory(programme=programme, mentees=[mentee])
    roadmap_create_from_template(
        organisation=school, template=TEMPLATES["school"], year=AcademicYear.current(), by=curator
    )
    return school


def test_the_director_approves_pairs_by_order_publishes_the_approval_order_and_awards_a_certificate(
    page: Page, browser, live_server, renders, school
):
    log_in(page, "director")

    # The pairs ticked in the list are approved by the pairs order, which names their mentors.
    page.get_by_role("link", name="Пары и группы").click()
    for mentor in ("Аксенова", "Монгуш"):
        page.get_by_role("row").filter(has_text=mentor).get_by_role("checkbox").check()
    page.get_by_role("button", name="Утвердить выбранные приказом").click()
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(2)
    page.get_by_role("button", name="Сформировать").click()
    wait_ready(page)
    order = text_of(downloaded(page, "Скачать PDF"))
    assert "Аксенову Алёну Васильевну, учителя английского языка" in order
    assert "Монгуша Айдара Чечен-ооловича" in order
    assert "С приказом ознакомлены:" in order and "г. " in order
    assert Pair.objects.filter(status=Pair.Status.PROPOSED).count() == 0

    # The approval order carries the roadmap as its appendix 3; the director publishes it.
    page.goto(f"/documents/new/{ORDER_APPROVAL}/")
    page.get_by_label("Программа наставничества").select_option(index=1)
    page.get_by_label("Дорожная карта").select_option(index=1)
    page.get_by_role("button", name="Сформировать").click()
    wait_ready(page)
    approval = text_of(downloaded(page, "Скачать PDF"))
    assert re.search(r"Приложение 3 к приказу от \d\d\.\d\d\.\d{4} № \d+-о", approval)
    assert "Положение о системе наставничества в " in approval
    page.get_by_role("button", name="Опубликовать на странице школы").click()
    expect(page.get_by_role("button", name="Снять с публикации")).to_be_visible()
    published = Document.objects.get(kind=ORDER_APPROVAL)

    # A participant's certificate has its number in the school's register.
    page.goto("/documents/new/certificate/")
    page.get_by_label("Программа наставничества").select_option(index=1)
    page.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Сформировать").click()
    wait_ready(page)
    certificate = text_of(downloaded(page, "Скачать PDF"))
    assert "№ 1" in certificate and "(а)" not in certificate

    # A visitor of the school's website opens its page without an account and takes the published order.
    visitor = browser.new_context(base_url=live_server.url, accept_downloads=True)
    public = visitor.new_page()
    public.goto("/s/sosh-1/nastavnichestvo/")
    expect(public.get_by_role("heading", level=1)).to_contain_text("Наставничество")
    expect(public.get_by_text(published.number)).to_be_visible()
    with public.expect_download() as download:
        public.get_by_role("link", name=f"{published.kind_label} (скачать PDF)").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert timezone.localdate().strftime("%d.%m.%Y") in public.content()
    visitor.close()

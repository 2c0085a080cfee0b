"""The director issues the order approving the proposed pairs: asks for it under «Документы», watches it
become ready without reloading the page, downloads the PDF and finds the pairs approved.

On the embedded defaults the render runs in the asking request; with REDIS_URL a real Celery worker renders
it and the page learns of it by polling."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mentoring.documents import SPECS
from mentoring.models import Role
from pairs.documents import ORDER_PAIRS, PAIRS_ORDER_TITLE
from pairs.models import Pair
from tests.factories import MembershipFactory, PairFactory, ProgrammeFactory, SchoolFactory, UserFactory

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def school_with_proposed_pairs():
    school = SchoolFactory()
    MembershipFactory(user=UserFactory(username="director"), organisation=school, role=Role.DIRECTOR)
    ProgrammeFactory(school=school, title="Программа наставничества «Ученик – ученик»")
    programme = ProgrammeFactory(school=school)
    for _ in range(2):
        PairFactory(programme=programme, status=Pair.Status.PROPOSED)
    return programme


def test_the_director_issues_the_pairs_order_and_downloads_it(page: Page, renders):
    programme = school_with_proposed_pairs()

    log_in(page, "director")
    page.get_by_role("link", name="Документы").click()
    page.get_by_role("button", name="Заказать документ").click()
    page.get_by_role("link", name=SPECS[ORDER_PAIRS].label).click()
    expect(page.get_by_label("Дата документа")).to_have_value(timezone.localdate().isoformat())
    programmes = page.get_by_role("combobox", name="Программа наставничества")
    programmes.select_option(label=f"{programme.title} — пар ждут утверждения: 2")
    page.get_by_role("button", name="Сформировать").click()

    # The status changes in place: the mark set on the page survives until the document is ready.
    expect(page.get_by_role("heading", name=PAIRS_ORDER_TITLE)).to_be_visible()
    page.evaluate("window.notReloaded = true")
    expect(page.get_by_text("Готов", exact=True)).to_be_visible(timeout=60_000)
    assert page.evaluate("window.notReloaded === true")

    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать PDF").click()
    assert download.value.suggested_filename.endswith("№ 1-о.pdf")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    page.get_by_role("link", name="Пары и группы").click()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.filter(has_text="Утверждена")).to_have_count(2)
    expect(rows.filter(has_text="Предложена")).to_have_count(0)

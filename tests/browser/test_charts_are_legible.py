"""The roadmap's timeline and the monitoring charts stay legible (issue 13): on a 1366×900 laptop every text
of a chart is drawn at 12 px or more; on a 390×844 phone the timeline does not scroll sideways and the charts
fit their column with their text still at 12 px or more. Measured on the demo's own roadmaps and answers."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page

from mentoring.models import Organisation
from programs.models import Programme
from roadmap.models import Roadmap

from .conftest import log_in, log_out, watched_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}
# Each drawn text of the page's charts at its rendered size: its font size in the drawing's units times the
# scale the drawing is shown at (its box's width over its viewBox's).
TEXT_SIZES = """() => [...document.querySelectorAll('svg[viewBox]')].flatMap(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text')]
    .filter(text => text.getBoundingClientRect().width > 0)
    .map(text => parseFloat(getComputedStyle(text).fontSize) * scale);
})"""
CHART_RIGHTS = (
    "() => [...document.querySelectorAll('svg.chart')].map(svg => svg.getBoundingClientRect().right)"
)
# The texts that run past the right edge of their drawing.
CUT_OFF = """() => [...document.querySelectorAll('svg.chart, svg.timeline-chart')].flatMap(svg => {
  const right = svg.getBoundingClientRect().right;
  return [...svg.querySelectorAll('text')].filter(text => text.getBoundingClientRect().right > right + 1)
    .map(text => text.textContent);
})"""


@pytest.fixture
def pages(transactional_db) -> dict[str, list[str]]:
    """The pages with charts, by the demo account that reads them."""
    call_command("demo", stdout=io.StringIO())
    school = Organisation.objects.get(memberships__user__username="curator")
    department = Organisation.objects.get(memberships__user__username="coordinator")
    programme = Programme.objects.get(school=school, form__code="teacher_pupil")
    return {
        "curator": [
            f"/roadmaps/{Roadmap.objects.get(organisation=school).pk}/timeline/",
            "/monitoring/stage-1/",
            "/monitoring/stage-2/",
            f"/programmes/{programme.pk}/monitoring/stage-1/",
            f"/programmes/{programme.pk}/monitoring/stage-2/",
        ],
        "coordinator": [f"/roadmaps/{Roadmap.objects.get(organisation=department).pk}/timeline/"],
    }


def visit(page: Page, pages: dict[str, list[str]]):
    """Each page, logged in as its reader."""
    for username, urls in pages.items():
        log_in(page, username)
        for url in urls:
            assert page.goto(url).status == 200, url
            yield url
        log_out(page)


def test_every_chart_text_is_drawn_at_12_px_or_more_on_a_laptop(browser: Browser, live_server, pages):
    with watched_page(browser, live_server.url, viewport=LAPTOP) as page:
        for url in visit(page, pages):
            sizes = page.evaluate(TEXT_SIZES)
            assert sizes, f"{url}: no chart text drawn"
            assert min(sizes) >= 12, f"{url}: a chart's text is drawn at {min(sizes):.1f} px"
            assert page.evaluate(CUT_OFF) == [], url
            assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"], url


def test_on_a_phone_the_timeline_fits_and_the_charts_keep_their_text(browser: Browser, live_server, pages):
    with watched_page(browser, live_server.url, viewport=PHONE) as page:
        for url in visit(page, pages):
            if "/timeline/" in url:
                assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url
                assert page.locator(".timeline-item").first.is_visible(), url
                assert not page.locator(".timeline-chart").is_visible(), url
                continue
            assert max(page.evaluate(CHART_RIGHTS)) <= PHONE["width"], f"{url}: a chart runs off the screen"
            sizes = page.evaluate(TEXT_SIZES)
            assert sizes and min(sizes) >= 12, f"{url}: a chart's text is drawn at {min(sizes):.1f} px"
            assert page.evaluate(CUT_OFF) == [], url

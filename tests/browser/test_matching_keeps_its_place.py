"""The curator edits a long proposal on a phone without losing its place (issue 13): removing a pair far down
the page swaps in the proposal's new review, leaves the page where it was and shows the message beside the
change, in view and focused."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, expect

from mentoring.models import Organisation
from programs.models import Programme

from .conftest import log_in, watched_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_removing_a_pair_far_down_the_proposal_keeps_the_page_in_place(browser: Browser, live_server):
    call_command("demo", stdout=io.StringIO())
    school = Organisation.objects.get(memberships__user__username="curator")
    programme = Programme.objects.get(school=school, form__code="teacher_pupil")

    with watched_page(browser, live_server.url, viewport={"width": 390, "height": 844}) as page:
        log_in(page, "curator")
        page.goto(f"/programmes/{programme.pk}/matching/")
        page.get_by_role("button", name="Предложить пары").click()
        rows = page.locator("li[id^='proposed-pair-']")
        expect(rows.first).to_be_visible()
        count = rows.count()
        row = rows.nth(count * 2 // 3)
        row.get_by_role("button", name="Убрать пару").scroll_into_view_if_needed()
        page.evaluate("window.notReloaded = true")
        before = page.evaluate("scrollY")
        assert before > 2000, "the pair is far down the page"

        row.get_by_role("button", name="Убрать пару").click()

        notice = page.locator(".proposal-notice")
        expect(notice).to_have_text("Пара убрана из предложения.")
        expect(notice).to_be_focused()
        expect(notice).to_be_in_viewport()
        expect(rows).to_have_count(count - 1)
        assert page.evaluate("window.notReloaded") is True, "the page was not loaded again"
        assert abs(page.evaluate("scrollY") - before) < 844, "the page stayed where the curator was"
        expect(page.get_by_text(f"Пар в предложении: {count - 1}")).to_be_visible()

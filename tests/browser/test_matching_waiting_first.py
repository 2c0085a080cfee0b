"""The curator matches the demo's pupils on a phone (issue 16): the page ticks only the pupils who wait, of
the classes the programme's role models take; a pupil already in a pair of another programme is ticked on
purpose, and the proposal says so beside its pair."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, expect

from mentoring.models import Organisation
from pairs import matching
from programs.models import Programme

from .conftest import assert_fits_the_window, log_in, watched_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pupil_paired_elsewhere_is_unticked_until_the_curator_ticks_it_and_the_proposal_says_so(
    browser: Browser, live_server
):
    call_command("demo", stdout=io.StringIO())
    school = Organisation.objects.get(memberships__user__username="curator")
    programme = Programme.objects.get(school=school, form__code="pupil_pupil")

    with watched_page(browser, live_server.url, viewport={"width": 390, "height": 844}) as page:
        log_in(page, "curator")
        page.goto(f"/programmes/{programme.pk}/matching/")
        folded = page.locator("details", has=page.locator("summary", has_text="Не отмечены"))
        folded.locator("summary").click()
        row = folded.locator("tr", has_text="Уже в паре другой программы").first
        box = row.get_by_role("checkbox")
        expect(box).not_to_be_checked()
        expect(
            folded.locator("tr", has_text="Ролевые модели программы — для учеников 5–11 классов").first
        ).to_be_visible()
        assert_fits_the_window(page)
        name = row.locator("label").inner_text()

        box.check()
        page.get_by_role("button", name="Предложить пары").click()

        expect(page.get_by_text("Предложение пар готово")).to_be_visible()
        note = page.get_by_text(matching.INCLUDED_ON_PURPOSE)
        unpaired = page.get_by_text(f"{name} (")
        expect(note.or_(unpaired).first).to_be_visible()
        assert_fits_the_window(page)

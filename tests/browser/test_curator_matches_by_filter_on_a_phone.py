"""The curator matches a class by filter on a phone (issue 17): ticking a grade in the mentees' filter updates
the count in place, and the run proposes pairs for exactly those the filter found."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, expect

from mentoring.models import Organisation
from pairs.matching_forms import mentee_entries
from pairs.models import Proposal
from programs.models import Programme

from .conftest import assert_fits_the_window, log_in, watched_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_curator_filters_the_mentees_by_grade_and_the_run_takes_just_them(browser: Browser, live_server):
    call_command("demo", stdout=io.StringIO())
    school = Organisation.objects.get(memberships__user__username="curator")
    programme = Programme.objects.get(school=school, form__code="teacher_pupil")
    seventh = mentee_entries(programme).filter(person__grade=7)

    with watched_page(browser, live_server.url, viewport={"width": 390, "height": 844}) as page:
        log_in(page, "curator")
        page.goto(f"/programmes/{programme.pk}/matching/")
        found = page.locator("#mentee-found")
        expect(found).to_contain_text(f"Найдено: {mentee_entries(programme).count()}")
        page.locator("summary", has_text="Отбор: классы, категории").click()
        page.evaluate("window.notReloaded = true")

        page.locator("#mentee-filter").get_by_label("7", exact=True).check()

        expect(found).to_contain_text(f"Найдено: {seventh.count()}")
        assert page.evaluate("window.notReloaded") is True, "the count changed in place"
        assert_fits_the_window(page)
        page.get_by_role("button", name="Предложить пары").click()

        expect(page.get_by_text("Предложение пар готово")).to_be_visible()
        assert_fits_the_window(page)
    proposal = Proposal.objects.get(programme=programme)
    proposed = set(proposal.mentees.values_list("person__grade", flat=True))
    assert proposed == {7}

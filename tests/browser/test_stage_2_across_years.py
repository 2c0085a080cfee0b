"""Stage 2 of a two-year programme as its readers see it: the curator opens the monitoring of the year of the
exit and finds it compared with the entry of the year before; the coordinator finds the school's «Этап 2:
улучшились» filled for that year; both on a phone too."""

import pytest
from playwright.sync_api import Page, expect

from mentoring.models import Role
from tests.test_stage_2_across_years import SECOND, answered_twice, two_years  # noqa: F401  a fixture

from .conftest import assert_fits_the_window, log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("screen", ["page", "phone"])
def test_the_exit_year_shows_stage_2_compared_with_the_entry_year(request, school, make_user, screen):
    page: Page = request.getfixturevalue(screen)
    answered_twice(school, request.getfixturevalue("two_years"))
    curator = make_user(Role.CURATOR, school)
    coordinator = make_user(Role.COORDINATOR, school.department)

    log_in(page, curator.username)
    page.goto("/monitoring/stage-2/")
    page.get_by_label("Учебный год").select_option(SECOND.label)
    page.get_by_role("button", name="Показать").click()

    totals = page.locator("#total-title + p")
    expect(totals).to_contain_text("из них в другие учебные годы: 1")
    expect(totals).to_contain_text("Участников ответили дважды: 5, только на входе: 0, только по итогам: 0")
    assert_fits_the_window(page)

    log_out(page)
    log_in(page, coordinator.username)
    page.goto(f"/department/schools/?year={SECOND.start_year}")
    expect(page.get_by_role("link", name="100 % (5 из 5)")).to_be_visible()
    assert_fits_the_window(page)

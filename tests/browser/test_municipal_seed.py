"""Seed 003 on the department's pages, as its coordinator reads them on a phone: the municipal roadmap's
main provisions and tasks, its first activity in its first month, and the indicators' base year and plans by
year."""

import pytest
from playwright.sync_api import Page, expect

from mentoring.academic_year import AcademicYear
from mentoring.models import Role
from tests.factories import DepartmentFactory, MembershipFactory, SchoolFactory, UserFactory

from .conftest import assert_fits_the_window, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_section(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Разделы").get_by_role("link", name=name).click()


def test_the_coordinator_reads_seed_003s_provisions_tasks_and_indicator_years_on_a_phone(phone: Page):
    department = DepartmentFactory(director_name="Куулар Лариса Шолбановна")
    MembershipFactory(
        user=UserFactory(username="coordinator"), organisation=department, role=Role.COORDINATOR
    )
    SchoolFactory(department=department)
    year = AcademicYear.current()
    page = phone

    log_in(page, "coordinator")
    page.goto("/roadmaps/")
    page.get_by_role("button", name="Создать").click()

    provisions = page.locator("table.provisions-table")
    expect(provisions).to_contain_text("Куулар Лариса Шолбановна, начальник управления")
    expect(provisions).to_contain_text(department.full_name)
    expect(provisions).to_contain_text("1 общеобразовательная организация (далее – МОО)")
    expect(page.locator("table.tasks-table")).to_contain_text("Продвижение лучших практик наставничества")
    first = page.locator("table.roadmap-table tbody tr").first
    expect(first).to_contain_text(f"сентябрь {year.start_year} – ноябрь {year.start_year}")
    expect(first).to_contain_text(department.short_name)
    assert_fits_the_window(page)

    page.goto("/department/indicators/")
    page.get_by_role("button", name="Заполнить по целевой модели").click()
    table = page.locator("#indicators-table")
    expect(table).to_contain_text("2023 (план)")
    expect(table).to_contain_text("(2022)")
    assert_fits_the_window(page)

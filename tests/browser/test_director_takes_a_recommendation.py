"""The department's recommendations reach the school: the coordinator writes them, the director reads them on
the home page of its phone and takes them «к исполнению» with a note, and the coordinator sees who did and
when."""

import pytest
from playwright.sync_api import Page, expect

from mentoring.models import Role
from tests.factories import DepartmentFactory, MembershipFactory, SchoolFactory, UserFactory

from .conftest import assert_fits_the_window, log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCHOOL = "МБОУ «СОШ № 1»"
ADVICE = "Вовлечь учителей до 35 лет в наставничество в первые три года работы."
NOTE = "Наставники назначены приказом, входное анкетирование до 30.11."


def test_the_director_takes_the_coordinators_recommendation_on_a_phone(page: Page, phone: Page):
    department = DepartmentFactory()
    school = SchoolFactory(department=department, short_name=SCHOOL)
    MembershipFactory(
        user=UserFactory(username="coordinator"), organisation=department, role=Role.COORDINATOR
    )
    director = UserFactory(username="director", last_name="Юдина", first_name="Ольга", patronymic="Сергеевна")
    MembershipFactory(user=director, organisation=school, role=Role.DIRECTOR)

    log_in(page, "coordinator")
    page.goto("/department/schools/")
    form = page.locator("form").filter(has=page.get_by_label(SCHOOL))
    form.get_by_label(SCHOOL).fill(ADVICE)
    form.get_by_role("button", name="Сохранить рекомендации").click()
    expect(page.get_by_text(f"Рекомендации школе «{SCHOOL}» сохранены.")).to_be_visible()
    expect(page.get_by_text("Ждёт отметки школы")).to_be_visible()

    log_in(phone, "director")
    card = phone.get_by_role("region", name="Рекомендации управления образования")
    expect(card.get_by_text(ADVICE)).to_be_visible()
    notice = phone.get_by_role("link", name="Управление образования направило школе рекомендации")
    expect(notice).to_be_visible()
    assert_fits_the_window(phone)
    card.get_by_role("link", name="Принять к исполнению").click()
    phone.get_by_label("Примечание").fill(NOTE)
    assert_fits_the_window(phone)
    phone.get_by_role("button", name="Принять к исполнению").click()
    expect(phone.get_by_text("Рекомендации приняты к исполнению.")).to_be_visible()
    phone.goto("/")
    expect(card.get_by_text("Принято к исполнению")).to_be_visible()
    expect(notice).to_have_count(0)
    assert_fits_the_window(phone)

    log_out(page)
    log_in(page, "coordinator")
    page.goto("/department/schools/")
    expect(page.get_by_text("Принято к исполнению", exact=True)).to_be_visible()
    expect(page.get_by_text("Юдина Ольга Сергеевна")).to_be_visible()
    expect(page.get_by_text(NOTE)).to_be_visible()
    page.get_by_role("link", name="приняты к исполнению").click()
    expect(page.get_by_role("heading", name="Рекомендации управления образования")).to_be_visible()
    expect(page.get_by_label("Примечание")).to_have_count(0)

"""A school joins from nothing: the coordinator adds it and invites its director, the director follows the
link in the letter, creates an account and invites the curator, who joins the same way."""

import pytest
from playwright.sync_api import Page, expect

from mentoring.models import Membership, Role
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory

from .conftest import create_account, follow_the_letter, log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_adds_a_school_whose_director_joins_and_invites_the_curator(page: Page):
    department = DepartmentFactory()
    MembershipFactory(
        user=UserFactory(username="coordinator"), organisation=department, role=Role.COORDINATOR
    )

    log_in(page, "coordinator")
    page.get_by_role("navigation", name="Разделы").get_by_role("link", name="Школы").click()
    page.get_by_role("link", name="Добавить школу").click()
    page.get_by_label("Полное наименование").fill(
        "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 7»"
    )
    page.get_by_label("Краткое наименование").fill("МБОУ «СОШ № 7»")
    page.get_by_label("ФИО директора").fill("Кузнецова Ирина Павловна")
    page.get_by_label("Электронная почта директора").fill("kuznetsova@example.ru")
    page.get_by_role("button", name="Добавить и пригласить директора").click()
    expect(page.get_by_text("Приглашение отправлено на адрес kuznetsova@example.ru.")).to_be_visible()
    log_out(page)

    follow_the_letter(page, "kuznetsova@example.ru")
    expect(page.get_by_text("МБОУ «СОШ № 7»")).to_be_visible()
    create_account(page, "kuznetsova", "Кузнецова", "Ирина")
    expect(page.get_by_text("Приглашение принято: директор, МБОУ «СОШ № 7».")).to_be_visible()

    page.get_by_role("navigation", name="Разделы").get_by_role("link", name="Сотрудники и доступ").click()
    page.get_by_label("Электронная почта").fill("yudina@example.ru")
    page.get_by_label("Роль").select_option(label="Куратор")
    page.get_by_role("button", name="Пригласить").click()
    expect(page.get_by_role("rowheader", name="yudina@example.ru")).to_be_visible()
    log_out(page)

    follow_the_letter(page, "yudina@example.ru")
    create_account(page, "yudina", "Юдина", "Ольга")
    expect(page.get_by_text("Приглашение принято: куратор, МБОУ «СОШ № 7».")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Разделы").get_by_role("link", name="База наставляемых")
    ).to_be_visible()
    assert set(
        Membership.objects.filter(organisation__short_name="МБОУ «СОШ № 7»").values_list(
            "user__username", "role"
        )
    ) == {
        ("kuznetsova", Role.DIRECTOR),
        ("yudina", Role.CURATOR),
    }

"""The curator's first day: a class list from the electronic journal becomes part of the mentee base."""

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from mentoring.models import MenteeEntry, Role
from tests.factories import MembershipFactory, SchoolFactory, UserFactory

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = ["Фамилия", "Имя", "Отчество", "Дата рождения", "Класс", "Категории", "Запрос"]
PUPILS = [
    ["Ёлкина", "Варвара", "Игоревна", "14.02.2013", "7Б", "Проявившие выдающиеся способности", "Олимпиады"],
    ["Щукин", "Тимофей", "Андреевич", "03.11.2012", "7Б", "", "Подтянуть алгебру"],
    ["Жарова", "Софья", "Олеговна", "30.02.2013", "7Б", "", "Адаптация в новом классе"],
]


def class_list_csv(rows: list[list[str]]) -> bytes:
    """As an electronic journal exports it: Windows-1251, semicolons."""
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows([HEADER, *rows])
    return text.getvalue().encode("cp1251")


def upload(page: Page, content: bytes) -> None:
    page.goto("/import/")
    page.get_by_label("База наставляемых").check()
    page.get_by_label("Файл со списком").set_input_files(
        {"name": "7b.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Проверить файл").click()


def test_the_curator_imports_a_class_adds_a_consent_and_exports_the_list(page: Page, tmp_path):
    school = SchoolFactory()
    MembershipFactory(user=UserFactory(username="curator"), organisation=school, role=Role.CURATOR)
    log_in(page, "curator")
    expect(page.get_by_role("heading", name="Базы наставников и наставляемых")).to_be_visible()

    upload(page, class_list_csv(PUPILS))
    expect(page.get_by_text("«30.02.2013» — не дата")).to_be_visible()
    expect(page.get_by_text("Исправьте файл и загрузите его снова: ничего не записано.")).to_be_visible()
    expect(page.get_by_role("button", name="Подтвердить импорт")).to_be_disabled()
    assert not MenteeEntry.objects.exists()

    PUPILS[2][3] = "28.02.2013"
    upload(page, class_list_csv(PUPILS))
    expect(page.get_by_text("Ошибок нет.")).to_be_visible()
    page.get_by_role("button", name="Подтвердить импорт").click()

    expect(page.get_by_text("Импортировано")).to_be_visible()
    for surname in ("Ёлкина", "Щукин", "Жарова"):
        expect(page.get_by_role("link", name=f"{surname} ", exact=False).first).to_be_visible()
    assert MenteeEntry.objects.filter(school=school).count() == 3

    page.get_by_label("Поиск по ФИО").fill("Щукин")
    page.get_by_role("button", name="Найти").click()
    expect(page.get_by_text("Нет согласия").first).to_be_visible()
    page.get_by_role("link", name="Щукин Тимофей Андреевич").click()
    page.get_by_role("link", name="Внести согласие").first.click()
    page.get_by_label("Родитель (законный представитель)").check()
    page.get_by_label("ФИО представителя").fill("Щукина Марина Викторовна")
    page.get_by_label("Кем приходится").fill("мать")
    page.get_by_label("Дата согласия").fill("2026-09-01")
    page.get_by_role("button", name="Сохранить согласие").click()
    expect(page.get_by_text("Согласие от 01.09.2026").first).to_be_visible()

    page.goto("/mentees/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Экспорт в CSV").click()
    exported = download_info.value.path().read_bytes().decode("utf-8-sig")
    assert "Щукин" in exported and "Ёлкина" in exported

"""The director reads on a 390 px phone who opened a pupil's card and who exported a list, finds the pupil
by name, and never scrolls sideways."""

import pytest
from playwright.sync_api import Page, expect

from mentoring.access_log import access_record
from mentoring.models import DataAccess, Role

from ..factories import PersonFactory
from .conftest import assert_fits_the_window, log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_director_reads_the_access_log_on_a_phone(phone: Page, make_user, school):
    pupil = PersonFactory(school=school, last_name="Гущина", first_name="Ева", patronymic="Николаевна")
    curator = make_user(Role.CURATOR, school, "curator")
    make_user(Role.DIRECTOR, school, "director")
    access_record(
        user=curator,
        school=school,
        action=DataAccess.LIST_EXPORT,
        what="База наставляемых (XLSX); фильтр: класс: 7 «Б», категория: Проявившие выдающиеся способности",
        rows=27,
    )

    log_in(phone, "curator")
    phone.goto(f"/people/{pupil.pk}/")
    expect(phone.get_by_role("heading", name="Гущина Ева Николаевна")).to_be_visible()
    log_out(phone)

    log_in(phone, "director")
    phone.goto("/school/access-log/")
    expect(phone.get_by_role("heading", name="Журнал доступа к персональным данным")).to_be_visible()
    expect(phone.get_by_text("записей: 27")).to_be_visible()
    assert_fits_the_window(phone)

    phone.get_by_label("Чьи данные").fill("Гущина")
    phone.get_by_role("button", name="Найти").click()
    expect(phone.get_by_text("Найдено: 1")).to_be_visible()
    expect(phone.get_by_role("link", name="Гущина Ева Николаевна")).to_be_visible()
    expect(phone.locator("td", has_text="Просмотр карточки")).to_be_visible()
    assert_fits_the_window(phone)

"""The curator asks two people chosen by hand on a phone (issue 17): the page lists nobody until a name is
typed, Enter in the search field searches and sends nothing, and the survey invites just the two added."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, expect

from mentoring.models import Organisation, Person
from monitoring.models import Survey

from .conftest import assert_fits_the_window, log_in, watched_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TITLE = "Обратная связь двух участников"


def test_the_curator_finds_two_people_by_name_and_asks_just_them(browser: Browser, live_server):
    call_command("demo", stdout=io.StringIO())
    school = Organisation.objects.get(memberships__user__username="curator")
    consenting = Person.objects.for_school(school).active().with_consent_flag().filter(has_consent_flag=True)
    chosen = list(consenting.filter(kind=Person.Kind.PUPIL).order_by("last_name", "pk")[:2])
    today = timezone.localdate()

    with watched_page(browser, live_server.url, viewport={"width": 390, "height": 844}) as page:
        log_in(page, "curator")
        page.goto("/surveys/new/")
        expect(page.get_by_text(chosen[0].full_name)).to_have_count(0)
        page.get_by_role("combobox", name=re.compile("^Анкета")).select_option(
            label="Анкета обратной связи для промежуточной оценки"
        )
        page.get_by_role("textbox", name=re.compile("^Название")).fill(TITLE)
        page.get_by_role("textbox", name=re.compile("^Начало")).fill(today.isoformat())
        page.get_by_role("textbox", name=re.compile("^Окончание")).fill(
            (today + datetime.timedelta(days=14)).isoformat()
        )
        page.get_by_label("Выбрать вручную").check()
        search = page.get_by_role("searchbox", name=re.compile("^Участники"))
        for person in chosen:
            search.fill(person.last_name)
            search.press("Enter")
            page.get_by_role("button", name=f"Добавить: {person.full_name}").click()
            expect(page.get_by_role("checkbox", name=re.compile(re.escape(person.full_name)))).to_be_checked()
        assert not Survey.objects.filter(title=TITLE).exists(), "Enter searched, it did not send the survey"
        assert_fits_the_window(page)

        page.get_by_role("button", name="Начать анкетирование").click()

        expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
        expect(page.get_by_text("Приглашено респондентов: 2.")).to_be_visible()
    invited = set(Survey.objects.get(title=TITLE).invitations.values_list("person", flat=True))
    assert invited == {person.pk for person in chosen}

"""The curator closes the school year on the demo, built as of June 2027: the preview's figures are the
demo's, a 9th-grader stays for the 10th grade, a two-year programme's pair goes on, the summary prints; the
closing is undone, and after a change in the new year undoing is refused."""

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import Count
from playwright.sync_api import Page, expect

from mentoring import demo
from mentoring.models import Organisation, Person
from pairs.models import Pair
from programs.models import MentoringForm
from tests.factories import PairFactory, ProgrammeFactory

from .conftest import assert_fits_the_window, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def figure(page: Page, label: str):
    return page.locator("dt", has_text=label).locator("xpath=following-sibling::dd[1]")


def pupils_by_grade(school: Organisation) -> dict[int, int]:
    pupils = Person.objects.for_school(school).active().filter(kind=Person.Kind.PUPIL, grade__isnull=False)
    return dict(pupils.values_list("grade").annotate(n=Count("pk")))


def test_the_curator_closes_the_year_and_undoes_it(page: Page, phone: Page, renders):
    with time_machine.travel(datetime.datetime(2027, 6, 20, 10, tzinfo=ZoneInfo("Europe/Moscow")), tick=True):
        demo.load_demo()
        school = Organisation.objects.get(memberships__user__username="curator")
        # The demo's two-year programme is in its second year and ends with it; one begun this year goes on.
        two_years = ProgrammeFactory(
            school=school,
            form=MentoringForm.objects.get(code="teacher_pupil"),
            title="Программа «Учитель – ученик» на два года",
            starts_on=datetime.date(2026, 9, 1),
            ends_on=datetime.date(2028, 8, 31),
        )
        going_on = PairFactory(programme=two_years, ends_on=two_years.ends_on)
        grades = pupils_by_grade(school)
        ending = Pair.objects.for_school(school).current().exclude(programme=two_years)

        log_in(page, "curator")
        page.get_by_role("link", name="Завершить учебный год").click()
        expect(page.get_by_role("heading", name="Завершение 2026/2027 учебного года")).to_be_visible()
        moving = sum(n for grade, n in grades.items() if grade not in (9, 11))
        expect(figure(page, "Ученики: перевод в следующий класс")).to_have_text(str(moving))
        expect(figure(page, "Выпускники 9 и 11 классов")).to_have_text(str(grades[9] + grades[11]))
        expect(figure(page, "Пары и группы: продолжение работы в новом году")).to_have_text("1")
        expect(figure(page, "Пары и группы: завершение работы")).to_have_text(
            str(ending.filter(status=Pair.Status.ACTIVE).count())
        )

        kept = Person.objects.for_school(school).filter(grade=9).order_by("last_name", "first_name").first()
        page.get_by_label(f"{kept.full_name} остаётся в 10 классе").check()
        page.get_by_role("button", name="Пересчитать").click()
        expect(figure(page, "Ученики 9 класса: продолжение учёбы в 10 классе")).to_have_text("1")
        expect(figure(page, "Ученики: перевод в следующий класс")).to_have_text(str(moving + 1))
        page.get_by_role("button", name="Завершить 2026/2027 учебный год").click()

        expect(page.get_by_role("heading", name="Итоги 2026/2027 учебного года")).to_be_visible()
        kept.refresh_from_db()
        going_on.refresh_from_db()
        assert kept.school_class.startswith("10") and kept.archived_at is None
        assert going_on.status == Pair.Status.ACTIVE
        assert not Pair.objects.for_school(school).current().exclude(programme=two_years).exists()

        page.get_by_role("link", name="Итоги года (PDF)").click()
        expect(page.get_by_text("Готов", exact=True)).to_be_visible(timeout=60_000)
        with page.expect_download() as download:
            page.get_by_role("link", name="Скачать PDF").click()
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

        log_in(phone, "curator")
        for url in ("/school-year/", page.url):
            phone.goto(url)
            assert_fits_the_window(phone)

        page.go_back()
        page.get_by_role("button", name="Отменить завершение года").click()
        expect(page.get_by_text("Завершение учебного года отменено")).to_be_visible()
        kept.refresh_from_db()
        assert kept.grade == 9

        page.get_by_role("button", name="Завершить 2026/2027 учебный год").click()
        expect(page.get_by_role("heading", name="Итоги 2026/2027 учебного года")).to_be_visible()
        newcomer = Person.objects.for_school(school).filter(grade=2).first()
        newcomer.phone = "+7 900 000-00-00"
        newcomer.save()
        page.reload()
        expect(page.get_by_text("Отменить завершение года уже нельзя")).to_be_visible()
        expect(page.get_by_text(f"изменены данные участника «{newcomer.full_name}»")).to_be_visible()
        expect(page.get_by_role("button", name="Отменить завершение года")).to_have_count(0)

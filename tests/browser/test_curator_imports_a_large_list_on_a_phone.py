"""A curator imports a list large enough for a worker, from a phone: the page waits for the check by
itself, shows every row's outcome, and the confirm ends on the imported list."""

import pytest
from playwright.sync_api import Page, expect

from mentoring import tasks
from mentoring.imports import import_job_check
from mentoring.models import ImportJob, MenteeEntry, Role
from tests.factories import MembershipFactory, SchoolFactory, UserFactory

from .conftest import assert_fits_the_window, log_in
from .test_curator_imports_a_class import class_list_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUPILS = [
    [f"Ученикова{n}", "Варвара", "Игоревна", "14.02.2013", "7Б", "Проявившие выдающиеся способности", ""]
    for n in range(30)
]


@pytest.fixture
def checks(settings, monkeypatch, tmp_path) -> list[int]:
    """The imports waiting for a busy worker to check them: a test hands them over when it chooses."""
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_BACKGROUND_ROWS = 10
    waiting: list[int] = []
    monkeypatch.setattr(tasks.import_job_check_task, "delay", waiting.append)
    return waiting


def upload_the_list(phone: Page) -> None:
    """A curator of a new school sends the file of 30 pupils and sees it wait for the worker."""
    school = SchoolFactory()
    MembershipFactory(user=UserFactory(username="curator"), organisation=school, role=Role.CURATOR)
    log_in(phone, "curator")
    phone.goto("/import/")
    phone.get_by_label("База наставляемых").check()
    phone.get_by_label("Файл со списком").set_input_files(
        {"name": "7b.csv", "mimeType": "text/csv", "buffer": class_list_csv(PUPILS)}
    )
    phone.get_by_role("button", name="Проверить файл").click()
    expect(phone.get_by_text("Файл проверяется: строк 30.")).to_be_visible()
    assert_fits_the_window(phone)


def test_the_curator_imports_a_large_list_on_a_phone(phone: Page, checks):
    upload_the_list(phone)

    import_job_check(job_id=checks[0])  # the worker gets to it; the page notices by itself
    expect(phone.get_by_text("Ошибок нет.")).to_be_visible(timeout=10_000)
    expect(phone.get_by_text("Ученикова0 Варвара Игоревна, 14.02.2013")).to_be_visible()
    assert_fits_the_window(phone)

    phone.get_by_role("button", name="Подтвердить импорт").click()
    expect(phone.get_by_text("Импортировано: 30 новых, 0 обновлено.").first).to_be_visible()
    assert_fits_the_window(phone)
    expect(phone.get_by_role("link", name="Ученикова0 Варвара Игоревна").first).to_be_visible()
    assert MenteeEntry.objects.count() == 30
    assert ImportJob.objects.get().status == ImportJob.Status.DONE


def test_the_curator_who_left_the_page_hears_on_the_home_page_that_the_list_is_checked_then_written(
    phone: Page, checks
):
    upload_the_list(phone)
    phone.goto("/")  # the curator goes on with other work while the worker is busy
    expect(phone.get_by_text("Сейчас ничего не ждёт вашего решения.")).to_be_visible()

    import_job_check(job_id=checks[0])
    phone.reload()
    checked = "Файл «7b.csv» проверен и ждёт подтверждения импорта."
    assert_fits_the_window(phone)
    phone.get_by_role("link", name=checked).click()
    expect(phone.get_by_text("Ошибок нет.")).to_be_visible()
    phone.get_by_role("button", name="Подтвердить импорт").click()
    expect(phone.get_by_text("Импортировано: 30 новых, 0 обновлено.").first).to_be_visible()

    phone.goto("/")
    expect(phone.get_by_role("link", name=checked)).to_have_count(0)
    phone.get_by_role("link", name="Импорт файла «7b.csv» завершён.").click()
    expect(phone.get_by_text("Импортировано: 30 новых, 0 обновлено.").first).to_be_visible()
    assert MenteeEntry.objects.count() == 30

"""A school starts from nothing, as issue 14's «Done when» tells it: the coordinator adds the school and
invites its director; the director joins by the letter and invites the curator; the curator imports a class,
records a parent's consent, launches the intake questionnaire and prints the class's login slips; a pupil
logs in on a phone with the code of its slip, sets a password and answers; the mentor, invited by the curator,
gets the letter about tomorrow's meeting from the scheduled job."""

import csv
import datetime
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from mentoring.models import MenteeEntry, MentorEntry, Organisation, Role
from monitoring.models import Response
from pairs.models import Meeting
from programs.models import MentoringForm
from tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    MentorEntryFactory,
    PairFactory,
    ProgrammeFactory,
    TeacherFactory,
    UserFactory,
)

from .conftest import assert_fits_the_window, create_account, follow_the_letter, log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCHOOL = "МБОУ «СОШ № 12»"
CLASS_LIST = [
    ["Фамилия", "Имя", "Отчество", "Дата рождения", "Класс"],
    ["Ёлкина", "Варвара", "Игоревна", "14.02.2013", "7Б"],
    ["Щукин", "Тимофей", "Андреевич", "03.11.2012", "7Б"],
]
SLIP = re.compile(r"Логин: (\S+) Одноразовый код: ([A-Z0-9]{5}-[A-Z0-9]{5})")
PUPIL_PASSWORD = "Varvara-v-lesu-2026"


def sections(page: Page):
    return page.get_by_role("navigation", name="Разделы")


def class_list_csv() -> bytes:
    """As an electronic journal exports it: Windows-1251, semicolons."""
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows(CLASS_LIST)
    return text.getvalue().encode("cp1251")


def slips_of(pdf: bytes) -> dict[str, str]:
    """The logins and codes printed on the slips."""
    reader = PdfReader(io.BytesIO(pdf))
    return dict(SLIP.findall(" ".join(" ".join(p.extract_text() for p in reader.pages).split())))


def test_a_school_starts_from_nothing_and_its_pupil_answers_on_a_phone(
    page: Page, phone: Page, settings, live_server
):
    settings.SITE_URL = live_server.url
    department = DepartmentFactory()
    MembershipFactory(
        user=UserFactory(username="coordinator"), organisation=department, role=Role.COORDINATOR
    )

    # The coordinator adds the school and invites its director.
    log_in(page, "coordinator")
    sections(page).get_by_role("link", name="Школы").click()
    page.get_by_role("link", name="Добавить школу").click()
    page.get_by_label("Полное наименование").fill(
        "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 12»"
    )
    page.get_by_label("Краткое наименование").fill(SCHOOL)
    page.get_by_label("ФИО директора").fill("Кузнецова Ирина Павловна")
    page.get_by_label("Электронная почта директора").fill("kuznetsova@example.ru")
    page.get_by_role("button", name="Добавить и пригласить директора").click()
    expect(page.get_by_text("Приглашение отправлено на адрес kuznetsova@example.ru.")).to_be_visible()
    log_out(page)

    # The director follows the letter, creates its account and invites the curator.
    follow_the_letter(page, "kuznetsova@example.ru")
    create_account(page, "kuznetsova", "Кузнецова", "Ирина")
    expect(page.get_by_text(f"Приглашение принято: директор, {SCHOOL}.")).to_be_visible()
    sections(page).get_by_role("link", name="Сотрудники и доступ").click()
    page.get_by_label("Электронная почта").fill("yudina@example.ru")
    page.get_by_label("Роль").select_option(label="Куратор")
    page.get_by_role("button", name="Пригласить").click()
    expect(page.get_by_role("rowheader", name="yudina@example.ru")).to_be_visible()
    log_out(page)

    # The curator joins likewise and imports the class list from its empty home.
    follow_the_letter(page, "yudina@example.ru")
    create_account(page, "yudina", "Юдина", "Ольга")
    expect(page.get_by_text(f"Приглашение принято: куратор, {SCHOOL}.")).to_be_visible()
    page.get_by_role("link", name="Импортировать список класса").click()
    page.get_by_label("База наставляемых").check()
    page.get_by_label("Файл со списком").set_input_files(
        {"name": "7b.csv", "mimeType": "text/csv", "buffer": class_list_csv()}
    )
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.get_by_text("Ошибок нет.")).to_be_visible()
    page.get_by_role("button", name="Подтвердить импорт").click()
    expect(page.get_by_text("Импортировано: 2 новых")).to_be_visible()

    # Varvara's mother has signed the consent: without it no questionnaire is sent to a child.
    page.get_by_role("link", name="Ёлкина Варвара Игоревна").click()
    page.get_by_role("link", name="Внести согласие").first.click()
    page.get_by_label("Родитель (законный представитель)").check()
    page.get_by_label("ФИО представителя").fill("Ёлкина Марина Викторовна")
    page.get_by_label("Кем приходится").fill("мать")
    page.get_by_label("Дата согласия").fill(f"{timezone.localdate():%Y-%m-%d}")
    page.get_by_role("button", name="Сохранить согласие").click()
    expect(page.get_by_text("Согласие от").first).to_be_visible()

    # The curator asks the class to fill the intake questionnaire.
    sections(page).get_by_role("link", name="Анкетирования").click()
    page.get_by_role("link", name="Новое анкетирование").click()
    page.get_by_label("Анкета*", exact=True).select_option(label="Анкета потенциального наставляемого")
    page.get_by_label("Название").fill("Анкета наставляемого, 7 «Б»")
    page.get_by_label("Начало").fill(f"{timezone.localdate():%Y-%m-%d}")
    page.get_by_label("Окончание").fill(f"{timezone.localdate() + datetime.timedelta(days=14):%Y-%m-%d}")
    page.get_by_role("radio", name="Класс").check()
    page.get_by_role("textbox", name="Класс").fill("7Б")
    page.get_by_role("button", name="Начать анкетирование").click()
    expect(page.get_by_text("Приглашено респондентов: 1.")).to_be_visible()

    # …and prints the class's login slips; the PDF's codes are what the pupils get on paper.
    sections(page).get_by_role("link", name="Документы").click()
    page.get_by_role("button", name="Заказать документ").click()
    page.get_by_role("link", name="Листы входа с одноразовыми кодами").click()
    page.get_by_label("Класс").fill("7Б")
    page.get_by_label("Сколько дней действуют коды").fill("10")
    page.get_by_role("button", name="Сформировать").click()
    expect(page.get_by_text("Готов").first).to_be_visible(timeout=60_000)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Скачать")).first.click()
    slips = slips_of(download.value.path().read_bytes())
    assert set(slips) == {"elkina.v.7b", "shchukin.t.7b"}

    # Varvara logs in on her phone with the code of her slip and sets a password of her own.
    phone.goto("/")
    phone.get_by_role("link", name="Первый вход по коду с листа входа").click()
    assert_fits_the_window(phone)
    phone.get_by_label("Логин").fill("elkina.v.7b")
    phone.get_by_label("Одноразовый код").fill(slips["elkina.v.7b"])
    phone.get_by_role("button", name="Продолжить").click()
    expect(phone.get_by_role("heading", name="Придумайте пароль")).to_be_visible()
    assert_fits_the_window(phone)
    phone.get_by_label("Новый пароль").fill(PUPIL_PASSWORD)
    phone.get_by_label("Подтверждение нового пароля").fill(PUPIL_PASSWORD)
    phone.get_by_role("button", name="Сохранить пароль и войти").click()
    expect(phone.get_by_text("Пароль сохранён")).to_be_visible()
    assert_fits_the_window(phone)

    # The questionnaire waits for her on her home; she answers it there.
    phone.get_by_role("link", name="Анкета наставляемого, 7 «Б»").first.click()
    expect(phone.get_by_role("button", name="Отправить ответы")).to_be_visible()
    assert_fits_the_window(phone)
    phone.get_by_role("textbox").first.fill("Хочу подготовиться к олимпиаде по математике")
    phone.get_by_label("Раскрыть свои способности, подготовиться к олимпиадам и конкурсам").check()
    phone.get_by_role("button", name="Отправить ответы").click()
    expect(phone.get_by_role("alert")).to_contain_text("Спасибо! Ответы отправлены.")
    assert_fits_the_window(phone)
    assert Response.objects.filter(invitation__person__user__username="elkina.v.7b").exists()

    # Her mentor: a teacher of the mentor base, invited by the curator to an account as a mentor.
    school = Organisation.objects.get(short_name=SCHOOL)
    mentor = MentorEntryFactory(
        person=TeacherFactory(school=school, last_name="Орлова", email="orlova@example.ru"), school=school
    )
    sections(page).get_by_role("link", name="База наставников").click()
    page.get_by_role("link", name="Орлова Елена Викторовна").click()
    page.get_by_role("link", name="Карточка участника").click()
    page.get_by_role("combobox", name="Роль").select_option(label="Наставник")
    page.get_by_role("button", name="Пригласить по почте").click()
    expect(page.get_by_text("Приглашение отправлено на адрес orlova@example.ru.")).to_be_visible()
    log_out(page)
    follow_the_letter(page, "orlova@example.ru")
    create_account(page, "orlova", "Орлова", "Елена")
    expect(page.get_by_text(f"Приглашение принято: наставник, {SCHOOL}.")).to_be_visible()

    # The pair is formed and a meeting planned for tomorrow (their own walks are in other tests).
    pupil = MenteeEntry.objects.get(person__user__username="elkina.v.7b")
    pair = PairFactory(
        programme=ProgrammeFactory(
            school=school,
            form=MentoringForm.objects.get(code="teacher_pupil"),
            title="Программа наставничества «Учитель – ученик»",
        ),
        mentor=mentor,
        mentees=[pupil],
        started_on=timezone.localdate(),
    )
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    Meeting.objects.create(
        school=school,
        pair=pair,
        status=Meeting.Status.PLANNED,
        starts_at=tomorrow.replace(hour=15, minute=30),
        topic="Олимпиадные задачи",
    )

    # The scheduled job writes to the mentor about tomorrow's meeting.
    call_command("run_scheduled", stdout=io.StringIO())
    [letter] = [m for m in mail.outbox if m.to == ["orlova@example.ru"]][1:]  # after the invitation
    assert "Завтра в 15:30 встреча «Олимпиадные задачи»." in letter.body
    assert letter.subject == f"Встреча завтра — {SCHOOL}"
    assert MentorEntry.objects.get(pk=mentor.pk).person.user.username == "orlova"
    call_command("run_scheduled", stdout=io.StringIO())
    assert len([m for m in mail.outbox if m.to == ["orlova@example.ru"]]) == 2, "a rerun sends nothing again"

"""From a programme on the seeds' wording to a pair at work: the curator matches, the director approves, the
mentor logs a meeting and marks a plan item done, the mentee sees both."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mentoring.models import Consent, MenteeCategory, Role
from pairs.models import Meeting, Pair
from tests.factories import (
    ConsentFactory,
    MembershipFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
)

from .conftest import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def teacher(school, name: str, subjects: str, username: str | None = None):
    last_name, first_name, patronymic = name.split()
    user = UserFactory(username=username) if username else None
    person = TeacherFactory(
        school=school,
        last_name=last_name,
        first_name=first_name,
        patronymic=patronymic,
        subjects=subjects,
        user=user,
    )
    ConsentFactory(person=person, school=school, given_by=Consent.GivenBy.SELF, representative_name="")
    if user:
        role = Role.MENTOR if username == "mentor" else Role.MENTEE
        MembershipFactory(user=user, organisation=school, role=role)
    return person


def staff_school():
    school = SchoolFactory()
    for username, role in (("curator", Role.CURATOR), ("director", Role.DIRECTOR)):
        MembershipFactory(user=UserFactory(username=username), organisation=school, role=role)
    young = MenteeCategory.objects.get(code="young_teacher")
    mentor = teacher(school, "Орлова Елена Викторовна", "Математика", username="mentor")
    MentorEntryFactory(person=mentor, competencies="Методика преподавания математики", capacity=2)
    MentorEntryFactory(person=teacher(school, "Громов Пётр Ильич", "История"), competencies="Краеведение")
    mentee = teacher(school, "Соколова Мария Андреевна", "Математика", username="mentee")
    MenteeEntryFactory(person=mentee, request="Методика уроков математики").categories.add(young)
    MenteeEntryFactory(
        person=teacher(school, "Белов Игорь Олегович", "История"), request="Краеведение"
    ).categories.add(young)
    return school


def test_a_pair_is_formed_approved_and_works(page: Page):
    staff_school()

    # The curator starts the programme from seed 004's wording.
    log_in(page, "curator")
    page.get_by_role("link", name="Программы наставничества").click()
    page.goto("/programmes/new/")
    page.get_by_role("region", name="«Учитель – учитель»").get_by_role(
        "link", name="Заполнить по образцу"
    ).click()
    expect(page.get_by_label("Цель")).to_contain_text("молодого специалиста")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", name="Риски и пути их минимизации")).to_be_visible()

    # Matching: all candidates ticked; each young teacher gets the mentor of their subject.
    page.get_by_role("link", name="Подобрать пары").click()
    page.get_by_role("button", name="Предложить пары").click()
    orlova = page.get_by_role("article").filter(has=page.get_by_role("heading", name="Орлова Елена"))
    expect(orlova).to_contain_text("Соколова Мария")
    expect(orlova).to_contain_text("Баллы подбора")

    # The curator edits one pair: Белов goes to Орлова as well, which makes a group of two.
    belov = page.get_by_role("listitem").filter(has_text="Белов Игорь")
    belov.get_by_label("Новый наставник").select_option(label="Орлова Елена Викторовна")
    belov.get_by_role("button", name="Сменить наставника").click()
    expect(orlova).to_contain_text("группа: 2 наставляемых")
    page.get_by_role("button", name="Принять предложение").click()
    expect(page.get_by_role("heading", name="Пары и группы")).to_be_visible()
    pair = Pair.objects.get()
    assert pair.status == Pair.Status.PROPOSED and pair.members.count() == 2
    log_out(page)

    # The director approves it from the list: the pairs order opens with it chosen and approves it.
    log_in(page, "director")
    page.goto("/pairs/")
    page.get_by_role("checkbox").last.check()
    page.get_by_role("button", name="Утвердить выбранные приказом").click()
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(1)
    page.get_by_role("button", name="Сформировать").click()
    page.goto("/pairs/")
    expect(page.get_by_role("table").get_by_text("Утверждена")).to_be_visible()
    pair.refresh_from_db()
    assert pair.order is not None

    # The mentor is a teacher: it mentors with its written consent (Трудовой кодекс, ст. 351.8), made from
    # the pair's page, signed on paper and marked signed with the scan.
    page.goto(f"/pairs/{pair.pk}/")
    page.get_by_role("button", name="Сформировать согласие").click()
    expect(page.get_by_text("Готов", exact=True)).to_be_visible(timeout=60_000)
    page.get_by_label("Скан подписанного документа").set_input_files(
        files=[{"name": "soglasie.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n"}]
    )
    page.get_by_role("button", name="Отметить подписанным").click()
    expect(page.get_by_text("Документ отмечен подписанным, скан сохранён.")).to_be_visible()
    log_out(page)

    # The mentor logs the organisational meeting, which starts the pair's work, then marks a plan item done.
    log_in(page, "mentor")
    page.goto(f"/pairs/{pair.pk}/")
    page.get_by_role("link", name="Записать встречу").first.click()
    held_at = timezone.localtime() - datetime.timedelta(hours=2)
    page.get_by_label("Проведена").check()
    page.get_by_label("Дата и время").fill(held_at.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Тема").fill("Знакомство, обязанности и правила школы")
    page.get_by_label("Соколова Мария").check()
    page.get_by_role("button", name="Сохранить встречу").click()
    expect(page.get_by_text("начала работу")).to_be_visible()
    page.get_by_role("link", name="Отметить выполнение").first.click()
    page.get_by_label("Комментарий к отметке").fill("Провели экскурсию по школе")
    page.get_by_role("button", name="Отметить выполнение").click()
    expect(page.get_by_text("выполнено 1 из 13")).to_be_visible()
    assert Meeting.objects.filter(pair=pair, status=Meeting.Status.HELD).count() == 1
    log_out(page)

    # The mentee sees the pair, the meeting and the mark, and may change nothing.
    log_in(page, "mentee")
    page.goto(f"/pairs/{pair.pk}/")
    expect(page.get_by_text("Знакомство, обязанности и правила школы")).to_be_visible()
    expect(page.get_by_text("Провели экскурсию по школе")).to_be_visible()
    expect(page.get_by_role("link", name="Записать встречу")).to_have_count(0)
    expect(page.get_by_role("link", name="Отметить выполнение")).to_have_count(0)

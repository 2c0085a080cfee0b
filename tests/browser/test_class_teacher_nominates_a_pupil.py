"""A class teacher nominates a pupil of its class on a phone; the curator accepts the nomination in the
queue, and the pupil is in the mentee base."""

import re

import pytest
from playwright.sync_api import Page, expect

from mentoring.models import MenteeEntry, Nomination, Role
from tests.factories import MembershipFactory, PersonFactory, SchoolFactory, TeacherFactory, UserFactory

from .conftest import assert_fits_the_window, log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_teacher_nominates_on_a_phone_and_the_curator_accepts(phone: Page):
    school = SchoolFactory()
    teacher = UserFactory(username="klassruk", last_name="Орлова", first_name="Елена")
    MembershipFactory(user=teacher, organisation=school, role=Role.TEACHER)
    TeacherFactory(school=school, user=teacher, homeroom_grade=7, homeroom_letter="Б")
    MembershipFactory(user=UserFactory(username="kurator"), organisation=school, role=Role.CURATOR)
    pupil = PersonFactory(school=school, last_name="Зайцев", first_name="Пётр", patronymic="Ильич")
    PersonFactory(school=school, last_name="Белова", first_name="Ольга", patronymic="Ильинична")

    log_in(phone, "klassruk")
    phone.get_by_role("link", name="«Мой класс»").click()
    expect(phone.get_by_role("heading", name="Мой класс: 7 «Б»")).to_be_visible()
    assert_fits_the_window(phone)
    phone.get_by_role("link", name=re.compile(r"^Представить\W+Зайцев Пётр Ильич$")).click()
    assert_fits_the_window(phone)
    phone.get_by_role("button", name="Представить").click()
    expect(phone.locator("[data-error-summary]")).to_contain_text("Отметьте хотя бы одну категорию.")
    phone.get_by_label("Демонстрирующие неудовлетворительные образовательные результаты").check()
    phone.get_by_label("Причина").select_option(label="Низкая учебная мотивация")
    phone.get_by_label("Комментарий").fill("Не выполняет домашние задания по математике")
    phone.get_by_role("button", name="Представить").click()
    expect(phone.get_by_text("Представление отправлено куратору: Зайцев Пётр Ильич.")).to_be_visible()
    row = phone.get_by_role("row").filter(has_text="Зайцев Пётр Ильич")
    expect(row).to_contain_text("Представление ждёт решения куратора")
    assert_fits_the_window(phone)
    assert Nomination.objects.get().person == pupil

    log_out(phone)
    log_in(phone, "kurator")
    phone.get_by_role("link", name="Новые представления педагогов: 1.").click()
    queue = phone.get_by_role("row").filter(has_text="Зайцев Пётр Ильич")
    expect(queue).to_contain_text("Низкая учебная мотивация")
    expect(queue).to_contain_text("Не выполняет домашние задания по математике")
    assert_fits_the_window(phone)
    queue.get_by_role("button", name="Включить в базу").click()
    expect(phone.get_by_text("Участник добавлен в базу наставляемых: Зайцев Пётр Ильич.")).to_be_visible()
    expect(phone.get_by_text("Нет согласия").first).to_be_visible()
    assert_fits_the_window(phone)

    entry = MenteeEntry.objects.get(person=pupil)
    assert entry.reported_by == MenteeEntry.ReportedBy.CLASS_TEACHER
    assert Nomination.objects.get().status == Nomination.Status.ACCEPTED

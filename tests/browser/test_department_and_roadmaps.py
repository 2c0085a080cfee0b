"""The department and its roadmaps: the coordinator makes the municipal roadmap from the template, plans an
indicator, looks into a school from the schools table, writes it a recommendation and prints the analytic
report; a school curator sees the roadmap's activity complete itself once the director issues the pairs
order."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from mentoring.academic_year import AcademicYear
from mentoring.documents import SPECS
from mentoring.models import Consent, MenteeCategory, MenteeEntry, Role
from pairs.documents import ORDER_PAIRS, PAIRS_ORDER_TITLE
from pairs.models import Pair
from roadmap.department_documents import DEPARTMENT_REPORT, report_title
from roadmap.indicators import PERCENT_REFUSAL
from tests.factories import (
    ConsentFactory,
    DepartmentFactory,
    MembershipFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    PairFactory,
    ProgrammeFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
)

from .conftest import log_in, log_out

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("renders"),
]

FIRST, SECOND = "МБОУ «СОШ № 1»", "МБОУ «СОШ № 2»"
YOUNG_TEACHERS = "являющихся наставниками над молодыми педагогами до 35 лет"
PAIRS_ACTIVITY = "Закрепление наставнических пар/групп"


def open_section(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Разделы").get_by_role("link", name=name).click()


def teacher(school, name: str):
    last_name, first_name, patronymic = name.split()
    person = TeacherFactory(school=school, last_name=last_name, first_name=first_name, patronymic=patronymic)
    ConsentFactory(person=person, school=school, given_by=Consent.GivenBy.SELF, representative_name="")
    return person


def school_with_pairs(department, short_name: str, pairs: tuple[tuple[str, str], ...], status: str):
    """A school whose programme pairs each mentor with a young teacher."""
    school = SchoolFactory(department=department, short_name=short_name)
    programme = ProgrammeFactory(school=school)
    young = MenteeCategory.objects.get(code="young_teacher")
    for mentor, mentee in pairs:
        entry = MenteeEntryFactory(person=teacher(school, mentee), status=MenteeEntry.Status.PAIRED)
        entry.categories.add(young)
        PairFactory(
            programme=programme,
            mentor=MentorEntryFactory(person=teacher(school, mentor)),
            mentees=[entry],
            status=status,
        )
    return school, programme


def department_with_two_schools():
    """Of the first school's four teachers two mentor young teachers; the second school's one teacher does
    not mentor: 2 of 5 teachers for the department. The department lets its coordinator see named lists."""
    department = DepartmentFactory(named_lists_for_coordinator=True)
    MembershipFactory(
        user=UserFactory(username="coordinator"), organisation=department, role=Role.COORDINATOR
    )
    pairs = (
        ("Орлова Елена Викторовна", "Соколова Мария Андреевна"),
        ("Громов Пётр Ильич", "Белов Игорь Олегович"),
    )
    school_with_pairs(department, FIRST, pairs, Pair.Status.ACTIVE)
    MentorEntryFactory(
        person=teacher(SchoolFactory(department=department, short_name=SECOND), "Зуева Нина Павловна")
    )


def test_the_coordinator_plans_the_department_looks_into_a_school_and_prints_the_report(page: Page):
    department_with_two_schools()
    year = AcademicYear.current()

    # The municipal roadmap from the template for this academic year, with the seed's wording.
    log_in(page, "coordinator")
    open_section(page, "Дорожные карты")
    expect(page.get_by_label("Учебный год")).to_have_value(str(year.start_year))
    page.get_by_role("button", name="Создать").click()
    expect(
        page.get_by_role("heading", name=f"на {year.start_year}–{year.following.end_year} годы")
    ).to_be_visible()
    table = page.locator("table.roadmap-table")
    expect(table).to_contain_text("Разработка и принятие нормативной правовой базы")
    expect(table).to_contain_text("Информационное сопровождение мероприятий по наставничеству")

    # The indicators from the target model; a planned share above 100 % is refused, a sound one saved.
    open_section(page, "Целевые показатели")
    page.get_by_role("button", name="Заполнить по целевой модели").click()
    expect(page.get_by_text("Заполнено показателей по целевой модели: 6.")).to_be_visible()
    page.get_by_role("link", name=YOUNG_TEACHERS).click()
    plan = page.get_by_label("Плановое значение, %")
    plan.fill("150")
    page.get_by_role("button", name="Сохранить план").click()
    expect(page.get_by_text(PERCENT_REFUSAL, exact=True)).to_be_visible()
    plan.fill("50")
    page.get_by_role("button", name="Сохранить план").click()
    expect(page.get_by_text(f"Плановое значение на {year.end_year} год сохранено.")).to_be_visible()

    # Against the plan of 50 %: the first school 2 of 4 meets it, the department 2 of 5 comes close, the
    # second school 0 of 1 falls short.
    open_section(page, "Целевые показатели")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=YOUNG_TEACHERS))
    cells = row.get_by_role("cell")
    expect(cells.nth(5)).to_contain_text("50")
    expect(cells.nth(6)).to_contain_text("(2 из 5)")
    expect(cells.nth(6)).to_contain_text("Близко к плану")
    expect(cells.nth(7)).to_contain_text("(2 из 4)")
    expect(cells.nth(7)).to_contain_text("План выполнен")
    expect(cells.nth(8)).to_contain_text("(0 из 1)")
    expect(cells.nth(8)).to_contain_text("Ниже плана")

    # The schools side by side; the first school's mentors figure opens its mentor base, read-only.
    open_section(page, "Школы")
    first = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=FIRST))
    first.get_by_role("cell").nth(1).get_by_role("link", name="2", exact=True).click()
    expect(page.get_by_role("heading", name="База наставников")).to_be_visible()
    mentors = page.get_by_role("table").get_by_role("row")
    expect(mentors.filter(has_text=FIRST)).to_have_count(2)
    expect(mentors.filter(has_text="Орлова Елена")).to_have_count(1)
    expect(mentors.filter(has_text="Громов Пётр")).to_have_count(1)
    expect(page.get_by_text("Зуева Нина")).to_have_count(0)
    expect(page.get_by_role("link", name="Добавить в базу наставников")).to_have_count(0)

    # Back on the schools page, a recommendation to the second school.
    page.go_back()
    advice = "Сформировать базу наставляемых и подобрать пары до конца декабря."
    recommendation = page.locator("form").filter(has=page.get_by_label(SECOND))
    recommendation.get_by_label(SECOND).fill(advice)
    recommendation.get_by_role("button", name="Сохранить рекомендации").click()
    expect(page.get_by_text(f"Рекомендации школе «{SECOND}» сохранены.")).to_be_visible()
    expect(page.get_by_label(SECOND)).to_have_value(advice)

    # The analytic report: asked for, ready without a reload, downloaded.
    open_section(page, "Документы")
    page.get_by_role("button", name="Заказать документ").click()
    page.get_by_role("link", name=SPECS[DEPARTMENT_REPORT].label).click()
    page.get_by_role("button", name="Сформировать").click()
    expect(page.get_by_role("heading", name=report_title(year))).to_be_visible()
    page.evaluate("window.notReloaded = true")
    expect(page.get_by_text("Готов", exact=True)).to_be_visible(timeout=60_000)
    assert page.evaluate("window.notReloaded === true")
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать PDF").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")


def test_the_pairs_activity_completes_itself_when_the_director_issues_the_order(page: Page):
    pairs = (("Орлова Елена Викторовна", "Соколова Мария Андреевна"),)
    school, programme = school_with_pairs(DepartmentFactory(), FIRST, pairs, Pair.Status.PROPOSED)
    for username, role in (("curator", Role.CURATOR), ("director", Role.DIRECTOR)):
        MembershipFactory(user=UserFactory(username=username), organisation=school, role=role)

    # The curator makes the school roadmap: the pairs are not yet approved by order.
    log_in(page, "curator")
    open_section(page, "Дорожные карты")
    page.get_by_label("Образец").select_option(
        label="Дорожная карта реализации целевой модели наставничества на … учебный год"
    )
    page.get_by_role("button", name="Создать").click()
    activity = page.get_by_role("row").filter(has_text=PAIRS_ACTIVITY)
    expect(activity).to_contain_text("Запланировано")
    expect(activity).to_contain_text("Отметится само: издан приказ о закреплении пар")
    log_out(page)

    # The director issues the pairs order for the programme's proposed pairs.
    log_in(page, "director")
    open_section(page, "Документы")
    page.get_by_role("button", name="Заказать документ").click()
    page.get_by_role("link", name=SPECS[ORDER_PAIRS].label).click()
    page.get_by_role("combobox", name="Программа наставничества").select_option(value=str(programme.pk))
    page.get_by_role("button", name="Сформировать").click()
    expect(page.get_by_text("Готов", exact=True)).to_be_visible(timeout=60_000)
    log_out(page)

    # The curator finds the activity done, the order as its evidence.
    log_in(page, "curator")
    open_section(page, "Дорожные карты")
    page.get_by_role("link", name="Дорожная карта реализации целевой модели наставничества").click()
    activity = page.get_by_role("row").filter(has_text=PAIRS_ACTIVITY)
    expect(activity).to_contain_text("Выполнено")
    expect(activity.get_by_role("link", name=f"{PAIRS_ORDER_TITLE} № 1-о")).to_be_visible()
    expect(activity.get_by_role("link", name="Выполнено")).to_have_count(0)

"""Paper blanks: the curator of a school whose pupils have no devices enters their answers from paper, on the
laptop and on the phone; a question left empty is named by the error summary, and each entered blank is
marked on the survey's page and counted among the answers and in stage 1 of monitoring."""

import pytest
from playwright.sync_api import Page, expect

from mentoring.models import Role
from monitoring.models import Question, Questionnaire, Response
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    PersonFactory,
    QuestionFactory,
    QuestionnaireFactory,
    SchoolFactory,
    SurveyFactory,
    UserFactory,
)

from .conftest import assert_fits_the_window, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Kind = Question.Kind
SCALE = "Насколько вам интересно на встречах с наставником?"
HELP = "Помогает ли вам наставник с учёбой?"
OPEN = "Что бы вы хотели изменить?"


def paper_survey():
    school = SchoolFactory()
    curator = UserFactory(username="paper_curator", last_name="Юдина", first_name="Ольга")
    MembershipFactory(user=curator, organisation=school, role=Role.CURATOR)
    questionnaire = QuestionnaireFactory(
        school=school, title="Удовлетворённость участием", purpose=Questionnaire.Purpose.SATISFACTION
    )
    QuestionFactory(
        questionnaire=questionnaire, order=1, kind=Kind.SCALE, text=SCALE, scale_max=5, measures=""
    )
    QuestionFactory(questionnaire=questionnaire, order=2, kind=Kind.YES_NO, text=HELP, measures="")
    QuestionFactory(
        questionnaire=questionnaire, order=3, kind=Kind.OPEN, text=OPEN, required=False, measures=""
    )
    survey = SurveyFactory(questionnaire=questionnaire, title="Удовлетворённость, 2-я четверть")
    for last_name, first_name in (("Соколова", "Мария"), ("Тихонов", "Егор")):
        InvitationFactory(
            survey=survey,
            person=PersonFactory(school=school, last_name=last_name, first_name=first_name, grade=6),
        )
    return survey


def enter(page: Page, survey, name: str, answers: dict[str, str]) -> None:
    page.goto(f"/surveys/{survey.pk}/")
    page.get_by_role("row").filter(has_text=name).get_by_role("link", name="Внести с бланка").click()
    expect(page.get_by_role("heading", name="Ответы с бумажного бланка")).to_be_visible()
    for question, answer in answers.items():
        page.get_by_role("group", name=question).get_by_text(answer, exact=True).click()


def test_the_curator_enters_paper_blanks_on_the_laptop_and_on_the_phone(page: Page, phone: Page):
    survey = paper_survey()

    log_in(page, "paper_curator")
    enter(page, survey, "Соколова Мария", {HELP: "Да"})
    page.get_by_role("group", name=OPEN).get_by_role("textbox").fill("Больше экскурсий")
    page.get_by_role("button", name="Внести ответы").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Ответы не внесены: 1 ошибка")
    expect(page.get_by_role("group", name=OPEN).get_by_role("textbox")).to_have_value("Больше экскурсий")
    assert not Response.objects.exists()

    page.get_by_role("group", name=SCALE).get_by_text("4", exact=True).click()
    page.get_by_role("button", name="Внести ответы").click()
    expect(page.get_by_role("alert")).to_contain_text("Ответы с бумажного бланка внесены: Соколова Мария")
    row = page.get_by_role("row").filter(has_text="Соколова Мария")
    expect(row).to_contain_text("внесено с бумажного бланка")
    expect(row.get_by_role("link", name="Исправить внесённое")).to_be_visible()
    expect(page.locator("table").first.get_by_role("row").nth(1)).to_contain_text("50 %")
    assert Response.objects.get().paper_entered_by.username == "paper_curator"

    log_in(phone, "paper_curator")
    enter(phone, survey, "Тихонов Егор", {SCALE: "2", HELP: "Нет"})
    assert_fits_the_window(phone)
    phone.get_by_role("button", name="Внести ответы").click()
    expect(phone.get_by_role("alert")).to_contain_text("Ответы с бумажного бланка внесены: Тихонов Егор")
    expect(phone.get_by_text("внесено с бумажного бланка")).to_have_count(2)
    assert_fits_the_window(phone)
    rates = phone.locator("table").first.get_by_role("row").nth(1)
    expect(rates).to_contain_text("100 %")

    phone.goto("/monitoring/stage-1/")
    expect(phone.get_by_text("Удовлетворённость участием").first).to_be_visible()
    expect(phone.get_by_text("Ответов: 2.")).to_be_visible()
    assert_fits_the_window(phone)

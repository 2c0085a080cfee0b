"""A pupil answers a questionnaire through the personal link on a phone: the error summary takes the focus
and leads to the question left empty; once the answers are sent, the page offers only to send corrections."""

import pytest
from playwright.sync_api import Page, expect

from monitoring.models import Answer, Question
from tests.factories import (
    InvitationFactory,
    PersonFactory,
    QuestionFactory,
    QuestionnaireFactory,
    SurveyFactory,
)

from .conftest import assert_fits_the_window

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Kind = Question.Kind


def test_the_pupil_follows_the_summary_to_the_empty_question_sends_and_finds_no_draft_button(phone: Page):
    questionnaire = QuestionnaireFactory()
    QuestionFactory(
        questionnaire=questionnaire,
        kind=Kind.OPEN,
        required=False,
        measures="",
        text="Что вам больше всего запомнилось во встречах с наставником? Напишите несколько слов.",
    )
    for text in ("Понятно ли вам, чем вы будете заниматься с наставником?", "Хотите ли вы продолжить?"):
        QuestionFactory(questionnaire=questionnaire, kind=Kind.YES_NO, measures="", text=text)
    chosen = QuestionFactory(
        questionnaire=questionnaire,
        kind=Kind.SINGLE,
        measures="",
        text="Как часто вы хотели бы встречаться с наставником?",
        choices=["Раз в неделю", "Раз в две недели", "Раз в месяц"],
    )
    survey = SurveyFactory(questionnaire=questionnaire)
    pupil = PersonFactory(school=survey.school, first_name="Илья", patronymic="Андреевич")
    invitation = InvitationFactory(survey=survey, person=pupil)

    phone.goto(f"/a/{invitation.token}/")
    phone.get_by_role("textbox").fill("Проект по физике")
    for n in (1, 2):
        phone.get_by_role("group").nth(n).get_by_label("Да").check()
    phone.get_by_role("button", name="Отправить ответы").click()

    summary = phone.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Ответы не отправлены: 1 ошибка")
    assert_fits_the_window(phone)
    summary.get_by_role("link", name=f"Вопрос {chosen.order}").click()
    question = phone.get_by_role("group", name=chosen.text)
    expect(question.get_by_label("Раз в неделю")).to_be_focused()
    expect(question).to_be_in_viewport()
    expect(phone.get_by_role("textbox")).to_have_value("Проект по физике")

    question.get_by_label("Раз в две недели").check()
    phone.get_by_role("button", name="Отправить ответы").click()
    expect(phone.get_by_role("alert")).to_contain_text("Спасибо! Ответы отправлены.")
    assert Answer.objects.get(question=chosen).chosen == ["Раз в две недели"]

    phone.goto(f"/a/{invitation.token}/")
    expect(phone.get_by_text("Ниже — ответы, которые получила школа.")).to_be_visible()
    expect(phone.get_by_role("button", name="Сохранить черновик")).to_have_count(0)
    expect(phone.get_by_role("button", name="Отправить исправления")).to_be_visible()
    expect(phone.get_by_role("group", name=chosen.text).get_by_label("Раз в две недели")).to_be_checked()
    assert_fits_the_window(phone)

import datetime
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentoring.models import Role
from monitoring import responses
from monitoring.models import Answer, Invitation, Question, Response
from monitoring.respond_forms import REQUIRED

from .factories import InvitationFactory, QuestionFactory, QuestionnaireFactory, SurveyFactory
from .test_error_summary import links_of, summary_of

Kind = Question.Kind
TODAY = datetime.date.today


@pytest.fixture
def questions(school):
    """One question of each kind, all required except the open one."""
    questionnaire = QuestionnaireFactory(school=school)
    return {
        "open": QuestionFactory(questionnaire=questionnaire, kind=Kind.OPEN, required=False, measures=""),
        "single": QuestionFactory(
            questionnaire=questionnaire, kind=Kind.SINGLE, choices=["Да", "Скорее нет"]
        ),
        "multiple": QuestionFactory(
            questionnaire=questionnaire, kind=Kind.MULTIPLE, choices=["Беседы", "Проекты"]
        ),
        "scale": QuestionFactory(questionnaire=questionnaire, kind=Kind.SCALE),
        "number": QuestionFactory(questionnaire=questionnaire, kind=Kind.NUMBER, scale_min=2, scale_max=5),
        "yes_no": QuestionFactory(questionnaire=questionnaire, kind=Kind.YES_NO),
    }


@pytest.fixture
def invitation(questions, school):
    survey = SurveyFactory(questionnaire=questions["open"].questionnaire, school=school)
    return InvitationFactory(survey=survey, person__school=school)


def valid_data(questions, **changes) -> dict:
    data = {
        f"q{questions['open'].pk}": "Мне помогли с проектом",
        f"q{questions['single'].pk}": "Да",
        f"q{questions['multiple'].pk}": ["Беседы", "Проекты"],
        f"q{questions['scale'].pk}": "8",
        f"q{questions['number'].pk}": "4,5",
        f"q{questions['yes_no'].pk}": "0",
        "submit": "",
    }
    for kind, value in changes.items():
        key = f"q{questions[kind].pk}"
        if value is None:
            del data[key]
        else:
            data[key] = value
    return data


def link(invitation: Invitation) -> str:
    return f"/a/{invitation.token}/"


def stored(invitation: Invitation) -> dict:
    return {
        a.question.kind: a
        for a in Answer.objects.filter(response__invitation=invitation).select_related("question")
    }


def test_it_stores_each_kind_of_answer_through_the_link_without_login(client, invitation, questions):
    response = client.post(link(invitation), valid_data(questions), follow=True)

    assert "Спасибо! Ответы отправлены." in response.text
    answers = stored(invitation)
    assert answers[Kind.OPEN].text == "Мне помогли с проектом"
    assert answers[Kind.SINGLE].chosen == ["Да"]
    assert answers[Kind.MULTIPLE].chosen == ["Беседы", "Проекты"]
    assert answers[Kind.SCALE].number == 8
    assert answers[Kind.NUMBER].number == Decimal("4.5")
    assert answers[Kind.YES_NO].number == 0
    assert Response.objects.get(invitation=invitation).submitted_at is not None


def test_the_link_page_shows_the_respondents_own_name_and_no_surname(client, invitation):
    response = client.get(link(invitation))

    assert response.status_code == 200
    person = invitation.person
    assert f"{person.first_name} {person.patronymic}" in response.text
    assert person.last_name not in response.text
    assert invitation.survey.questionnaire.title in response.text


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("single", "Может быть", "Выберите вариант из списка."),
        ("multiple", ["Беседы", "Походы"], "Выберите вариант из списка."),
        ("scale", "11", "Выберите значение от 1 до 10."),
        ("scale", "0", "Выберите значение от 1 до 10."),
        ("number", "четыре", "Введите число от 2 до 5, например 12 или 4,5."),
        ("number", "7", "Введите число от 2 до 5."),
        ("yes_no", "может", "Выберите вариант из списка."),
        ("single", None, "Ответьте на этот вопрос: он обязательный."),
        ("scale", None, "Ответьте на этот вопрос: он обязательный."),
        ("multiple", None, "Ответьте на этот вопрос: он обязательный."),
    ],
)
def test_it_refuses_a_bad_answer_with_a_russian_message_and_stores_nothing(
    client, invitation, questions, kind, value, message
):
    response = client.post(link(invitation), valid_data(questions, **{kind: value}))

    assert response.status_code == 200
    assert message in response.context["form"].errors[f"q{questions[kind].pk}"]
    assert message in response.text
    assert "Ответы не отправлены" in response.text
    assert not Response.objects.filter(invitation=invitation).exists()


def test_it_keeps_what_was_typed_when_an_answer_is_refused(client, invitation, questions):
    response = client.post(link(invitation), valid_data(questions, scale="42"))
    assert "Мне помогли с проектом" in response.text


def test_an_optional_question_may_stay_empty(client, invitation, questions):
    client.post(link(invitation), valid_data(questions, open=""))
    assert Kind.OPEN not in stored(invitation)
    assert len(stored(invitation)) == 5


def test_it_ignores_a_forged_question_id(client, invitation, questions):
    alien = QuestionFactory(kind=Kind.OPEN)

    client.post(link(invitation), {**valid_data(questions), f"q{alien.pk}": "Чужой ответ", "q999999": "x"})

    assert not Answer.objects.filter(question=alien).exists()
    assert len(stored(invitation)) == 6


def test_a_forged_question_id_alone_stores_nothing(client, invitation, questions):
    alien = QuestionFactory(kind=Kind.OPEN)
    client.post(link(invitation), {f"q{alien.pk}": "Чужой ответ", "submit": ""})
    assert not Response.objects.filter(invitation=invitation).exists()
    assert not Answer.objects.exists()


def test_the_service_refuses_a_question_of_another_questionnaire(invitation):
    with pytest.raises(responses.ValidationError):
        responses.response_submit(invitation=invitation, cleaned={QuestionFactory(kind=Kind.OPEN): "x"})
    assert not Answer.objects.exists()


def test_a_draft_is_saved_without_required_answers_and_shown_again(client, invitation, questions):
    scale = f"q{questions['scale'].pk}"
    data = {f"q{questions['open'].pk}": "Начал писать", scale: "3", "save_draft": ""}

    response = client.post(link(invitation), data, follow=True)

    assert "Черновик сохранён." in response.text
    saved = Response.objects.get(invitation=invitation)
    assert saved.submitted_at is None
    assert not saved.answers.exists()
    client.logout()  # the session has expired: the draft is kept with the response, not in the session
    page = client.get(link(invitation))
    assert "Начал писать" in page.text
    assert page.context["form"].initial[scale] == "3"
    assert "Это сохранённый черновик" in page.text


def test_a_submit_clears_the_draft(client, invitation, questions):
    client.post(link(invitation), {f"q{questions['open'].pk}": "Черновик", "save_draft": ""})
    client.post(link(invitation), valid_data(questions))
    assert Response.objects.get(invitation=invitation).draft == {}


def test_the_summary_counts_the_wrong_answers_and_leads_to_each_question(client, invitation, questions):
    single, scale = questions["single"], questions["scale"]

    response = client.post(link(invitation), valid_data(questions, single=None, scale="42"))

    summary = summary_of(response.text)
    assert "Ответы не отправлены: 2 ошибки" in summary
    assert links_of(response.text) == {
        f"question-{single.pk}": f"Вопрос {single.order}: {REQUIRED}",
        f"question-{scale.pk}": f"Вопрос {scale.order}: Выберите значение от 1 до 10.",
    }
    assert f'<fieldset id="question-{single.pk}"' in response.text
    assert "исправьте отмеченные вопросы" not in response.text


def test_a_draft_is_refused_once_the_answers_are_sent_and_nothing_changes(client, invitation, questions):
    client.post(link(invitation), valid_data(questions))
    sent = Response.objects.get(invitation=invitation)

    response = client.post(link(invitation), {**valid_data(questions, scale="2"), "save_draft": ""})

    assert response.status_code == 200
    assert responses.ALREADY_SUBMITTED in unescape(response.text)
    saved = Response.objects.get(invitation=invitation)
    assert (saved.draft, saved.submitted_at) == ({}, sent.submitted_at)
    assert stored(invitation)[Kind.SCALE].number == 8
    assert client.get(link(invitation)).context["form"].initial[f"q{questions['scale'].pk}"] == "8"


def test_the_service_saves_no_draft_of_a_submitted_response(invitation, questions):
    answers = {q: v for q, v in zip(questions.values(), ["", "Да", ["Беседы"], 3, 4, 1], strict=True)}
    responses.response_submit(invitation=invitation, cleaned=answers)

    with pytest.raises(responses.ValidationError, match="ответы уже отправлены"):
        responses.response_draft_save(invitation=invitation, draft={f"q{questions['open'].pk}": "Другое"})
    assert Response.objects.get(invitation=invitation).draft == {}


def test_a_sent_response_shows_what_was_sent_when_and_offers_only_to_send_corrections(
    client, invitation, questions
):
    client.post(link(invitation), valid_data(questions))
    # A draft typed after the submit by an older page: the school never got it, so it is not shown.
    Response.objects.filter(invitation=invitation).update(draft={f"q{questions['scale'].pk}": "1"})
    sent_at = timezone.localtime(Response.objects.get(invitation=invitation).submitted_at)

    page = client.get(link(invitation))

    assert page.context["form"].initial[f"q{questions['scale'].pk}"] == "8"
    assert f"Ответы отправлены {sent_at:%d.%m.%Y} в {sent_at:%H:%M}." in page.text
    assert 'name="save_draft"' not in page.text
    assert "Сохранить черновик" not in page.text
    assert "Отправить исправления" in page.text


def test_a_submitted_response_can_be_corrected_until_the_survey_closes(client, invitation, questions):
    client.post(link(invitation), valid_data(questions))

    page = client.get(link(invitation))
    assert "Их можно исправить до" in page.text
    assert page.context["form"].initial[f"q{questions['number'].pk}"] == "4,5"
    assert page.context["form"].initial[f"q{questions['multiple'].pk}"] == ["Беседы", "Проекты"]

    client.post(link(invitation), valid_data(questions, scale="2", open="", multiple=["Проекты"]))

    answers = stored(invitation)
    assert answers[Kind.SCALE].number == 2
    assert answers[Kind.MULTIPLE].chosen == ["Проекты"]
    assert Kind.OPEN not in answers
    assert Answer.objects.count() == 5


def test_a_double_submit_creates_no_duplicate_answers(client, invitation, questions):
    client.post(link(invitation), valid_data(questions))
    client.post(link(invitation), valid_data(questions))

    assert Response.objects.filter(invitation=invitation).count() == 1
    assert Answer.objects.filter(response__invitation=invitation).count() == 6


def test_a_closed_survey_refuses_answers_and_says_so(client, invitation, questions):
    survey = invitation.survey
    survey.opens_on, survey.closes_on = (
        TODAY() - datetime.timedelta(days=20),
        TODAY() - datetime.timedelta(days=1),
    )
    survey.save()

    page = client.get(link(invitation))
    post = client.post(link(invitation), valid_data(questions))
    draft = client.post(link(invitation), {**valid_data(questions), "save_draft": ""})

    assert page.status_code == post.status_code == draft.status_code == 410
    assert f"Анкетирование уже завершилось {survey.closes_on:%d.%m.%Y}" in page.text
    assert not Response.objects.exists()


def test_a_survey_not_yet_open_refuses_answers_and_says_when_it_opens(client, invitation, questions):
    survey = invitation.survey
    survey.opens_on, survey.closes_on = (
        TODAY() + datetime.timedelta(days=2),
        TODAY() + datetime.timedelta(days=9),
    )
    survey.save()

    page = client.get(link(invitation))
    client.post(link(invitation), valid_data(questions))

    assert page.status_code == 403
    assert f"Анкетирование ещё не началось: оно откроется {survey.opens_on:%d.%m.%Y}." in page.text
    assert not Response.objects.exists()


def test_an_unknown_link_is_a_404(client, db):
    assert client.get("/a/no-such-token/").status_code == 404


def test_a_user_answers_its_own_invitation_after_login(client, make_user, invitation, questions, school):
    user = make_user(Role.MENTOR, school)
    invitation.person.user = user
    invitation.person.save()
    client.force_login(user)

    page = client.get(f"/surveys/{invitation.survey_id}/respond/")
    client.post(f"/surveys/{invitation.survey_id}/respond/", valid_data(questions))

    assert page.status_code == 200
    assert len(stored(invitation)) == 6


def test_another_persons_survey_is_a_404(client_as, invitation, school, other_school):
    assert client_as(Role.CURATOR, school).get(f"/surveys/{invitation.survey_id}/respond/").status_code == 404
    assert (
        client_as(Role.MENTOR, other_school).get(f"/surveys/{invitation.survey_id}/respond/").status_code
        == 404
    )


def test_a_parents_invitation_is_answered_only_by_link(client, make_user, school, invitation):
    user = make_user(Role.MENTEE, school)
    parent = InvitationFactory(survey=invitation.survey, respondent=Invitation.Respondent.PARENT)
    parent.person.user = user
    parent.person.save()
    client.force_login(user)

    assert client.get(f"/surveys/{invitation.survey_id}/respond/").status_code == 404


def test_the_respond_page_needs_a_login(client, invitation):
    response = client.get(f"/surveys/{invitation.survey_id}/respond/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def make_invited_user(make_user, school, count: int):
    user = make_user(Role.MENTOR, school)
    person = InvitationFactory(survey__questionnaire__school=school).person
    person.user = user
    person.save()
    for _ in range(count - 1):
        InvitationFactory(survey__questionnaire__school=school, person=person)
    return user, person


def test_home_lists_waiting_and_submitted_surveys(client, make_user, school):
    user, person = make_invited_user(make_user, school, 2)
    waiting, sent = Invitation.objects.filter(person=person).order_by("pk")
    Response.objects.create(invitation=sent, submitted_at=timezone.now())
    closed = InvitationFactory(
        person=person,
        survey__closes_on=TODAY() - datetime.timedelta(days=1),
        survey__title="Прошлогодняя анкета",
    )
    client.force_login(user)

    page = client.get("/")

    assert "Анкеты, которые ждут ваших ответов" in page.text
    assert page.context["my_surveys"].waiting == [waiting]
    assert page.context["my_surveys"].submitted == [sent]
    assert f"отправлено, можно исправить до {sent.survey.closes_on:%d.%m.%Y}" in page.text
    assert f"/surveys/{waiting.survey_id}/respond/" in page.text
    assert closed.survey.title not in page.text


def test_home_shows_no_surveys_block_to_a_user_without_invitations(client_as, school):
    assert "Анкеты, которые ждут ваших ответов" not in client_as(Role.MENTOR, school).get("/").text


def test_the_home_surveys_take_a_fixed_number_of_queries(client, make_user, school):
    def count_queries(n: int) -> int:
        user, _ = make_invited_user(make_user, school, n)
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    assert count_queries(1) == count_queries(6)

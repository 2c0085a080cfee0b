"""Closing a survey by hand is immediate: from that moment the link and the account refuse answers, the list
says «завершено», nothing waits for answers; only the paper blanks filled in on time are still entered."""

import datetime

import pytest
from django.utils import timezone

from monitoring import responses
from monitoring.models import Invitation, Question, Questionnaire, Response, Survey
from roadmap import services
from roadmap.models import Activity, Roadmap, Stage

from .factories import InvitationFactory, QuestionFactory, QuestionnaireFactory, SurveyFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def question(school) -> Question:
    return QuestionFactory(questionnaire=QuestionnaireFactory(school=school), kind=Question.Kind.OPEN)


@pytest.fixture
def invitation(school, question) -> Invitation:
    survey = SurveyFactory(questionnaire=question.questionnaire, title="Анкета наставляемого")
    return InvitationFactory(survey=survey, person__school=school)


def closed_by_hand(curator_client, survey: Survey) -> Survey:
    curator_client.post(f"/surveys/{survey.pk}/close/")
    survey.refresh_from_db()
    return survey


def test_closing_by_hand_marks_the_moment_of_closing(curator_client, invitation):
    survey = closed_by_hand(curator_client, invitation.survey)

    assert survey.closes_on == TODAY and survey.closed_at is not None


def test_the_link_refuses_answers_at_once_after_closing(client, curator_client, invitation, question):
    closed_by_hand(curator_client, invitation.survey)
    client.logout()

    page = client.get(f"/a/{invitation.token}/")
    post = client.post(f"/a/{invitation.token}/", {f"q{question.pk}": "Мне помогли", "submit": ""})

    assert page.status_code == post.status_code == 410
    assert f"Анкетирование уже завершилось {TODAY:%d.%m.%Y}. Ответы больше не принимаются." in page.text
    assert not Response.objects.exists()


def test_a_survey_ending_today_but_not_closed_still_takes_answers(invitation):
    invitation.survey.closes_on = TODAY
    invitation.survey.save()

    assert responses.survey_refusal(invitation.survey) == ""


def test_the_account_refuses_answers_and_the_home_page_stops_asking(client, make_user, invitation, question):
    survey = invitation.survey
    survey.closed_at = timezone.now()
    survey.save()
    user = make_user("mentee", invitation.person.school)
    invitation.person.user = user
    invitation.person.save()
    client.force_login(user)

    post = client.post(f"/surveys/{survey.pk}/respond/", {f"q{question.pk}": "Мне помогли", "submit": ""})

    assert post.status_code == 410 and not Response.objects.exists()
    assert responses.my_open_surveys(user).waiting == []
    assert "Анкета наставляемого" not in client.get("/").text


def test_the_list_and_the_card_say_finished_at_once(curator_client, invitation):
    survey = closed_by_hand(curator_client, invitation.survey)

    listing = curator_client.get("/surveys/").text
    card = curator_client.get(f"/surveys/{survey.pk}/").text
    assert ">завершено<" in listing and ">идёт<" not in listing
    assert ">завершено<" in card and "Закрыть досрочно" not in card


def test_a_survey_ending_today_can_be_closed_by_hand(curator_client, invitation):
    invitation.survey.closes_on = TODAY
    invitation.survey.save()

    survey = closed_by_hand(curator_client, invitation.survey)

    assert survey.closed_at is not None


def test_closing_twice_keeps_the_first_moment(curator_client, invitation):
    first = closed_by_hand(curator_client, invitation.survey).closed_at

    page = curator_client.post(f"/surveys/{invitation.survey.pk}/close/", follow=True).text

    assert "Анкетирование уже завершено." in page
    assert Survey.objects.get().closed_at == first


def test_paper_blanks_are_still_entered_for_fourteen_days_after_closing_by_hand(
    curator_client, invitation, question
):
    survey = closed_by_hand(curator_client, invitation.survey)

    assert responses.paper_last_day(survey) == TODAY + 14 * DAY
    curator_client.post(f"/surveys/respondents/{invitation.pk}/paper/", {f"q{question.pk}": "С бланка"})
    assert Response.objects.get(invitation=invitation).from_paper


def test_a_stage_1_survey_closed_by_hand_completes_the_roadmaps_monitoring_today(curator_client, school):
    roadmap = Roadmap.objects.create(
        organisation=school,
        title="Дорожная карта",
        year=TODAY.year,
        starts_on=TODAY - 60 * DAY,
        ends_on=TODAY + 300 * DAY,
    )
    activity = Activity.objects.create(
        stage=Stage.objects.create(roadmap=roadmap, order=1, title="Мониторинг"),
        order=1,
        title="Анкетирование этапа 1",
        starts_on=TODAY - 30 * DAY,
        ends_on=TODAY + 30 * DAY,
        completes_when=Activity.CompletesWhen.STAGE_1_CLOSED,
    )
    stage_1 = Questionnaire.objects.get(school=None, code="stage-1")
    closed_by_hand(curator_client, SurveyFactory(questionnaire=stage_1, school=school))

    services.activities_complete_from_evidence(roadmap=roadmap)

    activity.refresh_from_db()
    assert (activity.status, activity.done_on) == (Activity.Status.DONE, TODAY)

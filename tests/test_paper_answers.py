"""Paper answers: the curator enters what a respondent wrote on the paper blank; the response is marked,
counts in both stages of monitoring, and is refused where it would replace a respondent's own answers."""

import datetime
from html import unescape

import pytest
from auditlog.models import LogEntry
from django.db import IntegrityError, transaction
from django.utils import timezone

from mentoring.models import Role
from monitoring import stages
from monitoring.models import Answer, Question, Questionnaire, Response, Survey
from monitoring.respond_forms import REQUIRED

from .factories import (
    InvitationFactory,
    MembershipFactory,
    PairFactory,
    ProgrammeFactory,
    QuestionFactory,
    QuestionnaireFactory,
    ResponseFactory,
    SurveyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
Kind = Question.Kind
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def questions(school):
    questionnaire = QuestionnaireFactory(school=school, purpose=Questionnaire.Purpose.FEEDBACK)
    return {
        "single": QuestionFactory(questionnaire=questionnaire, kind=Kind.SINGLE, choices=["Да", "Нет"]),
        "scale": QuestionFactory(questionnaire=questionnaire, kind=Kind.SCALE, scale_min=1, scale_max=5),
        "open": QuestionFactory(questionnaire=questionnaire, kind=Kind.OPEN, required=False),
    }


@pytest.fixture
def invitation(school, questions):
    survey = SurveyFactory(questionnaire=questions["single"].questionnaire, school=school)
    return InvitationFactory(survey=survey, person__school=school, person__last_name="Лебедева")


def url(invitation) -> str:
    return f"/surveys/respondents/{invitation.pk}/paper/"


def blank(questions, **changes) -> dict:
    data = {
        f"q{questions['single'].pk}": "Да",
        f"q{questions['scale'].pk}": "4",
        f"q{questions['open'].pk}": "Помогли подготовиться к олимпиаде",
    }
    for kind, value in changes.items():
        data[f"q{questions[kind].pk}"] = value
    return data


def stored(invitation) -> dict:
    return {
        a.question.kind: a
        for a in Answer.objects.filter(response__invitation=invitation).select_related("question")
    }


def test_the_curator_enters_a_paper_blank_marked_with_who_and_when(
    client, make_user, school, invitation, questions
):
    curator = make_user(Role.CURATOR, school)
    client.force_login(curator, backend="django.contrib.auth.backends.ModelBackend")

    page = client.post(url(invitation), blank(questions), follow=True).text

    assert "Ответы с бумажного бланка внесены: Лебедева" in page
    response = Response.objects.get(invitation=invitation)
    assert response.submitted_at is not None
    assert response.paper_entered_by == curator
    assert response.paper_entered_at == response.submitted_at
    answers = stored(invitation)
    assert answers[Kind.SINGLE].chosen == ["Да"] and answers[Kind.SCALE].number == 4
    assert "внесено с бумажного бланка" in page


def test_the_form_asks_every_question_of_the_questionnaire(curator_client, invitation, questions):
    page = unescape(curator_client.get(url(invitation)).text)
    for question in questions.values():
        assert question.text in page
    assert "Внести ответы" in page


def test_the_entry_is_in_the_audit_trail_with_the_curator(client, make_user, school, invitation, questions):
    curator = make_user(Role.CURATOR, school)
    client.force_login(curator, backend="django.contrib.auth.backends.ModelBackend")
    client.post(url(invitation), blank(questions))

    response = Response.objects.get(invitation=invitation)
    entries = LogEntry.objects.get_for_object(response)
    assert [(e.actor, set(e.changes_dict)) for e in entries] == [
        (curator, {"paper_entered_by", "paper_entered_at"})
    ]


def test_a_respondents_own_answers_leave_no_paper_entry_in_the_audit_trail(client, invitation, questions):
    client.post(f"/a/{invitation.token}/", blank(questions) | {"submit": ""})

    response = Response.objects.get(invitation=invitation)
    assert response.submitted_at and not response.from_paper
    assert not LogEntry.objects.get_for_object(response).exists()


def test_it_refuses_a_respondent_who_answered_online_and_changes_nothing(
    curator_client, invitation, questions
):
    ResponseFactory(invitation=invitation)

    get = unescape(curator_client.get(url(invitation)).text)
    post = unescape(curator_client.post(url(invitation), blank(questions)).text)

    for page in (get, post):
        assert "Участник уже ответил онлайн" in page
        assert "не вносятся, чтобы не заменить его собственные" in page
    response = Response.objects.get(invitation=invitation)
    assert not response.from_paper and not response.answers.exists()


def test_invalid_answers_get_the_respondents_errors_and_nothing_is_stored(
    curator_client, invitation, questions
):
    page = unescape(curator_client.post(url(invitation), blank(questions, single="", scale="9")).text)

    assert "Ответы не внесены: 2 ошибки" in page
    assert REQUIRED in page and "Выберите значение от 1 до 5." in page
    assert "Помогли подготовиться к олимпиаде" in page  # what was typed stays
    assert not Response.objects.filter(invitation=invitation).exists()


def test_a_draft_is_replaced_only_after_confirmation(curator_client, invitation, questions):
    draft = {f"q{questions['open'].pk}": "начал отвечать"}
    Response.objects.create(invitation=invitation, draft=draft)

    page = unescape(curator_client.post(url(invitation), blank(questions)).text)
    assert "Без этой отметки ответы не внесены: черновик участника остаётся." in page
    response = Response.objects.get(invitation=invitation)
    assert response.draft == draft and response.submitted_at is None

    curator_client.post(url(invitation), blank(questions) | {"paper-replace_draft": "on"})
    response.refresh_from_db()
    assert response.draft == {} and response.from_paper
    assert stored(invitation)[Kind.OPEN].text == "Помогли подготовиться к олимпиаде"


def test_the_form_does_not_show_the_respondents_draft_as_the_paper_answers(
    curator_client, invitation, questions
):
    Response.objects.create(invitation=invitation, draft={f"q{questions['open'].pk}": "черновик ученика"})

    page = unescape(curator_client.get(url(invitation)).text)
    assert "черновик ученика" not in page
    assert "Заменить черновик участника ответами с бумажного бланка" in page


def test_a_closed_survey_takes_paper_blanks_for_fourteen_days(curator_client, invitation, questions):
    survey = invitation.survey
    survey.opens_on, survey.closes_on = TODAY - 30 * DAY, TODAY - 14 * DAY
    survey.save()

    page = curator_client.get(f"/surveys/{survey.pk}/").text
    assert f"можно внести до {TODAY:%d.%m.%Y}" in page and "Внести с бланка" in page

    curator_client.post(url(invitation), blank(questions))
    assert Response.objects.get(invitation=invitation).from_paper


def test_a_survey_closed_more_than_fourteen_days_ago_refuses_paper_blanks(
    curator_client, invitation, questions
):
    survey = invitation.survey
    survey.opens_on, survey.closes_on = TODAY - 30 * DAY, TODAY - 15 * DAY
    survey.save()

    page = unescape(curator_client.post(url(invitation), blank(questions)).text)

    last_day = (TODAY - DAY).strftime("%d.%m.%Y")
    assert f"вносятся в течение 14 дней после окончания, до {last_day}: этот срок прошёл." in page
    assert not Response.objects.filter(invitation=invitation).exists()
    assert "Внести с бланка" not in curator_client.get(f"/surveys/{survey.pk}/").text


def test_a_survey_not_started_refuses_paper_blanks(curator_client, invitation, questions):
    survey = invitation.survey
    survey.opens_on, survey.closes_on = TODAY + DAY, TODAY + 10 * DAY
    survey.save()

    page = unescape(curator_client.post(url(invitation), blank(questions)).text)

    assert "Анкетирование ещё не началось" in page
    assert not Response.objects.filter(invitation=invitation).exists()


def test_entering_again_corrects_the_paper_answers(curator_client, invitation, questions):
    curator_client.post(url(invitation), blank(questions))
    page = unescape(curator_client.get(url(invitation)).text)
    assert "Ответы этого бланка уже внесены" in page and 'value="4" checked' in page

    curator_client.post(url(invitation), blank(questions, scale="2"))
    assert stored(invitation)[Kind.SCALE].number == 2
    assert Response.objects.get(invitation=invitation).from_paper


def test_the_respondents_own_correction_takes_off_the_paper_mark(curator_client, invitation, questions):
    curator_client.post(url(invitation), blank(questions))

    curator_client.post(f"/a/{invitation.token}/", blank(questions, scale="5") | {"submit": ""})

    response = Response.objects.get(invitation=invitation)
    assert not response.from_paper and response.paper_entered_by is None
    assert stored(invitation)[Kind.SCALE].number == 5


def test_a_paper_entry_names_both_who_and_when(invitation):
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(
            invitation=invitation, submitted_at=timezone.now(), paper_entered_by=UserFactory()
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(
            invitation=invitation, paper_entered_by=UserFactory(), paper_entered_at=timezone.now()
        )


# Who sees and who enters


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.PSYCHOLOGIST])
def test_the_director_and_the_psychologist_see_the_mark_but_enter_nothing(
    client_as, school, invitation, role
):
    ResponseFactory(invitation=invitation, paper_entered_by=UserFactory(), paper_entered_at=timezone.now())
    client = client_as(role, school)

    page = client.get(f"/surveys/{invitation.survey.pk}/").text
    assert "внесено с бумажного бланка" in page and "Исправить внесённое" not in page
    assert client.get(url(invitation)).status_code == 403


@pytest.mark.parametrize("role", [Role.TEACHER, Role.MENTEE, Role.MENTOR])
def test_participants_enter_no_paper_answers(client_as, school, invitation, role):
    assert client_as(role, school).get(url(invitation)).status_code == 403


def test_the_mentor_never_enters_answers_for_its_mentee(client, school, questions):
    pair = PairFactory(programme=ProgrammeFactory(school=school))
    mentor = UserFactory()
    pair.mentor.person.user = mentor
    pair.mentor.person.save()
    MembershipFactory(user=mentor, organisation=school, role=Role.MENTOR)
    survey = SurveyFactory(questionnaire=questions["single"].questionnaire, school=school)
    invitation = InvitationFactory(survey=survey, person=pair.members.get().mentee.person, pair=pair)
    client.force_login(mentor, backend="django.contrib.auth.backends.ModelBackend")

    assert client.get(url(invitation)).status_code == 403
    assert client.post(url(invitation), blank(questions)).status_code == 403
    assert not Response.objects.filter(invitation=invitation).exists()


@pytest.mark.parametrize("role", [Role.CURATOR, Role.DIRECTOR, Role.PSYCHOLOGIST, Role.MENTOR, Role.TEACHER])
def test_another_schools_respondent_is_not_found(client_as, other_school, invitation, questions, role):
    client = client_as(role, other_school)
    assert client.get(url(invitation)).status_code == 404
    assert client.post(url(invitation), blank(questions)).status_code == 404
    assert not Response.objects.filter(invitation=invitation).exists()


def test_the_survey_page_lists_paper_marks_in_a_fixed_number_of_queries(
    curator_client, school, invitation, django_assert_max_num_queries
):
    survey = invitation.survey
    for _ in range(6):
        ResponseFactory(
            invitation=InvitationFactory(survey=survey),
            paper_entered_by=UserFactory(),
            paper_entered_at=timezone.now(),
        )
    with django_assert_max_num_queries(16):
        page = curator_client.get(f"/surveys/{survey.pk}/").text
    assert page.count("внесено с бумажного бланка") == 6
    assert page.count("Исправить внесённое") == 6 and page.count("Внести с бланка") == 1


# Paper answers count in monitoring like any other


def test_a_paper_response_counts_in_stage_1(curator_client, school, invitation, questions):
    curator_client.post(url(invitation), blank(questions))

    report = stages.stage_1(Survey.objects.filter(pk=invitation.survey.pk))

    section = report.sections[0]
    assert section.respondents == 1
    assert sum(rate["submitted"] for rate in report.rates) == 1
    scale = next(r for r in section.closed if r.question == questions["scale"])
    assert scale.answered == 1 and scale.mean == 4


def test_a_paper_response_counts_in_stage_2_entry_against_exit(curator_client, school):
    questionnaire = QuestionnaireFactory(school=school, purpose=Questionnaire.Purpose.STAGE_2)
    engagement = QuestionFactory(
        questionnaire=questionnaire, scale_min=1, scale_max=5, measures=Question.Measure.ENGAGEMENT
    )
    pair = PairFactory(programme=ProgrammeFactory(school=school))
    person = pair.members.get().mentee.person
    invitations = {
        phase: InvitationFactory(
            survey=SurveyFactory(questionnaire=questionnaire, programme=pair.programme, phase=phase),
            person=person,
            pair=pair,
            role=Role.MENTEE,
        )
        for phase in (Survey.Phase.ENTRY, Survey.Phase.EXIT)
    }
    for phase, value in ((Survey.Phase.ENTRY, "2"), (Survey.Phase.EXIT, "4")):
        curator_client.post(url(invitations[phase]), {f"q{engagement.pk}": value})

    report = stages.stage_2(Survey.objects.filter(programme=pair.programme))

    [participant] = report.participants
    assert participant.entry == {Question.Measure.ENGAGEMENT: 2.0}
    assert participant.exit == {Question.Measure.ENGAGEMENT: 4.0}
    assert report.total.answered["both"] == 1


def test_the_response_page_says_who_entered_the_paper_blank_and_when(client_as, school, invitation):
    curator = UserFactory(last_name="Юдина", first_name="Оксана", patronymic="Сергеевна")
    entered = timezone.now()
    response = ResponseFactory(invitation=invitation, paper_entered_by=curator, paper_entered_at=entered)

    page = client_as(Role.PSYCHOLOGIST, school).get(f"/responses/{response.pk}/").text

    assert "Внесено с бумажного бланка" in page
    assert f"{timezone.localtime(entered):%d.%m.%Y %H:%M}, Юдина Оксана Сергеевна" in page

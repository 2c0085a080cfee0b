from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentoring.models import Role
from monitoring import answers
from monitoring.models import Answer, Invitation, Question, Questionnaire
from pairs.models import Pair

from .factories import (
    AnswerFactory,
    InvitationFactory,
    MentorEntryFactory,
    PairFactory,
    PersonFactory,
    ProgrammeFactory,
    QuestionFactory,
    QuestionnaireFactory,
    ResponseFactory,
    SurveyFactory,
    UserFactory,
)

Kind = Question.Kind
BACKEND = "django.contrib.auth.backends.ModelBackend"


def login(client, user):
    client.force_login(user, backend=BACKEND)
    return client


def answered(person, questionnaire, title: str, **response):
    """A response of the person to a survey of the questionnaire, with one scale answer of 7."""
    survey = SurveyFactory(questionnaire=questionnaire, school=person.school, title=title)
    invitation = InvitationFactory(survey=survey, person=person)
    done = ResponseFactory(invitation=invitation, **response)
    AnswerFactory(response=done, question=questionnaire.questions.first(), number=7)
    return done


def questionnaire_for(school, *, mentor_sees: bool, purpose=Questionnaire.Purpose.FEEDBACK):
    questionnaire = QuestionnaireFactory(school=school, mentor_sees_answers=mentor_sees, purpose=purpose)
    QuestionFactory(questionnaire=questionnaire, text="Насколько вам интересно на встречах?")
    return questionnaire


@pytest.fixture
def pair(school, make_user):
    pair = PairFactory(programme=ProgrammeFactory(school=school))
    mentor = pair.mentor.person
    mentor.user = make_user(Role.MENTOR, school)
    mentor.save()
    mentee = pair.members.get().mentee.person
    mentee.user = make_user(Role.MENTEE, school)
    mentee.save()
    return pair


@pytest.fixture
def mentee(pair):
    return pair.members.get().mentee.person


@pytest.fixture
def shared(school, mentee):
    """A mentee's response to a questionnaire whose answers the mentor sees."""
    return answered(mentee, questionnaire_for(school, mentor_sees=True), "Обратная связь наставнику")


@pytest.fixture
def private(school, mentee):
    """A mentee's response to a questionnaire whose answers only the curator and psychologist see."""
    return answered(mentee, questionnaire_for(school, mentor_sees=False), "Тревожность наставляемых")


def url(response) -> str:
    return f"/responses/{response.pk}/"


# response_detail, role by role.


def test_the_respondent_reads_its_own_response(client, shared, mentee):
    page = login(client, mentee.user).get(url(shared))

    assert page.status_code == 200
    assert "Обратная связь наставнику" in page.text
    assert "7 из 10" in page.text


def test_another_respondent_does_not_find_someone_elses_response(client, school, shared, make_user):
    other = PersonFactory(school=school, user=make_user(Role.MENTEE, school))
    answered(other, shared.invitation.survey.questionnaire, "Своя анкета")

    assert login(client, other.user).get(url(shared)).status_code == 404


def test_the_mentor_of_the_pair_reads_a_mentees_response_when_the_questionnaire_allows(client, pair, shared):
    page = login(client, pair.mentor.person.user).get(url(shared))

    assert page.status_code == 200
    assert pair.members.get().mentee.person.full_name in page.text


def test_the_mentor_of_the_pair_does_not_find_a_response_the_questionnaire_keeps_from_mentors(
    client, pair, private
):
    assert login(client, pair.mentor.person.user).get(url(private)).status_code == 404


def test_the_mentor_of_another_pair_does_not_find_the_response(client, school, shared, make_user):
    other = PairFactory(programme=ProgrammeFactory(school=school))
    other.mentor.person.user = make_user(Role.MENTOR, school)
    other.mentor.person.save()

    assert login(client, other.mentor.person.user).get(url(shared)).status_code == 404


def test_the_mentor_of_a_pair_still_proposed_does_not_find_the_response(client, pair, shared):
    Pair.objects.filter(pk=pair.pk).update(status=Pair.Status.PROPOSED)

    assert login(client, pair.mentor.person.user).get(url(shared)).status_code == 404


@pytest.mark.parametrize("role", [Role.CURATOR, Role.PSYCHOLOGIST])
def test_the_curator_and_the_psychologist_read_every_response_of_their_school(
    client_as, school, shared, private, role
):
    client = client_as(role, school)

    assert client.get(url(shared)).status_code == 200
    assert client.get(url(private)).status_code == 200


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.TEACHER])
def test_the_director_and_a_teacher_do_not_find_individual_answers(client_as, school, private, role):
    assert client_as(role, school).get(url(private)).status_code == 404


def test_the_coordinator_does_not_find_individual_answers(client_as, school, private):
    assert client_as(Role.COORDINATOR, school.department).get(url(private)).status_code == 404


@pytest.mark.parametrize("role", [Role.CURATOR, Role.PSYCHOLOGIST])
def test_the_curator_and_the_psychologist_of_another_school_do_not_find_the_response(
    client_as, other_school, private, role
):
    assert client_as(role, other_school).get(url(private)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, shared):
    page = client.get(url(shared))

    assert page.status_code == 302
    assert "/login/" in page.url


def test_only_the_respondent_sees_a_response_not_yet_sent(client, client_as, school, mentee):
    draft = answered(
        mentee, questionnaire_for(school, mentor_sees=True), "Черновик", submitted_at=None, draft={"q1": "1"}
    )

    assert client_as(Role.CURATOR, school).get(url(draft)).status_code == 404
    client.logout()
    assert login(client, mentee.user).get(url(draft)).status_code == 200


def test_it_shows_which_answers_a_parent_gave(client_as, school, mentee):
    questionnaire = questionnaire_for(school, mentor_sees=False)
    survey = SurveyFactory(questionnaire=questionnaire, school=school)
    invitation = InvitationFactory(survey=survey, person=mentee, respondent=Invitation.Respondent.PARENT)
    parents = ResponseFactory(invitation=invitation)

    page = client_as(Role.CURATOR, school).get(url(parents))

    assert "отвечал родитель" in page.text


def test_the_pupil_does_not_see_what_its_parent_answered(client, school, mentee):
    questionnaire = questionnaire_for(school, mentor_sees=False)
    survey = SurveyFactory(questionnaire=questionnaire, school=school)
    invitation = InvitationFactory(survey=survey, person=mentee, respondent=Invitation.Respondent.PARENT)

    assert login(client, mentee.user).get(url(ResponseFactory(invitation=invitation))).status_code == 404


# Each answer as the respondent gave it.


def shown(kind: str, **answer) -> str:
    question = Question(
        kind=kind,
        text="Вопрос",
        scale_min=1,
        scale_max=5,
        scale_min_label="совсем нет",
        scale_max_label="полностью",
    )
    return answers.shown_value(Answer(question=question, **answer))


def test_it_shows_each_kind_of_answer_as_the_respondent_gave_it():
    assert shown(Kind.OPEN, text="Мне помогли с проектом") == "Мне помогли с проектом"
    assert shown(Kind.SINGLE, chosen=["Скорее да"]) == "Скорее да"
    assert shown(Kind.MULTIPLE, chosen=["Беседы", "Проекты"]) == "Беседы, Проекты"
    assert shown(Kind.SCALE, number=Decimal("4.00")) == "4 из 5 (1 — совсем нет, 5 — полностью)"
    assert shown(Kind.NUMBER, number=Decimal("4.50")) == "4,5"
    assert shown(Kind.NUMBER, number=Decimal("100.00")) == "100"
    assert shown(Kind.YES_NO, number=Decimal(1)) == "Да"
    assert shown(Kind.YES_NO, number=Decimal(0)) == "Нет"


def test_it_shows_the_text_of_a_kind_it_does_not_know_such_as_a_chosen_partner():
    assert shown("partner", text="Орлова Елена Викторовна", chosen=[12]) == "Орлова Елена Викторовна"


def test_it_shows_the_answers_in_question_order(school, mentee):
    questionnaire = questionnaire_for(school, mentor_sees=False)
    response = answered(mentee, questionnaire, "Порядок")
    later = QuestionFactory(questionnaire=questionnaire, order=90, text="Последний", kind=Kind.OPEN)
    first = QuestionFactory(questionnaire=questionnaire, order=0, text="Первый", kind=Kind.OPEN)
    AnswerFactory(response=response, question=later, text="в конце", number=None)
    AnswerFactory(response=response, question=first, text="в начале", number=None)

    assert [a.value for a in answers.shown_answers(response)] == [
        "в начале",
        "7 из 10 (1 — совсем не доволен, 10 — очень доволен)",
        "в конце",
    ]


# The respondent's own answers.


def test_my_answers_shows_only_the_users_own_responses(client, school, mentee, shared, make_user):
    other = PersonFactory(school=school, user=make_user(Role.MENTEE, school))
    answered(other, shared.invitation.survey.questionnaire, "Чужая анкета")

    page = login(client, mentee.user).get("/surveys/answers/")

    assert page.status_code == 200
    assert "Обратная связь наставнику" in page.text
    assert "Чужая анкета" not in page.text
    assert "Ответы моих наставляемых" not in page.text


def test_my_answers_shows_a_mentor_only_the_mentees_responses_it_may_read(client, pair, shared, private):
    page = login(client, pair.mentor.person.user).get("/surveys/answers/")

    assert "Ответы моих наставляемых" in page.text
    assert f'href="/responses/{shared.pk}/"' in page.text
    assert "Тревожность наставляемых" not in page.text


def test_my_answers_leaves_out_a_response_not_yet_sent(client, school, mentee):
    answered(mentee, questionnaire_for(school, mentor_sees=True), "Не отправлена", submitted_at=None)

    assert "Не отправлена" not in login(client, mentee.user).get("/surveys/answers/").text


def test_my_answers_takes_the_same_number_of_queries_however_many_responses(
    client, school, pair, django_assert_num_queries
):
    mentor = pair.mentor.person
    mentee = pair.members.get().mentee.person
    questionnaire = questionnaire_for(school, mentor_sees=True)
    for n in range(3):
        answered(mentor, questionnaire, f"Своя {n}")
        answered(mentee, questionnaire, f"Наставляемого {n}")
    login(client, mentor.user)

    # Session, user, memberships; own: count and page; the mentees': count and page.
    with django_assert_num_queries(7):
        page = client.get("/surveys/answers/")

    assert page.text.count('href="/responses/') == 6


# Intake answers on a base entry.


def intake(entry, purpose) -> None:
    questionnaire = questionnaire_for(entry.school, mentor_sees=False, purpose=purpose)
    response = answered(entry.person, questionnaire, "Входное анкетирование")
    AnswerFactory(
        response=response,
        question=QuestionFactory(questionnaire=questionnaire, kind=Kind.OPEN, text="Ваши увлечения"),
        text="Шахматы и робототехника",
        number=None,
    )


@pytest.fixture
def mentor_entry(school):
    entry = MentorEntryFactory(person__school=school, school=school)
    intake(entry, Questionnaire.Purpose.MENTOR_INTAKE)
    return entry


@pytest.fixture
def mentee_entry(pair):
    entry = pair.members.get().mentee
    intake(entry, Questionnaire.Purpose.MENTEE_INTAKE)
    return entry


@pytest.mark.parametrize("role", [Role.CURATOR, Role.PSYCHOLOGIST])
def test_the_mentor_entry_shows_the_intake_answers_to_the_curator_and_psychologist(
    client_as, school, mentor_entry, role
):
    page = client_as(role, school).get(f"/mentors/{mentor_entry.pk}/")

    assert "Анкета потенциального наставника" in page.text
    assert "Шахматы и робототехника" in page.text


def test_the_mentee_entry_shows_the_intake_answers_to_the_curator(curator_client, mentee_entry):
    page = curator_client.get(f"/mentees/{mentee_entry.pk}/")

    assert "Анкета потенциального наставляемого" in page.text
    assert "Шахматы и робототехника" in page.text


def test_the_director_sees_who_reads_intake_answers_and_not_the_answers(
    client_as, school, mentor_entry, mentee_entry
):
    client = client_as(Role.DIRECTOR, school)

    for page in (client.get(f"/mentors/{mentor_entry.pk}/"), client.get(f"/mentees/{mentee_entry.pk}/")):
        assert "Ответы анкеты видят куратор и педагог-психолог" in page.text
        assert "Шахматы и робототехника" not in page.text


def test_the_intake_card_ignores_another_purpose_and_offers_the_curator_a_survey(curator_client, school):
    entry = MentorEntryFactory(person__school=school, school=school)
    intake(entry, Questionnaire.Purpose.FEEDBACK)

    page = curator_client.get(f"/mentors/{entry.pk}/")

    assert "Анкета ещё не заполнена" in page.text
    assert 'href="/surveys/new/"' in page.text
    assert "Шахматы и робототехника" not in page.text


def test_the_intake_card_shows_the_latest_intake_sent(curator_client, school):
    entry = MentorEntryFactory(person__school=school, school=school)
    intake(entry, Questionnaire.Purpose.MENTOR_INTAKE)
    newer = answered(
        entry.person,
        questionnaire_for(school, mentor_sees=False, purpose=Questionnaire.Purpose.MENTOR_INTAKE),
        "Повторное анкетирование",
        submitted_at=timezone.now() + timezone.timedelta(minutes=5),
    )

    page = curator_client.get(f"/mentors/{entry.pk}/")

    assert f'href="/responses/{newer.pk}/"' in page.text
    assert "Шахматы и робототехника" not in page.text


# The pair's page.


def test_the_pair_page_lists_for_its_mentor_only_the_questionnaires_it_may_read(
    client, pair, shared, private
):
    page = login(client, pair.mentor.person.user).get(f"/pairs/{pair.pk}/")

    assert "Анкеты наставляемых" in page.text
    assert f'href="/responses/{shared.pk}/"' in page.text
    assert f'href="/responses/{private.pk}/"' not in page.text


def test_the_pair_page_lists_every_sent_questionnaire_of_the_mentees_for_the_curator(
    curator_client, pair, shared, private
):
    page = curator_client.get(f"/pairs/{pair.pk}/")

    assert f'href="/responses/{shared.pk}/"' in page.text
    assert f'href="/responses/{private.pk}/"' in page.text


@pytest.mark.parametrize("who", ["director", "mentee"])
def test_the_pair_page_shows_no_questionnaires_to_the_director_or_the_mentee(
    client, client_as, school, pair, shared, who
):
    viewer = (
        client_as(Role.DIRECTOR, school)
        if who == "director"
        else login(client, pair.members.get().mentee.person.user)
    )

    page = viewer.get(f"/pairs/{pair.pk}/")

    assert page.status_code == 200
    assert "Анкеты наставляемых" not in page.text


def test_the_pair_page_takes_the_same_number_of_queries_however_many_questionnaires(
    curator_client, school, pair, mentee
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert curator_client.get(f"/pairs/{pair.pk}/").status_code == 200
        return len(captured)

    answered(mentee, questionnaire_for(school, mentor_sees=True), "Первая")
    before = queries()
    for n in range(3):
        answered(mentee, questionnaire_for(school, mentor_sees=False), f"Ещё {n}")

    assert queries() == before


# The survey's page.


def test_the_survey_page_links_each_sent_response_for_the_curator_and_not_for_the_director(
    client, client_as, school, shared
):
    link = f'href="/responses/{shared.pk}/"'
    survey = f"/surveys/{shared.invitation.survey_id}/"

    assert link in client_as(Role.CURATOR, school).get(survey).text
    client.logout()
    assert link not in client_as(Role.DIRECTOR, school).get(survey).text


def test_the_survey_page_links_for_the_psychologist(client_as, school, shared):
    assert (
        f'href="/responses/{shared.pk}/"'
        in client_as(Role.PSYCHOLOGIST, school).get(f"/surveys/{shared.invitation.survey_id}/").text
    )


def test_a_user_account_alone_does_not_make_someone_a_reader(db, shared):
    assert not answers.responses_visible_to(UserFactory()).exists()


@pytest.mark.parametrize(
    ("role", "shown"), [(Role.MENTOR, True), (Role.MENTEE, True), (Role.DIRECTOR, False)]
)
def test_the_menu_offers_my_answers_to_participants(client_as, school, role, shown):
    assert ('href="/surveys/answers/"' in client_as(role, school).get("/").text) is shown

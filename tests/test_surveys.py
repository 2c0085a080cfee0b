import datetime

import pytest
from django.utils import timezone

from mentoring.models import Role
from monitoring.models import Invitation, Questionnaire, Response, Survey
from pairs.models import Pair

from .factories import (
    ConsentFactory,
    InvitationFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    PairFactory,
    PersonFactory,
    ProgrammeFactory,
    QuestionnaireFactory,
    SurveyFactory,
    TeacherFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def consented(person):
    ConsentFactory(person=person)
    return person


def create_data(questionnaire, **extra):
    data = {
        "questionnaire": questionnaire.pk,
        "title": "Анкетирование на входе",
        "opens_on": TODAY.isoformat(),
        "closes_on": (TODAY + datetime.timedelta(days=10)).isoformat(),
        "who-side": "both",
    }
    data.update(extra)
    return data


@pytest.fixture
def questionnaire(school):
    return QuestionnaireFactory(school=school)


@pytest.fixture
def pair(school):
    pair = PairFactory(programme=ProgrammeFactory(school=school))
    consented(pair.mentor.person)
    consented(pair.members.get().mentee.person)
    return pair


def test_it_invites_the_participants_of_a_programmes_current_pairs(curator_client, questionnaire, pair):
    PairFactory(programme=pair.programme, status=Pair.Status.COMPLETED)
    data = create_data(questionnaire, programme=pair.programme.pk, **{"who-chooser": "programme"})
    response = curator_client.post("/surveys/new/", data)
    survey = Survey.objects.get()
    assert response.status_code == 302 and response.url == f"/surveys/{survey.pk}/"
    rows = set(survey.invitations.values_list("person", "pair", "role"))
    mentee = pair.members.get().mentee.person
    assert rows == {(pair.mentor.person.pk, pair.pk, "mentor"), (mentee.pk, pair.pk, "mentee")}


def test_it_invites_only_the_mentees_of_a_chosen_pair(curator_client, questionnaire, pair):
    data = create_data(questionnaire, **{"who-chooser": "pair", "who-pair": pair.pk, "who-side": "mentees"})
    curator_client.post("/surveys/new/", data)
    assert list(Invitation.objects.values_list("role", flat=True)) == ["mentee"]


def test_it_invites_the_mentor_base(curator_client, school, questionnaire):
    mentor = MentorEntryFactory(person=consented(TeacherFactory(school=school)))
    MenteeEntryFactory(person=consented(PersonFactory(school=school)))
    data = create_data(questionnaire, **{"who-chooser": "base", "who-side": "mentors"})
    curator_client.post("/surveys/new/", data)
    assert list(Invitation.objects.values_list("person", "role")) == [(mentor.person.pk, "mentor")]


def test_it_invites_the_parents_of_a_class(curator_client, school, questionnaire):
    pupil = consented(PersonFactory(school=school, grade=7, class_letter="Б"))
    consented(PersonFactory(school=school, grade=7, class_letter="А"))
    data = create_data(
        questionnaire, **{"who-chooser": "class", "who-school_class": "7б", "who-for_parents": "on"}
    )
    curator_client.post("/surveys/new/", data)
    assert list(Invitation.objects.values_list("person", "respondent")) == [(pupil.pk, "parent")]


def test_a_teacher_chosen_by_hand_answers_himself_even_when_parents_are_asked(
    curator_client, school, questionnaire
):
    teacher = consented(TeacherFactory(school=school))
    data = create_data(
        questionnaire, **{"who-chooser": "hand", "who-people": [teacher.pk], "who-for_parents": "on"}
    )
    curator_client.post("/surveys/new/", data)
    assert list(Invitation.objects.values_list("person", "respondent")) == [(teacher.pk, "self")]


def test_it_leaves_out_archived_people_and_people_without_consent_and_says_how_many(
    curator_client, school, questionnaire
):
    kept = consented(PersonFactory(school=school))
    consented(PersonFactory(school=school, archived_at=timezone.now()))
    PersonFactory(school=school)
    revoked = PersonFactory(school=school)
    ConsentFactory(person=revoked, revoked_at=TODAY)
    data = create_data(questionnaire, **{"who-chooser": "class", "who-school_class": "7 «Б»"})
    response = curator_client.post("/surveys/new/", data, follow=True)
    assert list(Invitation.objects.values_list("person", flat=True)) == [kept.pk]
    assert (
        "Не приглашены (в архиве или без согласия на обработку персональных данных): 3."
        in response.content.decode()
    )


def test_it_does_not_invite_anyone_twice_when_respondents_are_added_again(curator_client, school, pair):
    survey = SurveyFactory(questionnaire=QuestionnaireFactory(school=school), programme=pair.programme)
    url = f"/surveys/{survey.pk}/respondents/"
    curator_client.post(url, {"who-chooser": "programme", "who-side": "both"})
    response = curator_client.post(url, {"who-chooser": "programme", "who-side": "both"}, follow=True)
    assert survey.invitations.count() == 2
    assert "Приглашено респондентов: 0. Уже были в списке: 2." in response.content.decode()


def test_it_refuses_a_survey_closing_before_it_opens(curator_client, school, questionnaire):
    person = consented(PersonFactory(school=school))
    data = create_data(
        questionnaire,
        closes_on=(TODAY - datetime.timedelta(days=1)).isoformat(),
        **{"who-chooser": "hand", "who-people": [person.pk]},
    )
    response = curator_client.post("/surveys/new/", data)
    assert "Окончание не может быть раньше начала." in response.content.decode()
    assert not Survey.objects.exists() and not Invitation.objects.exists()


def test_an_entry_survey_needs_a_programme_and_a_stage_2_questionnaire(curator_client, school, questionnaire):
    person = consented(PersonFactory(school=school))
    data = create_data(questionnaire, phase="entry", **{"who-chooser": "hand", "who-people": [person.pk]})
    page = curator_client.post("/surveys/new/", data).content.decode()
    assert "выберите её" in page and "Для этапа 2 мониторинга выберите анкету" in page
    stage_2 = Questionnaire.objects.builtin().get(code="stage-2")
    programme = ProgrammeFactory(school=school)
    data.update(questionnaire=stage_2.pk, programme=programme.pk)
    assert curator_client.post("/surveys/new/", data).status_code == 302
    assert Survey.objects.get().phase == "entry"


def test_it_does_not_offer_another_schools_programme_or_people(
    curator_client, school, other_school, questionnaire
):
    foreign = ProgrammeFactory(school=other_school)
    stranger = consented(PersonFactory(school=other_school))
    data = create_data(
        questionnaire, programme=foreign.pk, **{"who-chooser": "hand", "who-people": [stranger.pk]}
    )
    response = curator_client.post("/surveys/new/", data)
    assert response.status_code == 200 and not Survey.objects.exists()


def test_it_shows_the_response_rate_by_role(curator_client, school, pair):
    survey = SurveyFactory(questionnaire=QuestionnaireFactory(school=school))
    mentor = InvitationFactory(survey=survey, person=pair.mentor.person, role="mentor")
    InvitationFactory(survey=survey, role="mentee")
    InvitationFactory(survey=survey, role="mentee")
    done = InvitationFactory(survey=survey, role="mentee")
    Response.objects.create(invitation=done, submitted_at=timezone.now())
    Response.objects.create(invitation=mentor, draft={"1": "черновик"})
    page = curator_client.get(f"/surveys/{survey.pk}/").content.decode()
    assert (
        '<td>Наставляемые</td><td class="text-end">3</td><td class="text-end">1</td>'
        '<td class="text-end">33 %</td>' in page
    )
    assert '<td>Наставники</td><td class="text-end">1</td><td class="text-end">0</td>' in page


def test_the_list_counts_respondents_and_answers_in_a_fixed_number_of_queries(
    curator_client, school, django_assert_max_num_queries
):
    for _ in range(5):
        survey = SurveyFactory(questionnaire=QuestionnaireFactory(school=school))
        done = InvitationFactory(survey=survey)
        InvitationFactory(survey=survey)
        Response.objects.create(invitation=done, submitted_at=timezone.now())
    SurveyFactory(
        questionnaire=QuestionnaireFactory(school=school),
        opens_on=TODAY + datetime.timedelta(days=1),
        closes_on=TODAY + datetime.timedelta(days=5),
    )
    with django_assert_max_num_queries(12):
        page = curator_client.get("/surveys/").content.decode()
    assert page.count('<td class="text-end">2</td>') == 5 and page.count('<td class="text-end">1</td>') == 5
    assert page.count(">идёт<") == 5 and page.count(">не начато<") == 1


def test_closing_early_ends_the_survey_today(curator_client, school):
    survey = SurveyFactory(questionnaire=QuestionnaireFactory(school=school))
    curator_client.post(f"/surveys/{survey.pk}/close/")
    survey.refresh_from_db()
    assert survey.closes_on == TODAY


def test_the_links_page_has_a_qr_code_and_a_link_only_for_people_without_an_account(curator_client, school):
    survey = SurveyFactory(questionnaire=QuestionnaireFactory(school=school))
    pupil = InvitationFactory(survey=survey, person__grade=7, person__class_letter="Б")
    teacher = InvitationFactory(survey=survey, person=TeacherFactory(school=school, user=UserFactory()))
    page = curator_client.get(f"/surveys/{survey.pk}/links/").content.decode()
    assert f"http://testserver/a/{pupil.token}/" in page
    assert teacher.token not in page
    assert page.count("<svg") == 1 and "7 «Б» класс" in page


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.PSYCHOLOGIST])
def test_readers_see_surveys_but_cannot_change_them(client_as, school, role):
    survey = SurveyFactory(questionnaire=QuestionnaireFactory(school=school))
    client = client_as(role, school)
    assert client.get("/surveys/").status_code == 200
    assert client.get(f"/surveys/{survey.pk}/").status_code == 200
    # The survey is theirs to read: what their role may not do with it is refused, not hidden.
    assert client.get("/surveys/new/").status_code == 403
    assert client.get(f"/surveys/{survey.pk}/links/").status_code == 403
    assert client.post(f"/surveys/{survey.pk}/close/").status_code == 403


@pytest.mark.parametrize("role", [Role.MENTOR, Role.MENTEE, Role.TEACHER])
def test_participants_see_no_survey_pages(client_as, school, role):
    survey = SurveyFactory(questionnaire=QuestionnaireFactory(school=school))
    client = client_as(role, school)
    assert client.get("/surveys/").status_code == 403
    assert client.get(f"/surveys/{survey.pk}/").status_code == 403
    assert client.get("/surveys/new/").status_code == 403


def test_a_coordinator_sees_no_school_survey_pages(client_as, school):
    survey = SurveyFactory(questionnaire=QuestionnaireFactory(school=school))
    client = client_as(Role.COORDINATOR, school.department)
    assert client.get("/surveys/").status_code == 403
    assert client.get(f"/surveys/{survey.pk}/").status_code == 403


@pytest.mark.parametrize("role", [Role.CURATOR, Role.DIRECTOR, Role.PSYCHOLOGIST])
def test_another_schools_survey_is_not_found(client_as, school, other_school, role):
    survey = SurveyFactory(questionnaire=QuestionnaireFactory(school=other_school))
    client = client_as(role, school)
    for url in ("", "links/"):
        assert client.get(f"/surveys/{survey.pk}/{url}").status_code == 404
    assert client.post(f"/surveys/{survey.pk}/close/").status_code == 404
    assert client.post(f"/surveys/{survey.pk}/respondents/", {"who-chooser": "base"}).status_code == 404
    assert Survey.objects.get().closes_on > TODAY and not Invitation.objects.exists()

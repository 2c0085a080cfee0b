"""Pair health: «в работе», «нужно внимание», «под угрозой», with the programme's thresholds."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Exists, F, OuterRef
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentoring.models import Consent, Role
from monitoring.models import Answer, Question, Questionnaire, Response
from monitoring.responses import response_submit
from pairs.health import pairs_at_work, with_health, with_signs
from pairs.models import Health, Meeting, Pair
from programs.forms import ProgrammeForm

from .factories import (
    AnswerFactory,
    ConsentFactory,
    DepartmentFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    MenteeEntryFactory,
    PairFactory,
    PersonFactory,
    PlanItemFactory,
    ProgrammeFactory,
    QuestionFactory,
    QuestionnaireFactory,
    ResponseFactory,
    SchoolFactory,
    SurveyFactory,
    UserFactory,
)

TODAY = timezone.localdate()


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def consenting_mentee(school, birth_date=datetime.date(2012, 5, 17), given_by=Consent.GivenBy.REPRESENTATIVE):
    person = PersonFactory(school=school, birth_date=birth_date)
    ConsentFactory(person=person, given_by=given_by, representative_name="Иванова Мария Петровна")
    return MenteeEntryFactory(person=person, school=school)


def pair_met(days: int, **kwargs) -> Pair:
    """A pair at work whose mentee has a parent's consent, last met `days` ago."""
    school = kwargs.pop("school", None) or SchoolFactory()
    pair = PairFactory(
        programme=kwargs.pop("programme", None) or ProgrammeFactory(school=school),
        mentees=[consenting_mentee(school)],
        started_on=TODAY - datetime.timedelta(days=200),
        ends_on=TODAY + datetime.timedelta(days=200),
        **kwargs,
    )
    MeetingFactory(pair=pair, starts_at=days_ago(days))
    return pair


def health_of(pair: Pair) -> str:
    """The health counted in SQL, which filters and counts pairs; it is also the one a page reads in Python
    from the pair's signs."""
    counted = with_health(Pair.objects.filter(pk=pair.pk)).get().health
    assert with_signs(Pair.objects.filter(pk=pair.pk)).get().health == counted
    return counted


@pytest.mark.django_db
def test_a_pair_that_met_recently_is_at_work():
    assert health_of(pair_met(5)) == Health.WORKING


@pytest.mark.django_db
def test_a_pair_without_a_meeting_for_a_month_needs_attention():
    assert health_of(pair_met(31)) == Health.ATTENTION


@pytest.mark.django_db
def test_a_pair_without_a_meeting_for_two_months_is_under_threat():
    assert health_of(pair_met(61)) == Health.THREAT


@pytest.mark.django_db
def test_a_planned_meeting_is_not_a_meeting_held():
    pair = pair_met(40)
    MeetingFactory(pair=pair, starts_at=days_ago(-2), status="planned")

    assert health_of(pair) == Health.ATTENTION


@pytest.mark.django_db
def test_a_pair_without_meetings_counts_its_silence_from_its_start():
    school = SchoolFactory()
    started = TODAY - datetime.timedelta(days=10)
    pair = PairFactory(programme__school=school, mentees=[consenting_mentee(school)], started_on=started)

    assert health_of(pair) == Health.WORKING


@pytest.mark.django_db
def test_the_programme_sets_its_own_thresholds():
    programme = ProgrammeFactory(attention_after_days=7, threat_after_days=14)

    assert health_of(pair_met(8, programme=programme, school=programme.school)) == Health.ATTENTION
    assert health_of(pair_met(15, programme=programme, school=programme.school)) == Health.THREAT


@pytest.mark.django_db
def test_an_overdue_plan_item_needs_attention_and_a_done_one_does_not():
    pair = pair_met(2)
    PlanItemFactory(pair=pair, due_on=TODAY - datetime.timedelta(days=1), done_on=TODAY)
    assert health_of(pair) == Health.WORKING

    PlanItemFactory(pair=pair, due_on=TODAY - datetime.timedelta(days=1))
    assert health_of(pair) == Health.ATTENTION


def feedback_answer(pair: Pair, number: int, purpose=Questionnaire.Purpose.FEEDBACK) -> None:
    questionnaire = QuestionnaireFactory(school=pair.school, purpose=purpose)
    invitation = InvitationFactory(
        survey=SurveyFactory(questionnaire=questionnaire), person=pair.mentor.person, pair=pair
    )
    AnswerFactory(
        response=ResponseFactory(invitation=invitation),
        question=QuestionFactory(questionnaire=questionnaire),
        number=number,
    )


@pytest.mark.django_db
def test_a_low_mark_in_the_feedback_questionnaire_needs_attention():
    pair = pair_met(2)
    feedback_answer(pair, 8)
    assert health_of(pair) == Health.WORKING

    feedback_answer(pair, 2)
    assert health_of(pair) == Health.ATTENTION


@pytest.mark.django_db
def test_a_low_mark_submitted_by_the_respondent_needs_attention_until_it_is_corrected():
    pair = pair_met(2)
    questionnaire = QuestionnaireFactory(school=pair.school, purpose=Questionnaire.Purpose.FEEDBACK)
    scale, open_question = (
        QuestionFactory(questionnaire=questionnaire),
        QuestionFactory(
            questionnaire=questionnaire, kind=Question.Kind.OPEN, scale_min=None, scale_max=None, measures=""
        ),
    )
    invitation = InvitationFactory(
        survey=SurveyFactory(questionnaire=questionnaire), person=pair.mentor.person, pair=pair
    )

    response_submit(invitation=invitation, cleaned={scale: 4, open_question: "Встречи часто переносятся"})
    assert health_of(pair) == Health.ATTENTION  # 4 of 1–10 is the lowest third

    response_submit(invitation=invitation, cleaned={scale: 5, open_question: ""})
    assert health_of(pair) == Health.WORKING


@pytest.mark.django_db
def test_a_low_mark_in_another_questionnaire_is_not_feedback_on_the_pair():
    pair = pair_met(2)
    feedback_answer(pair, 1, purpose=Questionnaire.Purpose.SATISFACTION)

    assert health_of(pair) == Health.WORKING


@pytest.mark.django_db
def test_a_parents_consent_ending_as_the_mentee_comes_of_age_puts_the_pair_under_threat():
    school = SchoolFactory()
    soon_of_age = TODAY.replace(year=TODAY.year - 18) + datetime.timedelta(days=20)
    pair = PairFactory(programme__school=school, mentees=[consenting_mentee(school, birth_date=soon_of_age)])
    MeetingFactory(pair=pair, starts_at=days_ago(1))

    assert health_of(pair) == Health.THREAT


@pytest.mark.django_db
def test_a_consent_of_the_mentee_itself_does_not_end_at_coming_of_age():
    school = SchoolFactory()
    soon_of_age = TODAY.replace(year=TODAY.year - 18) + datetime.timedelta(days=20)
    entry = consenting_mentee(school, birth_date=soon_of_age, given_by=Consent.GivenBy.SELF)
    pair = PairFactory(programme__school=school, mentees=[entry])
    MeetingFactory(pair=pair, starts_at=days_ago(1))

    assert health_of(pair) == Health.WORKING


@pytest.mark.django_db
def test_a_revoked_consent_puts_the_pair_under_threat():
    pair = pair_met(1)
    Consent.objects.filter(person__in=[m.mentee.person for m in pair.members.all()]).update(revoked_at=TODAY)

    assert health_of(pair) == Health.THREAT


@pytest.mark.django_db
def test_a_pair_not_at_work_has_no_health():
    pair = pair_met(90)
    Pair.objects.filter(pk=pair.pk).update(status=Pair.Status.COMPLETED)

    assert health_of(pair) == ""


@pytest.mark.django_db
def test_the_pairs_list_shows_health_with_reasons_and_filters_by_it(client_as):
    school = SchoolFactory()
    working, silent = pair_met(2, school=school), pair_met(45, school=school)
    client = client_as(Role.CURATOR, school)

    response = client.get("/pairs/", {"health": Health.ATTENTION})

    assert [pair.pk for pair in response.context["page_obj"]] == [silent.pk]
    text = response.content.decode()
    assert "Нужно внимание" in text and "Нет встреч с" in text
    assert working.pk not in [pair.pk for pair in response.context["page_obj"]]


@pytest.mark.django_db
def test_the_curators_home_counts_pairs_by_health_and_names_the_threatened(client_as):
    school = SchoolFactory()
    pair_met(2, school=school)
    pair_met(45, school=school)
    threatened = pair_met(90, school=school)

    response = client_as(Role.CURATOR, school).get("/")

    assert response.context["pairs_health"] == [
        ("working", "В работе", 1),
        ("attention", "Нужно внимание", 1),
        ("threat", "Под угрозой", 1),
    ]
    assert list(response.context["threatened_pairs"]) == [threatened]


@pytest.mark.django_db
def test_the_directors_home_has_no_health_board(client_as):
    school = SchoolFactory()
    pair_met(90, school=school)

    assert "pairs_health" not in client_as(Role.DIRECTOR, school).get("/").context


@pytest.mark.django_db
def test_the_departments_schools_table_counts_health_per_school(client):
    department = DepartmentFactory()
    school = SchoolFactory(department=department)
    pair_met(2, school=school)
    pair_met(90, school=school)
    coordinator = UserFactory()
    MembershipFactory(user=coordinator, organisation=department, role=Role.COORDINATOR)
    client.force_login(coordinator)

    response = client.get("/department/schools/")

    row = response.context["table"].rows[0]
    assert row.health == {Health.WORKING: 1, Health.THREAT: 1}
    assert f"?school={school.pk}&amp;health=threat" in response.content.decode()


def test_the_programme_form_wants_the_threat_after_the_attention():
    form = ProgrammeForm(
        {"attention_after_days": "30", "threat_after_days": "30", "consent_warning_days": "30"},
        curators=UserFactory._meta.model.objects.none(),
    )

    wanted = "Срок «под угрозой» должен быть больше срока «нужно внимание»."
    assert form.errors["threat_after_days"] == [wanted]


@pytest.mark.django_db
@pytest.mark.parametrize("threatened", [1, 5])
def test_the_curators_home_costs_the_same_queries_for_one_and_five_pairs_at_risk(
    client_as, django_assert_num_queries, threatened
):
    school = SchoolFactory()
    for _ in range(threatened):
        pair_met(90, school=school)
    client = client_as(Role.CURATOR, school)

    with django_assert_num_queries(CURATOR_HOME_QUERIES):
        client.get("/")


CURATOR_HOME_QUERIES = 19


@pytest.mark.django_db
def test_the_board_and_the_notices_of_a_curators_home_read_the_pairs_at_work_once(client_as):
    school = SchoolFactory()
    threatened = pair_met(90, school=school)
    client = client_as(Role.CURATOR, school)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")

    assert sum('AS "plan_overdue"' in q["sql"] for q in queries) == 1
    assert list(response.context["threatened_pairs"]) == [threatened]
    assert any(n.text.startswith(f"Пара под угрозой: {threatened}") for n in response.context["attention"])


@pytest.mark.django_db
def test_the_next_page_reads_the_pairs_at_work_anew(client_as):
    school = SchoolFactory()
    pair = pair_met(2, school=school)
    client = client_as(Role.CURATOR, school)
    assert client.get("/").context["threatened_pairs"] == []

    Meeting.objects.filter(pair=pair).update(starts_at=days_ago(90))

    assert client.get("/").context["threatened_pairs"] == [pair]


@pytest.mark.django_db
def test_outside_a_page_the_pairs_at_work_are_read_at_every_call(django_assert_num_queries):
    school = SchoolFactory()
    pair_met(90, school=school)

    with django_assert_num_queries(2):
        assert pairs_at_work((school.pk,), TODAY) == pairs_at_work((school.pk,), TODAY)


@pytest.mark.django_db
def test_on_the_demo_the_flagged_responses_are_those_with_a_mark_in_the_lowest_third():
    call_command("demo", stdout=io.StringIO())
    low = Answer.objects.filter(
        question__kind=Question.Kind.SCALE,
        number__lte=F("question__scale_min") + (F("question__scale_max") - F("question__scale_min")) / 3,
    )
    with_low_mark = set(Response.objects.filter(Exists(low.filter(response=OuterRef("pk")))))

    assert with_low_mark and set(Response.objects.filter(low_mark=True)) == with_low_mark
    at_work = with_health(Pair.objects.filter(status=Pair.Status.ACTIVE))
    assert at_work.filter(negative_feedback=True).exists()


@pytest.mark.django_db
def test_on_the_demo_a_page_reads_the_same_health_from_the_signs_as_sql_counts():
    call_command("demo", stdout=io.StringIO())
    counted = dict(with_health(Pair.objects.all()).values_list("pk", "health"))

    read = {pair.pk: pair.health for pair in with_signs(Pair.objects.all())}

    assert read == counted
    assert {Health.WORKING, Health.ATTENTION, ""} <= set(counted.values())

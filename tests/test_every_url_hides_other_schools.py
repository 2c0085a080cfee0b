"""Fail closed: every URL pattern that names an object, filled with another school's object of the right
model, is a 404 for every role of this school (and for a coordinator of this department). A new URL is
covered without anyone adding a test, as long as its name says what it names (see MODEL_OF)."""

import datetime

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

from mentoring.access import declared_roles, names_an_object
from mentoring.models import (
    Document,
    ImportJob,
    Membership,
    Nomination,
    Organisation,
    Role,
    YearClosing,
)
from pairs.models import Proposal
from roadmap.models import Activity, Indicator, Recommendation, Roadmap, Stage

from .factories import (
    ConsentFactory,
    InvitationFactory,
    MeetingFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    PairFactory,
    PlanItemFactory,
    ProgrammeFactory,
    QuestionFactory,
    QuestionnaireFactory,
    ResponseFactory,
    SchoolFactory,
    SurveyFactory,
    UserFactory,
)
from .url_patterns import model_of, patterns

# The other arguments of those patterns, filled with what would be valid for another school.
OTHER_ARGUMENTS = {
    "question_pk": "question",
    "school_pk": "school",
    "token": "f" * 32,
    "year": 2026,
    "slug": "their-school",  # the public page's address of the other school
    "kind": "mentor_consent",  # a teacher-mentor's paper made from the pair's page
}
# Tokens that are keys, not ids: a personal survey link, a calendar feed or an invitation to take a role opens
# for whoever holds it, by design.
KEYS_NOT_IDS = {"respond_link", "calendar_feed", "invitation_accept"}
ROLES = [Role.DIRECTOR, Role.CURATOR, Role.PSYCHOLOGIST, Role.MENTOR, Role.MENTEE, Role.TEACHER]


def with_arguments() -> list[URLPattern]:
    """The product's patterns that name an object (Django's password reset link carries its own key)."""
    return [
        p
        for p in patterns()
        if names_an_object(p.pattern.converters)
        and p.name not in KEYS_NOT_IDS
        and not p.callback.__module__.startswith("django.")
    ]


@pytest.fixture
def theirs(db) -> dict:
    """One object of every kind a URL can name, all of another school of another department."""
    school = SchoolFactory(public_slug="their-school")
    programme = ProgrammeFactory(school=school)
    pair = PairFactory(school=school, programme=programme)
    questionnaire = QuestionnaireFactory(school=school)
    survey = SurveyFactory(school=school, questionnaire=questionnaire, programme=programme)
    invitation = InvitationFactory(survey=survey)
    roadmap = Roadmap.objects.create(
        organisation=school,
        title="Дорожная карта",
        year=2026,
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 8, 31),
    )
    stage = Stage.objects.create(roadmap=roadmap, order=1, title="Этап")
    day = datetime.date(2026, 10, 1)
    mentee = MenteeEntryFactory(school=school)
    membership = Membership.objects.create(user=UserFactory(), organisation=school, role=Role.TEACHER)
    return {
        "school": school,
        "person": mentee.person,
        "consent": ConsentFactory(person=mentee.person),
        "mentor": MentorEntryFactory(school=school),
        "mentee": mentee,
        "nomination": Nomination.objects.create(
            school=school, person=mentee.person, reason="low_motivation", nominated_by=UserFactory()
        ),
        "programme": programme,
        "pair": pair,
        "plan_item": PlanItemFactory(pair=pair),
        "meeting": MeetingFactory(pair=pair),
        "proposal": Proposal.objects.create(school=school, programme=programme),
        "questionnaire": questionnaire,
        "question": QuestionFactory(questionnaire=questionnaire),
        "survey": survey,
        "invitation": invitation,
        "response": ResponseFactory(invitation=invitation),
        "roadmap": roadmap,
        "stage": stage,
        "activity": Activity.objects.create(
            stage=stage, order=1, title="Мероприятие", starts_on=day, ends_on=day
        ),
        "indicator": Indicator.objects.create(department=school.department, code="1", wording="Доля"),
        "recommendation": Recommendation.objects.create(school=school, year=2026, text="Рекомендации"),
        "membership": membership,
        "user": membership.user,
        "document": Document.objects.create(
            school=school, kind="order_pairs", year=2026, date=day, title="Приказ", status="queued"
        ),
        "year_closing": YearClosing.objects.create(school=school, start_year=2026, closed_at=timezone.now()),
        "import_job": ImportJob.objects.create(
            school=school, user=UserFactory(), target="people", status="ready", report={}
        ),
    }


def url_for(pattern: URLPattern, theirs: dict) -> str:
    arguments = {}
    for name in pattern.pattern.converters:
        value = model_of(pattern.name) if name == "pk" else OTHER_ARGUMENTS[name]
        arguments[name] = theirs[value].pk if isinstance(value, str) and value in theirs else value
    return reverse(pattern.name, kwargs=arguments)


def test_every_url_pattern_with_an_object_is_checked():
    named = [p for p in with_arguments() if "pk" in p.pattern.converters]
    assert {"person_detail", "pair_status", "document_file"} <= {p.name for p in named}
    for pattern in named:
        model_of(pattern.name)


def test_every_view_declares_who_may_use_it():
    undeclared = [p.name for p in patterns() if declared_roles(p.callback) is None]
    assert undeclared == []


@pytest.mark.parametrize("role", [*ROLES, Role.COORDINATOR])
def test_another_schools_object_is_a_404_for_every_role(client, make_user, theirs, role):
    own = SchoolFactory()
    user = make_user(role, own.department if role == Role.COORDINATOR else own)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    answers = {}
    for pattern in with_arguments():
        url = url_for(pattern, theirs)
        answers[url] = (client.get(url).status_code, client.post(url).status_code)
    # A POST-only view answers a GET with 405 before it looks anything up; that says nothing either.
    leaks = {
        url: codes for url, codes in answers.items() if not set(codes) <= {404, 405} or codes == (405, 405)
    }
    assert leaks == {}, "\n".join(f"{url} {codes}" for url, codes in leaks.items())
    assert Organisation.objects.filter(pk=theirs["school"].pk).exists()

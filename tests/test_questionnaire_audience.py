"""Whom a questionnaire is for: surveys invite only them, stage 2 counts only their answers, and teachers are
measured by the teachers' questionnaire (seed 000's indicators, seed 001's difficulties)."""

import datetime

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from mentoring.models import MenteeEntry, Person, Role
from monitoring import stages
from monitoring.models import Invitation, Question, Questionnaire, Survey
from programs.models import MentoringForm

from .factories import (
    AnswerFactory,
    InvitationFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    PairFactory,
    PersonFactory,
    ProgrammeFactory,
    QuestionnaireFactory,
    ResponseFactory,
    SurveyFactory,
    TeacherFactory,
    consenting,
)

pytestmark = pytest.mark.django_db
Measure = Question.Measure
TODAY = timezone.localdate()


def builtin(code: str) -> Questionnaire:
    return Questionnaire.objects.builtin().get(code=code)


def pair_of(programme, mentor: Person, mentee: Person):
    return PairFactory(
        programme=programme,
        mentor=MentorEntryFactory(person=consenting(mentor), school=programme.school),
        mentees=[
            MenteeEntryFactory(
                person=consenting(mentee), school=programme.school, status=MenteeEntry.Status.PAIRED
            )
        ],
    )


def programme_of(school, form: str):
    return ProgrammeFactory(school=school, form=MentoringForm.objects.get(code=form))


def survey_data(questionnaire, programme, **extra) -> dict:
    return {
        "questionnaire": questionnaire.pk,
        "title": "Этап 2, на входе",
        "programme": programme.pk,
        "phase": "entry",
        "opens_on": TODAY.isoformat(),
        "closes_on": (TODAY + datetime.timedelta(days=10)).isoformat(),
        "who-chooser": "programme",
        "who-side": "both",
        **extra,
    }


def test_every_builtin_questionnaire_says_whom_it_is_for():
    audiences = dict(Questionnaire.objects.builtin().values_list("code", "audience"))
    assert audiences["stage-2"] == "pupil"
    assert audiences["stage-2-teachers"] == "teacher"
    assert audiences["difficulties"] == "teacher"
    assert audiences["mentor-intake"] == "mentor"
    assert audiences["stage-1"] == audiences["satisfaction"] == "everyone"


def test_a_questionnaire_for_nobody_known_is_refused_by_the_database(school):
    with pytest.raises(IntegrityError):
        QuestionnaireFactory(school=school, audience="director")


def test_the_teachers_stage_2_questionnaire_measures_contests_methodical_work_and_difficulties():
    teachers = builtin("stage-2-teachers")
    assert teachers.purpose == Questionnaire.Purpose.STAGE_2
    measured = set(teachers.questions.values_list("measures", flat=True))
    assert {"pro_contests", "methodical_work", "difficulties"} <= measured
    assert not measured & {Measure.AVERAGE_GRADE, Measure.ATTENDANCE, Measure.CONTESTS}
    # Seed 001's diagnostic: each direction of a young teacher's difficulties, from 1 (none) to 5.
    difficulties = teachers.questions.filter(measures="difficulties")
    assert difficulties.filter(text__startswith="Методические: планирование и проведение уроков").exists()
    assert {(q.scale_min, q.scale_max) for q in difficulties} == {(1, 5)}


def test_a_survey_of_the_pupils_questionnaire_never_invites_a_teacher(curator_client, school):
    programme = programme_of(school, "teacher_pupil")
    teacher, pupil = TeacherFactory(school=school), PersonFactory(school=school)
    pair_of(programme, teacher, pupil)
    response = curator_client.post("/surveys/new/", survey_data(builtin("stage-2"), programme), follow=True)
    assert list(Invitation.objects.values_list("person", flat=True)) == [pupil.pk]
    assert "Не приглашены, потому что анкета для обучающихся: 1." in response.content.decode()


def test_the_teachers_questionnaire_invites_the_teacher_mentee_and_mentor_of_a_teacher_teacher_programme(
    curator_client, school
):
    programme = programme_of(school, "teacher_teacher")
    mentor, mentee = TeacherFactory(school=school), TeacherFactory(school=school, last_name="Новикова")
    pair_of(programme, mentor, mentee)
    curator_client.post("/surveys/new/", survey_data(builtin("stage-2-teachers"), programme))
    invited = set(Invitation.objects.values_list("person", "role"))
    assert invited == {(mentor.pk, Role.MENTOR), (mentee.pk, Role.MENTEE)}


def test_adding_respondents_by_hand_leaves_out_those_the_questionnaire_is_not_for(curator_client, school):
    survey = SurveyFactory(school=school, questionnaire=builtin("stage-2-teachers"))
    teacher, pupil = consenting(TeacherFactory(school=school)), consenting(PersonFactory(school=school))
    data = {"who-chooser": "hand", "who-people": [teacher.pk, pupil.pk], "who-side": "both"}
    response = curator_client.post(reverse("survey_add_respondents", args=[survey.pk]), data, follow=True)
    assert list(survey.invitations.values_list("person", flat=True)) == [teacher.pk]
    assert "Не приглашены, потому что анкета для педагогов: 1." in response.content.decode()


def test_a_mentors_questionnaire_leaves_out_the_mentees_of_a_pair(curator_client, school):
    programme = programme_of(school, "teacher_pupil")
    pair = pair_of(programme, TeacherFactory(school=school), PersonFactory(school=school))
    survey = SurveyFactory(school=school, questionnaire=builtin("mentor-intake"))
    data = {"who-chooser": "pair", "who-pair": pair.pk, "who-side": "both"}
    curator_client.post(reverse("survey_add_respondents", args=[survey.pk]), data)
    assert list(survey.invitations.values_list("role", flat=True)) == [Role.MENTOR]


def test_the_form_says_so_when_the_questionnaire_fits_nobody_of_the_programme(curator_client, school):
    programme = programme_of(school, "teacher_teacher")
    pair_of(programme, TeacherFactory(school=school), TeacherFactory(school=school, last_name="Новикова"))
    response = curator_client.post("/surveys/new/", survey_data(builtin("stage-2"), programme))
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "Анкета «Мониторинг влияния программы на участников (этап 2)» для обучающихся, а среди участников "
        f"программы «{programme.title}» таких нет: выберите другую анкету."
    ) in page
    assert "У анкетирования нет программы" not in page
    assert not Survey.objects.exists() and not Invitation.objects.exists()


def test_a_schools_own_questionnaire_says_whom_it_is_for_and_its_copy_keeps_it(curator_client, school):
    own = QuestionnaireFactory(school=school, title="Анкета для родителей")
    data = {
        "title": own.title,
        "description": "",
        "audience": "parent",
        "questions-TOTAL_FORMS": 0,
        "questions-INITIAL_FORMS": 0,
        "questions-MIN_NUM_FORMS": 0,
        "questions-MAX_NUM_FORMS": 1000,
    }
    assert curator_client.post(reverse("questionnaire_edit", args=[own.pk]), data).status_code == 302
    own.refresh_from_db()
    assert own.audience == "parent"
    curator_client.post(reverse("questionnaire_copy", args=[builtin("stage-2-teachers").pk]))
    assert Questionnaire.objects.get(school=school, based_on__code="stage-2-teachers").audience == "teacher"


def answered(survey: Survey, person: Person, role: str, grade: float, esteem: int) -> None:
    response = ResponseFactory(invitation=InvitationFactory(survey=survey, person=person, role=role))
    for question in survey.questionnaire.questions.all():
        value = {Measure.AVERAGE_GRADE: grade, Measure.SELF_ESTEEM: esteem}.get(question.measures)
        if value is not None:
            AnswerFactory(response=response, question=question, number=value)


def test_stage_2_never_averages_a_pupil_metric_over_teachers(school):
    """Teachers who answered the pupils' questionnaire before it said whom it is for: their grades do not
    count, while the pupils' do."""
    programme = programme_of(school, "teacher_pupil")
    questionnaire = builtin("stage-2")
    entry, exit_ = (
        SurveyFactory(school=school, questionnaire=questionnaire, programme=programme, phase=phase)
        for phase in (Survey.Phase.ENTRY, Survey.Phase.EXIT)
    )
    for n in range(5):
        teacher = TeacherFactory(school=school, last_name=f"Учитель{n}")
        pupil = PersonFactory(school=school, last_name=f"Ученик{n}")
        answered(entry, teacher, Role.MENTOR, 3.4, 5)
        answered(exit_, teacher, Role.MENTOR, 3.6, 6)
        answered(entry, pupil, Role.MENTEE, 3.8, 5)
        answered(exit_, pupil, Role.MENTEE, 4.2, 7)
    report = stages.stage_2(Survey.objects.filter(school=school))
    by_role = {group.label: group for group in report.by_role}
    grades = {
        label: next(s for s in group.summaries if s.characteristic.code == Measure.AVERAGE_GRADE)
        for label, group in by_role.items()
    }
    assert grades["Наставляемый"].compared == 5
    assert round(grades["Наставляемый"].entry_mean, 2) == 3.8
    assert "Наставник" not in grades or grades["Наставник"].compared == 0
    teachers = [p for p in report.participants if p.person.kind == Person.Kind.TEACHER]
    assert all(Measure.AVERAGE_GRADE not in p.entry | p.exit for p in teachers)
    total = next(s for s in report.total.summaries if s.characteristic.code == Measure.AVERAGE_GRADE)
    assert total.compared == 5 and round(total.exit_mean, 2) == 4.2

import importlib

import pytest
from django.apps import apps

from monitoring.builtins import BUILTINS, builtins_sync
from monitoring.models import Answer, Question, Questionnaire, Response
from tests.factories import InvitationFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def builtin(purpose: str) -> Questionnaire:
    return Questionnaire.objects.builtin().get(purpose=purpose)


def test_every_builtin_questionnaire_exists_after_migrate_with_its_questions():
    assert Questionnaire.objects.builtin().count() == len(BUILTINS)
    for expected in BUILTINS:
        questionnaire = Questionnaire.objects.builtin().get(code=expected.code)
        assert questionnaire.purpose == expected.purpose
        assert list(questionnaire.questions.values_list("text", flat=True)) == [
            q.text for q in expected.questions
        ]


def test_every_builtin_purpose_but_other_has_its_questionnaire():
    purposes = set(Questionnaire.objects.builtin().values_list("purpose", flat=True))
    assert purposes == set(Questionnaire.Purpose.values) - {Questionnaire.Purpose.OTHER}


def test_every_scale_has_a_range_and_words_at_both_ends():
    scales = Question.objects.filter(questionnaire__school=None, kind=Question.Kind.SCALE)
    assert scales.exists()
    for question in scales:
        assert question.scale_min is not None and question.scale_max > question.scale_min, question.text
        assert question.scale_min_label and question.scale_max_label, question.text


def test_every_choice_question_has_at_least_two_choices_and_other_kinds_have_none():
    for question in Question.objects.filter(questionnaire__school=None):
        if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            assert len(question.choices) >= 2, question.text
        else:
            assert question.choices == [], question.text


def test_stage_2_measures_each_characteristic_and_educational_result():
    questions = Questionnaire.objects.builtin().get(code="stage-2").questions.all()
    measured = {question.measures: question for question in questions}
    teachers_only = {
        Question.Measure.PROFESSIONAL_CONTESTS,
        Question.Measure.METHODICAL_WORK,
        Question.Measure.DIFFICULTIES,
    }
    assert set(measured) == set(Question.Measure.values) - {Question.Measure.SATISFACTION, *teachers_only}
    for measure in ("engagement", "activity", "self_esteem", "anxiety", "motivation"):
        assert (measured[measure].kind, measured[measure].scale_min, measured[measure].scale_max) == (
            "scale",
            1,
            10,
        )
    bounds = {m: (measured[m].kind, measured[m].scale_min, measured[m].scale_max) for m in measured}
    assert bounds["average_grade"] == ("number", 2, 5)
    assert bounds["attendance"] == ("number", 0, 100)
    assert bounds["contests"][:2] == ("number", 0)
    assert measured["engagement"].text == "Насколько вам интересно учиться?"


def test_stage_1_has_all_six_topics_with_expectations_paired_to_results():
    questions = list(builtin(Questionnaire.Purpose.STAGE_1).questions.all())
    assert {question.topic for question in questions} - {""} == set(Question.Topic.values)
    for topic in ("strengths", "weaknesses", "opportunities", "threats"):
        assert all(q.kind == Question.Kind.OPEN for q in questions if q.topic == topic)
    expected = [q.text for q in questions if q.topic == Question.Topic.EXPECTATIONS]
    got = [q.text for q in questions if q.topic == Question.Topic.RESULTS]
    assert len(expected) == len(got) >= 2
    assert [text.replace("ожидали", "получили") for text in expected] == got
    assert any(q.kind == Question.Kind.SCALE and not q.topic for q in questions)


def test_personal_satisfaction_is_scales_from_1_to_10_measuring_satisfaction():
    scales = builtin(Questionnaire.Purpose.SATISFACTION).questions.filter(kind=Question.Kind.SCALE)
    assert scales.count() >= 4
    assert {(q.scale_min, q.scale_max, q.measures) for q in scales} == {(1, 10, "satisfaction")}


def test_young_teachers_difficulties_are_rated_from_1_to_5_with_an_open_question():
    questions = builtin(Questionnaire.Purpose.DIFFICULTIES).questions.all()
    scales = [q for q in questions if q.kind == Question.Kind.SCALE]
    assert {(q.scale_min, q.scale_max) for q in scales} == {(1, 5)}
    areas = " ".join(q.text for q in scales)
    for area in (
        "Психолого-педагогические",
        "Методические",
        "ИКТ",
        "Цифровизация",
        "Внеурочная и воспитательная",
        "Здоровьесбережение",
        "документации",
        "Взаимоотношения в коллективе",
    ):
        assert area in areas
    assert any(q.kind == Question.Kind.OPEN for q in questions)


def test_the_builtins_carry_the_seeds_wording():
    assert builtin(Questionnaire.Purpose.MENTOR_INTAKE).title == "Анкета потенциального наставника"
    assert (
        builtin(Questionnaire.Purpose.DIFFICULTIES).title
        == "Диагностика изучения затруднений молодых педагогов"
    )
    partner = builtin(Questionnaire.Purpose.PREFERRED_PARTNER)
    assert partner.description.startswith(
        "Кого вы хотели бы видеть своим наставником/наставляемым? Укажите до трёх"
    )
    assert list(partner.questions.values_list("text", "kind")) == [
        ("Первый выбор", "partner"),
        ("Второй выбор", "partner"),
        ("Третий выбор", "partner"),
    ]
    assert "сильных и слабых сторон" in builtin(Questionnaire.Purpose.STAGE_1).description
    assert (
        "до входа в программу наставничества"
        in Questionnaire.objects.builtin().get(code="stage-2").description
    )
    satisfaction = " ".join(
        builtin(Questionnaire.Purpose.SATISFACTION).questions.values_list("text", flat=True)
    )
    for level in ("Реакция", "Изменения в знаниях", "Изменение поведения", "Общая оценка результатов"):
        assert level in satisfaction
    mentor_intake = " ".join(
        builtin(Questionnaire.Purpose.MENTOR_INTAKE).questions.values_list("text", flat=True)
    )
    for subject in (
        "стаж",
        "компетенции",
        "предметы",
        "интересы",
        "форме наставничества",
        "Скольких",
        "Почему",
    ):
        assert subject in mentor_intake


def test_sync_is_idempotent():
    before = list(Question.objects.order_by("pk").values())
    builtins_sync()
    builtins_sync()
    assert Questionnaire.objects.builtin().count() == len(BUILTINS)
    assert list(Question.objects.order_by("pk").values()) == before


def test_sync_restores_edited_wording_and_missing_questions_of_an_unanswered_builtin():
    questionnaire = Questionnaire.objects.builtin().get(code="stage-2")
    questionnaire.questions.filter(order=1).update(text="Изменено", scale_max=5)
    questionnaire.questions.filter(order=8).delete()
    builtins_sync()
    first = questionnaire.questions.get(order=1)
    assert (first.text, first.scale_max) == ("Насколько вам интересно учиться?", 10)
    assert questionnaire.questions.filter(order=8, measures="contests").exists()


def test_sync_keeps_the_shape_of_answered_questions_and_deletes_none(school):
    questionnaire = Questionnaire.objects.builtin().get(code="stage-2")
    survey = SurveyFactory(questionnaire=questionnaire, school=school)
    response = Response.objects.create(invitation=InvitationFactory(survey=survey))
    answered = questionnaire.questions.get(order=1)
    Answer.objects.create(response=response, question=answered, number=7)
    Question.objects.filter(pk=answered.pk).update(
        text="Старая формулировка", scale_max=7, scale_max_label="да"
    )
    extra = Question.objects.create(questionnaire=questionnaire, order=99, text="Вопрос старой версии")

    builtins_sync()

    answered.refresh_from_db()
    assert (answered.text, answered.scale_max_label) == (
        "Насколько вам интересно учиться?",
        "очень интересно",
    )
    assert answered.scale_max == 7
    assert Question.objects.filter(pk=extra.pk).exists()
    assert Answer.objects.filter(question=answered).count() == 1


def test_a_schools_copy_with_the_same_code_is_left_alone(school):
    copy = Questionnaire.objects.create(school=school, code="stage-2", title="Наша анкета")
    builtins_sync()
    copy.refresh_from_db()
    assert copy.title == "Наша анкета"
    assert not copy.questions.exists()


@pytest.mark.django_db(transaction=True)
def test_the_builtins_come_back_after_a_transactional_test_empties_the_tables():
    assert Questionnaire.objects.builtin().count() == len(BUILTINS)


def test_the_migrations_load_puts_back_the_builtins_as_the_reference_data_fixture_calls_it():
    Questionnaire.objects.builtin().delete()
    importlib.import_module("monitoring.migrations.0002_builtin_questionnaires").load(apps, None)
    assert Questionnaire.objects.builtin().count() == len(BUILTINS)
    assert Question.objects.filter(questionnaire__school=None).count() == sum(
        len(b.questions) for b in BUILTINS
    )

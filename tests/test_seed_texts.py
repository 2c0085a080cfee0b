"""The seeds' programme cards and plan tables, and the arithmetic of their terms."""

import datetime

import pytest

from pairs.models import PlanItem
from programs.models import MentoringForm, Programme
from programs.seed_texts import (
    PLAN_TEMPLATES,
    PROGRAMME_TEMPLATES,
    PlanRow,
    add_months,
    plan_rows,
)

EVERY_ROW = [
    pytest.param(code, number, row, id=f"{code}-{number}")
    for code, rows in PLAN_TEMPLATES.items()
    for number, row in enumerate(rows, start=1)
]


def test_the_teacher_teacher_plan_has_the_13_items_of_seed_004_starting_with_its_first_activity():
    rows = plan_rows("teacher_teacher")

    assert len(rows) == 13
    assert rows[0].activity.startswith("Организация наставнической деятельности «Педагог-педагог»\nЦель: ")
    assert "Знакомство с основными обязанностями, требованиями, предъявляемыми к учителю-предметнику" in (
        rows[0].activity
    )
    assert rows[0].criteria.startswith("Тестирование на начало составления плана работы.")
    assert rows[-1].activity.startswith("Принимать участие в оценке качества реализованной")


def test_the_first_item_of_seed_004_carries_its_risks_and_the_ways_to_prevent_them():
    first = plan_rows("teacher_teacher")[0]

    assert first.risks.splitlines()[0].startswith("1) Нехватка кадров.")
    assert "Ограничить понимание старого понятия наставничества." in first.prevention
    assert [risk for risk, _ in PROGRAMME_TEMPLATES["teacher_teacher"].risks] == [
        line.split(") ", 1)[1] for line in first.risks.splitlines()
    ]


def test_the_dated_terms_of_seed_004_are_told_without_a_year_and_the_others_stay_as_the_seed_has_them():
    terms = [row.term for row in plan_rows("teacher_teacher")]

    assert not any("2022" in term for term in terms)
    assert terms[0].startswith("В начале работы пары")
    assert {"В течение 1 четверти", "Раз в четверть", "По графику"} <= set(terms)


@pytest.mark.parametrize(("code", "number", "row"), EVERY_ROW)
def test_every_row_of_every_plan_has_a_term_an_activity_and_a_known_area(code, number, row):
    assert row.term.strip() and row.activity.strip()
    assert row.area in PlanItem.Area.values


@pytest.mark.parametrize(("code", "number", "row"), EVERY_ROW)
def test_no_text_of_a_plan_keeps_non_breaking_spaces_or_blank_lines(code, number, row):
    for value in row.fields().values():
        assert "\xa0" not in value and "\n\n" not in value and value == value.strip()


def test_the_pupil_pupil_plan_follows_the_meetings_of_stage_6_then_the_feedback_and_the_satisfaction():
    activities = [row.activity for row in plan_rows("pupil_pupil")]

    assert activities == [
        "Проведение первой, организационной встречи наставника и наставляемого.",
        "Проведение второй, пробной рабочей встречи наставника и наставляемого.",
        "Проведение встречи-планирования рабочего процесса в рамках программы наставничества с наставником "
        "и наставляемым.",
        "Регулярные встречи наставника и наставляемого.",
        "Проведение заключительной встречи наставника и наставляемого.",
        "Анкетирование. Форматы анкет обратной связи для промежуточной оценки",
        "Проведение мониторинга личной удовлетворенности участием в программе наставничества.",
    ]
    assert [row.term for row in plan_rows("pupil_pupil")][5:] == ["В марте", "В апреле"]


def test_the_forms_without_a_seed_of_their_own_reuse_the_teacher_pupil_plan():
    assert plan_rows("student_pupil") == plan_rows("employer_pupil") == plan_rows("teacher_pupil")
    assert plan_rows("no_such_form") == ()


@pytest.mark.django_db
def test_there_is_a_plan_for_every_form_of_mentoring_and_a_programme_card_for_the_three_seeded_ones():
    codes = set(MentoringForm.objects.values_list("code", flat=True))

    assert codes == set(PLAN_TEMPLATES)
    assert set(PROGRAMME_TEMPLATES) == {"teacher_pupil", "pupil_pupil", "teacher_teacher"}


def test_the_programme_cards_carry_the_seeds_goal_tasks_results_risks_style_mode_and_term():
    teacher_pupil = PROGRAMME_TEMPLATES["teacher_pupil"]
    pupil_pupil = PROGRAMME_TEMPLATES["pupil_pupil"]
    teacher_teacher = PROGRAMME_TEMPLATES["teacher_teacher"]

    assert teacher_pupil.goal == "Раскрытие потенциала личности наставляемого."
    assert (len(teacher_pupil.tasks), len(teacher_pupil.expected_results), len(teacher_pupil.risks)) == (
        4,
        5,
        3,
    )
    assert teacher_pupil.risks[2] == (
        "Низкая мотивация наставляемых, формализм.",
        "Вертикально интегрированная система обучения и сопровождения наставляемых.\n"
        "Использование разнообразных форм наставничества, в том числе дистанционных.\n"
        "Психолого-педагогическая поддержка наставников и наставляемых.\n"
        "Вовлечение наставника и наставляемого в инновационные общешкольные процессы.",
    )
    assert pupil_pupil.goal.startswith("Разносторонняя поддержка обучающихся")
    assert pupil_pupil.risks == teacher_pupil.risks and "риски" in pupil_pupil.source.lower()
    assert len(teacher_teacher.tasks) == 5
    assert teacher_teacher.tasks[2] == "Привить молодому специалисту интерес к педагогической деятельности."
    assert [(t.style, t.mode, t.months) for t in (teacher_pupil, pupil_pupil, teacher_teacher)] == [
        (Programme.Style.SELF_DIRECTED, Programme.Mode.IN_PERSON, 24),
        (Programme.Style.ASSIGNED, Programme.Mode.IN_PERSON, 10),
        (Programme.Style.SITUATIONAL, Programme.Mode.MIXED, 12),
    ]


@pytest.mark.parametrize("template", PROGRAMME_TEMPLATES.values(), ids=PROGRAMME_TEMPLATES.keys())
def test_no_item_of_a_programme_card_keeps_the_seeds_numbering_or_list_dashes(template):
    for item in (*template.tasks, *template.expected_results, *(r for pair in template.risks for r in pair)):
        for line in item.splitlines():
            assert line[0].isupper() or line[0] == "«", line
            assert not line[0].isdigit() and not line.startswith(("-", "–", "·"))


# Terms.


def test_a_row_due_some_months_after_the_start_lands_on_the_same_day():
    assert PlanRow("x", months=6).due_on(datetime.date(2026, 9, 15), None) == datetime.date(2027, 3, 15)
    assert PlanRow("x", months=0).due_on(datetime.date(2026, 9, 15), None) == datetime.date(2026, 9, 15)


def test_a_day_the_month_lacks_becomes_its_last_day_across_the_end_of_the_year():
    assert PlanRow("x", months=3).due_on(datetime.date(2026, 11, 30), None) == datetime.date(2027, 2, 28)
    assert PlanRow("x", months=1).due_on(datetime.date(2027, 1, 31), None) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2027, 12, 31), 2) == datetime.date(2028, 2, 29)
    assert add_months(datetime.date(2026, 9, 1), 24) == datetime.date(2028, 9, 1)


def test_a_row_without_months_is_due_at_the_end_of_the_term_or_never_when_the_term_is_open():
    end = datetime.date(2027, 6, 30)

    assert PlanRow("x").due_on(datetime.date(2026, 9, 1), end) == end
    assert PlanRow("x").due_on(datetime.date(2026, 9, 1), None) is None


def test_fields_give_everything_a_plan_item_stores_but_the_months():
    fields = PlanRow("Беседа", term="По графику", months=2).fields()

    assert "months" not in fields
    assert fields["activity"] == "Беседа" and fields["term"] == "По графику"
    assert set(fields) <= {f.name for f in PlanItem._meta.get_fields()}


def test_a_programme_term_runs_from_the_start_to_the_day_before_the_same_date_months_later():
    assert PROGRAMME_TEMPLATES["pupil_pupil"].term(datetime.date(2026, 9, 1)) == (
        datetime.date(2026, 9, 1),
        datetime.date(2027, 6, 30),
    )
    assert PROGRAMME_TEMPLATES["teacher_pupil"].term(datetime.date(2026, 9, 1))[1] == datetime.date(
        2028, 8, 31
    )

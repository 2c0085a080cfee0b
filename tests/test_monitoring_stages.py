"""Both stages of monitoring: figures against hand-computed examples, the small-group rule, who sees what."""

import random
import re
from unittest import mock

import pytest
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring.academic_year import AcademicYear
from mentoring.models import MenteeEntry, Role
from monitoring import charts, stage_views, stages
from monitoring.models import Question, Questionnaire, Survey
from monitoring.templatetags.stage2_cells import decimal_ru
from pairs.models import Pair, PairMentee
from programs.models import RoleModel
from tests.factories import (
    AnswerFactory,
    DepartmentFactory,
    InvitationFactory,
    MenteeEntryFactory,
    PairFactory,
    PersonFactory,
    ProgrammeFactory,
    QuestionFactory,
    QuestionnaireFactory,
    ResponseFactory,
    SchoolFactory,
    SurveyFactory,
)

Kind, Measure, Topic = Question.Kind, Question.Measure, Question.Topic


def answer(survey: Survey, person, values: dict, *, pair=None, role: str = Role.MENTEE) -> None:
    """A submitted response of `person` with the given {question: value} answers."""
    invitation = InvitationFactory(survey=survey, person=person, pair=pair, role=role)
    response = ResponseFactory(invitation=invitation)
    for question, value in values.items():
        match question.kind:
            case Kind.OPEN:
                AnswerFactory(response=response, question=question, text=value, number=None)
            case Kind.SINGLE | Kind.MULTIPLE:
                AnswerFactory(response=response, question=question, chosen=value, number=None)
            case _:
                AnswerFactory(response=response, question=question, number=value)


def mentee(pair_school, name: str):
    return MenteeEntryFactory(
        person=PersonFactory(school=pair_school, last_name=name, first_name="Ученик"),
        school=pair_school,
        status=MenteeEntry.Status.PAIRED,
    )


@pytest.fixture
def programme(school):
    return ProgrammeFactory(school=school)


@pytest.fixture
def stage_2_questionnaire(school):
    questionnaire = QuestionnaireFactory(school=school, purpose=Questionnaire.Purpose.STAGE_2)
    engagement = QuestionFactory(questionnaire=questionnaire, scale_max=5, measures=Measure.ENGAGEMENT)
    engagement_too = QuestionFactory(
        questionnaire=questionnaire, scale_max=5, measures=Measure.ENGAGEMENT, required=False
    )
    anxiety = QuestionFactory(questionnaire=questionnaire, scale_max=5, measures=Measure.ANXIETY)
    return questionnaire, engagement, engagement_too, anxiety


@pytest.fixture
def stage_2_example(school, programme, stage_2_questionnaire):
    """Seven mentees of three pairs, answering at entry and at exit as in the table below.

    engagement (A answers two questions, averaged) / anxiety (lower is better)
        A: 2,4 → 4,4 (3 → 4, improved)   4 → 2 (improved)
        B: 3 → 3 (unchanged)              3 → 4 (worsened)
        C: 4 → 3 (worsened)               2 → 2 (unchanged)
        D: 1 → 2 (improved)               5 → 3 (improved)
        E: 5 → 5 (unchanged)              1 → 2 (worsened)
        F: entry only, G: exit only.
    """
    questionnaire, engagement, engagement_too, anxiety = stage_2_questionnaire
    leader, other = RoleModel.objects.all()[:2]
    a, b, c, d, e, f, g = (mentee(school, name) for name in "АБВГДЕЖ")
    first = PairFactory(programme=programme, mentees=[a, b], role_model=leader)
    second = PairFactory(programme=programme, mentees=[c, d, e], role_model=leader)
    third = PairFactory(programme=programme, mentees=[f, g], role_model=other)
    entry, exit = (
        SurveyFactory(questionnaire=questionnaire, programme=programme, phase=phase)
        for phase in (Survey.Phase.ENTRY, Survey.Phase.EXIT)
    )
    rows = [
        (
            a,
            first,
            {engagement: 2, engagement_too: 4, anxiety: 4},
            {engagement: 4, engagement_too: 4, anxiety: 2},
        ),
        (b, first, {engagement: 3, anxiety: 3}, {engagement: 3, anxiety: 4}),
        (c, second, {engagement: 4, anxiety: 2}, {engagement: 3, anxiety: 2}),
        (d, second, {engagement: 1, anxiety: 5}, {engagement: 2, anxiety: 3}),
        (e, second, {engagement: 5, anxiety: 1}, {engagement: 5, anxiety: 2}),
        (f, third, {engagement: 2, anxiety: 3}, None),
        (g, third, None, {engagement: 4, anxiety: 1}),
    ]
    for entry_of, pair, at_entry, at_exit in rows:
        if at_entry:
            answer(entry, entry_of.person, at_entry, pair=pair)
        if at_exit:
            answer(exit, entry_of.person, at_exit, pair=pair)
    return {"leader": leader, "other": other, "pairs": (first, second, third)}


def summary_of(group: stages.Group, code: str) -> stages.Summary:
    return next(s for s in group.summaries if s.characteristic.code == code)


def test_stage_2_figures_match_the_hand_computed_example(programme, stage_2_example):
    report = stages.stage_2(Survey.objects.filter(programme=programme))

    engagement = summary_of(report.total, Measure.ENGAGEMENT)
    assert (engagement.compared, engagement.improved, engagement.stayed, engagement.worsened) == (5, 2, 2, 1)
    assert engagement.entry_mean == pytest.approx(3.2)  # (3 + 3 + 4 + 1 + 5) / 5
    assert engagement.exit_mean == pytest.approx(3.4)  # (4 + 3 + 3 + 2 + 5) / 5
    assert engagement.change == pytest.approx(0.2)

    anxiety = summary_of(report.total, Measure.ANXIETY)
    assert (anxiety.compared, anxiety.improved, anxiety.stayed, anxiety.worsened) == (5, 2, 1, 2)
    assert anxiety.entry_mean == pytest.approx(3.0)
    assert anxiety.exit_mean == pytest.approx(2.6)


def test_it_counts_participants_who_answered_only_once(programme, stage_2_example):
    report = stages.stage_2(Survey.objects.filter(programme=programme))

    assert report.total.answered == {"both": 5, "entry": 1, "exit": 1}
    once = {p.person.last_name: p.answered for p in report.participants if p.answered != "both"}
    assert once == {"Е": "entry", "Ж": "exit"}


def test_it_shows_each_participant_entry_exit_and_verdict(programme, stage_2_example):
    report = stages.stage_2(Survey.objects.filter(programme=programme))

    cells = {
        p.person.last_name: {c.characteristic.code: c for c in cells}
        for p, cells in ((p, p.cells(report.characteristics)) for p in report.participants)
    }
    first = cells["А"][Measure.ENGAGEMENT]
    assert (first.entry, first.exit, first.change, first.verdict) == (3.0, 4.0, 1.0, 1)
    assert cells["А"][Measure.ANXIETY].verdict == 1
    assert cells["Б"][Measure.ANXIETY].verdict == -1
    assert cells["Е"][Measure.ENGAGEMENT].exit is None


@pytest.mark.parametrize(("argument", "whole_as_integer"), [(2, False), ("-2", True)])
def test_the_cells_write_a_number_as_floatformat_writes_it(argument, whole_as_integer):
    chosen = random.Random(18)
    values = [None, 0.0, -0.0, 2.675, 1.005, 0.005, -0.005, -0.004, 99.995, 3.0, -3.0, 1e-9, 7 / 3, -2 / 3]
    values += [chosen.uniform(-10, 10) for _ in range(3000)] + [
        chosen.randint(-80, 80) / 8 for _ in range(300)
    ]
    values += [round(chosen.uniform(-10, 10), 3) for _ in range(3000)]

    for value in values:
        assert decimal_ru(value, whole_as_integer=whole_as_integer) == floatformat(value, argument), value


def test_it_hides_the_averages_of_groups_smaller_than_five(programme, stage_2_example):
    report = stages.stage_2(Survey.objects.filter(programme=programme))

    pairs = {group.label: group for group in report.by_pair}
    first = summary_of(pairs[str(stage_2_example["pairs"][0])], Measure.ENGAGEMENT)
    assert first.hidden and first.entry_mean is None and first.change is None
    assert (first.improved, first.stayed, first.worsened) == (1, 1, 0)


def test_the_pairs_are_named_as_each_pair_names_itself(programme, stage_2_example):
    pairs = stage_2_example["pairs"]
    pairs[0].mentor.person.patronymic = ""  # a name without a patronymic leaves no double space
    pairs[0].mentor.person.save()

    with (
        mock.patch.object(Pair, "from_db", side_effect=AssertionError("rows, not models")),
        mock.patch.object(PairMentee, "from_db", side_effect=AssertionError("rows, not models")),
    ):
        labels = stages.pair_labels({pair.pk for pair in pairs})

    assert labels == {pair.pk: str(Pair.objects.get(pk=pair.pk)) for pair in pairs}
    assert labels[pairs[1].pk].count(", ") == 2  # a group's three mentees


def test_it_sums_up_by_role_model(programme, stage_2_example):
    report = stages.stage_2(Survey.objects.filter(programme=programme))

    by_role_model = {group.label: group for group in report.by_role_model}
    leader = summary_of(by_role_model[stage_2_example["leader"].name], Measure.ENGAGEMENT)
    assert leader.compared == 5 and leader.entry_mean == pytest.approx(3.2)
    other = by_role_model[stage_2_example["other"].name]
    assert other.answered == {"entry": 1, "exit": 1}


def test_a_group_member_counts_under_its_own_role_model(programme, stage_2_example):
    first = stage_2_example["pairs"][0]
    member = first.members.order_by("pk").first()  # А of the first group
    member.role_model = stage_2_example["other"]
    member.save()

    report = stages.stage_2(Survey.objects.filter(programme=programme))

    by_role_model = {group.label: group for group in report.by_role_model}
    assert summary_of(by_role_model[stage_2_example["leader"].name], Measure.ENGAGEMENT).compared == 4
    assert by_role_model[stage_2_example["other"].name].answered["both"] == 1  # А, who answered twice


def test_it_leaves_out_other_programmes_surveys(school, programme, stage_2_example, stage_2_questionnaire):
    questionnaire, engagement, _, anxiety = stage_2_questionnaire
    elsewhere = SurveyFactory(
        questionnaire=questionnaire, programme=ProgrammeFactory(school=school), phase=Survey.Phase.ENTRY
    )
    answer(elsewhere, PersonFactory(school=school), {engagement: 1, anxiety: 1})

    report = stages.stage_2(Survey.objects.filter(programme=programme))

    assert len(report.participants) == 7


def test_the_stage_2_page_draws_entry_against_exit(curator_client, programme, stage_2_example):
    page = curator_client.get(reverse("stage2_programme", args=[programme.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "На входе и по итогам: Все участники" in html and "<svg" in html
    assert "только на входе" in html and "только по итогам" in html
    assert "3,2" in html and "3,4" in html


@pytest.fixture
def stage_1_survey(school, programme):
    questionnaire = QuestionnaireFactory(school=school, purpose=Questionnaire.Purpose.STAGE_1)
    questions = {
        "strengths": QuestionFactory(questionnaire=questionnaire, kind=Kind.OPEN, topic=Topic.STRENGTHS),
        "threats": QuestionFactory(questionnaire=questionnaire, kind=Kind.OPEN, topic=Topic.THREATS),
        "expected": QuestionFactory(questionnaire=questionnaire, scale_max=5, topic=Topic.EXPECTATIONS),
        "got": QuestionFactory(questionnaire=questionnaire, scale_max=5, topic=Topic.RESULTS),
        "scale": QuestionFactory(questionnaire=questionnaire, scale_max=5, measures=""),
        "again": QuestionFactory(
            questionnaire=questionnaire, kind=Kind.YES_NO, scale_min=None, scale_max=None
        ),
        "often": QuestionFactory(
            questionnaire=questionnaire,
            kind=Kind.SINGLE,
            choices=["Раз в неделю", "Раз в месяц"],
            scale_max=None,
        ),
        "skills": QuestionFactory(
            questionnaire=questionnaire, kind=Kind.MULTIPLE, choices=["Лидерство", "Общение"], scale_max=None
        ),
    }
    survey = SurveyFactory(questionnaire=questionnaire, programme=programme)
    return survey, questions


def fill_stage_1(survey, q, answers: list[tuple]) -> None:
    for i, (scale, expected, got, again, often, skills) in enumerate(answers):
        values = {
            q["scale"]: scale,
            q["expected"]: expected,
            q["got"]: got,
            q["again"]: again,
            q["often"]: [often],
            q["skills"]: skills,
            q["strengths"]: f"Встречи помогли, ответ {i + 1}",
        }
        answer(survey, PersonFactory(school=survey.school), values)


def test_stage_1_gives_distributions_averages_and_expectations(programme, stage_1_survey):
    survey, q = stage_1_survey
    fill_stage_1(
        survey,
        q,
        [
            (5, 4, 5, 1, "Раз в неделю", ["Лидерство", "Общение"]),
            (4, 4, 3, 1, "Раз в неделю", ["Общение"]),
            (4, 5, 4, 0, "Раз в месяц", []),
            (2, 3, 3, 1, "Раз в неделю", ["Общение"]),
            (5, 4, 5, 1, "Раз в месяц", ["Лидерство"]),
        ],
    )

    report = stages.stage_1(Survey.objects.filter(programme=programme))

    section = report.sections[0]
    closed = {r.question: r for r in section.closed}
    assert closed[q["scale"]].options == [
        ("1 — совсем не доволен", 0),
        ("2", 1),
        ("3", 0),
        ("4", 2),
        ("5 — очень доволен", 2),
    ]
    assert closed[q["scale"]].mean == pytest.approx(4.0)
    assert closed[q["again"]].yes_percent == 80
    assert closed[q["often"]].options == [("Раз в неделю", 3), ("Раз в месяц", 2)]
    assert closed[q["skills"]].options == [("Лидерство", 2), ("Общение", 3)]
    expectation = section.expectations[0]
    assert expectation.expected.mean == pytest.approx(4.0) and expectation.got.mean == pytest.approx(4.0)
    assert expectation.gap == pytest.approx(0.0)
    strengths = dict(section.swot)["Сильные стороны"][0]
    assert strengths.total == 5 and ("Встречи помогли, ответ 3", 1) in strengths.shown
    assert report.rates[0]["submitted"] == 5


def test_stage_1_hides_distributions_of_fewer_than_five_answers(programme, stage_1_survey):
    survey, q = stage_1_survey
    fill_stage_1(survey, q, [(5, 4, 5, 1, "Раз в неделю", ["Общение"])] * 4)

    report = stages.stage_1(Survey.objects.filter(programme=programme))

    closed = {r.question: r for r in report.sections[0].closed}
    assert closed[q["scale"]].hidden and closed[q["scale"]].chart is None
    assert report.sections[0].expectations[0].gap is None


def test_stage_1_leaves_out_stage_2_and_intake_surveys(programme, stage_1_survey, stage_2_example):
    report = stages.stage_1(Survey.objects.filter(programme=programme))

    assert report.surveys == 1


def test_the_stage_1_page_shows_the_swot_table_and_charts(curator_client, programme, stage_1_survey):
    survey, q = stage_1_survey
    fill_stage_1(survey, q, [(5, 4, 5, 1, "Раз в неделю", ["Общение"])] * 5)

    page = curator_client.get(reverse("stage1_programme", args=[programme.pk]))

    html = page.content.decode()
    assert "Сильные и слабые стороны, возможности и угрозы" in html
    assert "Встречи помогли, ответ 5" in html
    assert "Ожидания и результаты участников" in html
    assert html.count("<svg") >= 4


def test_the_school_pages_sum_up_every_programme(curator_client, school, programme, stage_2_example):
    page = curator_client.get(reverse("stage2_school"))

    assert page.status_code == 200
    assert "По программам" in page.content.decode()
    assert programme.title in page.content.decode()


def test_the_school_pages_filter_by_academic_year(curator_client, programme, stage_2_example):
    year = AcademicYear.containing(Survey.objects.filter(programme=programme).first().opens_on)

    shown = curator_client.get(reverse("stage2_school"), {"year": year.start_year})
    other = curator_client.get(reverse("stage2_school"), {"year": year.start_year - 5})

    assert shown.context["year"] == year and shown.context["report"].participants
    assert other.context["year"] is None  # a year without surveys falls back to all years


@pytest.mark.parametrize("role", [Role.CURATOR, Role.PSYCHOLOGIST])
def test_the_curator_and_psychologist_see_each_participant(
    client_as, school, programme, stage_2_example, role
):
    page = client_as(role, school).get(reverse("stage2_programme", args=[programme.pk]))

    assert "Участники" in page.content.decode() and page.context["sees_people"]
    assert "А Ученик" in page.content.decode()


def test_the_director_sees_only_sums(client_as, school, programme, stage_2_example):
    page = client_as(Role.DIRECTOR, school).get(reverse("stage2_programme", args=[programme.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "А Ученик" not in html
    assert "Итоги по парам и ответы отдельных участников видят куратор и педагог-психолог." in html


def test_the_coordinator_reads_a_programme_of_its_department(client_as, school, programme, stage_2_example):
    page = client_as(Role.COORDINATOR, school.department).get(
        reverse("stage2_programme", args=[programme.pk])
    )

    assert page.status_code == 200
    assert "А Ученик" not in page.content.decode()


@pytest.mark.parametrize("name", ["stage1_programme", "stage2_programme"])
@pytest.mark.parametrize("role", list(Role))
def test_another_schools_programme_monitoring_is_a_404(client_as, programme, name, role):
    other = SchoolFactory(department=DepartmentFactory())
    organisation = other.department if role == Role.COORDINATOR else other

    page = client_as(role, organisation).get(reverse(name, args=[programme.pk]))

    assert page.status_code == 404


@pytest.mark.parametrize("role", [Role.MENTOR, Role.MENTEE, Role.TEACHER])
@pytest.mark.parametrize("name", ["stage1_school", "stage2_school"])
def test_participants_do_not_see_the_school_monitoring(client_as, school, role, name):
    assert client_as(role, school).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("role", [Role.MENTOR, Role.MENTEE, Role.TEACHER])
def test_participants_do_not_see_a_programme_monitoring(client_as, school, programme, role):
    assert client_as(role, school).get(reverse("stage2_programme", args=[programme.pk])).status_code == 404


def test_the_school_pages_show_only_the_own_school(client_as, programme, stage_2_example):
    other = SchoolFactory()

    page = client_as(Role.CURATOR, other).get(reverse("stage2_school"))

    assert not page.context["report"].participants


@pytest.mark.parametrize("name", ["stage1_programme", "stage2_programme"])
def test_the_query_count_does_not_grow_with_the_respondents(
    curator_client, django_assert_max_num_queries, school, programme, stage_2_example, stage_1_survey, name
):
    survey, q = stage_1_survey
    fill_stage_1(survey, q, [(5, 4, 5, 1, "Раз в неделю", ["Общение"])] * 5)
    url = reverse(name, args=[programme.pk])
    with CaptureQueriesContext(connection) as few:
        curator_client.get(url)
    fill_stage_1(survey, q, [(4, 3, 4, 0, "Раз в месяц", ["Лидерство"])] * 20)
    extra = PairFactory(programme=programme, mentees=[mentee(school, "Ещё")])
    entry = Survey.objects.get(programme=programme, phase=Survey.Phase.ENTRY)
    answer(entry, extra.members.get().mentee.person, {entry.questionnaire.questions.first(): 3}, pair=extra)

    with django_assert_max_num_queries(len(few)):
        curator_client.get(url)


def test_the_report_lists_the_latest_open_answers_and_links_to_all_of_them(
    curator_client, programme, stage_1_survey, monkeypatch
):
    monkeypatch.setattr(stages, "OPEN_SHOWN", 3)
    survey, q = stage_1_survey
    fill_stage_1(survey, q, [(5, 4, 5, 1, "Раз в неделю", ["Общение"])] * 5)

    report = curator_client.get(reverse("stage1_programme", args=[programme.pk])).content.decode()
    every = reverse("stage1_programme_answers", args=[programme.pk, q["strengths"].pk])
    listed = curator_client.get(every).content.decode()

    assert "Показаны самые частые ответы: 3 из 5" in report and every in report
    assert all(f"Встречи помогли, ответ {i}" in listed for i in range(1, 6))


def test_the_answers_of_a_closed_or_foreign_question_are_a_404(curator_client, programme, stage_1_survey):
    _, q = stage_1_survey
    foreign = QuestionFactory(kind=Kind.OPEN, questionnaire=QuestionnaireFactory(school=SchoolFactory()))

    for question in (q["scale"], foreign):
        page = curator_client.get(reverse("stage1_programme_answers", args=[programme.pk, question.pk]))
        assert page.status_code == 404
    assert curator_client.get(reverse("stage1_school_answers", args=[foreign.pk])).status_code == 404


def test_the_same_open_answer_is_shown_once_with_how_many_wrote_it(programme, stage_1_survey):
    survey, q = stage_1_survey
    for text in ["Мало времени", "Мало времени", "Далеко ездить", "Мало времени"]:
        answer(survey, PersonFactory(school=survey.school), {q["threats"]: text})

    report = stages.stage_1(Survey.objects.filter(programme=programme))

    threats = dict(report.sections[0].swot)["Угрозы"][0]
    assert threats.shown == [("Мало времени", 3), ("Далеко ездить", 1)]
    assert threats.total == 4


# The charts keep their text legible: drawn for a phone's column, every word inside the drawing.


def test_a_long_label_wraps_onto_lines_inside_the_chart_instead_of_running_off_it():
    long = "Очень нравится: наставник всегда находит время и помогает разобраться в трудной теме"

    svg = charts.distribution("Вопрос", [(long, 3), ("Не нравится", 1)], 4)

    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert " ".join(lines[:-1]) == long and lines[-1] == "Не нравится"
    assert len(lines) > 2 and all(len(line) <= charts.CHARS for line in lines)
    assert 'viewBox="0 0 360 ' in svg and 'font-size="13"' in svg


def test_the_legend_goes_onto_a_new_line_where_the_width_ends():
    legend = ("Ожидали в начале учебного года", "Получили к концу учебного года")

    svg = charts.paired_bars("Ожидания", [charts.Paired("Польза", 6, 8, 1, 10)], legend)

    swatches = re.findall(r'<rect x="(\d+)" y="(\d+)" width="12" height="12"', svg)
    assert swatches == [("0", "2"), ("0", str(2 + charts.LINE))]
    assert all(text in svg for text in legend)


def test_the_programmes_stage_2_page_lists_its_participants_a_page_at_a_time(
    curator_client, programme, stage_2_example, monkeypatch
):
    monkeypatch.setattr(stage_views, "PEOPLE_PER_PAGE", 3)
    url = reverse("stage2_programme", args=[programme.pk])

    pages = [curator_client.get(url, {"page": number}) for number in (1, 2, 3)]

    shown = [[p.person.last_name for p, _ in page.context["people"]] for page in pages]
    assert shown == [["А", "Б", "В"], ["Г", "Д", "Е"], ["Ж"]]
    assert "Участники: 7" in pages[0].content.decode() and "?page=2" in pages[0].content.decode()
    assert pages[0].context["report"].total.answered == {"both": 5, "entry": 1, "exit": 1}, "sums are of all"


def test_the_schools_stage_2_page_loads_no_pair_it_does_not_show(curator_client, stage_2_example):
    with CaptureQueriesContext(connection) as queries:
        assert curator_client.get(reverse("stage2_school")).status_code == 200

    assert not [
        q for q in queries if q["sql"].startswith(('SELECT "pairs_pair".', 'SELECT "pairs_pairmentee".'))
    ]

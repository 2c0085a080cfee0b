"""Stage 2 of a two-year programme: the entry answered in its first academic year, the exit in its second.

Entry and exit are matched per participant and programme across the programme's whole term; the result
counts in the academic year of the exit answer.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse

from mentoring.academic_year import AcademicYear
from mentoring.models import Document, Role
from monitoring import portfolio, stages
from monitoring.documents import STAGE_2_REPORT
from monitoring.models import Question, Questionnaire, Survey
from pairs.models import Pair
from roadmap import services
from roadmap.department import schools_table
from roadmap.models import Activity, Roadmap, Stage
from tests.documents import pdf_text
from tests.factories import (
    PairFactory,
    ProgrammeFactory,
    QuestionFactory,
    QuestionnaireFactory,
    SurveyFactory,
)
from tests.test_monitoring_stages import answer, mentee

Measure = Question.Measure
FIRST, SECOND = AcademicYear.starting(2025), AcademicYear.starting(2026)
TODAY = datetime.date(2026, 12, 5)


@pytest.fixture
def two_years(school):
    """A programme of 2025–2027: its entry survey in 2025/26, its exit survey in 2026/27."""
    programme = ProgrammeFactory(
        school=school, starts_on=datetime.date(2025, 9, 1), ends_on=datetime.date(2027, 6, 30)
    )
    questionnaire = QuestionnaireFactory(school=school, purpose=Questionnaire.Purpose.STAGE_2)
    engagement = QuestionFactory(questionnaire=questionnaire, scale_max=5, measures=Measure.ENGAGEMENT)
    entry, exit_ = (
        SurveyFactory(
            questionnaire=questionnaire, programme=programme, phase=phase, opens_on=on, closes_on=to
        )
        for phase, on, to in (
            (Survey.Phase.ENTRY, datetime.date(2025, 9, 10), datetime.date(2025, 10, 1)),
            (Survey.Phase.EXIT, datetime.date(2026, 10, 1), datetime.date(2026, 10, 20)),
        )
    )
    return programme, engagement, entry, exit_


def answered_twice(school, two_years, names: str = "АБВГД") -> None:
    """Mentees who answered at entry (2) and at exit (4): each of them improved."""
    programme, engagement, entry, exit_ = two_years
    mentees = [mentee(school, name) for name in names]
    pair = PairFactory(programme=programme, mentees=mentees)
    for one in mentees:
        answer(entry, one.person, {engagement: 2}, pair=pair)
        answer(exit_, one.person, {engagement: 4}, pair=pair)


def in_year(school, year: AcademicYear) -> stages.Stage2:
    return stages.stage_2(Survey.objects.for_school(school).filter(opens_on__range=year.span))


def test_the_exit_year_compares_the_exit_with_the_entry_of_the_previous_year(school, two_years):
    answered_twice(school, two_years)

    report = in_year(school, SECOND)

    assert report.total.answered == {"both": 5}
    engagement = report.total.summaries[0]
    assert (engagement.compared, engagement.improved, engagement.entry_mean) == (5, 5, 2.0)
    assert (report.entry_surveys, report.entry_surveys_elsewhere, report.exit_surveys) == (1, 1, 1)


def test_the_entry_year_does_not_count_a_result_whose_exit_falls_in_a_later_year(school, two_years):
    answered_twice(school, two_years)

    report = in_year(school, FIRST)

    assert report.total.answered == {"entry": 5}
    assert report.total.summaries[0].compared == 0


def test_an_entry_of_the_previous_year_is_not_a_participant_of_the_exit_year(school, two_years):
    programme, engagement, entry, _ = two_years
    answer(entry, mentee(school, "Е").person, {engagement: 3})

    assert not in_year(school, SECOND).participants


def test_the_school_stage_2_page_of_the_exit_year_compares_across_years(
    curator_client, school, two_years, django_assert_num_queries
):
    answered_twice(school, two_years, "АБВ")
    url = reverse("stage2_school")
    # With the card of the department's recommendations to the school; the pairs, not shown, are not loaded.
    with django_assert_num_queries(12):
        curator_client.get(url, {"year": SECOND.start_year})
    answered_twice(school, two_years, "ГДЕЖЗ")

    with django_assert_num_queries(12):
        page = curator_client.get(url, {"year": SECOND.start_year})

    html = page.content.decode()
    assert "Участников ответили дважды: <strong>8</strong>" in html
    assert "из них в другие учебные годы: 1" in html
    assert "Анкетирования на входе в программу не было" not in html


def test_the_programme_stage_2_page_compares_across_years(curator_client, school, two_years):
    answered_twice(school, two_years)

    page = curator_client.get(reverse("stage2_programme", args=[two_years[0].pk]))

    assert page.context["report"].total.answered == {"both": 5}


def test_the_department_counts_improved_participants_in_the_year_of_their_exit(client_as, school, two_years):
    answered_twice(school, two_years)

    row = next(r for r in schools_table(school.department, SECOND).rows if r.school == school)
    earlier = next(r for r in schools_table(school.department, FIRST).rows if r.school == school)

    assert (row.compared, row.improved, row.improved_share) == (5, 5, 100)
    assert (earlier.compared, earlier.improved) == (0, 0)
    page = client_as(Role.COORDINATOR, school.department).get(
        reverse("department_schools"), {"year": SECOND.start_year}
    )
    assert "100 % (5 из 5)" in page.content.decode()


def stage_2_activity(school) -> Activity:
    roadmap = Roadmap.objects.create(
        organisation=school,
        title="Дорожная карта",
        year=2026,
        starts_on=SECOND.start,
        ends_on=SECOND.end,
    )
    stage = Stage.objects.create(roadmap=roadmap, order=1, title="Завершение наставничества")
    return Activity.objects.create(
        stage=stage,
        order=1,
        title="Отчеты по итогам наставнической программы",
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 4, 30),
        completes_when=Activity.CompletesWhen.STAGE_2_CLOSED,
    )


@time_machine.travel(TODAY, tick=False)
def test_the_stage_2_activity_completes_when_the_exit_compares_with_an_entry_of_the_previous_year(
    school, two_years
):
    activity = stage_2_activity(school)
    answered_twice(school, two_years)

    services.activities_complete_from_evidence(roadmap=activity.stage.roadmap)

    done = Activity.objects.get(pk=activity.pk)
    assert (done.status, done.done_on) == (Activity.Status.DONE, datetime.date(2026, 10, 20))
    assert "ответы на входе и по итогам сравнены у 5 участников" in done.evidence_note


@time_machine.travel(TODAY, tick=False)
def test_the_stage_2_activity_waits_while_no_exit_answer_compares_with_an_entry(school, two_years):
    programme, engagement, entry, exit_ = two_years
    activity = stage_2_activity(school)
    answer(exit_, mentee(school, "А").person, {engagement: 4})
    answer(entry, mentee(school, "Б").person, {engagement: 2})

    services.activities_complete_from_evidence(roadmap=activity.stage.roadmap)

    assert Activity.objects.get(pk=activity.pk).status != Activity.Status.DONE


@pytest.mark.django_db(transaction=True)
def test_the_stage_2_report_of_the_exit_year_compares_across_years(curator_client, school, two_years):
    answered_twice(school, two_years)

    curator_client.post(
        reverse("document_new", args=[STAGE_2_REPORT]),
        {"date": "2026-12-05", "programme": "", "year": SECOND.start_year},
    )

    text = " ".join(pdf_text(Document.objects.get()).split())
    assert "Все программы наставничества школы, анкетирования 2026/2027 учебного года" in text
    assert "Ответили дважды: 5, только на входе: 0, только по итогам: 0" in text
    assert "из них в другие учебные годы: 1" in text


def test_the_mentor_portfolio_counts_a_mentees_change_in_the_year_of_the_exit(school, two_years):
    answered_twice(school, two_years)
    pair = Pair.objects.get()

    second = portfolio.mentee_changes([pair], SECOND)[pair.pk]
    first = portfolio.mentee_changes([pair], FIRST)[pair.pk]

    assert (second.group.summaries[0].compared, second.group.summaries[0].improved) == (5, 5)
    assert first.group.summaries[0].compared == 0
    record = portfolio.PairRecord(pair, portfolio.MeetingHours(0, 0), portfolio.PlanCompletion(0, 0), first)
    assert record.stage_2_gap.startswith("Заключительного анкетирования в этом учебном году не было")

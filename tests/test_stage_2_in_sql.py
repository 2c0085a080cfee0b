"""Stage 2 summed up in the database gives the answers of the Python loop it replaced, on the demo data."""

import io
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command

from mentoring.academic_year import AcademicYear
from monitoring.models import Survey
from monitoring.stages import measured_values, verdict, with_programme_entries
from roadmap.department import stage_2_changes


def stage_2_changes_in_python(surveys) -> dict[int, tuple[int, int]]:
    """The schools table's stage 2 figures as they were computed before issue 18, kept here to compare."""
    measured: dict[tuple, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for school, programme, person, respondent, phase, measure, value in measured_values(
        with_programme_entries(surveys)
    ):
        measured[(school, programme, person, respondent)][measure][phase] = float(value)
    found: dict[int, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for (school, *_), measures in measured.items():
        verdicts = Counter(
            verdict(code, both[Survey.Phase.ENTRY], both[Survey.Phase.EXIT])
            for code, both in measures.items()
            if len(both) == 2
        )
        if verdicts:
            compared, improved = found[school]
            found[school] = (compared + 1, improved + (verdicts[1] > verdicts[-1]))
    return dict(found)


@pytest.fixture
def demo_surveys(db):
    call_command("demo", stdout=io.StringIO())
    return Survey.objects.all()


def test_the_schools_stage_2_figures_summed_in_the_database_are_those_of_the_python_loop(demo_surveys):
    this_year = demo_surveys.filter(opens_on__range=AcademicYear.current().span)
    for surveys in (demo_surveys, this_year):
        expected = stage_2_changes_in_python(surveys)

        assert expected and stage_2_changes(surveys) == expected


def test_the_schools_stage_2_figures_take_two_queries_whatever_the_number_of_answers(
    demo_surveys, django_assert_num_queries
):
    # The surveys compared, then the figures summed over their answers.
    with django_assert_num_queries(2):
        stage_2_changes(demo_surveys)

"""The department's target indicators: counted against hand-counted data, the traffic light, values by hand
and plans with their 0–100 validation, the fill from seed 003 §2, and who may see and change them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.academic_year import AcademicYear
from mentoring.models import MenteeCategory, Person, Role
from pairs.models import Pair
from roadmap import indicators
from roadmap.indicators import Light, Share, light
from roadmap.models import Indicator, IndicatorPlan, IndicatorValue

from .factories import (
    DepartmentFactory,
    MenteeEntryFactory,
    PairFactory,
    PersonFactory,
    ProgrammeFactory,
    SchoolFactory,
    TeacherFactory,
)

Computed = Indicator.Computed
pytestmark = pytest.mark.django_db


def mentee(school, *codes: str, teacher: bool = False, **person):
    factory = TeacherFactory if teacher else PersonFactory
    entry = MenteeEntryFactory(person=factory(school=school, **person), school=school)
    entry.categories.set(MenteeCategory.objects.filter(code__in=codes))
    return entry


def pair(school, status: str, *mentees):
    programme = ProgrammeFactory(school=school)
    return PairFactory(programme=programme, status=status, mentees=list(mentees))


@pytest.fixture
def department():
    return DepartmentFactory()


@pytest.fixture
def schools(department):
    """Hand-counted: school A has 7 teachers (4 mentors, 3 young teachers mentored), school B has 2.

    A: a working pair of a young teacher and a child with a ПМПК recommendation; an approved pair of a failing
    pupil of grade 8; a proposed pair and a completed pair of young teachers (not counted); another child with
    a ПМПК recommendation waits; an archived teacher is not counted.
    B: a working pair of a pupil of grade 9, failing and on a preventive register; one teacher mentors nobody.
    """
    a, b = (
        SchoolFactory(department=department, short_name="А"),
        SchoolFactory(department=department, short_name="Б"),
    )
    pair(a, Pair.Status.ACTIVE, mentee(a, "young_teacher", teacher=True), mentee(a, "disability", grade=3))
    pair(a, Pair.Status.APPROVED, mentee(a, "low_results", grade=8), mentee(a, "low_results", grade=7))
    pair(a, Pair.Status.PROPOSED, mentee(a, "young_teacher", teacher=True))
    pair(a, Pair.Status.COMPLETED, mentee(a, "young_teacher", teacher=True))
    mentee(a, "disability", grade=4)
    TeacherFactory(school=a, archived_at=timezone.now())
    pair(b, Pair.Status.ACTIVE, mentee(b, "low_results", "prevention_register", grade=9))
    TeacherFactory(school=b)
    # Another department's school mentors a young teacher: it counts nowhere here.
    other = SchoolFactory()
    pair(other, Pair.Status.ACTIVE, mentee(other, "young_teacher", teacher=True))
    return a, b


def test_the_counted_indicators_match_the_hand_counted_data(schools):
    a, b = schools

    shares = indicators.computed_shares([a, b])

    assert Person.objects.filter(school=a, kind=Person.Kind.TEACHER, archived_at__isnull=True).count() == 7
    assert shares[Computed.YOUNG_TEACHERS] == {a.pk: Share(1, 7), b.pk: Share(0, 2)}
    assert shares[Computed.LOW_RESULT_TEACHERS] == {a.pk: Share(0, 7), b.pk: Share(0, 2)}
    assert shares[Computed.FAILING_PUPILS] == {a.pk: Share(1, 7), b.pk: Share(1, 2)}
    assert shares[Computed.REGISTERED_PUPILS] == {a.pk: Share(0, 7), b.pk: Share(1, 2)}
    assert shares[Computed.TUTORED_PMPK] == {a.pk: Share(1, 2)}


def test_the_board_sums_the_schools_for_the_department_and_lights_each_cell(department, schools):
    indicators.indicators_fill_from_seed(department=department)
    year = AcademicYear.current().end_year
    young = Indicator.objects.get(department=department, computed=Computed.YOUNG_TEACHERS)
    indicators.indicator_plan_save(indicator=young, year=year, planned=Decimal("12"))

    board = indicators.indicator_board(department, year)

    row = next(r for r in board.rows if r.indicator == young)
    assert (row.department.actual, row.department.light) == (Decimal("11.11"), Light.YELLOW)  # 1 of 9
    assert [(c.actual, c.light) for c in row.schools] == [
        (Decimal("14.29"), Light.GREEN),
        (Decimal("0.00"), Light.RED),
    ]
    pmpk = next(r for r in board.rows if r.indicator.computed == Computed.TUTORED_PMPK)
    assert pmpk.department.actual == Decimal("50.00")
    assert [c.light for c in pmpk.schools] == [Light.GREY, Light.GREY], (
        "no plan for the year, no children in Б"
    )


def test_counted_values_are_not_shown_for_another_year(department, schools):
    indicators.indicators_fill_from_seed(department=department)

    board = indicators.indicator_board(department, 2023)

    young = next(r for r in board.rows if r.indicator.computed == Computed.YOUNG_TEACHERS)
    assert young.planned == Decimal("0.8")
    assert young.department.actual is None and young.department.light is Light.GREY


@pytest.mark.parametrize(
    ("actual", "planned", "expected"),
    [
        ("10", "10", Light.GREEN),
        ("12", "10", Light.GREEN),
        ("8", "10", Light.YELLOW),
        ("7.99", "10", Light.RED),
        (None, "10", Light.GREY),
        ("5", None, Light.GREY),
    ],
)
def test_the_traffic_light(actual, planned, expected):
    as_decimal = lambda v: None if v is None else Decimal(v)  # noqa: E731
    assert light(as_decimal(actual), as_decimal(planned)) is expected


# The page, the fill, values by hand


@pytest.fixture
def coordinator(client_as, department):
    return client_as(Role.COORDINATOR, department)


def test_the_fill_makes_the_seed_indicators_word_for_word_and_refuses_a_second_fill(coordinator, department):
    response = coordinator.post(reverse("indicators_fill"), follow=True)

    assert "Заполнено показателей по целевой модели: 6." in response.text
    found = {i.code: i for i in Indicator.objects.filter(department=department)}
    assert list(found) == ["2.1.", "2.1.1.", "2.1.2.", "2.1.3.", "2.1.4.", "2.1.5."]
    young = found["2.1.1."]
    assert young.wording == (
        "Доля педагогов от общего числа педагогов системы общего образования, являющихся наставниками над "
        "молодыми педагогами до 35 лет"
    )
    assert (young.kind, young.unit, young.base_value, young.computed) == (
        Indicator.Kind.MAIN,
        "%",
        Decimal("0.7"),
        Computed.YOUNG_TEACHERS,
    )
    assert found["2.1.4."].wording.endswith("являющихся наставниками над детьми, находящимися на профучетах")
    assert found["2.1."].computed == ""
    assert [(p.year, p.planned) for p in young.plans.all()] == [(2023, Decimal("0.8"))]

    again = coordinator.post(reverse("indicators_fill"), follow=True)

    assert "Целевые показатели уже заполнены по целевой модели: повторно их не заполняют." in again.text
    assert Indicator.objects.count() == 6 and IndicatorPlan.objects.count() == 6


def test_the_page_shows_every_light_with_its_words(coordinator, department, schools):
    indicators.indicators_fill_from_seed(department=department)

    response = coordinator.get(reverse("indicator_list"))

    assert response.status_code == 200
    assert "Заполнить по целевой модели" in response.text
    assert "молодыми педагогами до 35 лет" in response.text
    assert 'data-light="grey">Нет данных' in response.text
    assert all(s.short_name in response.text for s in schools)


@pytest.fixture
def by_hand(department, schools):
    indicators.indicators_fill_from_seed(department=department)
    return Indicator.objects.get(department=department, code="2.1.")


def test_a_value_by_hand_is_stored_for_a_school_and_lit_against_the_plan(coordinator, by_hand, schools):
    year = AcademicYear.current().end_year
    indicators.indicator_plan_save(indicator=by_hand, year=year, planned=Decimal("100"))
    data = {"actual-school": schools[0].pk, "actual-year": year, "actual-value": "85"}

    coordinator.post(reverse("indicator_actual", args=[by_hand.pk]), data)

    assert IndicatorValue.objects.get().value == Decimal("85")
    row = next(r for r in indicators.indicator_board(by_hand.department, year).rows if r.indicator == by_hand)
    assert [c.light for c in row.schools] == [Light.YELLOW, Light.GREY]


@pytest.mark.parametrize("value", ["100.5", "-1"])
def test_a_percentage_outside_0_to_100_is_refused_and_nothing_stored(coordinator, by_hand, value):
    year = AcademicYear.current().end_year

    actual = coordinator.post(
        reverse("indicator_actual", args=[by_hand.pk]),
        {"actual-school": "", "actual-year": year, "actual-value": value},
    )
    plan = coordinator.post(
        reverse("indicator_plan", args=[by_hand.pk]), {"plan-year": year, "plan-value": value}
    )

    assert "Значение в процентах должно быть от 0 до 100." in actual.text
    assert "Значение в процентах должно быть от 0 до 100." in plan.text
    assert not IndicatorValue.objects.exists()
    assert not IndicatorPlan.objects.filter(year=year).exists()


def test_the_coordinator_sets_a_planned_value_for_a_year(coordinator, by_hand):
    coordinator.post(reverse("indicator_plan", args=[by_hand.pk]), {"plan-year": 2027, "plan-value": "90"})

    assert by_hand.plans.get(year=2027).planned == Decimal("90")


def test_a_counted_indicator_takes_no_value_by_hand(department, schools):
    indicators.indicators_fill_from_seed(department=department)
    young = Indicator.objects.get(department=department, computed=Computed.YOUNG_TEACHERS)

    with pytest.raises(Exception, match="считается по данным школ"):
        indicators.indicator_value_save(indicator=young, school=None, year=2027, value=Decimal(1), by=None)
    assert not IndicatorValue.objects.exists()


def test_a_school_of_another_department_takes_no_value(department, by_hand):
    with pytest.raises(Exception, match="не относится к вашему управлению"):
        indicators.indicator_value_save(
            indicator=by_hand, school=SchoolFactory(), year=2027, value=Decimal(1), by=None
        )


def test_the_page_costs_the_same_queries_for_one_and_three_schools(
    coordinator, department, django_assert_num_queries
):
    indicators.indicators_fill_from_seed(department=department)
    school = SchoolFactory(department=department)
    pair(school, Pair.Status.ACTIVE, mentee(school, "young_teacher", teacher=True))
    with django_assert_num_queries(9):
        coordinator.get(reverse("indicator_list"))
    for _ in range(2):
        extra = SchoolFactory(department=department)
        pair(extra, Pair.Status.ACTIVE, mentee(extra, "disability", grade=5))
    with django_assert_num_queries(9):
        response = coordinator.get(reverse("indicator_list"))
    assert len(response.context["board"].schools) == 3


# Access


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.CURATOR, Role.PSYCHOLOGIST, Role.MENTOR, Role.TEACHER])
def test_a_schools_staff_never_see_the_indicators(client_as, schools, by_hand, role):
    client = client_as(role, schools[0])

    assert client.get(reverse("indicator_list")).status_code == 403
    # The department's indicator is another organisation's object for a school's staff.
    assert client.get(reverse("indicator_detail", args=[by_hand.pk])).status_code == 404
    assert client.post(reverse("indicators_fill")).status_code == 403
    plan = {"plan-year": 2027, "plan-value": "1"}
    assert client.post(reverse("indicator_plan", args=[by_hand.pk]), plan).status_code == 404
    assert not IndicatorPlan.objects.filter(year=2027).exists()


def test_another_departments_coordinator_never_reaches_these_indicators(client_as, by_hand, schools):
    stranger = client_as(Role.COORDINATOR, DepartmentFactory())

    assert stranger.get(reverse("indicator_detail", args=[by_hand.pk])).status_code == 404
    plan = {"plan-year": 2027, "plan-value": "1"}
    assert stranger.post(reverse("indicator_plan", args=[by_hand.pk]), plan).status_code == 404
    actual = {"actual-school": "", "actual-year": 2027, "actual-value": "1"}
    assert stranger.post(reverse("indicator_actual", args=[by_hand.pk]), actual).status_code == 404
    page = stranger.get(reverse("indicator_list"))
    assert page.context["board"].rows == [] and page.context["board"].schools == []
    assert not IndicatorPlan.objects.filter(year=2027).exists() and not IndicatorValue.objects.exists()


def test_the_actual_value_form_offers_only_the_departments_schools(coordinator, by_hand, schools):
    other = SchoolFactory()
    data = {"actual-school": other.pk, "actual-year": 2027, "actual-value": "5"}

    response = coordinator.post(reverse("indicator_actual", args=[by_hand.pk]), data)

    assert response.status_code == 200 and not IndicatorValue.objects.exists()
    assert other.short_name not in response.text


def test_the_indicators_year_is_the_year_the_academic_year_ends():
    assert AcademicYear.containing(datetime.date(2026, 11, 23)).end_year == 2027
    assert AcademicYear.containing(datetime.date(2027, 5, 31)).end_year == 2027

"""The department's target indicators (seed 003 §2): the seed's list as a template, the actual values counted
from the schools' data or entered by hand, the plan for the year and the traffic light.

An indicator's year is the year of the seed's «Период, год» columns: the calendar year in which an academic
year ends (the plan «2023» is the result of the academic year 2022/23). Counted values describe the data as it
is today, so they are shown for the current year only; earlier years show what was entered by hand.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Min, Q

from mentoring.academic_year import AcademicYear
from mentoring.models import MenteeEntry, Organisation, Person, User
from mentoring.reference import choice_value, reference
from pairs.models import Pair

from .models import Indicator, IndicatorPlan, IndicatorValue

Computed = Indicator.Computed
PERCENT_REFUSAL = "Значение в процентах должно быть от 0 до 100."
# A pair works for the indicators once the director has approved it and until it ends.
WORKING = (Pair.Status.APPROVED, Pair.Status.ACTIVE)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class IndicatorSeed:
    code: str
    wording: str
    kind: str
    unit: str
    base_year: int
    base_value: Decimal
    plans: dict[int, Decimal]  # by the year the academic year ends
    computed: str = ""


def indicator_seed(data: dict) -> IndicatorSeed:
    computed = data.get("считается")
    return IndicatorSeed(
        data["код"],
        data["формулировка"],
        choice_value(Indicator.Kind, data["тип"]) if data["тип"] else "",
        data["единица"],
        data["базовый год"],
        Decimal(str(data["базовое значение"])),
        {end_year: Decimal(str(planned)) for end_year, planned in data["план"].items()},
        choice_value(Computed, computed) if computed else "",
    )


# Seed 003 §2, word for word, from fixtures/indicators.yaml.
SEED_INDICATORS = tuple(indicator_seed(data) for data in reference("indicators")["показатели"])


# Filling and editing


@transaction.atomic
def indicators_fill_from_seed(*, department: Organisation) -> list[Indicator]:
    """The department's indicators from the seed's list; a second fill is refused, nothing changes."""
    if Indicator.objects.filter(department=department).exists():
        raise ValidationError("Целевые показатели уже заполнены по целевой модели: повторно их не заполняют.")
    made = []
    for seed in SEED_INDICATORS:
        indicator = Indicator.objects.create(
            department=department,
            code=seed.code,
            wording=seed.wording,
            kind=seed.kind,
            unit=seed.unit,
            base_year=seed.base_year,
            base_value=seed.base_value,
            computed=seed.computed,
        )
        IndicatorPlan.objects.bulk_create(
            IndicatorPlan(indicator=indicator, year=year, planned=planned)
            for year, planned in seed.plans.items()
        )
        made.append(indicator)
    return made


def indicator_check_value(indicator: Indicator, value: Decimal) -> None:
    if value < 0 or (indicator.is_percent and value > HUNDRED):
        raise ValidationError(
            PERCENT_REFUSAL if indicator.is_percent else "Значение показателя не может быть отрицательным."
        )


@transaction.atomic
def indicator_plan_save(*, indicator: Indicator, year: int, planned: Decimal) -> IndicatorPlan:
    indicator_check_value(indicator, planned)
    if indicator.base_year is not None and year <= indicator.base_year:
        raise ValidationError(f"Год плана должен быть позже базового года ({indicator.base_year}).")
    plan, _ = IndicatorPlan.objects.update_or_create(
        indicator=indicator, year=year, defaults={"planned": planned}
    )
    return plan


@transaction.atomic
def indicator_base_save(*, indicator: Indicator, year: int, value: Decimal) -> Indicator:
    """The base value and its year (seed 003: «2022 (базовое значение)»), before every year of the plan."""
    indicator_check_value(indicator, value)
    first_plan = indicator.plans.aggregate(first=Min("year"))["first"]
    if first_plan is not None and year >= first_plan:
        raise ValidationError(f"Базовый год должен быть раньше первого года плана ({first_plan}).")
    indicator.base_year, indicator.base_value = year, value
    indicator.save(update_fields=["base_year", "base_value"])
    return indicator


@transaction.atomic
def indicator_value_save(
    *, indicator: Indicator, school: Organisation | None, year: int, value: Decimal, by: User
) -> IndicatorValue:
    """An actual value by hand, for a school of the indicator's department or (no school) the department."""
    if indicator.computed:
        raise ValidationError("Этот показатель считается по данным школ: вручную его не вводят.")
    if school is not None and school.department_id != indicator.department_id:
        raise ValidationError("Эта школа не относится к вашему управлению образования.")
    indicator_check_value(indicator, value)
    found, _ = IndicatorValue.objects.update_or_create(
        indicator=indicator, school=school, year=year, defaults={"value": value, "entered_by": by}
    )
    return found


# Counting from the schools' data


@dataclass(frozen=True)
class Share:
    part: int
    whole: int

    @property
    def percent(self) -> Decimal | None:
        if not self.whole:
            return None
        return (HUNDRED * self.part / self.whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def __add__(self, other: Share) -> Share:
        return Share(self.part + other.part, self.whole + other.whole)


def mentors_of(category: str, **mentee: object) -> Q:
    """A teacher mentors, in a working pair, a current mentee of the category (and of the `mentee` fields)."""
    path = "mentor_entry__pairs__"
    return Q(
        **{
            f"{path}status__in": WORKING,
            f"{path}members__is_current": True,
            f"{path}members__mentee__archived_at__isnull": True,
            f"{path}members__mentee__categories__code": category,
            **{f"{path}members__mentee__person__{name}": value for name, value in mentee.items()},
        },
        mentor_entry__archived_at__isnull=True,
    )


# Who the teachers mentor, for each teacher indicator.
TEACHER_MENTORS = {
    Computed.YOUNG_TEACHERS: mentors_of("young_teacher"),
    Computed.LOW_RESULT_TEACHERS: mentors_of("low_results_teacher"),
    Computed.FAILING_PUPILS: mentors_of("low_results", kind=Person.Kind.PUPIL, grade__in=(8, 9)),
    Computed.REGISTERED_PUPILS: mentors_of("prevention_register", kind=Person.Kind.PUPIL),
}


def computed_shares(schools: list[Organisation]) -> dict[str, dict[int, Share]]:
    """Each counted indicator per school, in two queries whatever the number of schools.

    - young_teachers, low_result_teachers, failing_pupils, registered_pupils: of the school's teachers
      (people of kind «педагог», not archived), the share who, with a mentor-base entry not archived, mentor
      in a pair approved or working a current, not archived mentee of the category: «молодой педагог до 35
      лет» (young_teacher), «педагог с низкими образовательными результатами» (low_results_teacher), a pupil
      of grade 8 or 9 «с неудовлетворительными образовательными результатами» (low_results), a pupil «на
      профилактическом учёте» (prevention_register). A teacher counts once however many such mentees.
    - tutored_pmpk: of the pupils of the mentee base (not archived) of the category «ОВЗ, рекомендация ПМПК»
      (disability), the share who are current mentees of a pair approved or working: they have a tutor.
    """
    teachers = (
        Person.objects.filter(school__in=schools, kind=Person.Kind.TEACHER, archived_at__isnull=True)
        .values("school")
        .annotate(
            total=Count("pk", distinct=True),
            **{code: Count("pk", distinct=True, filter=q) for code, q in TEACHER_MENTORS.items()},
        )
        .order_by()
    )
    found: dict[str, dict[int, Share]] = defaultdict(dict)
    for row in teachers:
        for code in TEACHER_MENTORS:
            found[code][row["school"]] = Share(row[code], row["total"])
    tutored = Q(pair_memberships__is_current=True, pair_memberships__pair__status__in=WORKING)
    children = (
        MenteeEntry.objects.filter(
            school__in=schools,
            archived_at__isnull=True,
            person__kind=Person.Kind.PUPIL,
            categories__code="disability",
        )
        .values("school")
        .annotate(total=Count("pk", distinct=True), tutored=Count("pk", distinct=True, filter=tutored))
        .order_by()
    )
    for row in children:
        found[Computed.TUTORED_PMPK][row["school"]] = Share(row["tutored"], row["total"])
    return found


# The page: indicators against plan, with the traffic light


class Light(enum.Enum):
    GREEN = ("green", "План выполнен", "success")
    YELLOW = ("yellow", "Близко к плану", "warning")
    RED = ("red", "Ниже плана", "danger")
    GREY = ("grey", "Нет данных", "secondary")

    def __init__(self, code: str, label: str, css: str) -> None:
        self.code, self.label, self.css = code, label, css


def light(actual: Decimal | None, planned: Decimal | None) -> Light:
    """Green: the plan is met; yellow: at least 80 % of it; red: below; grey: no actual value or no plan."""
    if actual is None or planned is None:
        return Light.GREY
    if actual >= planned:
        return Light.GREEN
    return Light.YELLOW if actual >= planned * Decimal("0.8") else Light.RED


@dataclass(frozen=True)
class Cell:
    planned: Decimal | None
    actual: Decimal | None
    counted: Share | None = None

    @property
    def light(self) -> Light:
        return light(self.actual, self.planned)


@dataclass(frozen=True)
class Row:
    indicator: Indicator
    planned: Decimal | None  # for the board's year, the one its lights compare with
    department: Cell
    schools: list[Cell]
    plans: list[Decimal | None]  # for each of the board's plan years


@dataclass(frozen=True)
class Board:
    end_year: int
    schools: list[Organisation]
    rows: list[Row]
    end_years: list[int]
    plan_years: list[int]  # every year some indicator has a plan for, as the seed's «Период, год» columns


def department_schools(department: Organisation) -> list[Organisation]:
    return list(Organisation.objects.schools().filter(department=department).order_by("short_name", "pk"))


def indicator_board(
    department: Organisation, end_year: int, schools: list[Organisation] | None = None
) -> Board:
    """Every indicator of the department for the academic year ending in `end_year`, for the department and
    per school: five queries (and the schools), whatever the number of schools."""
    schools = department_schools(department) if schools is None else schools
    indicators = list(Indicator.objects.filter(department=department))
    plans = IndicatorPlan.objects.filter(indicator__department=department)
    planned = {(p.indicator_id, p.year): p.planned for p in plans}
    by_hand = {
        (v.indicator_id, v.school_id): v.value
        for v in IndicatorValue.objects.filter(indicator__department=department, year=end_year)
    }
    current_end_year = AcademicYear.current().end_year
    counted = computed_shares(schools) if end_year == current_end_year and indicators else {}
    plan_years = sorted({year for _, year in planned})
    rows = []
    for indicator in indicators:
        plan = planned.get((indicator.pk, end_year))
        cells = []
        for school in schools:
            if indicator.computed:
                share = counted.get(indicator.computed, {}).get(school.pk)
                cells.append(Cell(plan, share.percent if share else None, share))
            else:
                cells.append(Cell(plan, by_hand.get((indicator.pk, school.pk))))
        if indicator.computed:
            total = sum((c.counted for c in cells if c.counted), Share(0, 0)) if counted else None
            whole = Cell(plan, total.percent if total else None, total)
        else:
            whole = Cell(plan, by_hand.get((indicator.pk, None)))
        plans = [planned.get((indicator.pk, year)) for year in plan_years]
        rows.append(Row(indicator, plan, whole, cells, plans))
    end_years = sorted({end_year, current_end_year, *plan_years})
    return Board(end_year, schools, rows, end_years, plan_years)

"""Demo roadmaps and indicators: the first school's roadmap and the department's, and the target indicators
with a plan for this year, so that `make run` shows both the school's and the department's view. The
benchmarks' municipality has none."""

from __future__ import annotations

from mentoring.academic_year import AcademicYear
from mentoring.demo import BuiltDepartment, Counts, DemoPart, register

from .indicators import indicators_fill_from_seed
from .models import IndicatorPlan
from .services import roadmap_create_from_template
from .templates_data import TEMPLATES


def build_roadmaps(built: BuiltDepartment, seed: int) -> Counts:
    school, department = built.showcase, built.department
    if school is None:
        return {}
    year = AcademicYear.current()
    roadmap_create_from_template(
        organisation=school.school, template=TEMPLATES["school"], year=year, by=school.curator_user
    )
    roadmap_create_from_template(
        organisation=department, template=TEMPLATES["municipal"], year=year, by=built.coordinator_user
    )
    for indicator in indicators_fill_from_seed(department=department):
        latest = indicator.plans.order_by("-year").first()
        if latest is not None:
            IndicatorPlan.objects.get_or_create(
                indicator=indicator, year=year.end_year, defaults={"planned": latest.planned}
            )
    return {}


register(DemoPart("roadmaps", build_roadmaps))

"""Demo roadmaps, indicators and recommendations: the first school's roadmap and the department's, the target
indicators with a plan for this year, and the coordinator's recommendations, taken «к исполнению» by the
first school and waiting at the second, so that `make run` shows both the school's and the department's view.
The benchmarks' municipality has none."""

from __future__ import annotations

from mentoring.academic_year import AcademicYear
from mentoring.demo import BuiltDepartment, Counts, DemoPart, register
from mentoring.reference import reference

from .department import recommendation_acknowledge, recommendation_save
from .indicators import indicators_fill_from_seed
from .models import Acknowledgement, IndicatorPlan
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
    build_recommendations(built, year)
    return {}


def build_recommendations(built: BuiltDepartment, year: AcademicYear) -> None:
    texts = reference("demo_recommendations")
    first = built.showcase
    second = next(school for school in built.schools if school is not first)
    for school, text in ((first, texts["принятые"]["текст"]), (second, texts["ждущие"]["текст"])):
        recommendation_save(
            department=built.department,
            school=school.school,
            year=year.start_year,
            text=text,
            by=built.coordinator_user,
        )
    accepted = first.school.recommendations.get(year=year.start_year)
    if not Acknowledgement.objects.filter(recommendation=accepted).exists():
        recommendation_acknowledge(
            recommendation=accepted, by=first.director_user, note=texts["принятые"]["примечание"]
        )


register(DemoPart("roadmaps", build_roadmaps))

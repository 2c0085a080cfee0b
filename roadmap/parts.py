"""The roadmap activities the user answers for, the coordinator's schools side by side and the department's
recommendations to the school, on the home page; the recommendations on the school's monitoring pages too."""

from django.http import HttpRequest

from mentoring.academic_year import AcademicYear
from mentoring.models import BASE_READERS, Role
from mentoring.parts import HOME, SCHOOL_MONITORING, PagePart, register

from .department import school_recommendations, schools_table
from .models import ACKNOWLEDGERS
from .timeline import my_activities


def activities(request: HttpRequest) -> dict | None:
    # Only staff answer for roadmap activities: a participant's home makes no query for them.
    if not request.roles & (BASE_READERS | {Role.COORDINATOR}):
        return None
    found = my_activities(request.user)
    return {"my_activities": found} if found else None


def department_schools(request: HttpRequest) -> dict | None:
    organisation = request.organisation
    if Role.COORDINATOR not in request.roles or organisation is None or organisation.is_school:
        return None
    return {"table": schools_table(organisation, AcademicYear.current())}


register(PagePart(HOME, 10, "roadmap/partials/my_activities.html", activities))
register(PagePart(HOME, 40, "roadmap/partials/home_department.html", department_schools))


def recommendations(request: HttpRequest, roles: frozenset[str]) -> dict | None:
    school = request.organisation
    if school is None or not school.is_school or not request.roles & roles:
        return None
    found = list(school_recommendations(school))
    if not found:
        return None
    return {"recommendations": found, "may_acknowledge": bool(request.roles & ACKNOWLEDGERS)}


def home_recommendations(request: HttpRequest) -> dict | None:
    """The director and the curator answer for the recommendations; others of the school are not asked."""
    return recommendations(request, ACKNOWLEDGERS)


def monitoring_recommendations(request: HttpRequest, school) -> dict | None:
    return recommendations(request, BASE_READERS)


register(PagePart(HOME, 15, "roadmap/partials/recommendations.html", home_recommendations))
register(PagePart(SCHOOL_MONITORING, 10, "roadmap/partials/recommendations.html", monitoring_recommendations))

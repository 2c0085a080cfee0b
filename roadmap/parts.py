"""The roadmap activities the user answers for, and the coordinator's schools side by side, on the home
page."""

from django.http import HttpRequest

from mentoring.academic_year import AcademicYear
from mentoring.models import BASE_READERS, Role
from mentoring.parts import HOME, PagePart, register

from .department import schools_table
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

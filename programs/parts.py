"""The school's current programmes on its public «Наставничество» page: what a parent or a colleague from
another school may read — title, form, term, goal; never the pairs or anyone in them."""

from django.http import HttpRequest

from mentoring.models import Organisation
from mentoring.parts import SCHOOL_PAGE, PagePart, register

from .models import Programme

# A draft is the school's own work in progress; a completed programme is no longer current.
CURRENT = (Programme.Status.APPROVED, Programme.Status.RUNNING)


def current_programmes(request: HttpRequest, school: Organisation) -> dict | None:
    programmes = list(
        Programme.objects.for_school(school)
        .filter(status__in=CURRENT)
        .select_related("form")
        .order_by("title")
    )
    return {"programmes": programmes} if programmes else None


register(PagePart(SCHOOL_PAGE, 30, "programs/partials/school_page_programmes.html", current_programmes))

"""Pages that gather several apps: each app adds its part in its own `parts.py`, found at start-up the way
the admin finds `admin.py`, so that the core imports no feature app.

A part names the page it belongs to, where it stands, its template and a function that returns its
context, or nothing when the part has nothing to show to this user: the page shows the templates of the
parts that answered, with all their contexts merged into the page's own.
"""

import functools
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from . import notifications
from .models import BASE_READERS, MenteeEntry, MentorEntry, Person, Role, consent_in_force
from .public_page import department_school_pages
from .school_year import VIEWERS, last_closing, opens_on, year_after

HOME = "home"
BASE_ENTRY = "base_entry"  # a mentor's or a mentee's entry in the bases; the part gets it as `entry`
# The school's public «Наставничество» page, seen by anyone without login; the part gets it as `school`.
# A part of it shows only what the school publishes, never anything about a pupil.
SCHOOL_PAGE = "school_page"
# The school's own monitoring pages (stages 1 and 2); the part gets the school as `school`.
SCHOOL_MONITORING = "school_monitoring"


@dataclass(frozen=True)
class PagePart:
    page: str
    order: int
    template: str
    context: Callable[..., dict[str, Any] | None]


PARTS: list[PagePart] = []


def register(part: PagePart) -> None:
    PARTS.append(part)
    PARTS.sort(key=lambda p: p.order)


def gathered(page: str, request: HttpRequest, **objects: Any) -> dict[str, Any]:
    """The context of the parts of a page that have something to show, and their templates as `parts`."""
    context: dict[str, Any] = {"parts": []}
    token = SHARED_READS.set({})
    try:
        for part in PARTS:
            if part.page == page and (found := part.context(request, **objects)):
                context |= found
                context["parts"].append(part.template)
    finally:
        SHARED_READS.reset(token)
    return context


SHARED_READS: ContextVar[dict | None] = ContextVar("shared_reads", default=None)


def shared_read[**P, R](read: Callable[P, R]) -> Callable[P, R]:
    """A read the parts of one page share: a home's board and one of its notices ask for the same rows, and
    the first to ask reads them. Called anywhere else (the reminders job) it reads every time. The arguments
    are the key and must be hashable; the result is shared, so no caller changes it."""

    @functools.wraps(read)
    def shared(*args: P.args, **kwargs: P.kwargs) -> R:
        reads = SHARED_READS.get()
        if reads is None:
            return read(*args, **kwargs)
        key = (read, args, tuple(sorted(kwargs.items())))
        if key not in reads:
            reads[key] = read(*args, **kwargs)
        return reads[key]

    return shared


def school_bases(request: HttpRequest) -> dict | None:
    """The figures of the current school's two bases, for those who read them."""
    school = request.organisation
    if school is None or not school.is_school or not request.roles & BASE_READERS:
        return None
    mentees = MenteeEntry.objects.for_school(school).active()
    return {
        "bases": {
            "people": Person.objects.for_school(school).active().count(),
            "mentors": MentorEntry.objects.for_school(school).active().count(),
            **mentees.aggregate(
                mentees=Count("pk"),
                mentees_without_consent=Count("pk", filter=~Q(consent_in_force("person"))),
                mentees_waiting=Count("pk", filter=Q(status=MenteeEntry.Status.WAITING)),
            ),
        }
    }


register(PagePart(HOME, 30, "mentoring/partials/home_bases.html", school_bases))


def attention(request: HttpRequest) -> dict | None:
    """«Требует внимания»: what waits for the user's decision or action, first on the page."""
    if request.organisation is None:
        return None
    roles = request.roles | request.personal_roles
    waiting = notifications.waiting_for(request.user, request.memberships, roles)
    return {"attention": waiting[:ATTENTION_SHOWN], "attention_more": max(0, len(waiting) - ATTENTION_SHOWN)}


ATTENTION_SHOWN = 15
register(PagePart(HOME, 10, "mentoring/partials/home_attention.html", attention))


def own_school_page(request: HttpRequest) -> dict | None:
    """The director's way to the school's public page and its settings."""
    school = request.organisation
    if school is None or not school.is_school or Role.DIRECTOR not in request.roles:
        return None
    return {"own_school_page": school}


def schools_pages(request: HttpRequest) -> dict | None:
    """The public addresses of the department's schools, for its coordinator."""
    department = request.organisation
    if department is None or department.is_school or Role.COORDINATOR not in request.roles:
        return None
    return {"schools_pages": department_school_pages(department)}


register(PagePart(HOME, 80, "mentoring/partials/home_school_page.html", own_school_page))
register(PagePart(HOME, 80, "mentoring/partials/home_schools_pages.html", schools_pages))


def mentor_terms(request: HttpRequest) -> dict | None:
    """The director's way to the school's rules for teacher-mentors: consent and pay (ТК РФ, ст. 351.8)."""
    school = request.organisation
    if school is None or not school.is_school or Role.DIRECTOR not in request.roles:
        return None
    return {"mentor_terms_school": school}


register(PagePart(HOME, 85, "mentoring/partials/home_mentor_terms.html", mentor_terms))


def school_year(request: HttpRequest) -> dict | None:
    """The curator's and the director's card of the year: when it may be closed, or its summary."""
    school = request.organisation
    if school is None or not school.is_school or not request.roles & VIEWERS:
        return None
    today = timezone.localdate()
    last = last_closing(school)
    year = year_after(last, today)
    return {
        "school_year": {
            "year": year,
            "opens_on": opens_on(year),
            "open": today >= opens_on(year),
            "last_closing": last,
        }
    }


register(PagePart(HOME, 20, "mentoring/partials/home_school_year.html", school_year))

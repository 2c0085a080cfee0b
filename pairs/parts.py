"""The mentor's and the mentee's pairs on the home page, whatever organisation the user works in now:
the pairs are the person's, not the school's."""

from collections import Counter

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils import timezone

from mentoring.models import Role
from mentoring.parts import HOME, PagePart, register

from . import hours
from .health import pairs_at_work
from .meetings import mentee_overview, mentor_overview
from .models import MEMBERS, Health, MentorHoursMonth, Pair

THREATENED_SHOWN = 5


def mentored(request: HttpRequest) -> dict | None:
    if Role.MENTOR not in request.personal_roles:
        return None
    overview = mentor_overview(request.user)
    return {"mentor": overview} if overview else None


def mentored_as_mentee(request: HttpRequest) -> dict | None:
    if Role.MENTEE not in request.personal_roles:
        return None
    pairs = mentee_overview(request.user)
    return {"mentee_pairs": pairs} if pairs else None


register(PagePart(HOME, 50, "pairs/partials/home_mentor.html", mentored))
register(PagePart(HOME, 60, "pairs/partials/home_mentee.html", mentored_as_mentee))


def pairs_health(request: HttpRequest) -> dict | None:
    """The curator's board of the school's pairs at work: how many go well, need attention, are under threat,
    and the threatened ones by name."""
    school = request.organisation
    if school is None or not school.is_school or Role.CURATOR not in request.roles:
        return None
    # One query for the counts and the names: a school has some dozens of pairs at work.
    at_work = pairs_at_work((school.pk,), timezone.localdate())
    counts = Counter(pair.health for pair in at_work)
    threatened = [pair for pair in at_work if pair.health == Health.THREAT][:THREATENED_SHOWN]
    prefetch_related_objects(threatened, MEMBERS)
    return {
        "pairs_health": [(health, label, counts.get(health, 0)) for health, label in Health.choices],
        "threatened_pairs": threatened,
    }


register(PagePart(HOME, 40, "pairs/partials/home_health.html", pairs_health))


def hours_to_approve(request: HttpRequest) -> dict | None:
    """The director's reminder: last month's mentors' hours, logged and waiting for approval."""
    school = request.organisation
    if school is None or not school.is_school or Role.DIRECTOR not in request.roles:
        return None
    month = hours.previous_month(timezone.localdate())
    if MentorHoursMonth.objects.filter(school=school, month=month).exists():
        return None
    if not hours.counted_meetings(
        Pair.objects.filter(school=school), month, hours.next_month(month)
    ).exists():
        return None
    return {"hours_month": month, "hours_month_label": hours.month_label(month)}


register(PagePart(HOME, 45, "pairs/partials/home_hours.html", hours_to_approve))

"""Roadmap activities due or overdue for the school's curator; for the department's coordinator, schools with
overdue activities and, as the academic year ends, schools with no stage 2 data."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.db.models import Count, Min, QuerySet
from django.urls import reverse

from mentoring.academic_year import AcademicYear
from mentoring.declension import plural_ru
from mentoring.models import Membership, Organisation, Role
from mentoring.notifications import Kind, Notice, holders, notices_of
from monitoring.models import Response, Survey
from programs.models import Programme

from .department import recent_recommendations
from .models import ACKNOWLEDGERS, Activity

DUE_WITHIN_DAYS = 7
# The academic year ends on 31 August, but lessons end in late May: the exit surveys of stage 2 are due by
# then, so the coordinator hears of a school without them from mid-May.
STAGE_2_WEEKS_LEFT = 16


def not_done() -> QuerySet[Activity]:
    return Activity.objects.exclude(status=Activity.Status.DONE)


@notices_of(Role.CURATOR)
def activities_due(memberships: Iterable[Membership], today: datetime.date) -> Iterator[Notice]:
    curators = holders(memberships, Role.CURATOR)
    due = not_done().filter(
        stage__roadmap__organisation__in=list(curators),
        ends_on__lte=today + datetime.timedelta(days=DUE_WITHIN_DAYS),
    )
    for activity in due.select_related("stage__roadmap"):
        overdue = activity.ends_on < today
        when = "overdue" if overdue else "soon"
        school = activity.stage.roadmap.organisation_id
        for user in curators[school]:
            yield Notice(
                user_id=user,
                kind=Kind.ACTIVITY_DUE,
                key=f"activity_due:{activity.pk}:{activity.ends_on:%Y-%m-%d}:{when}",
                text=f"{'Просрочено' if overdue else 'Подходит срок'} мероприятие дорожной карты "
                f"«{activity.title[:150]}» (до {activity.ends_on:%d.%m.%Y}).",
                url=reverse("roadmap_detail", args=[activity.stage.roadmap_id]),
                organisation_id=school,
            )


@notices_of(Role.COORDINATOR)
def schools_overdue(memberships: Iterable[Membership], today: datetime.date) -> Iterator[Notice]:
    """A school with overdue activities, once for its earliest one: a later overdue one is a new event."""
    coordinators = holders(memberships, Role.COORDINATOR)
    schools = Organisation.objects.filter(department__in=list(coordinators))
    overdue = (
        not_done()
        .filter(stage__roadmap__organisation__in=schools, ends_on__lt=today)
        .values("stage__roadmap__organisation", "stage__roadmap__organisation__department")
        .annotate(n=Count("pk"), first=Min("pk"), name=Min("stage__roadmap__organisation__short_name"))
        .order_by()
    )
    for row in overdue:
        school, n = row["stage__roadmap__organisation"], row["n"]
        activities = plural_ru(
            n, "просроченное мероприятие", "просроченных мероприятия", "просроченных мероприятий"
        )
        for user in coordinators[row["stage__roadmap__organisation__department"]]:
            yield Notice(
                user_id=user,
                kind=Kind.SCHOOL_OVERDUE,
                key=f"school_overdue:{school}:{row['first']}",
                text=f"{row['name']}: {n} {activities} дорожной карты.",
                url=reverse("roadmap_list") + f"?school={school}",
                organisation_id=row["stage__roadmap__organisation__department"],
            )


@notices_of(Role.COORDINATOR)
def schools_without_stage_2(memberships: Iterable[Membership], today: datetime.date) -> Iterator[Notice]:
    """A school with a programme at work and no exit answers of stage 2 this academic year, in its last
    weeks: once a year per school."""
    year = AcademicYear.containing(today)
    if year.end - today >= datetime.timedelta(weeks=STAGE_2_WEEKS_LEFT):
        return
    coordinators = holders(memberships, Role.COORDINATOR)
    answered = Response.objects.filter(
        submitted_at__isnull=False,
        invitation__survey__phase=Survey.Phase.EXIT,
        invitation__survey__opens_on__range=year.span,
    ).values("invitation__survey__school")
    at_work = Programme.objects.filter(
        status__in=(Programme.Status.APPROVED, Programme.Status.RUNNING)
    ).values("school")
    schools = (
        Organisation.objects.filter(department__in=list(coordinators), pk__in=at_work)
        .exclude(pk__in=answered)
        .order_by("short_name")
    )
    for school in schools:
        for user in coordinators[school.department_id]:
            yield Notice(
                user_id=user,
                kind=Kind.SCHOOL_NO_STAGE_2,
                key=f"school_no_stage_2:{school.pk}:{year.start_year}",
                text=f"{school.short_name}: нет данных этапа 2 мониторинга (анкет по итогам программы) "
                f"за {year.label} учебный год, а до его конца меньше {STAGE_2_WEEKS_LEFT} недель.",
                url=reverse("department_schools"),
                organisation_id=school.department_id,
            )


@notices_of(*ACKNOWLEDGERS)
def recommendations_waiting(memberships: Iterable[Membership], today: datetime.date) -> Iterator[Notice]:
    """The department's recommendations to the school, to its director and curator until one of them takes
    them «к исполнению»; a new text is a new event."""
    readers = holders(memberships, *ACKNOWLEDGERS)
    waiting = recent_recommendations(today).filter(school__in=list(readers), acknowledgement__isnull=True)
    for recommendation in waiting.order_by("pk"):
        for user in sorted(readers[recommendation.school_id]):
            yield Notice(
                user_id=user,
                kind=Kind.RECOMMENDATION_NEW,
                key=f"recommendation_new:{recommendation.pk}:{recommendation.updated_at:%Y%m%d%H%M%S%f}",
                text=f"Управление образования направило школе рекомендации на "
                f"{recommendation.academic_year.label} учебный год: примите их к исполнению.",
                url=reverse("recommendation_detail", args=[recommendation.pk]),
                organisation_id=recommendation.school_id,
            )

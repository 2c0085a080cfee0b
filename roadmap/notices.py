"""Roadmap activities due or overdue for the school's curator; schools with overdue activities for the
department's coordinator."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Count, Min, QuerySet
from django.urls import reverse

from mentoring.declension import plural_ru
from mentoring.models import Membership, Organisation, Role
from mentoring.notifications import Kind, Notice, holders, notices_of

from .models import Activity

DUE_WITHIN_DAYS = 7


def not_done() -> QuerySet[Activity]:
    return Activity.objects.exclude(status=Activity.Status.DONE)


@notices_of(Role.CURATOR)
def activities_due(memberships: QuerySet[Membership], today: datetime.date) -> Iterator[Notice]:
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
def schools_overdue(memberships: QuerySet[Membership], today: datetime.date) -> Iterator[Notice]:
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

"""The evidence the product itself holds for a school's roadmap activity (Activity.CompletesWhen)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Max, QuerySet
from django.utils import timezone

from mentoring.declension import plural_ru
from mentoring.models import Document, MenteeEntry, MentorEntry, Person
from monitoring.models import Questionnaire, Survey
from monitoring.stages import compared_exits
from pairs.documents import ORDER_PAIRS
from programs.documents import ORDER_MENTOR_SCHOOL

from .models import Activity, Roadmap

When = Activity.CompletesWhen


@dataclass(frozen=True)
class Evidence:
    done_on: datetime.date
    note: str
    document: Document | None = None


def issued(kind: str, note: str) -> Callable[[Roadmap, Activity], Evidence | None]:
    def find(roadmap: Roadmap, activity: Activity) -> Evidence | None:
        order = (
            Document.objects.filter(school=roadmap.organisation, kind=kind, date__gte=roadmap.starts_on)
            .filter(date__lte=roadmap.ends_on)
            .order_by("date", "pk")
            .first()
        )
        if order is None:
            return None
        return Evidence(order.date, f"{note} от {order.date:%d.%m.%Y} № {order.number}", order)

    return find


def base_formed(
    model: type[MentorEntry | MenteeEntry], note: str
) -> Callable[[Roadmap, Activity], Evidence | None]:
    """A base counts as formed when it holds active entries whose people have a consent in force."""

    def find(roadmap: Roadmap, activity: Activity) -> Evidence | None:
        entries = model.objects.for_school(roadmap.organisation).active()
        consenting = Person.objects.with_consent_flag().filter(has_consent_flag=True).values("pk")
        formed = entries.filter(person__in=consenting)
        if not formed.exists():
            return None
        last = formed.aggregate(last=Max("created_at"))["last"]
        return Evidence(
            min(last.date(), timezone.localdate()), f"{note}: записей с согласием — {formed.count()}"
        )

    return find


def closed_for(roadmap: Roadmap, activity: Activity, purpose: str) -> QuerySet[Survey]:
    """The surveys closed within the roadmap, and not before the activity began, the earliest first."""
    return (
        Survey.objects.for_school(roadmap.organisation)
        .ended_by(timezone.localdate())
        .filter(questionnaire__purpose=purpose)
        .filter(closes_on__gte=max(activity.starts_on, roadmap.starts_on), closes_on__lte=roadmap.ends_on)
        .order_by("closes_on", "pk")
    )


def survey_closed(roadmap: Roadmap, activity: Activity) -> Evidence | None:
    """Stage 1 done: a survey of it closed."""
    closed = closed_for(roadmap, activity, Questionnaire.Purpose.STAGE_1).first()
    return (
        Evidence(closed.closes_on, f"Анкетирование этапа 1 завершено: «{closed.title}»") if closed else None
    )


def stage_2_compared(roadmap: Roadmap, activity: Activity) -> Evidence | None:
    """Stage 2 done: an exit survey closed whose answers are compared with the same participants' entry
    answers to the programme, whatever academic year the entry fell in."""
    compared = compared_exits()
    closed = (
        closed_for(roadmap, activity, Questionnaire.Purpose.STAGE_2)
        .filter(phase=Survey.Phase.EXIT, pk__in=compared.values("survey"))
        .first()
    )
    if closed is None:
        return None
    n = compared.filter(survey=closed).count()
    participants = plural_ru(n, "участника", "участников", "участников")
    return Evidence(
        closed.closes_on,
        f"Анкетирование этапа 2 по итогам программы завершено: «{closed.title}»; ответы на входе и "
        f"по итогам сравнены у {n} {participants}",
    )


FINDERS: dict[str, Callable[[Roadmap, Activity], Evidence | None]] = {
    When.MENTEE_BASE: base_formed(MenteeEntry, "База наставляемых сформирована"),
    When.MENTOR_BASE: base_formed(MentorEntry, "База наставников сформирована"),
    When.PAIRS_ORDER: issued(ORDER_PAIRS, "Приказ о закреплении наставнических пар"),
    When.MENTOR_SCHOOL_ORDER: issued(ORDER_MENTOR_SCHOOL, "Приказ об организации «Школы наставников»"),
    When.STAGE_1_CLOSED: survey_closed,
    When.STAGE_2_CLOSED: stage_2_compared,
}


def found(roadmap: Roadmap, activity: Activity) -> Evidence | None:
    return FINDERS[activity.completes_when](roadmap, activity)

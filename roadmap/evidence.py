"""The evidence the product itself holds for a school's roadmap activity (Activity.CompletesWhen)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from mentoring.models import Document, MenteeEntry, MentorEntry, Person
from monitoring.models import Questionnaire, Survey
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


def survey_closed(purpose: str, note: str, **phase: str) -> Callable[[Roadmap, Activity], Evidence | None]:
    """A survey closed within the roadmap, and not before the activity began: monitoring done for it."""

    def find(roadmap: Roadmap, activity: Activity) -> Evidence | None:
        closed = (
            Survey.objects.for_school(roadmap.organisation)
            .filter(questionnaire__purpose=purpose, closes_on__lt=timezone.localdate(), **phase)
            .filter(closes_on__gte=max(activity.starts_on, roadmap.starts_on), closes_on__lte=roadmap.ends_on)
            .order_by("closes_on", "pk")
            .first()
        )
        return Evidence(closed.closes_on, f"{note}: «{closed.title}»") if closed else None

    return find


FINDERS: dict[str, Callable[[Roadmap, Activity], Evidence | None]] = {
    When.MENTEE_BASE: base_formed(MenteeEntry, "База наставляемых сформирована"),
    When.MENTOR_BASE: base_formed(MentorEntry, "База наставников сформирована"),
    When.PAIRS_ORDER: issued(ORDER_PAIRS, "Приказ о закреплении наставнических пар"),
    When.MENTOR_SCHOOL_ORDER: issued(ORDER_MENTOR_SCHOOL, "Приказ об организации «Школы наставников»"),
    When.STAGE_1_CLOSED: survey_closed(Questionnaire.Purpose.STAGE_1, "Анкетирование этапа 1 завершено"),
    When.STAGE_2_CLOSED: survey_closed(
        Questionnaire.Purpose.STAGE_2, "Анкетирование этапа 2 по итогам программы завершено", phase="exit"
    ),
}


def found(roadmap: Roadmap, activity: Activity) -> Evidence | None:
    return FINDERS[activity.completes_when](roadmap, activity)

"""Pair health: whether a pair at work goes well, needs the curator's attention or is under threat.

One selector annotates every pair in the same query, so a list of any length costs no more queries; the
thresholds are the programme's own (`attention_after_days`, `threat_after_days`, `consent_warning_days`).
"""

from __future__ import annotations

import datetime
import operator
from functools import reduce

from django.db.models import (
    Case,
    CharField,
    DateField,
    Exists,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.db.models.lookups import IsNull
from django.utils import timezone

from mentoring.models import Consent
from mentoring.parts import shared_read
from monitoring.models import Questionnaire, Response

from .models import ATTENTION_SIGNS, THREAT_SIGNS, Health, Meeting, Pair, PairMentee, PlanItem

COMING_OF_AGE = 18


class DaysBefore(Func):
    """A date some days (a column of the row) before another: `date - integer` in PostgreSQL."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="date(%(expressions)s || ' days')", arg_joiner=", '-' || "
        )


def days_before(day: datetime.date, field: str) -> DaysBefore:
    return DaysBefore(Value(day, output_field=DateField()), F(field))


def last_contact() -> Coalesce:
    """The day of the pair's last held meeting, or its start when it has held none yet."""
    held = (
        Meeting.objects.filter(pair=OuterRef("pk"), status=Meeting.Status.HELD)
        .order_by()
        .values("pair")
        .annotate(last=Max("starts_at"))
        .values("last")
    )
    return Coalesce(TruncDate(Subquery(held)), F("started_on"), Cast(TruncDate("created_at"), DateField()))


def one_of(rows: QuerySet, pair: str = "pair") -> IsNull:
    """Whether the pair (the rows' field `pair`) has any of the rows. Not EXISTS: PostgreSQL turns an
    EXISTS into one hash of the rows of every pair of the database, built on each page; a scalar subquery is
    asked for the pairs shown alone, by index."""
    return IsNull(Subquery(rows.filter(**{pair: OuterRef("pk")}).values("pk")[:1]), False)


def plan_overdue(today: datetime.date) -> IsNull:
    return one_of(PlanItem.objects.overdue(today))


def negative_feedback() -> IsNull:
    """A submitted feedback questionnaire about the pair with a scale answer in the lowest third of it."""
    feedback = Response.objects.filter(
        low_mark=True,
        submitted_at__isnull=False,
        invitation__survey__questionnaire__purpose=Questionnaire.Purpose.FEEDBACK,
    )
    return one_of(feedback, pair="invitation__pair")


def consent_ending(today: datetime.date) -> Exists:
    """A mentee with no consent in force, or whose parent's consent ends soon: it holds until the mentee
    comes of age, then the mentee must give its own."""
    in_force = Consent.objects.filter(person=OuterRef("mentee__person"), revoked_at__isnull=True)
    born_by = today.replace(year=today.year - COMING_OF_AGE)  # comes of age today or earlier
    parents = in_force.filter(given_by=Consent.GivenBy.REPRESENTATIVE)
    mentees = (
        PairMentee.objects.filter(pair=OuterRef("pk"))
        .alias(warned_from=DaysBefore(F("mentee__person__birth_date"), F("programme__consent_warning_days")))
        .filter(~Exists(in_force) | (Exists(parents) & Q(warned_from__lte=born_by)))
    )
    return Exists(mentees)


def with_silence(pairs: QuerySet[Pair], today: datetime.date) -> QuerySet[Pair]:
    """Annotates `last_contact` and whether the pair has been silent longer than its programme allows
    before it needs attention (`silent`) or is under threat (`silent_long`)."""
    return pairs.annotate(last_contact=last_contact()).annotate(
        silent_long=Q(last_contact__lt=days_before(today, "programme__threat_after_days")),
        silent=Q(last_contact__lt=days_before(today, "programme__attention_after_days")),
    )


def with_signs(pairs: QuerySet[Pair], today: datetime.date | None = None) -> QuerySet[Pair]:
    """Annotates the signs `Pair.health` is read from: the last contact and the flags of THREAT_SIGNS and
    ATTENTION_SIGNS."""
    today = today or timezone.localdate()
    return with_silence(pairs, today).annotate(
        plan_overdue=plan_overdue(today),
        negative_feedback=negative_feedback(),
        consent_ending=consent_ending(today),
    )


@shared_read
def pairs_at_work(schools: tuple[int, ...], today: datetime.date) -> list[Pair]:
    """The schools' pairs at work with their signs and mentors, the longest silent first: the curator's board
    and the notices of pairs at risk read them once on a home page."""
    at_work = Pair.objects.filter(school__in=schools, status=Pair.Status.ACTIVE)
    return list(with_signs(at_work, today).select_related("mentor__person").order_by("last_contact", "pk"))


def any_sign(signs: tuple[str, ...]) -> Q:
    return reduce(operator.or_, (Q(**{sign: True}) for sign in signs))


def health_case() -> Case:
    """`Pair.health` in SQL, over the signs of `with_signs`."""
    return Case(
        When(~Q(status=Pair.Status.ACTIVE), then=Value("")),
        When(any_sign(THREAT_SIGNS), then=Value(Health.THREAT)),
        When(any_sign(ATTENTION_SIGNS), then=Value(Health.ATTENTION)),
        default=Value(Health.WORKING),
        output_field=CharField(),
    )


def with_health(pairs: QuerySet[Pair], today: datetime.date | None = None) -> QuerySet[Pair]:
    """The signs and `health` itself in SQL, to filter or count pairs by it. The Case repeats the subquery of
    every sign it reads: a page that shows pairs reads `Pair.health` from `with_signs` instead."""
    return with_signs(pairs, today).annotate(health=health_case())

"""Meetings of pairs and groups (seed 002, stage 6: «Организация комплекса последовательных встреч наставников
и наставляемых»), the mentor's and the mentee's overview of their pairs, and their iCalendar feed."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, Max, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from icalendar import Calendar, Event

from mentoring.models import MenteeEntry, User

from . import hours
from .models import CalendarFeed, Meeting, Pair, PairMentee, PlanItem, new_feed_token
from .services import pair_change_status

S = Pair.Status
NOT_APPROVED = "Пара ещё не утверждена: встречи вносятся после того, как директор утвердит пару."
ENDED = "Работа пары завершена: встречи больше не вносятся и не меняются."
NOT_A_MEMBER = "Отметьте только наставляемых этой пары."
FEED_PAST = datetime.timedelta(days=365)


def meeting_refusal(pair: Pair) -> str:
    """Why the pair takes no meetings now; empty when it does."""
    if pair.status == S.PROPOSED:
        return NOT_APPROVED
    if pair.status in (S.COMPLETED, S.TERMINATED):
        return ENDED
    return ""


def approved_refusal(*, pair: Pair, status: str, starts_at: datetime.datetime, before: Meeting | None) -> str:
    """A held meeting of a month whose hours the director has approved is neither logged nor changed: the
    approved timesheet would no longer match the meetings. Empty when the meeting may be written."""
    held = [timezone.localdate(starts_at)] if status == Meeting.Status.HELD else []
    if before is not None and before.status == Meeting.Status.HELD:
        held.append(timezone.localdate(before.starts_at))
    month = hours.approved_month(pair.school_id, held)
    if month is None:
        return ""
    return (
        f"Часы наставников за {hours.month_label(month)} утверждены директором: проведённые встречи этого "
        "месяца не вносятся и не меняются. Чтобы исправить запись, попросите директора отменить утверждение."
    )


def meeting_problems(
    *, pair: Pair, status: str, starts_at: datetime.datetime, before: Meeting | None = None
) -> dict[str, str]:
    """What is wrong with a meeting of this pair at this moment: field name → message. `before` is the
    meeting as it is stored, when it is being changed."""
    if refusal := meeting_refusal(pair):
        return {NON_FIELD_ERRORS: refusal}
    if refusal := approved_refusal(pair=pair, status=status, starts_at=starts_at, before=before):
        return {NON_FIELD_ERRORS: refusal}
    day = timezone.localdate(starts_at)
    if pair.ends_on and day > pair.ends_on:
        return {
            "starts_at": f"Работа пары заканчивается {pair.ends_on:%d.%m.%Y}: встреча не может быть позже."
        }
    if status == Meeting.Status.PLANNED:
        moved = before is None or before.status != status or before.starts_at != starts_at
        if moved and starts_at < timezone.now():
            return {
                "starts_at": "Это время уже прошло: если встреча состоялась, отметьте её как проведённую."
            }
        return {}
    if starts_at > timezone.now():
        return {"starts_at": "Встреча ещё не прошла: запланируйте её, а после встречи отметьте проведённой."}
    if pair.started_on:
        start, what = pair.started_on, "Пара начала работу"
    else:
        start, what = pair.programme.starts_on, "Программа начинается"
    if day < start:
        return {"starts_at": f"{what} {start:%d.%m.%Y}: проведённая встреча не может быть раньше."}
    return {}


def lock_pair(pair: Pair) -> Pair:
    return Pair.objects.select_for_update(of=("self",)).select_related("programme").get(pk=pair.pk)


def check_meeting(
    pair: Pair, data: dict[str, Any], present: Iterable[MenteeEntry], before: Meeting | None = None
) -> list[int]:
    """Raise what is wrong with the meeting; return the ids of the mentees present."""
    problems = meeting_problems(pair=pair, status=data["status"], starts_at=data["starts_at"], before=before)
    present_ids = {mentee.pk for mentee in present}
    members = set(PairMentee.objects.filter(pair=pair, is_current=True).values_list("mentee", flat=True))
    if not present_ids <= members:
        problems.setdefault("present", NOT_A_MEMBER)
    if problems:
        raise ValidationError(problems)
    return sorted(present_ids)


def start_on_first_held(*, locked: Pair, pair: Pair, meeting: Meeting, by: User) -> None:
    """The first held meeting of an approved pair is the day its work starts; `pair` sees the change."""
    if locked.status == S.APPROVED and meeting.status == Meeting.Status.HELD:
        started = pair_change_status(
            pair=locked, to=S.ACTIVE, by=by, on=timezone.localdate(meeting.starts_at)
        )
        pair.status, pair.started_on = started.status, started.started_on


@transaction.atomic
def meeting_log(*, pair: Pair, data: dict[str, Any], present: Iterable[MenteeEntry], by: User) -> Meeting:
    """Record a held or planned meeting of the pair; the first held one starts the pair's work."""
    locked = lock_pair(pair)
    present_ids = check_meeting(locked, data, present)
    meeting = Meeting.objects.create(school=locked.school, pair=locked, created_by=by, **data)
    meeting.present.set(present_ids)
    start_on_first_held(locked=locked, pair=pair, meeting=meeting, by=by)
    return meeting


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, data: dict[str, Any], present: Iterable[MenteeEntry], by: User
) -> Meeting:
    """Change a meeting, e.g. mark a planned one held; that too may start the pair's work."""
    locked = lock_pair(meeting.pair)
    stored = Meeting.objects.select_for_update().get(pk=meeting.pk)
    present_ids = check_meeting(locked, data, present, before=stored)
    for name, value in data.items():
        setattr(stored, name, value)
    stored.save()
    stored.present.set(present_ids)
    start_on_first_held(locked=locked, pair=meeting.pair, meeting=stored, by=by)
    return stored


@transaction.atomic
def meeting_cancel(*, meeting: Meeting) -> None:
    """«Отменить встречу»: only a planned meeting of a pair at work."""
    locked = lock_pair(meeting.pair)
    if refusal := meeting_refusal(locked):
        raise ValidationError(refusal)
    stored = Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    if stored is None:
        return
    if stored.status == Meeting.Status.HELD:
        raise ValidationError("Встреча уже проведена: отменить можно только запланированную.")
    stored.delete()


# The mentor's and the mentee's overview of their pairs: a fixed number of queries whatever their number.


def with_members(lookup: str = "members") -> Prefetch:
    """The mentees of pairs with their people, for the names and classes on a page."""
    return Prefetch(lookup, PairMentee.objects.select_related("mentee__person", "role_model"))


def count_of(rows: QuerySet) -> Coalesce:
    counted = rows.filter(pair=OuterRef("pk")).order_by().values("pair").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_progress(pairs: QuerySet[Pair]) -> QuerySet[Pair]:
    """Plan progress and meetings held, counted in the database; programme and role model fetched with it."""
    held = Meeting.objects.filter(status=Meeting.Status.HELD)
    last_met = held.filter(pair=OuterRef("pk")).order_by().values("pair").annotate(last=Max("starts_at"))
    return (
        pairs.exclude(status=S.PROPOSED)
        .select_related("programme", "role_model")
        .annotate(
            plan_total=count_of(PlanItem.objects.all()),
            plan_done=count_of(PlanItem.objects.filter(done_on__isnull=False)),
            meetings_held=count_of(held),
            last_met_at=Subquery(last_met.values("last")),
        )
    )


def upcoming_meetings() -> QuerySet[Meeting]:
    return Meeting.objects.filter(status=Meeting.Status.PLANNED, starts_at__gte=timezone.now()).order_by(
        "starts_at", "pk"
    )


@dataclass(frozen=True)
class MentorOverview:
    current: list[Pair]
    ended: list[Pair]
    next_meeting: Meeting | None
    overdue: list[PlanItem]


def mentor_overview(user: User) -> MentorOverview | None:
    """The pairs and groups the user mentors, the nearest planned meeting and the overdue plan items."""
    # The columns its cards show: the mentor is the user, and the programme's texts stay on the pair's page.
    pairs = list(
        with_progress(Pair.objects.mentored_by(user))
        .only("school", "status", "started_on", "ended_on", "programme__title", "role_model__name")
        .prefetch_related(with_members())
    )
    if not pairs:
        return None
    by_id = {pair.pk: pair for pair in pairs}
    current = [pair for pair in pairs if pair.is_current]
    next_meeting = upcoming_meetings().filter(pair__in=current).first()
    if next_meeting is not None:
        next_meeting.pair = by_id[next_meeting.pair_id]
    overdue = list(
        PlanItem.objects.overdue(timezone.localdate())
        .filter(pair__in=current)
        .order_by("due_on", "pair", "number")
    )
    for item in overdue:
        item.pair = by_id[item.pair_id]
    ended = [pair for pair in pairs if not pair.is_current]
    return MentorOverview(current=current, ended=ended, next_meeting=next_meeting, overdue=overdue)


def mentee_overview(user: User) -> list[Pair]:
    """The mentee's pairs (current ones first) with the plan and the nearest planned meeting."""
    pairs = (
        with_progress(Pair.objects.of_mentee_user(user))
        .select_related("mentor__person")
        .prefetch_related("plan_items", Prefetch("meetings", upcoming_meetings(), to_attr="upcoming"))
    )
    return sorted(pairs, key=lambda pair: not pair.is_current)


# The private iCalendar feed of a mentor's or a mentee's meetings.


def calendar_feed_of(user: User) -> CalendarFeed:
    return CalendarFeed.objects.get_or_create(user=user)[0]


def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """A new private link; the old one stops working at once."""
    return CalendarFeed.objects.update_or_create(user=user, defaults={"token": new_feed_token()})[0]


def feed_meetings(user: User) -> QuerySet[Meeting]:
    """The meetings of the pairs the user mentors or is a mentee of: the last twelve months and everything
    ahead, except what was planned in a pair whose work has ended since."""
    return (
        Meeting.objects.filter(
            pair__in=Pair.objects.of_participant(user), starts_at__gte=timezone.now() - FEED_PAST
        )
        .exclude(status=Meeting.Status.PLANNED, pair__status__in=(S.COMPLETED, S.TERMINATED))
        .select_related("pair__programme")
        .order_by("starts_at", "pk")
    )


def calendar_build(*, meetings: Iterable[Meeting], host: str, pair_url: Callable[[Pair], str]) -> bytes:
    """The feed leaves the school for a phone's calendar provider: no mentee's name, class or other personal
    data goes into it, only the kind, topic and time of a meeting, the programme and a link to the pair."""
    calendar = Calendar()
    calendar.add("prodid", "-//Наставничество//Встречи пар и групп//RU")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Наставничество: встречи")
    calendar.add("x-published-ttl", "PT1H")
    stamp = timezone.now()
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.starts_at + datetime.timedelta(minutes=meeting.duration_minutes))
        event.add("summary", f"{meeting.get_kind_display()}: {meeting.topic}")
        event.add(
            "description",
            f"Программа: {meeting.pair.programme.title}\n"
            f"Формат: {meeting.get_format_display().lower()}\n"
            f"Страница пары: {pair_url(meeting.pair)}",
        )
        event.add("status", "CONFIRMED" if meeting.status == Meeting.Status.HELD else "TENTATIVE")
        calendar.add_component(event)
    return calendar.to_ical()

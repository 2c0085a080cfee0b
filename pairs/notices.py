"""What pairs wait for: the director's approval, the curator's care of a pair at risk, the mentor's meeting
tomorrow, plan item due and a meeting not logged for long."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.db.models import F, QuerySet, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from mentoring.declension import plural_ru
from mentoring.models import Membership, Role
from mentoring.notifications import Kind, Notice, counted_per_school, holders, notices_of, users_of

from . import agreements
from .health import pairs_at_work, with_silence
from .models import MEMBERS, Health, Meeting, Pair, PlanItem

PLAN_ITEM_WARNING_DAYS = 3


@notices_of(Role.DIRECTOR)
def pairs_to_approve(memberships: Iterable[Membership], today: datetime.date) -> Iterator[Notice]:
    """One notice per school while pairs wait for the pairs order; a newly proposed pair is a new event."""
    return counted_per_school(
        Pair.objects.awaiting_order(),
        holders(memberships, Role.DIRECTOR),
        kind=Kind.PAIRS_TO_APPROVE,
        text=lambda n: (
            f"{n} {plural_ru(n, 'пара или группа ждёт', 'пары или группы ждут', 'пар и групп ждут')} "
            "утверждения приказом."
        ),
        url=reverse("pair_list"),
    )


@notices_of(Role.CURATOR)
def mentor_consents_waiting(memberships: Iterable[Membership], today: datetime.date) -> Iterator[Notice]:
    """One notice per school while pairs of teacher-mentors not yet at work lack the mentor's signed consent
    (Трудовой кодекс, ст. 351.8); a newly waiting pair is a new event."""
    return counted_per_school(
        agreements.without_signed_consent(Pair.objects.all()),
        holders(memberships, Role.CURATOR),
        kind=Kind.MENTOR_CONSENT_WAITING,
        text=lambda n: (
            f"{n} {plural_ru(n, 'пара или группа ждёт', 'пары или группы ждут', 'пар и групп ждут')} "
            "подписанного согласия наставника-педагога (ст. 351.8 ТК РФ): без него пара не начнёт работу."
        ),
        url=reverse("pair_list") + "?consent=waiting",
    )


@notices_of(Role.CURATOR)
def pairs_at_risk(memberships: Iterable[Membership], today: datetime.date) -> Iterator[Notice]:
    curators = holders(memberships, Role.CURATOR)
    # A school has some dozens of pairs at work: their health is read from the signs in Python, from the
    # rows the curator's board reads, not filtered by the Case that repeats the subquery of every sign.
    at_work = pairs_at_work(tuple(sorted(curators)), today)
    threatened = [pair for pair in at_work if pair.health == Health.THREAT]
    prefetch_related_objects(threatened, MEMBERS)
    for pair in threatened:
        for user in curators[pair.school_id]:
            yield Notice(
                user_id=user,
                kind=Kind.PAIR_AT_RISK,
                key=f"pair_at_risk:{pair.pk}:{pair.last_contact:%Y-%m-%d}",
                text=f"Пара под угрозой: {pair} ({'; '.join(pair.health_reasons)}).",
                url=reverse("pair_detail", args=[pair.pk]),
                organisation_id=pair.school_id,
            )


def mentors_of(memberships: Iterable[Membership]) -> QuerySet[Pair]:
    """The current pairs the users of the memberships mentor, in whatever school."""
    return Pair.objects.filter(status__in=Pair.ORDERED, mentor__person__user__in=users_of(memberships))


# A mentor's notice needs a few columns of a row and whom it is for: the rows are fetched with those alone,
# as they are on every home page a mentor opens.
MENTOR_USER = F("pair__mentor__person__user")


@notices_of(Role.MENTOR)
def meetings_tomorrow(memberships: Iterable[Membership], today: datetime.date) -> Iterator[Notice]:
    tomorrow = today + datetime.timedelta(days=1)
    meetings = Meeting.objects.filter(
        pair__in=mentors_of(memberships),
        status=Meeting.Status.PLANNED,
        starts_at__date=tomorrow,
    ).only("starts_at", "topic", "pair", "school")
    for meeting in meetings.annotate(mentor_user=MENTOR_USER):
        yield Notice(
            user_id=meeting.mentor_user,
            kind=Kind.MEETING_TOMORROW,
            key=f"meeting_tomorrow:{meeting.pk}:{tomorrow:%Y-%m-%d}",
            text=f"Завтра в {timezone.localtime(meeting.starts_at):%H:%M} встреча «{meeting.topic}».",
            url=reverse("pair_detail", args=[meeting.pair_id]),
            organisation_id=meeting.school_id,
        )


@notices_of(Role.MENTOR)
def plan_items_due(memberships: Iterable[Membership], today: datetime.date) -> Iterator[Notice]:
    """Plan items due in the next days or overdue, not marked done."""
    items = (
        PlanItem.objects.of_started_pairs()
        .filter(
            pair__in=mentors_of(memberships),
            done_on__isnull=True,
            due_on__lte=today + datetime.timedelta(days=PLAN_ITEM_WARNING_DAYS),
        )
        .only("activity", "due_on", "pair")
        .annotate(mentor_user=MENTOR_USER, school=F("pair__school"))
    )
    for item in items:
        overdue = item.due_on < today
        yield Notice(
            user_id=item.mentor_user,
            kind=Kind.PLAN_ITEM_DUE,
            key=f"plan_item_due:{item.pk}:{item.due_on:%Y-%m-%d}:{'overdue' if overdue else 'soon'}",
            text=f"{'Просрочен' if overdue else 'Подходит срок'} пункт плана «{item.activity[:120]}» "
            f"(до {item.due_on:%d.%m.%Y}).",
            url=reverse("pair_detail", args=[item.pair_id]),
            organisation_id=item.school,
        )


@notices_of(Role.MENTOR)
def meetings_not_logged(memberships: Iterable[Membership], today: datetime.date) -> Iterator[Notice]:
    """A pair at work that has logged no meeting for longer than its programme allows."""
    pairs = with_silence(mentors_of(memberships).filter(status=Pair.Status.ACTIVE), today).filter(silent=True)
    for pair in pairs.only("school").annotate(mentor_user=F("mentor__person__user")):
        yield Notice(
            user_id=pair.mentor_user,
            kind=Kind.NO_MEETING,
            key=f"no_meeting:{pair.pk}:{pair.last_contact:%Y-%m-%d}",
            text=f"С {pair.last_contact:%d.%m.%Y} у пары не отмечено ни одной встречи: внесите прошедшие "
            "или запланируйте следующую.",
            url=reverse("pair_detail", args=[pair.pk]),
            organisation_id=pair.school_id,
        )

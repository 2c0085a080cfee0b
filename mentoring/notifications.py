"""Notifications: what waits for a person's decision or action, on its home («Требует внимания») and, for
those with an address who have not switched the kind off, by e-mail.

Each app says what its objects wait for in its `notices.py` (found at start-up like `parts.py`): a source
takes the memberships to consider and yields notices. The home page asks the sources live for the user in
its current organisation; the scheduled job `reminders_send` asks them for everyone, keeps each notice as a
Notification row under its event key (a rerun finds the row) and mails the rows not yet mailed, batch by
batch, marking each mailed in the transaction that sends it.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby, islice

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.db.models import Count, Exists, Max, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from .mail import mail_send
from .models import BASE_WRITERS, MailOptOut, Membership, Notification, Role, User

log = logging.getLogger(__name__)
Kind = Notification.Kind
# Whose reminders each kind is; a questionnaire waits for anyone.
KIND_ROLES: dict[str, frozenset[str]] = {
    Kind.PAIRS_TO_APPROVE: frozenset({Role.DIRECTOR}),
    Kind.PROGRAMME_TO_APPROVE: frozenset({Role.DIRECTOR}),
    Kind.DOCUMENT_READY: frozenset({Role.DIRECTOR}),
    Kind.PAIR_AT_RISK: frozenset({Role.CURATOR}),
    Kind.MENTOR_CONSENT_WAITING: frozenset({Role.CURATOR}),
    Kind.SURVEY_LOW_RESPONSE: frozenset({Role.CURATOR}),
    Kind.ACTIVITY_DUE: frozenset({Role.CURATOR}),
    Kind.MEETING_TOMORROW: frozenset({Role.MENTOR}),
    Kind.PLAN_ITEM_DUE: frozenset({Role.MENTOR}),
    Kind.NO_MEETING: frozenset({Role.MENTOR}),
    Kind.QUESTIONNAIRE_WAITING: frozenset(Role.values),
    Kind.SCHOOL_OVERDUE: frozenset({Role.COORDINATOR}),
    Kind.SCHOOL_NO_STAGE_2: frozenset({Role.COORDINATOR}),
    Kind.NOMINATIONS_WAITING: frozenset({Role.CURATOR}),
    Kind.NOMINATION_DECIDED: frozenset({Role.TEACHER}),
    Kind.RECOMMENDATION_NEW: frozenset({Role.DIRECTOR, Role.CURATOR}),
    Kind.IMPORT_FINISHED: BASE_WRITERS,
}


def kinds_for(user: User) -> list[tuple[str, str]]:
    """The kinds of reminder the user may get, by the roles it holds anywhere."""
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    return [(kind, label) for kind, label in Kind.choices if KIND_ROLES[kind] & roles]


@dataclass(frozen=True)
class Notice:
    user_id: int
    kind: str
    key: str  # the event: the same event always gets the same key
    text: str
    url: str
    organisation_id: int | None = None


Source = Callable[[Iterable[Membership], datetime.date], Iterable[Notice]]


@dataclass(frozen=True)
class NoticeSource:
    roles: frozenset[str]  # whose notices it gives; empty: anyone's (a questionnaire waits for anyone)
    find: Source


SOURCES: list[NoticeSource] = []


def notices_of(*roles: str) -> Callable[[Source], Source]:
    """Registers a source of notices for the holders of the roles."""

    def register(find: Source) -> Source:
        SOURCES.append(NoticeSource(frozenset(roles), find))
        return find

    return register


def holders(memberships: Iterable[Membership], *roles: str) -> dict[int, list[int]]:
    """The users holding one of the roles, per organisation, each user once. The memberships themselves are
    iterated, not filtered anew: a home passes the rows its request holds, the reminders job a queryset that
    keeps its rows, so the sources of one collection read them once at most."""
    found: dict[int, list[int]] = defaultdict(list)
    for membership in memberships:
        if membership.role not in roles:
            continue
        users = found[membership.organisation_id]
        if membership.user_id not in users:
            users.append(membership.user_id)
    return found


def asked_by[T: models.Model](rows: QuerySet[T], found: dict[int, list[int]], field: str) -> Iterator[T]:
    """The rows of the schools in `found` whose `field` (a user) holds the role there: what each holder asked
    for in the school where it holds it."""
    users = {user for school_users in found.values() for user in school_users}
    for row in rows.filter(school__in=list(found), **{f"{field}__in": users}):
        if getattr(row, f"{field}_id") in found[row.school_id]:
            yield row


def users_of(memberships: Iterable[Membership]) -> tuple[int, ...]:
    """The users of the memberships, read from the rows the sources share, as `holders()` reads them."""
    return tuple(sorted({membership.user_id for membership in memberships}))


def counted_per_school(
    rows: QuerySet, recipients: dict[int, list[int]], *, kind: str, text: Callable[[int], str], url: str
) -> Iterator[Notice]:
    """One notice per school and recipient while the school has rows waiting, saying how many; the newest
    row names the event, so a new row is a new notice."""
    waiting = (
        rows.filter(school__in=list(recipients)).values("school").annotate(n=Count("pk"), newest=Max("pk"))
    )
    for row in waiting.order_by():
        for user in recipients[row["school"]]:
            yield Notice(
                user_id=user,
                kind=kind,
                key=f"{kind}:{row['school']}:{row['newest']}",
                text=text(row["n"]),
                url=url,
                organisation_id=row["school"],
            )


def collected(memberships: Iterable[Membership], today: datetime.date, roles=None) -> Iterator[Notice]:
    """Every notice for the memberships; `roles` skips the sources that serve none of them."""
    for source in SOURCES:
        if roles is None or not source.roles or source.roles & roles:
            yield from source.find(memberships, today)


def waiting_for(user: User, memberships: Iterable[Membership], roles: frozenset[str]) -> list[Notice]:
    """What waits for the user in its current organisation, whose memberships the request holds (and, as
    mentor or mentee, in its own pairs), less what it has hidden."""
    notices = list(collected(memberships, timezone.localdate(), roles))
    hidden = set(
        Notification.objects.filter(
            user=user, read_at__isnull=False, key__in=[n.key for n in notices]
        ).values_list("key", flat=True)
    )
    return [notice for notice in notices if notice.key not in hidden]


# The scheduled job ---------------------------------------------------------------------------------------


def notifications_create(*, notices: Iterable[Notice], batch_size: int) -> int:
    """Keeps the notices as rows; an event kept before is left as it is. Returns how many were new."""
    created = 0
    iterator = iter(notices)
    while batch := list(islice(iterator, batch_size)):
        with transaction.atomic():
            before = Notification.objects.count()
            Notification.objects.bulk_create(
                [
                    Notification(
                        user_id=n.user_id,
                        organisation_id=n.organisation_id,
                        key=n.key[:200],
                        kind=n.kind,
                        text=n.text[:500],
                        url=n.url,
                    )
                    for n in batch
                ],
                ignore_conflicts=True,
            )
            created += Notification.objects.count() - before
    return created


def to_mail(now: datetime.datetime) -> QuerySet[Notification]:
    """Rows not mailed yet, of the last days, for users with an address who want the kind by e-mail."""
    opted_out = MailOptOut.objects.filter(user=OuterRef("user"), kind=OuterRef("kind"))
    return (
        Notification.objects.filter(
            mailed_at__isnull=True,
            read_at__isnull=True,
            created__gte=now - datetime.timedelta(days=settings.REMINDERS_MAIL_WITHIN_DAYS),
            user__is_active=True,
        )
        .exclude(user__email="")
        .exclude(Exists(opted_out))
    )


def unsubscribe_url(user: User, kind: str) -> str:
    token = signing.dumps({"user": user.pk, "kind": kind}, salt=UNSUBSCRIBE_SALT)
    return settings.SITE_URL + reverse("mail_unsubscribe", args=[token])


UNSUBSCRIBE_SALT = "mentoring.notifications.unsubscribe"


def mail_one(rows: list[Notification]) -> None:
    """One letter for one user's notices of one kind from one organisation."""
    first = rows[0]
    mail_send(
        to=first.user.email,
        subject=first.get_kind_display(),
        template="reminder",
        context={"user": first.user, "kind": first.get_kind_display(), "notifications": rows},
        organisation=first.organisation,
        unsubscribe_url=unsubscribe_url(first.user, first.kind),
    )


def reminders_mail_batch(*, now: datetime.datetime, batch_size: int) -> tuple[int, BaseException | None]:
    """Mails one batch of rows and marks those mailed in the same transaction. A letter that fails stops
    the batch: the rows of the letters sent are marked, the others stay for the retry, so nothing is sent
    twice or lost. Returns how many rows were mailed and the failure, if any."""
    with transaction.atomic():
        rows = list(
            to_mail(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("user", "organisation")
            .order_by("user", "organisation", "kind", "pk")[:batch_size]
        )
        mailed: list[int] = []
        failure = None
        for _, letter in groupby(rows, key=lambda n: (n.user_id, n.organisation_id, n.kind)):
            letter = list(letter)
            try:
                mail_one(letter)
            except Exception as error:  # the letter's rows stay unmailed for the retry
                failure = error
                break
            mailed.extend(n.pk for n in letter)
        Notification.objects.filter(pk__in=mailed).update(mailed_at=now)
    return len(mailed), failure


@dataclass
class RemindersRun:
    created: int = 0
    mailed: int = 0
    batches: int = 0
    finished: bool = True


def reminders_send(
    *, today: datetime.date | None = None, batch_size: int | None = None, time_limit: float | None = None
) -> RemindersRun:
    """Builds the notifications of the day and mails those not mailed, within the time limit; what is left
    goes with the next run. A failed letter is raised after its batch is committed, for the task to retry."""
    today = today or timezone.localdate()
    batch_size = batch_size or settings.REMINDERS_BATCH_SIZE
    deadline = time.monotonic() + (time_limit or settings.REMINDERS_TIME_LIMIT)
    run = RemindersRun()
    run.created = notifications_create(
        notices=collected(Membership.objects.only("user", "organisation", "role"), today),
        batch_size=batch_size,
    )
    while True:
        if time.monotonic() > deadline:
            run.finished = False
            break
        mailed, failure = reminders_mail_batch(now=timezone.now(), batch_size=batch_size)
        run.mailed += mailed
        run.batches += 1
        if failure is not None:
            log.warning("Напоминания: письмо не отправлено, повторим: %s", failure)
            raise failure
        if mailed < batch_size:
            break
    log.info("Напоминания: создано %s, отправлено %s за %s пакетов", run.created, run.mailed, run.batches)
    return run


# Preferences ---------------------------------------------------------------------------------------------


def mail_kinds_set(*, user: User, kinds: Iterable[str], offered: Iterable[str]) -> None:
    """Of the kinds offered to the user, those it wants by e-mail; the other offered ones are switched off.
    Row by row, not in bulk, so that the audit trail records each change (a dozen kinds at most)."""
    wanted, offered = set(kinds), set(offered)
    with transaction.atomic():
        for opt_out in MailOptOut.objects.filter(user=user, kind__in=wanted):
            opt_out.delete()
        for kind in offered - wanted:
            MailOptOut.objects.get_or_create(user=user, kind=kind)


def mail_unsubscribe(*, token: str) -> tuple[User, str]:
    """Switches off by e-mail the kind the signed link names. Raises signing.BadSignature for a wrong one."""
    found = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    user = User.objects.get(pk=found["user"])
    kind = Kind(found["kind"])
    MailOptOut.objects.get_or_create(user=user, kind=kind)
    return user, kind


def notification_hide(*, user: User, notice: Notice) -> None:
    """The user has seen the notice and hides it from its home."""
    row, _ = Notification.objects.get_or_create(
        user=user,
        key=notice.key,
        defaults={
            "kind": notice.kind,
            "text": notice.text,
            "url": notice.url,
            "organisation_id": notice.organisation_id,
        },
    )
    if row.read_at is None:
        row.read_at = timezone.now()
        row.save(update_fields=["read_at"])

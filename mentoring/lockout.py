"""Login lockout: an account is locked for the address its wrong passwords come from, an address as a whole
only at a much higher rate. A school's pupils and staff share one address: one person's typos lock nobody
else, and nobody locks a named account from elsewhere. The curator or the director unlocks an account."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from auditlog.models import LogEntry
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet, Sum
from django.utils import timezone

from .models import User


def failures(attempts: QuerySet[AccessAttempt]) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LockoutHandler(AxesDatabaseHandler):
    """Counts the failures of the account from this address and those of the address
    (AXES_LOCKOUT_PARAMETERS, in that order) each against its own limit."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        account, address = map(failures, self.get_user_attempts(request, credentials))
        # axes compares one number with AXES_FAILURE_LIMIT: the address's count is scaled so that it reaches
        # that limit exactly when the address reaches LOGIN_ADDRESS_FAILURE_LIMIT.
        limit, address_limit = settings.AXES_FAILURE_LIMIT, settings.LOGIN_ADDRESS_FAILURE_LIMIT
        return max(account, address * limit // address_limit)


def accounts_locked(usernames: Iterable[str]) -> dict[str, datetime.datetime]:
    """The accounts locked now from some address, each with the moment its last lock ends: one query."""
    locks = (
        AccessAttempt.objects.filter(
            username__in=list(usernames), attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
        )
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    locked: dict[str, datetime.datetime] = {}
    for lock in locks:
        ends = lock["last"] + settings.AXES_COOLOFF_TIME
        locked[lock["username"]] = max(ends, locked.get(lock["username"], ends))
    return locked


@transaction.atomic
def account_unlock(*, user: User, by: User) -> bool:
    """Forgets the account's failed logins from every address, if it is locked; the audit trail keeps who
    unlocked it. Returns whether it was locked."""
    if user.username not in accounts_locked([user.username]):
        return False
    AccessAttempt.objects.filter(username=user.username).delete()
    LogEntry.objects.log_create(
        user,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        actor=by,
        changes={"вход": ["заблокирован", "разблокирован"]},
    )
    return True

"""`make bench`: the reminders job over the large municipality, everyone with an address.

Figures are printed, never asserted; only that a second run makes and mails nothing, and that a batch costs
the same queries whatever its letters, are part of the contract.
"""

import time

import pytest
from django.core import mail
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentoring import notifications
from mentoring.models import (
    Membership,
    MenteeEntry,
    MentorEntry,
    Notification,
    Organisation,
    Person,
    Role,
    User,
)

BATCH = 50


def accounts_for_everyone(department: Organisation) -> None:
    """A director and a curator for each school, an account for each mentor and mentee in the bases, a
    coordinator for the department: everyone with an address, as a school running its year would be."""
    schools = list(Organisation.objects.filter(department=department))
    staff = [(school, role) for school in schools for role in (Role.DIRECTOR, Role.CURATOR)]
    staff.append((department, Role.COORDINATOR))
    people = [
        (entry.person, entry.school, role)
        for role, entries in ((Role.MENTOR, MentorEntry.objects), (Role.MENTEE, MenteeEntry.objects))
        for entry in entries.filter(school__in=schools, person__user__isnull=True).select_related("person")
    ]
    users = User.objects.bulk_create(
        User(username=f"bench_reminded_{n}", email="bench@example.ru")
        for n in range(len(staff) + len(people))
    )
    Membership.objects.bulk_create(
        [
            Membership(user=user, organisation=o, role=role)
            for user, (o, role) in zip(users, staff, strict=False)
        ]
        + [
            Membership(user=user, organisation=school, role=role)
            for user, (_, school, role) in zip(users[len(staff) :], people, strict=True)
        ]
    )
    for user, (person, _, _) in zip(users[len(staff) :], people, strict=True):
        person.user = user
    Person.objects.bulk_update([person for person, _, _ in people], ["user"], batch_size=500)
    municipality = Organisation.objects.filter(Q(pk=department.pk) | Q(department=department))
    User.objects.filter(memberships__organisation__in=municipality).update(email="bench@example.ru")


@pytest.mark.django_db
def test_reminders_job(department):
    accounts_for_everyone(department)
    users = Membership.objects.values("user").distinct().count()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as building:
        created = notifications.notifications_create(
            notices=notifications.collected(Membership.objects.all(), timezone.localdate()), batch_size=BATCH
        )
    built = time.perf_counter() - started

    per_batch, mailed = [], 0
    started = time.perf_counter()
    while True:
        with CaptureQueriesContext(connection) as batch:
            sent, failure = notifications.reminders_mail_batch(now=timezone.now(), batch_size=BATCH)
        assert failure is None
        if not sent:
            break
        mailed += sent
        per_batch.append(len(batch))
    sending = time.perf_counter() - started

    kinds = dict(Notification.objects.values_list("kind").annotate(n=Count("pk")).order_by())
    print(
        f"\nНапоминания, {connection.vendor}: пользователей {users}, уведомлений {created}, "
        f"писем {len(mail.outbox)}; по видам: {kinds}"
    )
    print(f"  построены за {built:.2f} с, {len(building)} запросов (пакеты по {BATCH})")
    print(
        f"  отправлены за {sending:.2f} с, {len(per_batch)} пакетов, запросов на пакет: "
        f"{min(per_batch, default=0)}–{max(per_batch, default=0)}"
    )
    assert mailed == created
    again = notifications.reminders_send(batch_size=BATCH)
    assert (again.created, again.mailed) == (0, 0)

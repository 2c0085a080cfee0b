"""Documents the user asked for, rendered and ready to sign or print; the user's imports of lists, checked or
written by a worker; class teachers' nominations waiting for the curator, and the curator's decision for the
teacher."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.db.models import Q
from django.urls import reverse

from .models import BASE_WRITERS, Document, ImportJob, Membership, Nomination, Role
from .notifications import Kind, Notice, asked_by, counted_per_school, holders, notices_of

READY_WITHIN_DAYS = 3
IMPORT_FINISHED_WITHIN_DAYS = 1
# A large file is checked and written by a worker while the curator may have left its page. A checked or
# failed import waits for the curator (until the nightly purge cancels it); a written or refused one is news
# for a day.
IMPORT_NOTICES = {
    ImportJob.Status.READY: "Файл {} проверен и ждёт подтверждения импорта.",
    ImportJob.Status.FAILED: "Импорт файла {} не записан: повторите его.",
    ImportJob.Status.DONE: "Импорт файла {} завершён.",
    ImportJob.Status.REJECTED: "В файле {} есть ошибки: ничего не импортировано.",
}
DECIDED_WITHIN_DAYS = 14


@notices_of(Role.DIRECTOR)
def documents_ready(memberships: Iterable[Membership], today: datetime.date) -> Iterator[Notice]:
    ready = Document.objects.filter(
        status=Document.Status.READY,
        rendered_at__date__gte=today - datetime.timedelta(days=READY_WITHIN_DAYS),
    )
    for document in asked_by(ready, holders(memberships, Role.DIRECTOR), "requested_by"):
        yield Notice(
            user_id=document.requested_by_id,
            kind=Kind.DOCUMENT_READY,
            key=f"document_ready:{document.pk}:{document.version}",
            text=f"Документ сформирован: {document}.",
            url=reverse("document_detail", args=[document.pk]),
            organisation_id=document.school_id,
        )


@notices_of(*BASE_WRITERS)
def imports_finished(memberships: Iterable[Membership], today: datetime.date) -> Iterator[Notice]:
    Status = ImportJob.Status
    jobs = ImportJob.objects.filter(
        Q(status__in=[Status.READY, Status.FAILED])
        | Q(
            status__in=[Status.DONE, Status.REJECTED],
            finished_at__date__gte=today - datetime.timedelta(days=IMPORT_FINISHED_WITHIN_DAYS),
        )
    ).only("school", "user", "filename", "status", "attempt")
    for job in asked_by(jobs.order_by("pk"), holders(memberships, *BASE_WRITERS), "user"):
        yield Notice(
            user_id=job.user_id,
            kind=Kind.IMPORT_FINISHED,
            key=f"import_finished:{job.pk}:{job.status}:{job.attempt}",
            text=IMPORT_NOTICES[job.status].format(f"«{job.filename}»" if job.filename else "со списком"),
            url=reverse("import_job", args=[job.pk]),
            organisation_id=job.school_id,
        )


@notices_of(Role.CURATOR)
def nominations_waiting(memberships: Iterable[Membership], today: datetime.date) -> Iterator[Notice]:
    """One notice per school while nominations wait; a new nomination is a new event."""
    return counted_per_school(
        Nomination.objects.pending(),
        holders(memberships, Role.CURATOR),
        kind=Kind.NOMINATIONS_WAITING,
        text=lambda n: f"Новые представления педагогов: {n}.",
        url=reverse("nomination_list"),
    )


@notices_of(Role.TEACHER)
def nominations_decided(memberships: Iterable[Membership], today: datetime.date) -> Iterator[Notice]:
    """The curator's decisions of the last days on the teacher's own nominations."""
    decided = Nomination.objects.filter(
        decided_at__date__gte=today - datetime.timedelta(days=DECIDED_WITHIN_DAYS)
    ).select_related("person")
    for nomination in asked_by(decided, holders(memberships, Role.TEACHER), "nominated_by"):
        if nomination.status == Nomination.Status.ACCEPTED:
            text = f"Представление принято: {nomination.person} — в базе наставляемых."
        else:
            text = f"Представление отклонено: {nomination.person}. Причина: {nomination.decline_reason}"
        yield Notice(
            user_id=nomination.nominated_by_id,
            kind=Kind.NOMINATION_DECIDED,
            key=f"nomination_decided:{nomination.pk}",
            text=text,
            url=reverse("my_class"),
            organisation_id=nomination.school_id,
        )

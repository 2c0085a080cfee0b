"""An import as a job of its own (`ImportJob`): the rows read once on upload, the check (the preview) and
the confirm, each run at once for a small file and by a worker for a large one.

A confirm claims the job with its next attempt. The rows and the job's «done» are committed in one
transaction, so a job is never done without its rows, nor its rows written twice; a confirm whose
worker died leaves the job «confirming» until the claim is stale, then it may be confirmed again.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from ..models import ImportJob, Organisation
from .reading import Sheet, purge_stale_uploads
from .run import ImportReport, import_check, import_write, rows_load, rows_store

logger = logging.getLogger(__name__)
Status = ImportJob.Status

MAX_PENDING = 5  # unfinished imports kept per curator; older ones are abandoned
CHECK_FAILED = (
    "Не удалось проверить файл из-за внутренней ошибки. Загрузите его снова или сообщите администратору."
)
WRITE_FAILED = (
    "Не удалось записать файл из-за внутренней ошибки. Ничего не записано: подтвердите импорт ещё раз "
    "или сообщите администратору."
)
DATABASE_BUSY = (
    "Не удалось записать файл: база данных занята или недоступна. Ничего не записано: подтвердите импорт "
    "ещё раз."
)
ROWS_GONE = "Прочитанные строки файла больше не хранятся. Загрузите файл снова."
SUPERSEDED = "Импорт отменён: после него загружены более новые файлы. Если он нужен, загрузите файл снова."
EXPIRED = "Импорт не подтвердили за сутки, и прочитанные строки файла удалены. Загрузите файл снова."


def import_job_create(*, school: Organisation, user, target: str, sheet: Sheet, filename: str) -> ImportJob:
    """A job for the rows read from an upload; the curator's oldest waiting ones beyond MAX_PENDING are
    abandoned (a confirm that is running never is)."""
    job = ImportJob.objects.create(
        school=school,
        user=user,
        target=target,
        filename=filename[:200],
        rows_file=rows_store(sheet),
        row_count=len(sheet.dataset),
        started_at=timezone.now(),
    )
    waiting = ImportJob.objects.filter(user=user, status__in=[Status.CHECKING, Status.READY, Status.FAILED])
    for old in waiting.order_by("-pk")[MAX_PENDING:]:
        import_job_abandon(old, SUPERSEDED)
    return job


def in_background(job: ImportJob) -> bool:
    return job.row_count > settings.IMPORT_BACKGROUND_ROWS


def import_job_start_check(job: ImportJob) -> None:
    """Check a small file now, hand a large one to a worker (or check it now when no worker can be asked)."""
    from ..tasks import import_job_check_task

    if in_background(job):
        try:
            import_job_check_task.delay(job.pk)
            return
        except BrokerUnavailable:
            logger.warning("Брокер задач недоступен: файл импорта %s проверяется в запросе.", job.pk)
    import_job_check(job_id=job.pk)


def import_job_check_again(job: ImportJob) -> bool:
    """A check whose worker was lost starts again, once: the request that moves its start claims it."""
    restarted = ImportJob.objects.filter(
        pk=job.pk, status=Status.CHECKING, started_at__lt=stale_start()
    ).update(started_at=timezone.now())
    if restarted:
        import_job_start_check(job)
    return bool(restarted)


def import_job_check(*, job_id: int) -> None:
    """The preview: every row checked, the report kept; a file with errors is refused and its rows deleted."""
    job = ImportJob.objects.select_related("school").get(pk=job_id)
    if job.status != Status.CHECKING:
        return
    try:
        report = import_check(school=job.school, target=job.target, sheet=rows_load(job.rows_file))
    except FileNotFoundError:
        return import_job_abandon(job, ROWS_GONE)
    except Exception:
        logger.exception("Import job %s could not be checked", job_id)
        report = ImportReport(target=job.target, file_errors=[CHECK_FAILED])
    if report.ok:
        ImportJob.objects.filter(pk=job_id, status=Status.CHECKING).update(
            status=Status.READY, report=report.stored()
        )
    else:
        _finish(job, Status.REJECTED, report)
        default_storage.delete(job.rows_file)


def stale_start() -> datetime.datetime:
    """A check or confirm started before this lost its worker."""
    return timezone.now() - datetime.timedelta(seconds=settings.IMPORT_STALE_SECONDS)


def import_job_claim(*, job: ImportJob, address: str | None) -> int | None:
    """Claim the job for one confirm: its attempt, or None when it is done, refused or claimed by a confirm
    still running. Two requests at the same moment: one claims it."""
    claimed = (
        ImportJob.objects.filter(pk=job.pk)
        .filter(
            Q(status__in=[Status.READY, Status.FAILED])
            | Q(status=Status.CONFIRMING, started_at__lt=stale_start())
        )
        .update(
            status=Status.CONFIRMING,
            attempt=F("attempt") + 1,
            started_at=timezone.now(),
            error="",
            remote_addr=address,
        )
    )
    if not claimed:
        return None
    job.refresh_from_db()
    return job.attempt


def import_job_start_confirm(job: ImportJob, attempt: int) -> None:
    from ..tasks import import_job_confirm_task

    if in_background(job):
        try:
            import_job_confirm_task.delay(job.pk, attempt)
            return
        except BrokerUnavailable:
            logger.warning("Брокер задач недоступен: импорт %s записывается в запросе.", job.pk)
    import_job_confirm(job_id=job.pk, attempt=attempt)


def import_job_confirm(*, job_id: int, attempt: int) -> None:
    """Check the rows again and write them with the job's «done», in one transaction under the school's row
    lock (a second import of the school, or the year's closing, waits for it)."""
    job = ImportJob.objects.select_related("school", "user").get(pk=job_id)
    if job.status != Status.CONFIRMING or job.attempt != attempt:
        return
    try:
        sheet = rows_load(job.rows_file)
    except FileNotFoundError:
        return import_job_abandon(job, ROWS_GONE)
    try:
        with transaction.atomic():
            Organisation.objects.select_for_update().only("pk").get(pk=job.school_id)
            claimed = ImportJob.objects.select_for_update().filter(
                pk=job_id, status=Status.CONFIRMING, attempt=attempt
            )
            if not claimed.exists():
                return  # a later attempt got there first
            report = import_write(
                school=job.school, target=job.target, sheet=sheet, user=job.user, address=job.remote_addr
            )
            if report.ok:
                _finish(job, Status.DONE, report)
            else:
                transaction.set_rollback(True)
    except DatabaseError:
        logger.exception("Import job %s could not be committed", job_id)
        return import_job_fail(job_id, attempt, DATABASE_BUSY)
    except Exception:
        logger.exception("Import job %s could not be written", job_id)
        return import_job_fail(job_id, attempt, WRITE_FAILED)
    if not report.ok:
        _finish(job, Status.REJECTED, report)
    default_storage.delete(job.rows_file)  # committed: nothing can roll the import back now


def import_job_fail(job_id: int, attempt: int, reason: str) -> None:
    """Nothing was written: the job may be confirmed again."""
    ImportJob.objects.filter(pk=job_id, status=Status.CONFIRMING, attempt=attempt).update(
        status=Status.FAILED, error=reason
    )


def _finish(job: ImportJob, status: str, report: ImportReport) -> None:
    """Done or refused: the report kept, the rows no longer (the caller deletes their file)."""
    ImportJob.objects.filter(pk=job.pk).exclude(status=Status.ABANDONED).update(
        status=status,
        report=report.stored(),
        rows_file="",
        finished_at=timezone.now(),
    )


def import_job_abandon(job: ImportJob, reason: str) -> None:
    ImportJob.objects.filter(pk=job.pk).exclude(status__in=ImportJob.FINISHED).update(
        status=Status.ABANDONED,
        error=reason,
        rows_file="",
        finished_at=timezone.now(),
    )
    if job.rows_file:
        default_storage.delete(job.rows_file)


def import_jobs_purge(max_age: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    """For the schedule: the rows of imports nobody confirmed within a day are deleted, and so is any
    stored upload no job keeps (a crash's leftovers); reports older than a day keep only their counts.
    The number of files deleted."""
    forgotten = (
        ImportJob.objects.exclude(status__in=ImportJob.FINISHED)
        .filter(created_at__lt=timezone.now() - max_age)
        .exclude(status=Status.CONFIRMING, started_at__gte=stale_start())
    )
    abandoned = 0
    for job in forgotten.only("pk", "rows_file"):
        import_job_abandon(job, EXPIRED)
        abandoned += bool(job.rows_file)
    # The reports name the pupils row by row: after a day only their counts are kept.
    reported = ImportJob.objects.filter(finished_at__lt=timezone.now() - max_age, report__has_key="rows")
    jobs = list(reported.only("pk", "report"))
    for job in jobs:
        del job.report["rows"]
    ImportJob.objects.bulk_update(jobs, ["report"], batch_size=500)
    return abandoned + purge_stale_uploads(max_age)

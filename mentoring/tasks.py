"""Background work. Tasks take ids and call a service; the service decides whether anything is left to do."""

import logging
from smtplib import SMTPException

from celery import Task, shared_task
from django.db import OperationalError as DatabaseUnavailable
from django.utils import timezone

from . import depersonalisation, documents, imports, login_slips, notifications

log = logging.getLogger(__name__)

GAVE_UP = "Документ не удалось сформировать. Сформируйте его заново или сообщите администратору."
IMPORT_GAVE_UP = "Импорт не записан: задача прервалась. Ничего не записано — подтвердите импорт ещё раз."


class DocumentTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        """A render that ran out of time or of retries must not stay «rendering» for ever."""
        documents.document_fail(args[0], GAVE_UP)


@shared_task(
    base=DocumentTask,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseUnavailable, OSError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=8,
)
def document_render_task(document_id: int) -> None:
    documents.document_render(document_id=document_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_job_check_task(job_id: int) -> None:
    imports.import_job_check(job_id=job_id)


class ImportConfirmTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        """A confirm killed by its time limit wrote nothing: the curator may confirm again at once."""
        imports.import_job_fail(*args, IMPORT_GAVE_UP)


@shared_task(base=ImportConfirmTask, acks_late=True, reject_on_worker_lost=True)
def import_job_confirm_task(job_id: int, attempt: int) -> None:
    imports.import_job_confirm(job_id=job_id, attempt=attempt)


@shared_task(
    autoretry_for=(DatabaseUnavailable, OSError, SMTPException),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def reminders_send_task() -> dict:
    """Builds and mails the reminders; a failed letter is retried, the letters sent before it are marked
    mailed in their batch's transaction and never sent again."""
    run = notifications.reminders_send()
    return {"created": run.created, "mailed": run.mailed, "finished": run.finished}


@shared_task(autoretry_for=(DatabaseUnavailable, OSError), retry_backoff=True, max_retries=5)
def purge_stale_uploads_task() -> int:
    purged = imports.import_jobs_purge()
    log.info("Удалено забытых загрузок: %s", purged)
    return purged


@shared_task(autoretry_for=(DatabaseUnavailable, OSError), retry_backoff=True, max_retries=5)
def slips_files_remove_task() -> int:
    removed = login_slips.slips_files_remove(today=timezone.localdate())
    log.info("Удалено файлов листов входа с недействующими кодами: %s", removed)
    return removed


@shared_task(autoretry_for=(DatabaseUnavailable, OSError), retry_backoff=True, max_retries=5)
def depersonalise_due_task() -> int:
    """Daily: depersonalises everyone whose retention period ended; a second run the same day finds nobody."""
    made = depersonalisation.depersonalise_due_everywhere(timezone.localdate())
    log.info("Составлено актов об уничтожении персональных данных: %s", made)
    return made

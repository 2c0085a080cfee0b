"""Background work. Tasks take ids and call a service; the service decides whether anything is left to do."""

from celery import shared_task
from django.db import OperationalError as DatabaseUnavailable

from . import documents


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseUnavailable, OSError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=8,
)
def document_render_task(document_id: int) -> None:
    documents.document_render(document_id=document_id)

"""Scheduled work of monitoring."""

import logging

from celery import shared_task
from django.db import OperationalError as DatabaseUnavailable
from django.utils import timezone

from .surveys import surveys_close_due

log = logging.getLogger(__name__)


@shared_task(autoretry_for=(DatabaseUnavailable,), retry_backoff=True, max_retries=5)
def surveys_close_task() -> int:
    closed = surveys_close_due(today=timezone.localdate())
    log.info("Закрыто анкетирований: %s", closed)
    return closed

"""Runs every scheduled job once, as Celery beat would: for `make run`, where no beat runs."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Выполняет один раз все плановые задания (напоминания, закрытие анкетирований, очистку загрузок)."

    def handle(self, *args, **options) -> None:
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            result = import_string(entry["task"]).apply().get()
            self.stdout.write(f"{name}: {result}")

"""The reminders job on a real Celery worker and Redis: each reminder is mailed exactly once across two runs
and a worker restart. Run with REDIS_URL and DATABASE_URL (PostgreSQL) only, as `make test` does on its
second run; the worker writes its letters to files, which the test counts."""

import pytest

from mentoring.models import Notification, Role
from mentoring.tasks import reminders_send_task
from pairs.models import Pair
from programs.models import Programme
from tests.celery_worker import celery_workers, skip_without_broker, wait_for
from tests.factories import MembershipFactory, PairFactory, ProgrammeFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def letters_in(folder) -> int:
    return sum(path.read_text(errors="replace").count("\nSubject: ") for path in folder.glob("*"))


def test_each_reminder_is_mailed_once_across_two_runs_and_a_worker_restart(tmp_path):
    skip_without_broker()
    school = SchoolFactory()
    director = UserFactory(email="director@school.ru")
    MembershipFactory(user=director, organisation=school, role=Role.DIRECTOR)
    programme = ProgrammeFactory(school=school, status=Programme.Status.DRAFT)
    PairFactory(programme=programme, status=Pair.Status.PROPOSED)
    outbox = tmp_path / "mail"
    outbox.mkdir()
    mail_to_files = {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
    }

    with celery_workers(tmp_path) as start:
        worker = start(**mail_to_files)
        reminders_send_task.delay()
        reminders_send_task.delay()
        wait_for(lambda: worker.succeeded() == 2, timeout=60, what="две рассылки выполнены")
        worker.stop()
        again = start(**mail_to_files)
        reminders_send_task.delay()
        wait_for(lambda: again.succeeded() == 1, timeout=60, what="рассылка после перезапуска выполнена")

    assert letters_in(outbox) == 2
    assert Notification.objects.filter(user=director, mailed_at__isnull=False).count() == 2

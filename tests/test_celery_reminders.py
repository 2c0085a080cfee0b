"""The reminders job sent by a real Celery beat to a real worker on Redis: each reminder is mailed exactly
once across beat's runs and a worker restart. Run with REDIS_URL and DATABASE_URL (PostgreSQL) only, as
`make test` does on its second run; the worker writes its letters to files, which the test counts."""

import pytest

from mentoring.models import Notification, Role
from pairs.models import Pair
from programs.models import Programme
from tests.celery_worker import Beat, celery_workers, skip_without_broker, wait_for
from tests.factories import MembershipFactory, PairFactory, ProgrammeFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


REMINDERS = "mentoring.tasks.reminders_send_task"


def letters_in(folder) -> int:
    return sum(path.read_text(errors="replace").count("\nSubject: ") for path in folder.glob("*"))


def test_each_reminder_is_mailed_once_across_beats_runs_and_a_worker_restart(tmp_path):
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
        start(Beat, REMINDERS_EVERY_SECONDS="2")
        wait_for(lambda: worker.succeeded(REMINDERS) >= 2, timeout=60, what="beat запустил рассылку дважды")
        worker.stop()
        again = start(**mail_to_files)
        wait_for(lambda: again.succeeded(REMINDERS) >= 1, timeout=60, what="рассылка после перезапуска")

    assert letters_in(outbox) == 2
    assert Notification.objects.filter(user=director, mailed_at__isnull=False).count() == 2

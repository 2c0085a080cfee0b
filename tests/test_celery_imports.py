"""A large list imported by a real Celery worker on Redis: the worker checks the rows the upload read, the
curator's page follows it, and the confirm written by the worker lands once.

Run with REDIS_URL and DATABASE_URL (PostgreSQL) only, as `make test` does on its second run."""

import pytest
from django.conf import settings as django_settings

from mentoring.models import ImportJob, Person, Role
from tests.celery_worker import celery_workers, skip_without_broker, wait_for

from .test_import import HEADER, csv_bytes, token_of, upload
from .test_import_jobs import confirm, job_page, pupils

pytestmark = pytest.mark.django_db(transaction=True)
Status = ImportJob.Status


@pytest.fixture
def start_worker(tmp_path, settings):
    skip_without_broker()
    settings.MEDIA_ROOT = tmp_path / "media"
    with celery_workers(tmp_path) as start:
        yield start


def job_in(pk: str, status: str, what: str) -> ImportJob:
    return wait_for(
        lambda: (job := ImportJob.objects.get(pk=pk)).status == status and job, timeout=120, what=what
    )


def test_a_worker_checks_and_writes_a_large_list_while_the_curators_page_follows_it(
    start_worker, client_as, school
):
    worker = start_worker()
    curator = client_as(Role.CURATOR, school)
    rows = django_settings.IMPORT_BACKGROUND_ROWS + 100

    pk = token_of(upload(curator, csv_bytes([HEADER, *pupils(rows)])))

    assert job_page(curator, pk).status_code == 200
    job_in(pk, Status.READY, "воркер проверил список")
    assert confirm(curator, pk).status_code == 302
    job = job_in(pk, Status.DONE, "воркер записал список")
    assert Person.objects.for_school(school).count() == rows
    assert not job.rows_file
    assert worker.succeeded() == 2

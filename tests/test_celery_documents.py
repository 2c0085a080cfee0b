"""Documents rendered by a real Celery worker on Redis: a request becomes a file, a render survives its worker
being killed, a duplicated task makes one file. Each document gets one number and one file, whatever happens.

Run with REDIS_URL and DATABASE_URL (PostgreSQL) only, as `make test` does on its second run: the worker is
another process and must see the test's committed rows."""

import time

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Document, DocumentCounter, Role
from mentoring.tasks import document_render_task
from pairs.models import Pair
from tests.celery_worker import celery_workers, skip_without_broker, wait_for
from tests.documents import pdf_text
from tests.factories import PairFactory, ProgrammeFactory
from tests.test_documents import ask_for_pairs_order

Status = Document.Status
pytestmark = pytest.mark.django_db(transaction=True)
# The worker's limits in the kill tests: short, so that a lost message comes back within the test.
VISIBILITY_TIMEOUT, TIME_LIMIT = 20, 15
# Long enough a list that a render is still running when the test kills it.
MANY_PAIRS = 300


@pytest.fixture
def start_worker(tmp_path):
    skip_without_broker()
    with celery_workers(tmp_path) as start:
        yield start


@pytest.fixture
def programme(school):
    return ProgrammeFactory(school=school)


@pytest.fixture
def proposed(programme):
    return [PairFactory(programme=programme, status=Pair.Status.PROPOSED) for _ in range(2)]


@pytest.fixture
def many_proposed(programme):
    return [PairFactory(programme=programme, status=Pair.Status.PROPOSED) for _ in range(MANY_PAIRS)]


def ordered(client_as, school, programme) -> Document:
    ask_for_pairs_order(client_as(Role.DIRECTOR, school), programme)
    return Document.objects.get()


def fresh(document: Document) -> Document:
    document.refresh_from_db()
    return document


def ready(document: Document, timeout: float = 90) -> Document:
    return wait_for(
        lambda: fresh(document).status == Status.READY and document,
        timeout=timeout,
        what=f"документ {document.pk} сформирован",
    )


def rendering(document: Document) -> Document:
    return wait_for(
        lambda: fresh(document).status == Status.RENDERING and document,
        timeout=60,
        what=f"документ {document.pk} начал формироваться",
        every=0.01,
    )


def stored_files(settings) -> list:
    return [path for path in (settings.MEDIA_ROOT / "documents").rglob("*") if path.is_file()]


def assert_made_once(document: Document, settings) -> None:
    """One document, one number, one file of its only version."""
    document.refresh_from_db()
    assert Document.objects.count() == 1
    assert (document.status, document.number, document.version, document.file_version) == (
        Status.READY,
        "1-о",
        1,
        1,
    )
    assert DocumentCounter.objects.get(school=document.school).last == 1
    assert stored_files(settings) == [settings.MEDIA_ROOT / document.file.name]
    assert (settings.MEDIA_ROOT / document.file.name).read_bytes().startswith(b"%PDF")


def test_a_document_asked_for_on_the_page_is_rendered_by_the_worker(
    start_worker, client_as, school, programme, proposed, settings
):
    worker = start_worker()

    document = ordered(client_as, school, programme)

    assert document.enqueued_at is not None, "the render was sent to the broker on commit"
    ready(document)
    assert "№ 1-о" in pdf_text(document) and school.full_name in pdf_text(document)
    assert_made_once(document, settings)
    assert worker.succeeded() == 1


def test_a_render_whose_pool_process_is_killed_is_given_back_and_completes_once(
    start_worker, client_as, school, programme, many_proposed, settings
):
    worker = start_worker()
    document = rendering(ordered(client_as, school, programme))
    first_start = document.started_at

    worker.kill_pool_processes()

    assert fresh(document).status == Status.RENDERING, "the render was killed before it ended"
    ready(document)
    assert document.started_at > first_start, "the message came back and the render ran again"
    assert_made_once(document, settings)
    assert "WorkerLostError" in worker.output()


def test_a_render_whose_whole_worker_is_killed_comes_back_after_the_visibility_timeout(
    start_worker, client_as, school, programme, many_proposed, settings
):
    limits = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT), "CELERY_TASK_TIME_LIMIT": str(TIME_LIMIT)}
    worker = start_worker(**limits)
    settings.CELERY_TASK_TIME_LIMIT = TIME_LIMIT  # the page's clock, the same as the worker's
    document = rendering(ordered(client_as, school, programme))
    first_start = document.started_at

    worker.kill()

    assert fresh(document).shown_status == Status.RENDERING, "within the time limit it may still be running"
    # Past the time limit no render can be running: the page says the document waits its turn again.
    wait_for(
        lambda: fresh(document).shown_status == Status.QUEUED,
        timeout=TIME_LIMIT + 5,
        what="документ показан стоящим в очереди",
    )
    assert document.status == Status.RENDERING and not document.file
    page = client_as(Role.DIRECTOR, school).get(reverse("document_detail", args=[document.pk]))
    assert "В очереди" in page.content.decode()
    # A worker starting after the visibility timeout takes the unacknowledged message back at once.
    time.sleep(max(0, (first_start - timezone.now()).total_seconds() + VISIBILITY_TIMEOUT + 1))
    worker.start()
    ready(document, timeout=60)
    assert document.started_at > first_start, "the message came back and the render ran again"
    assert_made_once(document, settings)


def test_a_duplicated_render_task_makes_one_file(
    start_worker, client_as, school, programme, proposed, settings
):
    worker = start_worker(concurrency=2)

    document = ordered(client_as, school, programme)
    document_render_task.delay(document.pk)
    document_render_task.delay(document.pk)

    ready(document)
    wait_for(lambda: worker.succeeded() == 3, timeout=60, what="все три задачи выполнены")
    assert_made_once(document, settings)

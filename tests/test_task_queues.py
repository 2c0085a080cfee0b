"""PDFs are rendered on a queue of their own, so that a worker at a lower CPU priority takes them apart from
the reminders and imports of the default queue."""

from mentoring.celery import app
from mentoring.tasks import (
    document_render_task,
    import_job_check_task,
    import_job_confirm_task,
    reminders_send_task,
)


def queue_of(task) -> str:
    return app.amqp.router.route({}, task.name, (1,), {})["queue"].name


def test_a_document_render_goes_to_the_documents_queue():
    assert queue_of(document_render_task) == "documents"


def test_reminders_and_imports_stay_on_the_default_queue():
    assert {
        queue_of(task) for task in (reminders_send_task, import_job_check_task, import_job_confirm_task)
    } == {"celery"}

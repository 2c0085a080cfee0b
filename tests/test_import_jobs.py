"""An import as a job: read once, checked and confirmed by a worker for a large file with a page that follows
it, a confirm that a lost worker or a failure never «burns», writes in batches with their audit entries,
and the stored rows deleted as soon as they are not needed."""

import datetime
import os

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentoring import tasks
from mentoring.audit import audit_trail
from mentoring.imports import import_job_claim, import_job_confirm, jobs, run
from mentoring.models import ImportJob, Membership, MenteeEntry, Notification, Person, Role
from mentoring.notifications import collected

from .factories import MenteeEntryFactory, PersonFactory, SchoolFactory
from .test_import import HEADER, csv_bytes, messages_of, stored_files, token_of, upload

pytestmark = pytest.mark.django_db
Status = ImportJob.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def curator(client_as, school):
    return client_as(Role.CURATOR, school)


def pupils(count: int, start: int = 0) -> list[list[str]]:
    return [[f"Ученик{n}", "Иван", "Иванович", "01.09.2012", "7Б"] for n in range(start, start + count)]


def mentee_rows(count: int, category: str = "low_results") -> list[list[str]]:
    header = ["Фамилия", "Имя", "Дата рождения", "Класс", "Категории", "Запрос"]
    return [header] + [[f"Ученик{n}", "Иван", "01.09.2012", "7Б", category, "Алгебра"] for n in range(count)]


def job_page(client, pk, **headers):
    return client.get(reverse("import_job", args=[pk]), headers=headers)


def confirm(client, pk, **kwargs):
    return client.post(reverse("import_job_confirm", args=[pk]), **kwargs)


@pytest.fixture
def queued(monkeypatch) -> list:
    """The tasks handed to the worker, not run: the test plays the worker."""
    sent = []
    monkeypatch.setattr(tasks.import_job_check_task, "delay", lambda *args: sent.append(("check", args)))
    monkeypatch.setattr(tasks.import_job_confirm_task, "delay", lambda *args: sent.append(("confirm", args)))
    return sent


# --- Read once ------------------------------------------------------------------------------------------


def test_a_file_is_read_once_from_the_upload_to_the_confirm(curator, monkeypatch):
    reads = []
    original = run.read_bytes
    monkeypatch.setattr(run, "read_bytes", lambda *args: reads.append(1) or original(*args))
    pk = token_of(upload(curator, csv_bytes([HEADER, *pupils(3)])))
    job_page(curator, pk)
    job_page(curator, pk)
    assert confirm(curator, pk).url == reverse("person_list")
    assert reads == [1]
    assert Person.objects.count() == 3


# --- A large file in the background ---------------------------------------------------------------------


def test_a_large_file_is_checked_and_confirmed_by_a_worker_while_its_page_follows(curator, settings, queued):
    settings.IMPORT_BACKGROUND_ROWS = 2
    pk = token_of(upload(curator, csv_bytes([HEADER, *pupils(3)])))
    assert queued == [("check", (int(pk),))]
    page = job_page(curator, pk).content.decode()
    assert "Файл проверяется: строк 3." in page and 'hx-trigger="every 2s"' in page
    assert "Подтвердить импорт" not in page
    assert 'id="import-status"' in job_page(curator, pk, HX_Request="true").content.decode()

    tasks.import_job_check_task(int(pk))
    assert job_page(curator, pk, HX_Request="true").headers["HX-Refresh"] == "true"
    page = job_page(curator, pk).content.decode()
    assert "Ошибок нет." in page and "hx-trigger" not in page

    response = confirm(curator, pk)
    assert response.url == reverse("import_job", args=[pk])
    assert queued[-1] == ("confirm", (int(pk), 1))
    assert "Импорт записывается: строк 3." in job_page(curator, pk).content.decode()
    assert Person.objects.count() == 0

    tasks.import_job_confirm_task(int(pk), 1)
    page = job_page(curator, pk).content.decode()
    assert "Импортировано: 3 новых, 0 обновлено." in page
    assert Person.objects.count() == 3


def test_a_check_whose_worker_was_lost_runs_again_when_the_page_is_asked(curator, settings, queued):
    settings.IMPORT_BACKGROUND_ROWS = 2
    pk = token_of(upload(curator, csv_bytes([HEADER, *pupils(3)])))
    job_page(curator, pk, HX_Request="true")
    assert len(queued) == 1
    lost = timezone.now() - datetime.timedelta(seconds=settings.IMPORT_STALE_SECONDS + 1)
    ImportJob.objects.filter(pk=pk).update(started_at=lost)
    job_page(curator, pk, HX_Request="true")
    job_page(curator, pk, HX_Request="true")
    assert queued == [("check", (int(pk),))] * 2


# --- Never burned -----------------------------------------------------------------------------------------


def test_a_confirm_whose_worker_died_is_refused_while_it_may_run_then_may_be_confirmed_again(
    curator, settings, queued
):
    settings.IMPORT_BACKGROUND_ROWS = 2
    pk = token_of(upload(curator, csv_bytes([HEADER, *pupils(3)])))
    tasks.import_job_check_task(int(pk))
    confirm(curator, pk)  # the worker that took it is killed: its task never finishes

    refused = confirm(curator, pk)
    assert "Импорт этого файла уже записывается." in " ".join(messages_of(refused))
    assert queued.count(("confirm", (int(pk), 1))) == 1

    lost = timezone.now() - datetime.timedelta(seconds=settings.IMPORT_STALE_SECONDS + 1)
    ImportJob.objects.filter(pk=pk).update(started_at=lost)
    page = job_page(curator, pk).content.decode()
    assert "Запись прервалась, ничего не записано." in page and "Подтвердить ещё раз" in page
    assert "уже импортирован" not in page

    confirm(curator, pk)
    assert queued[-1] == ("confirm", (int(pk), 2))
    tasks.import_job_confirm_task(int(pk), 2)
    tasks.import_job_confirm_task(int(pk), 1)  # the first one, redelivered late, finds nothing to do
    assert ImportJob.objects.get(pk=pk).status == Status.DONE
    assert Person.objects.count() == 3
    assert LogEntry.objects.get_for_model(Person).filter(action=LogEntry.Action.CREATE).count() == 3


def test_a_confirm_the_database_refused_writes_nothing_and_may_be_retried(curator, monkeypatch):
    pk = token_of(upload(curator, csv_bytes([HEADER, *pupils(3)])))

    def busy(**kwargs):
        raise OperationalError("database is locked")

    with monkeypatch.context() as patched:
        patched.setattr(jobs, "import_write", busy)
        page = confirm(curator, pk, follow=True).content.decode()
    assert "база данных занята или недоступна. Ничего не записано" in page
    assert ImportJob.objects.get(pk=pk).status == Status.FAILED
    assert Person.objects.count() == 0

    assert confirm(curator, pk).url == reverse("person_list")
    assert Person.objects.count() == 3


def test_a_confirm_task_killed_by_its_time_limit_may_be_confirmed_again_at_once(curator, settings, queued):
    settings.IMPORT_BACKGROUND_ROWS = 2
    pk = token_of(upload(curator, csv_bytes([HEADER, *pupils(3)])))
    tasks.import_job_check_task(int(pk))
    confirm(curator, pk)
    tasks.import_job_confirm_task.on_failure(TimeoutError(), "id", (int(pk), 1), {}, None)
    job = ImportJob.objects.get(pk=pk)
    assert (job.status, job.error) == (Status.FAILED, tasks.IMPORT_GAVE_UP)
    assert job.may_confirm and job.rows_file


# --- Bounded confirm ----------------------------------------------------------------------------------------


def confirm_statements(school, user, rows: list[list[str]], target: str) -> int:
    sheet = run.read_bytes(csv_bytes(rows), run.get_target(target).import_columns())
    job = jobs.import_job_create(school=school, user=user, target=target, sheet=sheet, filename="a.csv")
    jobs.import_job_check(job_id=job.pk)
    attempt = import_job_claim(job=job, address=None)
    ContentType.objects.get_for_models(Person, MenteeEntry)  # cached for the process after its first use
    with CaptureQueriesContext(connection) as queries:
        import_job_confirm(job_id=job.pk, attempt=attempt)
    assert ImportJob.objects.get(pk=job.pk).status == Status.DONE
    return len(queries)


def test_a_confirm_makes_as_many_statements_for_50_rows_as_for_10(school, make_user, other_school):
    user = make_user(Role.CURATOR, school)
    other_user = make_user(Role.CURATOR, other_school)
    assert confirm_statements(school, user, mentee_rows(10), "mentees") == confirm_statements(
        other_school, other_user, mentee_rows(50), "mentees"
    )


def test_a_confirm_of_updates_makes_as_many_statements_for_50_rows_as_for_10(school, make_user, other_school):
    counts = []
    for where, size in ((school, 10), (other_school, 50)):
        user = make_user(Role.CURATOR, where)
        confirm_statements(where, user, mentee_rows(size), "mentees")
        counts.append(confirm_statements(where, user, mentee_rows(size, category="high_ability"), "mentees"))
    assert counts[0] == counts[1]
    assert MenteeEntry.objects.filter(categories__code="high_ability").count() == 60
    assert not MenteeEntry.objects.filter(categories__code="low_results").exists()


def test_rows_are_written_in_batches_of_the_set_size(school, make_user, settings):
    user = make_user(Role.CURATOR, school)
    settings.IMPORT_BATCH_SIZE = 5
    one_batch = confirm_statements(school, user, [HEADER, *pupils(5)], "people")
    three_batches = confirm_statements(school, user, [HEADER, *pupils(15, start=5)], "people")
    assert three_batches - one_batch == 2 * 2  # each more batch: its people, their audit entries


def test_the_history_of_an_imported_person_shows_the_import(curator, school, make_user):
    person = PersonFactory(
        school=school, last_name="Орлов", first_name="Олег", patronymic="", birth_date=None, grade=6
    )
    MenteeEntryFactory(person=person, request="")
    rows = [
        ["Фамилия", "Имя", "Класс", "Категории", "Запрос"],
        ["Орлов", "Олег", "7А", "high_ability", "Олимпиады"],
        ["Новиков", "Никита", "9Б", "low_results", ""],
    ]
    confirm(curator, token_of(upload(curator, csv_bytes(rows), target="mentees")))
    curator_user = LogEntry.objects.latest("pk").actor
    assert curator_user is not None

    changed = audit_trail(person, person.mentee_entry)
    said = {(row.action, change.field, change.old, change.new) for row in changed for change in row.changes}
    assert ("изменение", "Класс (номер)", "6", "7") in said
    assert ("изменение", "Запрос", "—", "Олимпиады") in said
    assert any(field == "Категории" and new.startswith("добавлено: ") for _, field, _, new in said)
    assert {row.actor for row in changed[:3]} == {str(curator_user)}

    new = Person.objects.get(last_name="Новиков")
    created = audit_trail(new, new.mentee_entry)
    assert {row.action for row in created} == {"создание", "изменение"}
    assert ("Фамилия", None, "Новиков") in {(c.field, c.old, c.new) for row in created for c in row.changes}


# --- The stored rows ----------------------------------------------------------------------------------------


def test_the_rows_of_abandoned_imports_are_deleted_when_newer_ones_come(curator, media, monkeypatch):
    monkeypatch.setattr(jobs, "MAX_PENDING", 1)
    first = token_of(upload(curator, csv_bytes([HEADER, *pupils(3)])))
    token_of(upload(curator, csv_bytes([HEADER, *pupils(3)])))
    assert len(stored_files(media)) == 1
    assert ImportJob.objects.get(pk=first).status == Status.ABANDONED
    assert "Этот импорт отменён" in " ".join(messages_of(confirm(curator, first)))
    assert "после него загружены более новые файлы" in job_page(curator, first).content.decode()
    assert Person.objects.count() == 0


def test_a_confirm_that_is_running_is_never_abandoned_for_a_newer_upload(curator, monkeypatch):
    monkeypatch.setattr(jobs, "MAX_PENDING", 1)
    running = token_of(upload(curator, csv_bytes([HEADER, *pupils(3)])))
    import_job_claim(job=ImportJob.objects.get(pk=running), address=None)
    token_of(upload(curator, csv_bytes([HEADER, *pupils(3)])))
    job = ImportJob.objects.get(pk=running)
    assert job.status == Status.CONFIRMING and job.rows_file


def test_the_schedule_abandons_imports_left_for_a_day_and_deletes_leftover_files(curator, media):
    old = token_of(upload(curator, csv_bytes([HEADER, *pupils(3)])))
    fresh = token_of(upload(curator, csv_bytes([HEADER, *pupils(3)])))
    ImportJob.objects.filter(pk=old).update(created_at=timezone.now() - datetime.timedelta(days=2))
    two_days_ago = timezone.now().timestamp() - 2 * 24 * 3600
    for name in ("crash-leftover.xlsx", ImportJob.objects.get(pk=old).rows_file.split("/")[-1]):
        path = media / "imports" / name
        path.touch()
        os.utime(path, (two_days_ago, two_days_ago))
    kept = ImportJob.objects.get(pk=fresh).rows_file.split("/")[-1]

    assert tasks.purge_stale_uploads_task() == 2
    assert stored_files(media) == [kept]
    job = ImportJob.objects.get(pk=old)
    assert (job.status, job.rows_file) == (Status.ABANDONED, "")
    assert "Импорт не подтвердили за сутки" in job_page(curator, old).content.decode()
    assert tasks.purge_stale_uploads_task() == 0


def test_the_schedule_keeps_only_the_counts_of_reports_older_than_a_day(curator):
    old = token_of(upload(curator, csv_bytes([HEADER, *pupils(3)])))
    confirm(curator, old)
    fresh = token_of(upload(curator, csv_bytes([HEADER, *pupils(2, start=3)])))
    ImportJob.objects.filter(pk=old).update(finished_at=timezone.now() - datetime.timedelta(days=2))
    tasks.purge_stale_uploads_task()
    report = ImportJob.objects.get(pk=old).report
    assert "rows" not in report and report["totals"]["new"] == 3
    assert "Ученик0" not in job_page(curator, old).content.decode()
    assert len(ImportJob.objects.get(pk=fresh).report["rows"]) == 2


def test_a_refused_file_keeps_no_rows_and_its_report_stays(curator, media):
    pk = token_of(upload(curator, csv_bytes([HEADER, ["Петров", "Пётр", "", "31.02.2012", "7Б"]])))
    job = ImportJob.objects.get(pk=pk)
    assert (job.status, job.rows_file, stored_files(media)) == (Status.REJECTED, "", [])
    assert "«31.02.2012» — не дата" in job_page(curator, pk).content.decode()


# --- The curator hears when the worker is done ------------------------------------------------------------


def import_notices(today: datetime.date | None = None) -> list[tuple[int, str, str]]:
    found = collected(Membership.objects.all(), today or timezone.localdate())
    return [(n.user_id, n.text, n.url) for n in found if n.kind == Notification.Kind.IMPORT_FINISHED]


def test_the_curator_hears_when_a_worker_has_checked_the_import_and_when_it_has_written_it(
    curator, settings, queued
):
    settings.IMPORT_BACKGROUND_ROWS = 2
    pk = token_of(upload(curator, csv_bytes([HEADER, *pupils(3)]), name="7б.csv"))
    user, url = ImportJob.objects.get().user_id, reverse("import_job", args=[pk])
    assert import_notices() == []

    tasks.import_job_check_task(int(pk))
    assert import_notices() == [(user, "Файл «7б.csv» проверен и ждёт подтверждения импорта.", url)]
    attention = [n.text for n in curator.get(reverse("home")).context["attention"]]
    assert "Файл «7б.csv» проверен и ждёт подтверждения импорта." in attention

    confirm(curator, pk)
    assert import_notices() == []
    tasks.import_job_confirm_task(int(pk), 1)
    assert import_notices() == [(user, "Импорт файла «7б.csv» завершён.", url)]
    assert import_notices(timezone.localdate() + datetime.timedelta(days=2)) == []


def test_a_failed_or_refused_import_is_told_to_its_curator_alone(curator, school, make_user, monkeypatch):
    make_user(Role.CURATOR, school)
    make_user(Role.CURATOR, SchoolFactory())
    refused = token_of(upload(curator, csv_bytes([HEADER, ["Петров", "Пётр", "", "31.02.2012", "7Б"]])))
    failed = token_of(upload(curator, csv_bytes([HEADER, *pupils(3)])))

    def busy(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(jobs, "import_write", busy)
    confirm(curator, failed)

    user = ImportJob.objects.get(pk=failed).user_id
    assert sorted(import_notices()) == [
        (
            user,
            "В файле «spisok.csv» есть ошибки: ничего не импортировано.",
            reverse("import_job", args=[refused]),
        ),
        (user, "Импорт файла «spisok.csv» не записан: повторите его.", reverse("import_job", args=[failed])),
    ]


# --- Who sees a job -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CURATOR, Role.DIRECTOR, Role.PSYCHOLOGIST])
def test_another_users_import_in_the_same_school_is_a_404(curator, client, client_as, school, role):
    pk = token_of(upload(curator, csv_bytes([HEADER, *pupils(3)])))
    client.logout()
    colleague = client_as(role, school)
    assert job_page(colleague, pk).status_code == 404
    assert confirm(colleague, pk).status_code == 404
    assert Person.objects.count() == 0


def test_the_import_page_makes_a_fixed_number_of_queries(curator, django_assert_num_queries):
    small = token_of(upload(curator, csv_bytes([HEADER, *pupils(3)])))
    large = token_of(upload(curator, csv_bytes([HEADER, *pupils(40)])))
    with django_assert_num_queries(4):
        job_page(curator, small)
    with django_assert_num_queries(4):
        job_page(curator, large)

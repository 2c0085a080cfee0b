"""A real Celery worker (and beat) for the tests that need one: a subprocess of `celery -A mentoring worker`
on the test's own database, media folder and Redis, which the test may kill as a machine or the kernel
would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from mentoring.celery import app

CELERY = Path(sys.executable).with_name("celery")
PROJECT = Path(__file__).resolve().parent.parent


def wait_for[T](check: Callable[[], T], *, timeout: float, what: str, every: float = 0.05) -> T:
    """The first true answer of `check`, asked every `every` seconds; the test fails after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answer := check():
            return answer
        time.sleep(every)
    pytest.fail(f"Не дождались за {timeout} с: {what}")


def worker_database_url() -> str:
    """The database the test runs on (pytest-django's test_… database), as a URL for the worker."""
    db = settings.DATABASES["default"]
    user = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}@{db['HOST']}{port}/{db['NAME']}"


def skip_without_broker() -> None:
    if not settings.REDIS_URL:
        pytest.skip("Нужен настоящий брокер: задайте REDIS_URL (и DATABASE_URL на PostgreSQL).")
    if connection.vendor != "postgresql":
        pytest.skip("Воркер в другом процессе не видит тестовую базу SQLite в памяти: нужен DATABASE_URL.")


class CeleryProcess:
    """A `celery -A mentoring …` subprocess in a session of its own (killing the session takes its children),
    on the test's database, media folder and Redis, writing its log to a file."""

    title = ""  # in Russian, for the test's failure
    ready_mark = b""  # what its log says once it works

    def __init__(self, log: Path, **environ: str):
        self.log = log
        self.environ = {
            **os.environ,
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            **environ,
        }
        self.process: subprocess.Popen | None = None

    def arguments(self) -> list[str]:
        raise NotImplementedError

    def start(self, timeout: float = 60) -> None:
        offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(CELERY), "-A", "mentoring", *self.arguments(), "-l", "info"],
                cwd=PROJECT,
                env=self.environ,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(lambda: self.started(offset), timeout=timeout, what=f"{self.title} готов", every=0.2)

    def started(self, offset: int) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"{self.title} завершился при запуске:\n{self.output()}")
        with self.log.open("rb") as log:
            log.seek(offset)
            return self.ready_mark in log.read()

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """The whole process dies at once, as with a machine that is switched off: nothing is acknowledged."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


class Worker(CeleryProcess):
    """`celery -A mentoring worker`: runs the tasks the test (as the web process) or beat sends."""

    title = "Воркер Celery"
    ready_mark = b" ready."

    def __init__(self, log: Path, *, concurrency: int = 1, **environ: str):
        super().__init__(log, **environ)
        self.concurrency = concurrency

    def arguments(self) -> list[str]:
        return [
            "worker",
            "--pool=prefork",
            f"--concurrency={self.concurrency}",
            "--queues=celery,documents",
            "--without-gossip",
            "--without-mingle",
        ]

    def succeeded(self, task: str = "") -> int:
        """How many tasks (named `task`, if given) have succeeded."""
        return sum(task in line for line in self.output().splitlines() if " succeeded in " in line)

    def pool_processes(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        return [int(pid) for pid in children.split()]

    def kill_pool_processes(self) -> None:
        """What the OOM killer does to a render: the main process lives on and sees its child lost."""
        for pid in self.pool_processes():
            os.kill(pid, signal.SIGKILL)


class Beat(CeleryProcess):
    """`celery -A mentoring beat`: sends the scheduled jobs of CELERY_BEAT_SCHEDULE when they are due; its
    schedule file (when each job last ran) beside its log."""

    title = "Celery beat"
    ready_mark = b"beat: Starting..."

    def arguments(self) -> list[str]:
        return ["beat", f"--schedule={self.log.with_suffix('.schedule')}"]


@contextmanager
def celery_workers(log_dir: Path) -> Iterator[Callable[..., CeleryProcess]]:
    """Starts real workers (and beat: `start(Beat)`), stopped at the end. The Redis database of the tests
    starts empty, so that no message of an earlier test reaches them; the test process only sends tasks, as
    the web process does."""
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    started: list[CeleryProcess] = []

    def start[P: CeleryProcess](kind: type[P] = Worker, **options) -> P:
        process = kind(log_dir / f"{kind.__name__.lower()}-{len(started)}.log", **options)
        started.append(process)
        process.start()
        return process

    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(app.conf, "task_always_eager", False)
        try:
            yield start
        finally:
            for process in started:
                process.stop()

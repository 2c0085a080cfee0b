"""`make bench`: the morning rush of issue 18. Gunicorn exactly as docker-compose.yml runs it (3 sync workers)
and one Celery worker at the CPU weight of `worker-documents`, on the large municipality, under 50 logged-in
users (coordinators, curators, mentors and mentees answering by their links) who each wait 0–1 s between
requests on a realistic mix; once without documents and once while 20 PDFs render.

Prints requests per second, p50/p95/p99, errors and the service time per request (processor time of the
gunicorn processes over the requests served) beside the issue's figures, and what PostgreSQL and the simulated
users themselves spent per request on the same cores; nothing is asserted. Needs
PostgreSQL and Redis (DATABASE_URL, REDIS_URL): gunicorn and the worker are other processes and read the
committed rows of the test database. LOAD_SECONDS (30 by default) bounds each run.
"""

import datetime
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentoring import documents
from mentoring.documents import Draft
from mentoring.models import Document, Organisation, User
from monitoring.documents import STAGE_2_REPORT, STAGE_2_TITLE
from monitoring.models import Invitation, Survey
from pairs.models import Pair
from programs.models import Programme
from tests.celery_worker import PROJECT, Worker, celery_workers, wait_for, worker_database_url

SECONDS = float(os.environ.get("LOAD_SECONDS", "30"))
USERS = {"coordinator": 5, "curator": 15, "mentor": 15, "mentee": 15}
PDFS = 20
WARM_UP = 115  # seconds a warm-up request may take: gunicorn's --timeout is 120
# The figures of issue 18 (the same mix before the work on it): requests/s, p50, p95, ms per request.
ISSUE = {
    "без PDF": ("38–40", "818–1014", "1022–1274", "≈77"),
    "20 PDF": ("20–25", "1604–1876", "1895–3211", "—"),
}
GUNICORN = Path(sys.executable).with_name("gunicorn")
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Visitor:
    """One simulated user: a session cookie (or none, for a mentee's link) and the requests to choose from."""

    port: int
    mix: list[Callable[["Visitor"], tuple[str, str, dict | None]]]
    cookies: dict[str, str] = field(default_factory=dict)

    def send(self, method: str, path: str, form: dict | None = None, timeout: float = 60) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form}
            body = urlencode(form)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.origin}
        link = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            link.request(method, path, body=body, headers=headers)
            answer = link.getresponse()
            text = answer.read().decode(errors="replace")
        finally:
            link.close()
        for cookie in answer.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        return answer.status, text

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


def get(path: str) -> Callable[[Visitor], tuple[str, str, dict | None]]:
    return lambda visitor: ("GET", path, None)


def any_of(paths: list[str]) -> Callable[[Visitor], tuple[str, str, dict | None]]:
    return lambda visitor: ("GET", random.choice(paths), None)


def draft_of(paths: list[str]) -> Callable[[Visitor], tuple[str, str, dict | None]]:
    """A questionnaire's POST: the answers saved as a draft (the CSRF cookie comes with its GET)."""
    return lambda visitor: ("POST", random.choice(paths), {"save_draft": "1"})


def surveys_reopened(department: Organisation) -> list[int]:
    """The municipality's surveys are all over by today: the latest of each school is open again for the
    rush, answered (its answers may still be corrected) or not."""
    latest = [
        Survey.objects.filter(school=school).order_by("-opens_on", "-pk").values_list("pk", flat=True).first()
        for school in department.schools.all()
    ]
    Survey.objects.filter(pk__in=latest).update(
        closes_on=timezone.localdate() + datetime.timedelta(days=14), closed_at=None
    )
    return latest


def mixes(department: Organisation) -> dict[str, list]:
    """What each kind of user opens, in proportion (a request listed twice is chosen twice as often)."""
    school = Organisation.objects.get(memberships__user__username="bench_curator")
    mentor = User.objects.get(username="bench_mentor")
    programme = (
        Programme.objects.filter(school=school).annotate(n=Count("pairs")).order_by("-n", "pk").first()
    )
    pairs = [
        reverse("pair_detail", args=[pk])
        for pk in Pair.objects.filter(school=school).values_list("pk", flat=True)[:200]
    ]
    surnames = list(
        Pair.objects.filter(school=school).values_list("mentor__person__last_name", flat=True).distinct()[:50]
    )
    searches = [f"{reverse('pair_list')}?{urlencode({'q': name[:5]})}" for name in surnames]
    searches += [f"{reverse('mentee_list')}?{urlencode({'q': name[:4]})}" for name in surnames]
    open_invitations = Invitation.objects.filter(survey__in=surveys_reopened(department))
    links = [
        reverse("respond_link", args=[token])
        for token in open_invitations.filter(role="mentee").values_list("token", flat=True)[:200]
    ]
    own = [
        reverse("respond", args=[pk])
        for pk in open_invitations.filter(
            person__user=mentor, respondent=Invitation.Respondent.SELF
        ).values_list("survey_id", flat=True)
    ]
    own_pairs = [
        reverse("pair_detail", args=[pk])
        for pk in Pair.objects.filter(mentor__person__user=mentor).values_list("pk", flat=True)
    ]
    home = get(reverse("home"))
    return {
        "coordinator": [home, home, get(reverse("department_schools")), get(reverse("department_schools"))],
        "curator": [
            home,
            get(reverse("mentee_list")),
            get(reverse("pair_list")),
            get(reverse("mentor_list")),
            any_of(searches),
            any_of(pairs),
            any_of(pairs),
            get(reverse("stage1_school")),
            get(reverse("stage2_programme", args=[programme.pk])),
        ],
        "mentor": [home, home, any_of(own_pairs or pairs[:1])]
        + ([any_of(own), draft_of(own)] if own else []),
        "mentee": [any_of(links), draft_of(links)] if links else [home],
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_command(port: int, control: Path) -> list[str]:
    """The web service's command of docker-compose.yml, bound to a free local port, its control socket
    apart from those of other gunicorns of the machine."""
    compose = yaml.safe_load((PROJECT / "docker-compose.yml").read_text())
    command = compose["services"]["web"]["command"]
    command = [str(GUNICORN) if part == "gunicorn" else part for part in command]
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    return [*command, "--control-socket", str(control)]


def processor_seconds(pids: list[int]) -> dict[int, float]:
    """Each living process's processor time so far."""
    spent = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        spent[pid] = (int(fields[11]) + int(fields[12])) / TICK  # utime and stime
    return spent


def spent_since(before: dict[int, float], pids: list[int]) -> float:
    """What the processes spent since `before`, those started since counted whole and those ended since
    not at all."""
    return sum(seconds - before.get(pid, 0) for pid, seconds in processor_seconds(pids).items())


def database_seconds() -> float:
    """The processor time of the PostgreSQL servers of the machine so far: each server process, its living
    connections and those that have ended (a connection is reopened every DB_CONN_MAX_AGE seconds)."""
    total = 0.0
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() != "postgres":
                continue
            fields = (comm.parent / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent = Path(f"/proc/{fields[1]}/comm")
        if parent.exists() and parent.read_text().strip() == "postgres":
            total += int(fields[11]) + int(fields[12])  # a connection: utime and stime
        else:
            total += sum(map(int, fields[11:15]))  # the server: its own and its ended children's
    return total / TICK


def family(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *map(int, children)]


def rush(visitors: list[Visitor], seconds: float, web: int) -> dict:
    """Every visitor requests, waits 0–1 s, requests again, until the time is up."""
    timings: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def visit(visitor: Visitor) -> None:
        chance = random.Random(id(visitor))
        while True:
            time.sleep(chance.random())
            if time.monotonic() >= deadline:
                return
            method, path, form = chance.choice(visitor.mix)(visitor)
            started = time.perf_counter()
            try:
                status, _ = visitor.send(method, path, form)
                failure = f"{status} {method} {path}" if status >= 400 else ""
            except OSError as error:
                failure = f"{error!r} {method} {path}"
            with lock:
                timings.append((time.perf_counter() - started) * 1000)
                if failure:
                    errors.append(failure)

    processes = family(web)
    cpu, started = processor_seconds(processes), time.monotonic()
    database_cpu, own_cpu = database_seconds(), time.process_time()
    threads = [threading.Thread(target=visit, args=(visitor,)) for visitor in visitors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed, cpu = time.monotonic() - started, spent_since(cpu, processes)
    database_cpu = database_seconds() - database_cpu
    own_cpu = time.process_time() - own_cpu
    centiles = statistics.quantiles(timings, n=100)
    return {
        "rps": len(timings) / elapsed,
        "p50": centiles[49],
        "p95": centiles[94],
        "p99": centiles[98],
        "errors": errors,
        "count": len(timings),
        "cpu_ms": 1000 * cpu / len(timings),
        "database_ms": 1000 * database_cpu / len(timings),
        "visitors_ms": 1000 * own_cpu / len(timings),
        "restarted": family(web) != processes,
    }


def report(name: str, run: dict) -> None:
    rps, p50, p95, cpu = ISSUE[name]
    print(
        f"  {name:8} {run['rps']:6.1f} запр./с ({rps}) | p50 {run['p50']:5.0f} мс ({p50}) | "
        f"p95 {run['p95']:5.0f} мс ({p95}) | p99 {run['p99']:5.0f} мс | ошибок {len(run['errors'])} (0) | "
        f"процессор на запрос {run['cpu_ms']:.0f} мс ({cpu}), у PostgreSQL ещё {run['database_ms']:.0f} мс, "
        f"у самих посетителей {run['visitors_ms']:.0f} мс; запросов {run['count']}"
        + ("; воркер gunicorn перезапускался" if run["restarted"] else "")
    )
    for error in sorted(set(run["errors"]))[:5]:
        print(f"    ошибка: {error}")


def page_name(path: str) -> str:
    """A path with its ids and tokens left out: one page of the mix whatever pair or link it opens."""
    parts = path.split("?")[0].strip("/").split("/")
    return "/" + "/".join("…" if part.isdigit() or len(part) > 30 else part for part in parts)


def alone(kinds: dict[str, Visitor], visitors: list[Visitor]) -> None:
    """Each request of the mix answered alone (the median of three): its service time, and its share of
    the rush's work by how often the mix asks for it."""
    shares = {}
    for kind, visitor in kinds.items():
        users = sum(v.mix is visitor.mix for v in visitors)
        for request in visitor.mix:
            method, path, form = request(visitor)
            samples = []
            for _ in range(3):
                started = time.perf_counter()
                visitor.send(method, path, form)
                samples.append((time.perf_counter() - started) * 1000)
            key = (kind, method, page_name(path))
            ms, weight = shares.get(key, (statistics.median(samples), 0))
            shares[key] = (ms, weight + users / len(visitor.mix))
    total = sum(ms * weight for ms, weight in shares.values())
    print("  По страницам, каждая одна на сервере (медиана из трёх) и её доля в работе часа пик:")
    for (kind, method, name), (ms, weight) in sorted(
        shares.items(), key=lambda item: -item[1][0] * item[1][1]
    ):
        print(f"    {ms:5.0f} мс  {100 * ms * weight / total:4.1f} %  {kind:11} {method} {name}")


# The CPU weight of worker-documents against the web's: cpu_shares 2, which Docker on cgroup v2 writes as
# cpu.weight 1, against the web's default 100. Nice 16 weighs 29 against nice 0's 1024: 1 to 35, more than
# the worker gets in production.
WORKER_NICE = 16


def weighed_down(worker: Worker) -> None:
    """Gives the worker the weight of worker-documents. Where the kernel groups processes by session, a nice
    value counts only inside the group: the worker, a session of its own, gets it as its group's."""
    if Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1":
        Path(f"/proc/{worker.process.pid}/autogroup").write_text(str(WORKER_NICE))
    else:
        for pid in [worker.process.pid, *worker.pool_processes()]:
            os.setpriority(os.PRIO_PROCESS, pid, WORKER_NICE)


def order_reports(department: Organisation) -> list[Document]:
    """Stage 2 reports of the department's largest programmes, ordered as a curator orders them."""
    by = User.objects.get(username="bench_curator")
    programmes = (
        Programme.objects.filter(school__department=department)
        .annotate(n=Count("pairs"))
        .order_by("-n", "pk")[:PDFS]
    )
    made = []
    for programme in programmes:
        draft = Draft(STAGE_2_TITLE, {"programme": programme.pk, "year": None})
        made += documents.documents_request(
            school=programme.school, kind=STAGE_2_REPORT, drafts=[draft], date=timezone.localdate(), by=by
        )
    return made


@pytest.fixture
def municipality(department):
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("Нагрузочный тест нужен на PostgreSQL и Redis: задайте DATABASE_URL и REDIS_URL.")
    return department


# Committed rows, so that gunicorn and the worker see what the test writes (sessions, ordered documents);
# the database is emptied after it, so conftest.py runs it after every other benchmark.
@pytest.mark.django_db(transaction=True)
def test_the_morning_rush(municipality, tmp_path):
    port = free_port()
    environ = {**os.environ, "DATABASE_URL": worker_database_url(), "WEB_CONCURRENCY": "3", "DEBUG": "0"}
    log = (tmp_path / "gunicorn.log").open("wb")
    web = subprocess.Popen(
        gunicorn_command(port, tmp_path / "gunicorn.ctl"),
        cwd=PROJECT,
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        with celery_workers(tmp_path) as start:
            worker = start(Worker)
            weighed_down(worker)
            wait_for(lambda: len(family(web.pid)) == 4, timeout=30, what="gunicorn с тремя воркерами")
            visitors = []
            kinds: dict[str, Visitor] = {}
            for kind, mix in mixes(municipality).items():
                for _ in range(USERS[kind]):
                    visitor = Visitor(port, mix)
                    if kind != "mentee":
                        client = Client()
                        client.force_login(
                            User.objects.get(username=f"bench_{kind}"),
                            backend="django.contrib.auth.backends.ModelBackend",
                        )
                        visitor.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[
                            settings.SESSION_COOKIE_NAME
                        ].value
                    visitors.append(visitor)
                    kinds.setdefault(kind, visitor)
            # Each kind's pages once (a first home page counts the department's figures, kept five
            # minutes), then the CSRF cookie of each visitor.
            for visitor in kinds.values():
                for method, path, _ in (request(visitor) for request in visitor.mix):
                    if method == "GET":
                        visitor.send(method, path, timeout=WARM_UP)
            for visitor in visitors:
                visitor.send(*visitor.mix[0](visitor)[:2], timeout=WARM_UP)
            print(
                f"\nУтренний час пик ({connection.vendor}): {len(visitors)} пользователей {USERS}, "
                f"по {SECONDS:.0f} с на прогон, средняя загрузка машины {os.getloadavg()[0]:.1f} "
                f"(ядра делят и другие процессы); в скобках — цифры задачи 18:"
            )
            alone(kinds, visitors)
            report("без PDF", rush(visitors, SECONDS, web.pid))
            ordered = order_reports(municipality)
            report("20 PDF", rush(visitors, SECONDS, web.pid))
            ready = Document.objects.filter(pk__in=[d.pk for d in ordered], status=Document.Status.READY)
            print(f"  за прогон сформировано документов: {ready.count()} из {len(ordered)}")
    finally:
        os.killpg(web.pid, 15)
        web.wait(timeout=30)
        log.close()

import statistics
import threading
import time
import tracemalloc
from collections.abc import Callable

import pytest
from django.db import connection

from mentoring import demo
from mentoring.models import MenteeEntry, Organisation, Person
from monitoring.models import Answer, Response
from pairs.models import Meeting, Pair, PlanItem

REPEATS = 30


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The load test empties the database after it (its rows must be committed for gunicorn): it runs last."""
    items.sort(key=lambda item: item.module.__name__.endswith("test_bench_load"))


@pytest.fixture(scope="session")
def department(django_db_setup, django_db_blocker) -> Organisation:
    """The large municipality, built once for every benchmark of the run."""
    with django_db_blocker.unblock():
        started = time.perf_counter()
        found = demo.build_municipality(**demo.BENCH_SIZE, seed=demo.BENCH_SEED).department
        # The planner's statistics, as autovacuum would gather them in a while: without them PostgreSQL
        # plans the fresh tables blind (the coordinator's home takes a minute instead of a second).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        seconds = time.perf_counter() - started
        pairs = Pair.objects.filter(school__department=found)
        print(
            f"\nБольшой муниципалитет построен за {seconds:.1f} с ({connection.vendor}): "
            f"{Person.objects.count()} участников, {MenteeEntry.objects.count()} в базе наставляемых, "
            f"пар и групп {pairs.count()} (в работе {pairs.current().count()}), "
            f"встреч {Meeting.objects.filter(pair__in=pairs).count()}, "
            f"пунктов планов {PlanItem.objects.filter(pair__in=pairs).count()}, "
            f"ответов на анкеты {Response.objects.filter(submitted_at__isnull=False).count()} "
            f"({Answer.objects.count()} ответов на вопросы)."
        )
        return found


def timings(request: Callable[[], object]) -> tuple[float, float]:
    """Median and 95th percentile of REPEATS runs, in milliseconds."""
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        request()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), statistics.quantiles(samples, n=20)[18]


def side_by_side(**requests: Callable[[], object]) -> dict[str, tuple[float, float]]:
    """Median wall and CPU milliseconds of each request over REPEATS rounds, taken in turn and in reverse
    order every other round: on a shared machine the load of a moment weighs on all of them alike."""
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in requests}
    order = list(requests.items())
    for round_ in range(REPEATS):
        for name, request in order if round_ % 2 else reversed(order):
            started, cpu = time.perf_counter(), time.process_time()
            request()
            samples[name].append(((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000))
    return {
        name: (statistics.median(w for w, _ in found), statistics.median(c for _, c in found))
        for name, found in samples.items()
    }


def resident_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def timed_then_traced(action: Callable[[], object]) -> tuple[object, float, float]:
    """The result and seconds of one run of the action, then the peak of traced Python memory (MB) of
    another run: tracing slows Python down, so the time is taken without it."""
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        action()
        return result, seconds, tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def measured(action: Callable[[], object]) -> tuple[object, float, float]:
    """Wall time, and the peak growth of resident memory sampled beside it (tracemalloc would triple the
    time of the very thing measured)."""
    baseline, peak, done = resident_mb(), [0.0], threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], resident_mb() - baseline)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    try:
        result = action()
    finally:
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    return result, seconds, peak[0]

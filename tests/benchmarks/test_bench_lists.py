"""`make bench`: the mentee list and the pair list of a school of the large municipality, side by side in one
process with the Django admin changelist of the same 20 rows and a bare view returning them as plain text.

Figures are printed, never asserted; only the query counts are part of the contract.
"""

import statistics
import time
from collections.abc import Callable

import pytest
from django.contrib.admin import site
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from mentoring.access import allow_any_user
from mentoring.models import MenteeEntry, Organisation, User, consent_date
from pairs.models import Pair
from pairs.views import with_columns

from .conftest import REPEATS, timings
from .test_bench_pairs import login, queries_of

ROWS = 20


def cpu_ms(request: Callable[[], object]) -> float:
    """Median CPU time of the process per request: the machine's other load does not count."""
    samples = []
    for _ in range(REPEATS):
        started = time.process_time()
        request()
        samples.append((time.process_time() - started) * 1000)
    return statistics.median(samples)


@allow_any_user
def bare_mentees(request: HttpRequest, school: int) -> HttpResponse:
    rows = (
        MenteeEntry.objects.filter(school=school, person__depersonalised_at__isnull=True)
        .select_related("person", "school")
        .annotate(consent_date=consent_date("person"))
        .prefetch_related("categories")
        .order_by("person__last_name", "person__first_name", "pk")[:ROWS]
    )
    lines = (
        f"{e.person.full_name}\t{e.person.school_class}\t{[c.name for c in e.categories.all()]}\t"
        f"{e.get_status_display()}\t{e.consent_date}\t{e.included_on}"
        for e in rows
    )
    return HttpResponse("\n".join(lines), content_type="text/plain")


@allow_any_user
def bare_pairs(request: HttpRequest, school: int) -> HttpResponse:
    rows = with_columns(Pair.objects.filter(school=school)).order_by("-pk")[:ROWS]
    lines = (
        f"{p.mentor.person.full_name}\t{p.mentees_label}\t{p.programme.title}\t{p.role_model_label}\t"
        f"{p.get_status_display()}\t{p.health_label}\t{p.started_on}\t{p.plan_done}/{p.plan_total}\t"
        f"{p.meetings_held}"
        for p in rows
    )
    return HttpResponse("\n".join(lines), content_type="text/plain")


urlpatterns = [
    path("bare/mentees/<int:school>/", bare_mentees),
    path("bare/pairs/<int:school>/", bare_pairs),
    path("", include("mentoring.urls")),
]


@pytest.fixture
def admin_lists_20_rows(monkeypatch):
    for model in (MenteeEntry, Pair):
        monkeypatch.setattr(site._registry[model], "list_per_page", ROWS)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.usefixtures("admin_lists_20_rows")
@pytest.mark.parametrize(
    ("title", "page", "admin", "bare"),
    [
        ("База наставляемых", "/mentees/", "/admin/mentoring/menteeentry/", "/bare/mentees/"),
        ("Пары и группы", "/pairs/", "/admin/pairs/pair/", "/bare/pairs/"),
    ],
)
def test_list_against_admin_and_bare_view(department, client, django_user_model, title, page, admin, bare):
    school = Organisation.objects.get(memberships__user__username="bench_curator")
    curator = login(client, "bench_curator")
    count = queries_of(curator, page)
    assert curator.get(f"{bare}{school.pk}/").status_code == 200
    ours, _ = timings(lambda: curator.get(page))
    ours_cpu = cpu_ms(lambda: curator.get(page))
    bare_median, _ = timings(lambda: curator.get(f"{bare}{school.pk}/"))
    bare_cpu = cpu_ms(lambda: curator.get(f"{bare}{school.pk}/"))

    superuser = User.objects.filter(is_superuser=True).first() or django_user_model.objects.create_superuser(
        "bench_admin", password="x"
    )
    client.force_login(superuser, backend="django.contrib.auth.backends.ModelBackend")
    admin_url = f"{admin}?school__id__exact={school.pk}"
    assert client.get(admin_url).status_code == 200
    admin_median, _ = timings(lambda: client.get(admin_url))
    admin_cpu = cpu_ms(lambda: client.get(admin_url))
    print(
        f"\n{title}, {ROWS} строк, {REPEATS} запросов, медианы: страница {ours:6.1f} мс "
        f"(запросов к базе {count}), changelist администратора {admin_median:6.1f} мс, "
        f"голый вид {bare_median:6.1f} мс; страница/админ {ours / admin_median:.2f}×, "
        f"страница/голый {ours / bare_median:.2f}×; время процессора: страница {ours_cpu:6.1f} мс, "
        f"администратор {admin_cpu:6.1f} мс, голый вид {bare_cpu:6.1f} мс"
    )

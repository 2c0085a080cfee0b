"""`make bench`: the mentee list and the pair list of a school of the large municipality, side by side in one
process with the Django admin changelist of the same 20 rows and a bare view returning them as plain text.

Figures are printed, never asserted; only the query counts are part of the contract.
"""

import pytest
from django.contrib.admin import site
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

from mentoring.access import allow_any_user
from mentoring.models import MenteeEntry, Organisation, User, consent_date
from pairs.models import Pair
from pairs.views import with_columns

from .conftest import REPEATS, side_by_side
from .test_bench_pairs import login, queries_of

ROWS = 20


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
    bare_url = f"{bare}{school.pk}/"
    assert curator.get(bare_url).status_code == 200
    superuser = User.objects.filter(is_superuser=True).first() or django_user_model.objects.create_superuser(
        "bench_admin", password="x"
    )
    administrator = Client()
    administrator.force_login(superuser, backend="django.contrib.auth.backends.ModelBackend")
    admin_url = f"{admin}?school__id__exact={school.pk}"
    assert administrator.get(admin_url).status_code == 200

    found = side_by_side(
        ours=lambda: curator.get(page),
        admin=lambda: administrator.get(admin_url),
        bare=lambda: curator.get(bare_url),
    )
    (ours, ours_cpu), (admin_median, admin_cpu), (bare_median, bare_cpu) = found.values()
    print(
        f"\n{title}, {ROWS} строк, {REPEATS} запросов по очереди, медианы: страница {ours:6.1f} мс "
        f"(запросов к базе {count}), changelist администратора {admin_median:6.1f} мс, "
        f"голый вид {bare_median:6.1f} мс; страница/админ {ours / admin_median:.2f}×, "
        f"страница/голый {ours / bare_median:.2f}×; время процессора: страница {ours_cpu:6.1f} мс, "
        f"администратор {admin_cpu:6.1f} мс, голый вид {bare_cpu:6.1f} мс"
    )

"""`make bench`: the stage 1 and stage 2 monitoring pages of a programme and of a school of the large
municipality, with years of surveys behind them, and stage 2 summed up in the database (issue 18).

Figures are printed, never asserted; only the query counts are part of the contract.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring.academic_year import AcademicYear
from mentoring.models import Organisation
from monitoring import stage_views, stages
from monitoring.models import Invitation, Response
from monitoring.stages import STAGE_1_PURPOSES, SUBMITTED
from pairs.models import Pair
from programs.models import Programme
from roadmap import department as department_data
from roadmap.department import schools_counted, schools_table_key
from roadmap.indicators import department_schools
from tests.test_stage_2_in_sql import stage_2_changes_in_python

from .conftest import REPEATS, side_by_side, timings
from .test_bench_pairs import login

# Stage 1 reads the stage-1, feedback and satisfaction surveys; stage 2 the entry and exit surveys.
STAGES = {
    "stage1": {"invitation__survey__questionnaire__purpose__in": STAGE_1_PURPOSES},
    "stage2": {"invitation__survey__phase__in": ["entry", "exit"]},
}


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


@pytest.mark.django_db
def test_monitoring_stage_pages(department, client):
    school = Organisation.objects.get(memberships__user__username="bench_curator")
    programme = (
        Programme.objects.filter(school=school)
        .annotate(pairs_count=Count("pairs"))
        .order_by("-pairs_count", "pk")
        .first()
    )
    curator = login(client, "bench_curator")
    submitted = Response.objects.filter(submitted_at__isnull=False, invitation__survey__school=school)

    print(
        f"\nМониторинг школы {school.short_name} и её программы «{programme.title}» "
        f"(пар и групп: {programme.pairs_count}), {connection.vendor}, {REPEATS} запросов на страницу:"
    )
    for stage, surveys in STAGES.items():
        answered = submitted.filter(**surveys)
        pages = (
            (f"{stage}_programme", [programme.pk], answered.filter(invitation__survey__programme=programme)),
            (f"{stage}_school", [], answered),
        )
        for name, args, behind in pages:
            url = reverse(name, args=args)
            first, second = queries_of(curator, url), queries_of(curator, url)
            median, p95 = timings(lambda url=url: curator.get(url))
            print(
                f"  {name:17} ответов {behind.count():6}: медиана {median:7.1f} мс, "
                f"95-й процентиль {p95:7.1f} мс, запросов к базе {first}"
            )
            assert first == second, name


@pytest.mark.django_db
def test_stage_2_in_the_database(department, client, monkeypatch, settings):
    """Issue 18: the coordinator's home against its floor, the schools table's figures alone; the same home
    with stage 2 looped over in Python as before, and with the figures kept for five minutes as the product
    runs; a programme's stage 2 page whole as before and paginated."""
    year = AcademicYear.current()
    coordinator = login(client, "bench_coordinator")
    schools = department_schools(department)
    found = side_by_side(
        home=lambda: coordinator.get(reverse("home")),
        floor=lambda: schools_counted(department, year, schools),
    )
    (home, _), (floor, _) = found.values()
    monkeypatch.setattr(department_data, "stage_2_changes", stage_2_changes_in_python)
    home_before, _ = timings(lambda: coordinator.get(reverse("home")))
    monkeypatch.undo()
    settings.DEPARTMENT_FIGURES_SECONDS = 300
    home_kept, _ = timings(lambda: coordinator.get(reverse("home")))
    cache.delete(schools_table_key(department, year))
    print(
        f"\nЭтап 2 в базе ({connection.vendor}): главная координатора {home:.1f} мс, «пол» (таблица школ без "
        f"страницы, по очереди с главной) {floor:.1f} мс, {home / floor:.2f}× (цель ≤ 1,2×); "
        f"до: с этапом 2 в цикле Python {home_before:.1f} мс, {home_before / floor:.2f}×; "
        f"с цифрами, сохранёнными на 5 мин (как в работе): "
        f"{home_kept:.1f} мс"
    )

    school = Organisation.objects.get(memberships__user__username="bench_curator")
    programmes = Programme.objects.filter(school=school).annotate(pairs_count=Count("pairs"))
    programme = programmes.order_by("-pairs_count", "pk").first()
    curator = login(client, "bench_curator")
    url = reverse("stage2_programme", args=[programme.pk])
    paginated = curator.get(url)
    monkeypatch.setattr(stage_views, "PEOPLE_PER_PAGE", 10**6)
    whole = curator.get(url)
    monkeypatch.undo()
    school_page, _ = timings(lambda: curator.get(reverse("stage2_school")))
    built = stages.stage_2

    def with_pairs_loaded(surveys):
        # As before: every pair named by an answer to the surveys, loaded whole with its members.
        found = built(surveys)
        answered = Invitation.objects.filter(SUBMITTED, survey__in=surveys.exclude(phase=""))
        pairs = Pair.objects.filter(pk__in=answered.values("pair_id")).select_related("mentor__person")
        found.pair_labels = {pair.pk: str(pair) for pair in pairs.prefetch_related("members__mentee__person")}
        return found

    monkeypatch.setattr(stages, "stage_2", with_pairs_loaded)
    school_page_before, _ = timings(lambda: curator.get(reverse("stage2_school")))
    monkeypatch.undo()
    people = paginated.context["page_obj"].paginator.count
    size, size_before = len(paginated.content) // 1024, len(whole.content) // 1024
    print(
        f"  этап 2 программы «{programme.title}»: участников {people}, страница {size} КБ (вся таблица, "
        f"как до: {size_before} КБ); этап 2 школы: медиана {school_page:.1f} мс (с загрузкой пар, как до: "
        f"{school_page_before:.1f} мс)"
    )

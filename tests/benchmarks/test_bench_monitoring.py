"""`make bench`: the stage 1 and stage 2 monitoring pages of a programme and of a school of the large
municipality, with years of surveys behind them.

Figures are printed, never asserted; only the query counts are part of the contract.
"""

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring.models import Organisation
from monitoring.models import Response
from monitoring.stages import STAGE_1_PURPOSES
from programs.models import Programme

from .conftest import REPEATS, timings
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

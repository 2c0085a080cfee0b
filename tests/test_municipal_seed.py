"""Seed 003 carried in full: the municipal roadmap's §1 «Основные положения» and §3 «Задачи», its terms
counted from its first month as the seed counts them, and the body named as the department is, not «ДпО»."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from mentoring.academic_year import AcademicYear
from mentoring.models import Document, Role
from roadmap import indicators, services
from roadmap.documents import DEPARTMENT_ROADMAP
from roadmap.indicators import Light
from roadmap.models import Activity, Indicator, Roadmap
from roadmap.templates_data import TEMPLATES
from roadmap.timeline import stages_of, timeline_of
from tests.documents import pdf_text
from tests.factories import DepartmentFactory, SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_user, school):
    return make_user(Role.COORDINATOR, school.department)


def municipal_roadmap(school, coordinator, start_year: int = 2026) -> Roadmap:
    return services.roadmap_create_from_template(
        organisation=school.department,
        template=TEMPLATES["municipal"],
        year=AcademicYear.starting(start_year),
        by=coordinator,
    )


def test_the_municipal_roadmap_starts_with_its_first_activity_in_september_and_keeps_the_seeds_distances(
    school, coordinator
):
    roadmap = municipal_roadmap(school, coordinator)
    first = Activity.objects.filter(stage__roadmap=roadmap).order_by("stage__order", "order").first()
    local_acts = Activity.objects.get(stage__roadmap=roadmap, title__startswith="Разработка локальных")
    report = Activity.objects.get(stage__roadmap=roadmap, title="Аналитический отчёт")

    # Seed 003: 03.2022–05.2022, then 08.2022–09.2022 (five months after the start), then 05.2023–06.2023.
    assert (first.starts_on, first.ends_on) == (datetime.date(2026, 9, 1), datetime.date(2026, 11, 30))
    assert (local_acts.starts_on, local_acts.ends_on) == (
        datetime.date(2027, 2, 1),
        datetime.date(2027, 3, 31),
    )
    assert (report.starts_on, report.ends_on) == (datetime.date(2027, 11, 1), datetime.date(2027, 12, 31))


def test_the_municipal_roadmaps_chart_has_no_empty_months_before_its_first_activity(school, coordinator):
    roadmap = municipal_roadmap(school, coordinator)

    chart = timeline_of(roadmap, stages_of(roadmap), today=datetime.date(2026, 9, 1))

    first_bar = chart.stages[0][1][0]
    assert chart.months[0] == datetime.date(2026, 9, 1)
    assert first_bar.left == 0


def test_the_municipal_roadmap_names_the_department_as_the_department_is_named_not_dpo(school, coordinator):
    roadmap = municipal_roadmap(school, coordinator)
    activities = Activity.objects.filter(stage__roadmap=roadmap)

    first = activities.order_by("stage__order", "order").first()
    assert first.responsible_text == school.department.short_name
    assert not [a.title for a in activities if "ДпО" in f"{a.responsible_text} {a.content} {a.title}"]
    assert "ДПО" not in " ".join(roadmap.stages.values_list("title", flat=True))


def test_the_municipal_roadmap_page_shows_seed_003s_main_provisions_and_its_five_tasks(
    client, school, coordinator
):
    SchoolFactory(department=school.department)
    roadmap = municipal_roadmap(school, coordinator)
    client.force_login(coordinator, backend="django.contrib.auth.backends.ModelBackend")

    page = client.get(reverse("roadmap_detail", args=[roadmap.pk])).text

    department = school.department
    assert "Основные положения" in page
    assert f"{department.director_name}, начальник управления" in page
    assert department.full_name in page
    assert "2 общеобразовательные организации (далее – МОО), городские методические объединения" in page
    assert "01.09.2026 – 31.08.2028" in page
    assert "Задачи внедрения муниципальной модели наставничества" in page
    for task, _ in TEMPLATES["municipal"].tasks:
        assert task in page
    assert "«Учитель – неуспевающий ученик»" in page


def test_the_school_roadmap_page_has_no_municipal_provisions(client, school, make_user):
    curator = make_user(Role.CURATOR, school)
    roadmap = services.roadmap_create_from_template(
        organisation=school, template=TEMPLATES["school"], year=AcademicYear.starting(2026), by=curator
    )
    client.force_login(curator, backend="django.contrib.auth.backends.ModelBackend")

    assert "Основные положения" not in client.get(reverse("roadmap_detail", args=[roadmap.pk])).text


@pytest.mark.django_db(transaction=True)
def test_the_municipal_roadmap_pdf_carries_the_main_provisions_and_the_tasks(client, school, coordinator):
    roadmap = municipal_roadmap(school, coordinator)
    client.force_login(coordinator, backend="django.contrib.auth.backends.ModelBackend")

    client.post(
        reverse("document_new", args=[DEPARTMENT_ROADMAP]), {"date": "2026-11-23", "roadmap": roadmap.pk}
    )

    text = " ".join(pdf_text(Document.objects.get()).split())
    assert "Основные положения" in text and "Руководитель" in text and "Администратор" in text
    assert "1 общеобразовательная организация" in text
    assert "Продвижение лучших практик наставничества" in text
    assert "ДпО" not in text


# The indicators of §2: a base year, a plan for each year, 2.1.3 with no type


@pytest.fixture
def department_indicators(school):
    return {i.code: i for i in indicators.indicators_fill_from_seed(department=school.department)}


def test_every_seed_indicator_has_its_base_year_and_its_plan_by_year_and_2_1_3_has_no_type(
    department_indicators,
):
    found = department_indicators

    assert {i.base_year for i in found.values()} == {2022}
    assert [(p.year, p.planned) for p in found["2.1.2."].plans.all()] == [(2023, Decimal("0.6"))]
    assert found["2.1.3."].kind == "" and found["2.1.4."].kind == Indicator.Kind.MAIN


def test_the_indicators_page_shows_the_base_year_and_a_column_for_each_plan_year(
    client, school, coordinator, department_indicators
):
    indicators.indicator_plan_save(
        indicator=department_indicators["2.1.1."], year=2027, planned=Decimal("1.2")
    )
    client.force_login(coordinator, backend="django.contrib.auth.backends.ModelBackend")

    page = client.get(reverse("indicator_list"), {"year": 2027})

    board = page.context["board"]
    assert board.plan_years == [2023, 2027]
    young = next(row for row in board.rows if row.indicator.code == "2.1.1.")
    assert young.plans == [Decimal("0.8"), Decimal("1.2")] and young.planned == Decimal("1.2")
    assert "2023 (план)" in page.text and "2027 (план)" in page.text and "0,700 (2022)" in page.text
    blank = next(row for row in board.rows if row.indicator.code == "2.1.3.")
    assert blank.plans == [Decimal("4"), None] and blank.department.planned is None


def test_the_lights_compare_with_the_plan_of_the_year_shown(school, department_indicators):
    whole = department_indicators["2.1."]
    indicators.indicator_plan_save(indicator=whole, year=2027, planned=Decimal("50"))
    for year in (2023, 2027):
        indicators.indicator_value_save(indicator=whole, school=None, year=year, value=Decimal("60"), by=None)

    lights = {
        year: next(
            r for r in indicators.indicator_board(school.department, year).rows if r.indicator == whole
        )
        for year in (2023, 2027)
    }

    assert lights[2023].department.light == Light.RED  # 60 against the plan of 100 for 2023
    assert lights[2027].department.light == Light.GREEN  # 60 against 50 for 2027


def test_the_coordinator_edits_the_base_value_and_its_year(client, coordinator, department_indicators):
    young = department_indicators["2.1.1."]
    client.force_login(coordinator, backend="django.contrib.auth.backends.ModelBackend")

    client.post(reverse("indicator_base", args=[young.pk]), {"base-year": 2021, "base-value": "0.5"})

    young.refresh_from_db()
    assert (young.base_year, young.base_value) == (2021, Decimal("0.5"))


def test_a_base_year_not_before_the_plan_or_a_plan_not_after_the_base_is_refused_and_nothing_changes(
    client, coordinator, department_indicators
):
    young = department_indicators["2.1.1."]
    client.force_login(coordinator, backend="django.contrib.auth.backends.ModelBackend")

    base = client.post(reverse("indicator_base", args=[young.pk]), {"base-year": 2023, "base-value": "0.5"})
    plan = client.post(reverse("indicator_plan", args=[young.pk]), {"plan-year": 2022, "plan-value": "3"})

    assert "Базовый год должен быть раньше первого года плана (2023)." in base.text
    assert "Год плана должен быть позже базового года (2022)." in plan.text
    young.refresh_from_db()
    assert (young.base_year, young.base_value) == (2022, Decimal("0.7"))
    assert list(young.plans.values_list("year", flat=True)) == [2023]


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.CURATOR])
def test_a_school_or_another_department_never_changes_the_base(
    client_as, school, department_indicators, role
):
    young = department_indicators["2.1.1."]
    data = {"base-year": 2021, "base-value": "0.5"}

    assert client_as(role, school).post(reverse("indicator_base", args=[young.pk]), data).status_code == 404
    stranger = client_as(Role.COORDINATOR, DepartmentFactory())
    assert stranger.post(reverse("indicator_base", args=[young.pk]), data).status_code == 404
    young.refresh_from_db()
    assert (young.base_year, young.base_value) == (2022, Decimal("0.7"))


@pytest.mark.django_db(transaction=True)
def test_the_base_year_migration_keeps_the_values_and_dates_the_base_a_year_before_the_first_plan():
    executor = MigrationExecutor(connection)
    before = [("roadmap", "0002_indicator_year_is_the_end_year")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    department = DepartmentFactory().pk  # the core's tables stay as they are now
    Indicator_, Plan = old.get_model("roadmap", "Indicator"), old.get_model("roadmap", "IndicatorPlan")
    planned = Indicator_.objects.create(
        department_id=department, code="1", wording="а", base_value=Decimal("4.1")
    )
    Plan.objects.create(indicator=planned, year=2027, planned=Decimal("4"))
    Plan.objects.create(indicator=planned, year=2023, planned=Decimal("5"))
    unplanned = Indicator_.objects.create(
        department_id=department, code="2", wording="б", base_value=Decimal(1)
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    found = {i.code: i for i in Indicator.objects.all()}
    assert (found["1"].base_year, found["1"].base_value) == (2022, Decimal("4.1"))
    assert (found["2"].base_year, found["2"].base_value) == (None, Decimal(1))
    assert sorted(found["1"].plans.values_list("year", "planned")) == [(2023, Decimal(5)), (2027, Decimal(4))]
    assert unplanned.pk == found["2"].pk

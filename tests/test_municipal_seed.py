"""Seed 003 carried in full: the municipal roadmap's §1 «Основные положения» and §3 «Задачи», its terms
counted from its first month as the seed counts them, and the body named as the department is, not «ДпО»."""

import datetime

import pytest
from django.urls import reverse

from mentoring.academic_year import AcademicYear
from mentoring.models import Document, Role
from roadmap import services
from roadmap.documents import DEPARTMENT_ROADMAP
from roadmap.models import Activity, Roadmap
from roadmap.templates_data import TEMPLATES
from roadmap.timeline import stages_of, timeline_of
from tests.documents import pdf_text
from tests.factories import SchoolFactory

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

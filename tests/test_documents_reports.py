"""The monitoring reports as PDF: stage 1, stage 2 and the annual report, asked for on the documents page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentoring import documents
from mentoring.models import Document, MentorEntry, Role
from monitoring import documents as reports
from monitoring.documents import ANNUAL_REPORT, STAGE_1_REPORT, STAGE_2_REPORT
from pairs.models import Pair
from tests import test_monitoring_stages as stage_tests
from tests.documents import pdf_pages, pdf_text
from tests.factories import (
    ConsentFactory,
    MeetingFactory,
    MentorEntryFactory,
    PairFactory,
    ProgrammeFactory,
    SchoolFactory,
)

Status = Document.Status
# Renders are enqueued on commit: these tests commit, as requests do.
pytestmark = pytest.mark.django_db(transaction=True)
READERS = [Role.DIRECTOR, Role.CURATOR]
# The monitoring tests' hand-computed examples, as fixtures of this module too.
programme = stage_tests.programme
stage_1_survey = stage_tests.stage_1_survey
stage_2_questionnaire = stage_tests.stage_2_questionnaire
stage_2_example = stage_tests.stage_2_example


def ask(client, kind: str, **data):
    return client.post(reverse("document_new", args=[kind]), {"date": "2026-11-23", **data})


@pytest.fixture
def stage_1_answers(stage_1_survey):
    """Five answers: expected 4, 4, 5, 3, 4 (4,00) and got 5, 3, 4, 3, 4 (3,80); «да» from four of five."""
    survey, q = stage_1_survey
    stage_tests.fill_stage_1(
        survey,
        q,
        [
            (5, 4, 5, 1, "Раз в неделю", ["Лидерство", "Общение"]),
            (4, 4, 3, 1, "Раз в неделю", ["Общение"]),
            (4, 5, 4, 0, "Раз в месяц", []),
            (2, 3, 3, 1, "Раз в неделю", ["Общение"]),
            (5, 4, 4, 1, "Раз в месяц", ["Лидерство"]),
        ],
    )
    return q


# Stage 1


@pytest.mark.parametrize("role", READERS)
def test_the_stage_1_report_holds_the_pages_figures_and_charts(
    client_as, school, programme, stage_1_answers, role
):
    page = ask(client_as(role, school), STAGE_1_REPORT, programme=programme.pk)

    document = Document.objects.get()
    assert page.status_code == 302 and document.status == Status.READY
    assert document.title.startswith(reports.STAGE_1_TITLE) and programme.title in document.title
    text = pdf_text(document)
    assert school.full_name in text and programme.title in text
    assert "Отчёт о мониторинге качества реализации программы наставничества (этап 1)" in text
    assert "Сильные и слабые стороны, возможности и угрозы" in text
    assert "Встречи помогли, ответ 5" in text
    assert "4,00 3,80 -0,20" in text, "the expectations table"
    assert "Ожидали Получили" in text, "the expectations chart's legend"
    assert "Раз в неделю 3 · 60 %" in text, "the distribution chart"
    assert "ожидали в среднем 4,00, получили 3,80 (-0,20)" in text, "the conclusions"
    assert "«да» ответили 80 % из 5 ответивших" in text


def test_a_stage_1_report_without_answers_is_refused_and_makes_no_document(
    client_as, school, programme, stage_1_survey
):
    page = ask(client_as(Role.DIRECTOR, school), STAGE_1_REPORT, programme=programme.pk)

    assert (
        "По программе ещё нет ответов на анкеты этапа 1: отчёт не из чего составить." in page.content.decode()
    )
    assert not Document.objects.exists()


def test_a_report_on_another_schools_programme_is_refused(client_as, programme, stage_1_answers):
    page = ask(client_as(Role.DIRECTOR, SchoolFactory()), STAGE_1_REPORT, programme=programme.pk)

    assert page.status_code == 200 and not Document.objects.exists()


def test_a_report_whose_programme_is_gone_fails_with_its_reason(
    client_as, school, programme, stage_1_answers
):
    ask(client_as(Role.CURATOR, school), STAGE_1_REPORT, programme=programme.pk)
    document = Document.objects.get()
    Document.objects.filter(pk=document.pk).update(params={"programme": 0, "year": None})

    documents.document_regenerate(document=document)

    document.refresh_from_db()
    assert document.status == Status.FAILED
    assert document.failure == "Программа отчёта удалена: сформировать отчёт нельзя."


# Stage 2


@pytest.mark.parametrize("role", READERS)
def test_the_stage_2_report_sums_up_entry_against_exit(client_as, school, programme, stage_2_example, role):
    page = ask(client_as(role, school), STAGE_2_REPORT, programme=programme.pk)

    document = Document.objects.get()
    assert page.status_code == 302 and document.status == Status.READY
    text = pdf_text(document)
    assert school.full_name in text and programme.title in text
    assert "Отчёт о мониторинге влияния программы на участников (этап 2)" in text
    assert "Ответили дважды: 5, только на входе: 1, только по итогам: 1" in text
    assert "3,20 3,40 +0,20" in text, "the totals table: engagement"
    assert "3,20 → 3,40" in text, "the mentees' row of the table by role"
    # The charts' SVG text comes out of the PDF without its spaces.
    charts = text.replace(" ", "")
    assert "Вовлечённость(шкала1–5)3,23,4" in charts, "the means chart: entry and exit bars"
    assert "Вовлечённость↑2·=2·↓1" in charts, "the shares chart"
    assert "в среднем 3,20 на входе и 3,40 по итогам (+0,20)" in text, "the conclusions"
    widths_and_heights = pdf_pages(document)
    assert any(width > height for width, height in widths_and_heights), "the tables by group are landscape"
    assert widths_and_heights[0][0] < widths_and_heights[0][1]


def test_the_stage_2_report_names_no_participant_and_no_pair(client_as, school, programme, stage_2_example):
    ask(client_as(Role.CURATOR, school), STAGE_2_REPORT, programme=programme.pk)

    text = pdf_text(Document.objects.get())
    assert "По ролевым моделям" in text and stage_2_example["leader"].name in text
    for pair in stage_2_example["pairs"]:
        assert pair.mentor.person.last_name not in text


def test_the_school_wide_stage_2_report_sums_up_by_programme(client_as, school, programme, stage_2_example):
    ask(client_as(Role.DIRECTOR, school), STAGE_2_REPORT, year="2026")

    document = Document.objects.get()
    text = pdf_text(document)
    assert "все программы школы, 2026/2027 учебный год" in document.title
    assert "По программам" in text and "3,20 → 3,40" in text


def test_a_stage_2_report_without_entry_or_exit_answers_is_refused(
    client_as, school, programme, stage_1_answers
):
    page = ask(client_as(Role.DIRECTOR, school), STAGE_2_REPORT, programme=programme.pk)

    assert "По программе ещё нет ответов на анкеты этапа 2" in page.content.decode()
    assert not Document.objects.exists()


# The annual report


@pytest.fixture
def year_of_work(school, programme, stage_2_example):
    """Besides stage 2: two more pairs, three meetings held (45 + 45 + 60 min), one mentor with consent."""
    PairFactory(programme=programme, status=Pair.Status.PROPOSED)
    ended = PairFactory(programme=programme, status=Pair.Status.TERMINATED, termination_reason="Переезд")
    first = stage_2_example["pairs"][0]
    MeetingFactory(pair=first)
    MeetingFactory(pair=first, duration_minutes=60)
    MeetingFactory(pair=ended)
    MeetingFactory(pair=ended, status="planned")
    MeetingFactory(pair=ended, starts_at=timezone.make_aware(datetime.datetime(2025, 10, 1, 15)))
    ConsentFactory(person=first.mentor.person)
    ProgrammeFactory(
        school=school, title="Прошлогодняя программа", starts_on="2025-09-01", ends_on="2026-05-31"
    )


@pytest.mark.parametrize("role", READERS)
def test_the_annual_report_sums_up_the_year(client_as, school, programme, year_of_work, role):
    page = ask(client_as(role, school), ANNUAL_REPORT, year="2026")

    document = Document.objects.get()
    assert page.status_code == 302 and document.status == Status.READY
    assert (
        document.title
        == "Аналитический отчёт о реализации целевой модели наставничества за 2026/2027 учебный год"
    )
    text = pdf_text(document)
    assert school.full_name in text and programme.title in text
    assert "Прошлогодняя программа" not in text
    mentors = MentorEntry.objects.for_school(school).count()
    consents = f"согласие на обработку персональных данных есть у 1, нет у {mentors - 1}"
    assert f"Наставников в базе: {mentors}; {consents}" in text
    assert "наставнических пар и групп: 5" in text
    assert "Проведено встреч: 3, общей продолжительностью 2,5 ч, в парах и группах: 2" in text
    assert "Предложена 1 Утверждена 0 Работает 3 Завершена 0 Прекращена 1" in text
    assert "3,20 → 3,40" in text and "Вовлечённость(шкала1–5)3,23,4" in text.replace(" ", "")
    assert any(width > height for width, height in pdf_pages(document))


def test_the_annual_report_offers_only_years_with_programmes(client_as, school, programme):
    page = ask(client_as(Role.DIRECTOR, school), ANNUAL_REPORT, year="2019")

    assert page.status_code == 200 and not Document.objects.exists()
    assert "2026/2027 учебный год" in page.content.decode()


def test_the_annual_report_proposes_the_academic_year_under_way(client_as, school, monkeypatch):
    ProgrammeFactory(school=school, starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2028, 5, 31))
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2026, 12, 5))

    form = client_as(Role.DIRECTOR, school).get(reverse("document_new", args=[ANNUAL_REPORT])).context["form"]

    assert [label for _, label in form.fields["year"].choices][:2] == [
        "2027/2028 учебный год",
        "2026/2027 учебный год",
    ]
    assert form["year"].value() == 2026


def test_the_annual_reports_queries_do_not_grow_with_the_data(school, programme, year_of_work):
    document = Document(school=school, kind=ANNUAL_REPORT, date="2026-11-23", params={"year": 2026})
    with CaptureQueriesContext(connection) as few:
        reports.annual_context(document)
    for _ in range(3):
        pair = PairFactory(programme=programme)
        MeetingFactory(pair=pair)
        MentorEntryFactory(school=school, person__school=school)
    ProgrammeFactory(school=school)

    with CaptureQueriesContext(connection) as more:
        reports.annual_context(document)

    assert len(more) == len(few)

"""The two stages of monitoring, for a programme and for the whole school."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path

from mentoring import parts
from mentoring.access import allow, may_write, reading_school
from mentoring.models import BASE_READERS, Role
from programs.models import Programme

from . import answers, stages
from .models import Answer, Question, Questionnaire, Survey
from .surveys import academic_years

SECTION = "monitoring"
OPEN_PER_PAGE = 100
PEOPLE_PER_PAGE = 50


def school_scope(request: HttpRequest) -> dict:
    """The school's surveys, of one academic year when one is chosen."""
    school = reading_school(request)
    surveys = Survey.objects.for_school(school)
    years = academic_years(surveys)
    start_year = request.GET.get("year", "")
    year = next((y for y in years if str(y.start_year) == start_year), None)
    if year is not None:
        surveys = surveys.filter(opens_on__range=year.span)
    return {"school": school, "surveys": surveys, "years": years, "year": year, "programme": None}


def programme_scope(request: HttpRequest, pk: int) -> dict:
    programmes = Programme.objects.visible_to(request.user).select_related("school", "form")
    programme = get_object_or_404(programmes, pk=pk)
    surveys = Survey.objects.filter(programme=programme)
    return {"school": programme.school, "surveys": surveys, "programme": programme}


def stage_page(request: HttpRequest, scope: dict, stage: int) -> HttpResponse:
    school = scope["school"]
    build = stages.stage_1 if stage == 1 else stages.stage_2
    context = {
        "section": SECTION,
        "stage": stage,
        **scope,
        "report": build(scope["surveys"]),
        # A named person's figures: the curator and the psychologist see them, others see sums only.
        "sees_people": answers.reads_answers_of(request.user, school.pk),
        "can_launch": may_write(request, school.pk),
        "min_group": stages.MIN_GROUP,
    }
    if scope["programme"] is None:
        context |= parts.gathered(parts.SCHOOL_MONITORING, request, school=school)
    elif stage == 2 and context["sees_people"]:
        context |= people_page(request, context["report"])
    return render(request, f"monitoring/stage{stage}.html", context)


def people_page(request: HttpRequest, report: stages.Stage2) -> dict:
    """The programme's participants a page at a time: hundreds of rows of every characteristic weigh
    hundreds of kilobytes."""
    page = Paginator(report.participants, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "people": [(p, p.cells(report.characteristics)) for p in page],
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
    }


def open_answers_page(request: HttpRequest, scope: dict, question_pk: int) -> HttpResponse:
    """Every written answer to one open question, newest first: the report shows only the latest."""
    surveys = scope["surveys"].filter(questionnaire__purpose__in=stages.STAGE_1_PURPOSES)
    question = get_object_or_404(
        Question.objects.filter(kind=Question.Kind.OPEN, questionnaire__in=surveys.values("questionnaire")),
        pk=question_pk,
    )
    answers = (
        Answer.objects.filter(question=question, response__invitation__survey__in=surveys)
        .filter(response__submitted_at__isnull=False)
        .exclude(text="")
        .order_by("-response__submitted_at", "-pk")
        .values_list("text", flat=True)
    )
    page = Paginator(answers, OPEN_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "section": SECTION,
        "stage": 1,
        **scope,
        "question": question,
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
    }
    return render(request, "monitoring/stage1_answers.html", context)


@allow(BASE_READERS)
def stage1_school(request: HttpRequest) -> HttpResponse:
    return stage_page(request, school_scope(request), 1)


@allow(BASE_READERS)
def stage2_school(request: HttpRequest) -> HttpResponse:
    return stage_page(request, school_scope(request), 2)


@allow(BASE_READERS, Role.COORDINATOR)
def stage1_programme(request: HttpRequest, pk: int) -> HttpResponse:
    return stage_page(request, programme_scope(request, pk), 1)


@allow(BASE_READERS, Role.COORDINATOR)
def stage2_programme(request: HttpRequest, pk: int) -> HttpResponse:
    return stage_page(request, programme_scope(request, pk), 2)


@allow(BASE_READERS)
def stage1_school_answers(request: HttpRequest, question_pk: int) -> HttpResponse:
    # Another school's question is not found whatever the role; a built-in one is every school's.
    get_object_or_404(
        Question.objects.filter(questionnaire__in=Questionnaire.objects.of_school(request.organisation)),
        pk=question_pk,
    )
    return open_answers_page(request, school_scope(request), question_pk)


@allow(BASE_READERS, Role.COORDINATOR)
def stage1_programme_answers(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    return open_answers_page(request, programme_scope(request, pk), question_pk)


urlpatterns = [
    path("monitoring/stage-1/", stage1_school, name="stage1_school"),
    path("monitoring/stage-2/", stage2_school, name="stage2_school"),
    path("programmes/<int:pk>/monitoring/stage-1/", stage1_programme, name="stage1_programme"),
    path("programmes/<int:pk>/monitoring/stage-2/", stage2_programme, name="stage2_programme"),
    path(
        "monitoring/stage-1/answers/<int:question_pk>/", stage1_school_answers, name="stage1_school_answers"
    ),
    path(
        "programmes/<int:pk>/monitoring/stage-1/answers/<int:question_pk>/",
        stage1_programme_answers,
        name="stage1_programme_answers",
    ),
]

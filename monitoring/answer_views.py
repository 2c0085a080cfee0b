"""Reading sent answers: one response, and the user's own responses (with its mentees' for a mentor)."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path

from mentoring.access import allow_any_user
from mentoring.models import Role

from . import answers

SECTION = "answers"
PER_PAGE = 20


@allow_any_user
def response_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Anything the user may not read, another school's response included, is not found."""
    response = get_object_or_404(answers.with_survey(answers.responses_visible_to(request.user)), pk=pk)
    invitation = response.invitation
    context = {
        "section": SECTION,
        "response": response,
        "invitation": invitation,
        "survey": invitation.survey,
        "answers": answers.shown_answers(response),
        "is_reader": answers.reads_answers_of(request.user, invitation.survey.school_id),
    }
    return render(request, "monitoring/response_detail.html", context)


def paged(request: HttpRequest, rows: QuerySet, param: str) -> Page:
    return Paginator(rows, PER_PAGE).get_page(request.GET.get(param))


@allow_any_user
def my_answers(request: HttpRequest) -> HttpResponse:
    page = paged(request, answers.own_submitted(request.user), "page")
    is_mentor = Role.MENTOR in request.roles
    mentees = (
        paged(request, answers.own_mentees_submitted(request.user), "mentees_page") if is_mentor else None
    )
    context = {
        "section": SECTION,
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
        "mentees_page": mentees,
    }
    return render(request, "monitoring/my_answers.html", context)


urlpatterns = [
    path("responses/<int:pk>/", response_detail, name="response_detail"),
    path("surveys/answers/", my_answers, name="my_answers"),
]

"""The curator's questionnaires: built-in and the school's own, their questions, copies and edits."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from mentoring.access import allow, may_write, reading_school, writing_school
from mentoring.documents import REQUESTERS
from mentoring.models import BASE_READERS, BASE_WRITERS

from . import services
from .forms import QuestionFormSet, QuestionnaireForm
from .models import Question, Questionnaire

SECTION = "questionnaires"
MAX_SCALE_POINTS = 10


@allow(BASE_READERS)
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    school = reading_school(request)
    rows = (
        Questionnaire.objects.available_to(request.user)
        .filter(Q(school__isnull=True) | Q(school=school))
        .annotate(question_count=Count("questions"), answered=services.answered_filter())
        .order_by("title", "pk")
    )
    own_empty = (
        "У школы пока нет своих анкет: откройте встроенную анкету и сделайте её копию."
        if may_write(request, school.pk)
        else "У школы пока нет своих анкет. Анкеты школы составляет куратор."
    )
    groups = [
        ("Встроенные анкеты", [q for q in rows if q.is_builtin], "Встроенных анкет пока нет."),
        ("Анкеты школы", [q for q in rows if not q.is_builtin], own_empty),
    ]
    context = {"section": SECTION, "groups": groups}
    return render(request, "monitoring/questionnaire_list.html", context)


def scale_values(question: Question) -> list[int]:
    """Every point of a short scale; a long one is shown by its ends only."""
    if question.kind != Question.Kind.SCALE or question.scale_max - question.scale_min > MAX_SCALE_POINTS:
        return []
    return list(range(question.scale_min, question.scale_max + 1))


@allow(BASE_READERS)
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_object_or_404(
        Questionnaire.objects.of_school(request.organisation).select_related("based_on"), pk=pk
    )
    school = reading_school(request)
    context = {
        "section": SECTION,
        "questionnaire": questionnaire,
        "questions": [(q, scale_values(q)) for q in questionnaire.questions.all()],
        "answered": services.is_answered(questionnaire),
        "can_copy": may_write(request, school.pk),
        "may_print": bool(request.roles & REQUESTERS),
        "can_edit": questionnaire.school_id == school.pk and may_write(request, school.pk),
    }
    return render(request, "monitoring/questionnaire_detail.html", context)


@allow(BASE_WRITERS)
@require_POST
def questionnaire_copy(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_object_or_404(Questionnaire.objects.of_school(request.organisation), pk=pk)
    school = writing_school(request)
    copy = services.questionnaire_copy(questionnaire=questionnaire, school=school)
    messages.success(request, "Копия анкеты создана в вашей школе: измените её под себя.")
    return redirect("questionnaire_edit", pk=copy.pk)


@allow(BASE_WRITERS)
def questionnaire_edit(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_object_or_404(Questionnaire.objects.editable_by(request.user), pk=pk)
    answered = services.is_answered(questionnaire)
    data = request.POST if request.method == "POST" else None
    form = QuestionnaireForm(data, instance=questionnaire)
    questions = QuestionFormSet(data, instance=questionnaire, prefix="questions", answered=answered)
    if data is not None and all([form.is_valid(), questions.is_valid()]):
        try:
            services.questionnaire_update(
                questionnaire=questionnaire, data=form.questionnaire_data(), rows=questions.rows()
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, "Изменения сохранены.")
            return redirect("questionnaire_detail", pk=questionnaire.pk)
    context = {
        "section": SECTION,
        "form": form,
        "questions": questions,
        "questionnaire": questionnaire,
        "answered": answered,
    }
    return render(request, "monitoring/questionnaire_form.html", context)


urlpatterns = [
    path("questionnaires/", questionnaire_list, name="questionnaire_list"),
    path("questionnaires/<int:pk>/", questionnaire_detail, name="questionnaire_detail"),
    path("questionnaires/<int:pk>/copy/", questionnaire_copy, name="questionnaire_copy"),
    path("questionnaires/<int:pk>/edit/", questionnaire_edit, name="questionnaire_edit"),
]

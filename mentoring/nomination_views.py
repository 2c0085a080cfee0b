"""The class teacher's nomination of a pupil for the mentee base, and the curator's queue of them
(«Представления педагогов»). The teacher's page of its class, which shows how the pupils' pairs go, belongs
to pairs/ (pairs/class_views.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from . import nominations
from .access import allow, in_organisation, writing_school
from .forms import NominationDeclineForm, NominationForm
from .models import BASE_WRITERS, MenteeCategory, Nomination, Person, Role

DECIDED_SHOWN = 20


@allow(Role.TEACHER)
def person_nominate(request: HttpRequest, pk: int) -> HttpResponse:
    person = in_organisation(request, Person.objects.all(), pk=pk)
    school = request.organisation
    if not school.is_school or Role.TEACHER not in request.roles:
        raise PermissionDenied("Представить ученика в базу наставляемых может классный руководитель.")
    teacher = nominations.homeroom_teacher(request.user, school)
    if refusal := nominations.nomination_refusal(teacher, person):
        messages.error(request, refusal)
        return redirect("my_class")
    form = NominationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            nominations.nomination_create(
                teacher=teacher, person=person, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request, f"Представление отправлено куратору: {person}. Его решение появится здесь."
            )
        return redirect("my_class")
    context = {"section": "my_class", "form": form, "person": person, "teacher": teacher}
    return render(request, "mentoring/nomination_form.html", context)


CATEGORIES = Prefetch("categories", queryset=MenteeCategory.objects.order_by("order"))


@allow(BASE_WRITERS)
def nomination_list(request: HttpRequest) -> HttpResponse:
    school = writing_school(request)
    rows = Nomination.objects.for_school(school).select_related("person", "nominated_by", "decided_by")
    decided = rows.exclude(status=Nomination.Status.PENDING).order_by("-decided_at", "-pk")
    context = {
        "section": "nominations",
        "pending": rows.pending().prefetch_related(CATEGORIES).order_by("created_at", "pk"),
        "decided": decided[:DECIDED_SHOWN],
    }
    return render(request, "mentoring/nomination_list.html", context)


@allow(BASE_WRITERS)
@require_POST
def nomination_accept(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = get_object_or_404(Nomination.objects.editable_by(request.user), pk=pk)
    try:
        entry = nominations.nomination_accept(nomination=nomination, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("nomination_list")
    messages.success(request, f"Участник добавлен в базу наставляемых: {entry.person}.")
    return redirect("mentee_detail", pk=entry.pk)


@allow(BASE_WRITERS)
def nomination_decline(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = get_object_or_404(
        Nomination.objects.editable_by(request.user).select_related("person", "nominated_by"), pk=pk
    )
    form = NominationDeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            nominations.nomination_decline(
                nomination=nomination, reason=form.cleaned_data["decline_reason"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, "Представление отклонено: педагог увидит причину.")
        return redirect("nomination_list")
    context = {"section": "nominations", "form": form, "nomination": nomination}
    return render(request, "mentoring/nomination_decline.html", context)


urlpatterns = [
    path("people/<int:pk>/nominate/", person_nominate, name="person_nominate"),
    path("nominations/", nomination_list, name="nomination_list"),
    path("nominations/<int:pk>/accept/", nomination_accept, name="nomination_accept"),
    path("nominations/<int:pk>/decline/", nomination_decline, name="nomination_decline"),
]

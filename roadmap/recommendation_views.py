"""The department's recommendations as their school reads them: the director or the curator takes them
«к исполнению» with a note; the coordinator reads the mark."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from mentoring.access import allow, in_organisation, may_write
from mentoring.models import BASE_READERS, Role

from .department import recommendation_acknowledge
from .models import ACKNOWLEDGERS, Recommendation

READERS = BASE_READERS | {Role.COORDINATOR}


class AcknowledgementForm(forms.Form):
    note = forms.CharField(
        label="Примечание",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Что школа сделает, кто ответственный и к какому сроку.",
        error_messages={"max_length": "Примечание длиннее 2000 знаков: сократите его."},
    )


@allow(READERS)
def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rows = Recommendation.objects.select_related("school", "written_by", "acknowledgement__by")
    recommendation = in_organisation(request, rows, pk=pk)
    if not request.roles & READERS:
        raise PermissionDenied(
            "Рекомендации управления образования читают директор, куратор и педагог-психолог."
        )
    may_acknowledge = may_write(request, recommendation.school_id, ACKNOWLEDGERS)
    form = AcknowledgementForm(request.POST or None)
    if request.method == "POST":
        if not may_acknowledge:
            raise PermissionDenied("Принять рекомендации к исполнению могут директор и куратор школы.")
        if form.is_valid():
            try:
                recommendation_acknowledge(
                    recommendation=recommendation, by=request.user, note=form.cleaned_data["note"]
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "Рекомендации приняты к исполнению.")
            return redirect("recommendation_detail", pk)
    context = {
        "section": "department_schools" if Role.COORDINATOR in request.roles else "home",
        "recommendation": recommendation,
        "form": form,
        "may_acknowledge": may_acknowledge,
    }
    return render(request, "roadmap/recommendation_detail.html", context)


urlpatterns = [path("recommendations/<int:pk>/", recommendation_detail, name="recommendation_detail")]

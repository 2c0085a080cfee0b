"""The coordinator's «Школы» page: the department's schools side by side, and recommendations to each."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from mentoring.academic_year import AcademicYear
from mentoring.access import allow, coordinated_department
from mentoring.models import Organisation, Role

from .department import recommendation_save, schools_table

SECTION = "department_schools"


class RecommendationForm(forms.Form):
    text = forms.CharField(
        label="Рекомендации школе",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Напишите текст рекомендаций."},
    )


def chosen_year(request: HttpRequest) -> AcademicYear:
    start_year = request.GET.get("year", "")
    if start_year.isdigit() and 2000 <= int(start_year) <= 2100:
        return AcademicYear.starting(start_year)
    return AcademicYear.current()


@allow(Role.COORDINATOR)
def department_schools(request: HttpRequest) -> HttpResponse:
    department = coordinated_department(request)
    table = schools_table(department, chosen_year(request))
    recommendations = [
        (
            row,
            RecommendationForm(
                initial={"text": getattr(row.recommendation, "text", "")}, prefix=f"s{row.school.pk}"
            ),
        )
        for row in table.rows
    ]
    context = {"section": SECTION, "table": table, "recommendations": recommendations}
    return render(request, "roadmap/department/schools.html", context)


@allow(Role.COORDINATOR)
@require_POST
def recommendation_write(request: HttpRequest, school_pk: int, year: int) -> HttpResponse:
    # A school outside the organisation the user acts in is not found, whatever the role.
    organisation = request.organisation
    here = Q(pk=organisation.pk) | Q(department=organisation) if organisation else Q(pk__in=[])
    school = get_object_or_404(Organisation.objects.schools().filter(here), pk=school_pk)
    department = coordinated_department(request)
    form = RecommendationForm(request.POST, prefix=f"s{school.pk}")
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["text"])
        recommendation_save(
            department=department, school=school, year=year, text=form.cleaned_data["text"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, f"{school.short_name}: {' '.join(error.messages)}")
    else:
        messages.success(request, f"Рекомендации школе «{school.short_name}» сохранены.")
    return redirect(f"{reverse('department_schools')}?year={year}")


urlpatterns = [
    path("department/schools/", department_schools, name="department_schools"),
    path(
        "department/schools/<int:school_pk>/<int:year>/recommendation/",
        recommendation_write,
        name="recommendation_write",
    ),
]

"""«Завершение учебного года»: the curator previews the closing, applies it and may undo it; the director
sees the same pages (mentoring/school_year.py does the work)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from . import school_year
from .access import allow, in_organisation, may_write, reading_school, writing_school
from .models import Role, YearClosing

VIEWERS = school_year.VIEWERS
SECTION = "school_year"


class KeepInSchoolForm(forms.Form):
    """The 9th-graders who go on to the 10th grade of this school: the others leave with the year."""

    keep_in_school = forms.TypedMultipleChoiceField(coerce=int, required=False, label="Остаются в 10 классе")

    def __init__(self, *args, nine_graders: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep_in_school"].choices = [(person.pk, person.full_name) for person in nine_graders]
        self.fields["keep_in_school"].error_messages["invalid_choice"] = (
            "Остаться в 10 классе можно только ученикам 9 класса этой школы."
        )


@allow(VIEWERS)
def year_closing(request: HttpRequest) -> HttpResponse:
    school = reading_school(request, VIEWERS)
    preview = school_year.year_preview(school=school)
    form = KeepInSchoolForm(request.POST or None, nine_graders=preview.nine_graders)
    if request.method == "POST":
        school = writing_school(request)
        if form.is_valid():
            keep = frozenset(form.cleaned_data["keep_in_school"])
            if "close" in request.POST:
                try:
                    closing = school_year.year_close(
                        school=school, year=preview.year, by=request.user, keep_in_school=keep
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, f"{preview.year.label} учебный год завершён.")
                    return redirect("year_closing_detail", closing.pk)
            preview = school_year.year_preview(school=school, keep_in_school=keep)
    context = {
        "section": SECTION,
        "preview": preview,
        "form": form,
        "kept": set(form.cleaned_data["keep_in_school"]) if form.is_bound and form.is_valid() else set(),
        "may_close": may_write(request, school.pk),
        "closings": YearClosing.objects.for_school(school).select_related("closed_by", "reverted_by"),
    }
    return render(request, "mentoring/year_closing.html", context)


@allow(VIEWERS)
def year_closing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    closing = in_organisation(request, YearClosing.objects.select_related("closed_by", "reverted_by"), pk=pk)
    reading_school(request, VIEWERS)
    context = {
        "section": SECTION,
        "closing": closing,
        "document": school_year.summary_document(closing),
        "may_revert": may_write(request, closing.school_id) and not closing.is_reverted,
        "revert_refusal": None if closing.is_reverted else school_year.revert_refusal(closing),
    }
    return render(request, "mentoring/year_closing_detail.html", context)


@require_POST
@allow(Role.CURATOR)
def year_closing_revert(request: HttpRequest, pk: int) -> HttpResponse:
    closing = in_organisation(request, YearClosing.objects.all(), pk=pk)
    writing_school(request)
    try:
        school_year.year_closing_revert(closing=closing, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("year_closing_detail", closing.pk)
    messages.success(request, "Завершение учебного года отменено: всё вернулось, как было до него.")
    return redirect("year_closing")


urlpatterns = [
    path("school-year/", year_closing, name="year_closing"),
    path("school-year/<int:pk>/", year_closing_detail, name="year_closing_detail"),
    path("school-year/<int:pk>/revert/", year_closing_revert, name="year_closing_revert"),
]

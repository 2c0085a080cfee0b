"""The school's rules for its teacher-mentors (Трудовой кодекс, ст. 351.8): whether a teacher mentors only
with written consent, and how the school pays for mentoring. The director sets them, the curator reads
them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from .access import allow, reading_school, writing_school
from .audit import audit_trail
from .forms import MentorTermsForm
from .models import Organisation, Role
from .services import organisation_mentor_terms_update

DIRECTORS = frozenset({Role.DIRECTOR})
READERS = frozenset({Role.DIRECTOR, Role.CURATOR})


@allow(READERS)
def mentor_terms(request: HttpRequest) -> HttpResponse:
    school = reading_school(request, roles=READERS)
    may_edit = Role.DIRECTOR in request.roles
    form = MentorTermsForm(request.POST or None, instance=Organisation.objects.get(pk=school.pk))
    if request.method == "POST":
        writing_school(request, roles=DIRECTORS)
        if form.is_valid():
            data = form.cleaned_data
            try:
                organisation_mentor_terms_update(
                    school=school,
                    consent_required=data["mentor_consent_required"],
                    pay_rule=data["mentor_pay_rule"],
                    pay_rate=data["mentor_pay_rate"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Правила для наставников из числа педагогов сохранены.")
                return redirect("mentor_terms")
    context = {
        "section": "mentor_terms",
        "form": form,
        "school": school,
        "may_edit": may_edit,
        "history": audit_trail(school) if may_edit else None,
    }
    return render(request, "mentoring/mentor_terms.html", context)


urlpatterns = [path("school/mentor-terms/", mentor_terms, name="mentor_terms")]

"""The teacher-mentor's consent and additional agreement made from the pair's page in one click."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from mentoring import documents
from mentoring.access import allow, in_organisation, writing_school

from . import agreements
from .models import Pair


@allow(documents.REQUESTERS)
@require_POST
def pair_paper_make(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Makes the document of the pair dated today, through the same form as the documents' page, so that
    a pair that has ended, or a school without a pay rule, is refused the same way."""
    if kind not in agreements.KINDS:
        raise Http404("Нет такого документа наставника.")
    pair = in_organisation(request, Pair.objects.select_related("mentor__person"), with_schools=False, pk=pk)
    school = writing_school(request, roles=documents.REQUESTERS)
    if pair.mentor.person.kind not in agreements.EMPLOYEES:
        messages.error(request, agreements.not_an_employee(pair.mentor.person))
        return redirect("pair_detail", pk=pair.pk)
    spec = documents.SPECS[kind]
    form = spec.form({"date": timezone.localdate(), "pair": pair.pk}, school=school, user=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("pair", []) + form.non_field_errors()))
        return redirect("pair_detail", pk=pair.pk)
    date = form.cleaned_data["date"]
    made = documents.documents_request(
        school=school, kind=kind, drafts=form.drafts(), date=date, by=request.user
    )
    messages.success(
        request, f"{spec.label} формируется. Распечатайте его, подпишите и отметьте подписанным."
    )
    return redirect("document_detail", pk=made[0].pk)


urlpatterns = [path("pairs/<int:pk>/papers/<slug:kind>/", pair_paper_make, name="pair_paper_make")]

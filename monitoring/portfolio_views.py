"""The mentor's portfolio in one click: from the mentor's page in the mentor base for the director and the
curator, and from the mentor's own page for the mentor, who orders only its own."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from mentoring.access import allow, in_organisation
from mentoring.documents import REQUESTERS, documents_enqueue
from mentoring.models import Document, MentorEntry, Role

from . import services
from .documents import PortfolioPeriodForm
from .portfolio import mentor_portfolios

READY = "Портфолио сформировано: скачайте его в списке ниже."
IN_PROGRESS = "Портфолио формируется: когда оно будет готово, в списке ниже появится кнопка «Скачать PDF»."
NOT_A_MENTOR = "Портфолио наставника формируется для наставника из базы наставников школы, а вас в ней нет."


def ordered(request: HttpRequest, entry: MentorEntry) -> Document | None:
    """The portfolio the submitted period asks for, or None with the reason shown."""
    form = PortfolioPeriodForm(request.POST, entry=entry)
    if not form.is_valid():
        messages.error(request, "Портфолио не сформировано: выберите период из списка.")
        return None
    try:
        return services.mentor_portfolio_request(entry=entry, year=form.cleaned_data["year"], by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return None


def portfolios_of(entry: MentorEntry) -> list[Document]:
    """The mentor's latest portfolios; one a broker outage left unsent is sent again, as the document page
    does."""
    rows = mentor_portfolios(entry)
    unsent = [document.pk for document in rows if document.in_progress and document.enqueued_at is None]
    if unsent:
        documents_enqueue(unsent)
    return rows


@allow(REQUESTERS)
@require_POST
def mentor_portfolio(request: HttpRequest, pk: int) -> HttpResponse:
    entry = in_organisation(
        request, MentorEntry.objects.select_related("person", "school"), pk=pk, with_schools=False
    )
    if not request.roles & REQUESTERS:
        raise PermissionDenied(
            "Портфолио наставника по его странице в базе формируют директор и куратор; "
            "наставник формирует своё на странице «Моё портфолио»."
        )
    document = ordered(request, entry)
    if document is None:
        return redirect("mentor_detail", pk=entry.pk)
    return redirect("document_detail", pk=document.pk)


@allow(Role.MENTOR)
def my_portfolio(request: HttpRequest) -> HttpResponse:
    entry = MentorEntry.objects.select_related("person", "school").filter(person__user=request.user).first()
    if entry is None:
        raise PermissionDenied(NOT_A_MENTOR)
    if request.method == "POST":
        if (document := ordered(request, entry)) is not None:
            document.refresh_from_db()
            messages.success(request, READY if document.status == Document.Status.READY else IN_PROGRESS)
        return redirect("my_portfolio")
    portfolios = portfolios_of(entry)
    context = {
        "section": "my_portfolio",
        "entry": entry,
        "portfolio_form": PortfolioPeriodForm(entry=entry),
        "portfolios": portfolios,
        "polling": any(document.in_progress for document in portfolios),
    }
    template = "monitoring/partials/portfolio_list.html" if request.htmx else "monitoring/my_portfolio.html"
    return render(request, template, context)


urlpatterns = [
    path("mentors/<int:pk>/portfolio/", mentor_portfolio, name="mentor_portfolio"),
    path("portfolio/", my_portfolio, name="my_portfolio"),
]

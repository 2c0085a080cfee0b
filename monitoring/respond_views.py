"""Filling a questionnaire: by account (own invitations only) and by personal link (no account)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache

from mentoring.access import allow_any_user, public

from . import responses
from .models import Invitation
from .respond_forms import ResponseForm, form_initial

LINK_LAYOUT = "monitoring/respond_page.html"
INVITATIONS = Invitation.objects.select_related("survey__questionnaire", "person")


def answer_page(request: HttpRequest, invitation: Invitation, layout: str) -> HttpResponse:
    survey = invitation.survey
    context = {"section": "home", "layout": layout, "invitation": invitation, "survey": survey}
    refusal = responses.survey_refusal(survey)
    if refusal:
        status = 403 if timezone.localdate() < survey.opens_on else 410
        return render(
            request, "monitoring/respond_closed.html", {**context, "refusal": refusal}, status=status
        )
    questions = list(survey.questionnaire.questions.all())
    response = responses.response_of(invitation)
    partners = responses.partners_of(invitation)
    if request.method != "POST":
        form = ResponseForm(initial=form_initial(response), questions=questions, partners=partners)
    else:
        form = ResponseForm(request.POST, questions=questions, partners=partners)
        try:
            if "save_draft" in request.POST:
                responses.response_draft_save(invitation=invitation, draft=form.draft())
                messages.success(request, "Черновик сохранён. Вернитесь к анкете, когда будет удобно.")
                return redirect(request.path)
            if form.is_valid():
                responses.response_submit(invitation=invitation, cleaned=form.answers())
                messages.success(
                    request,
                    f"Спасибо! Ответы отправлены. Их можно исправить до {survey.closes_on:%d.%m.%Y}.",
                )
                return redirect(request.path)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            if "save_draft" in request.POST:
                # What was typed stays on the page, unchecked, as a draft is.
                form = ResponseForm(initial=form.draft(), questions=questions, partners=partners)
    context |= {"form": form, "response": response}
    return render(request, "monitoring/respond_form.html", context)


@allow_any_user
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(
        INVITATIONS, survey_id=pk, respondent=Invitation.Respondent.SELF, person__user=request.user
    )
    return answer_page(request, invitation, layout="area.html")


@public
@never_cache
def respond_link(request: HttpRequest, token: str) -> HttpResponse:
    """The unguessable token is the key: the page shows only the respondent's own name."""
    invitation = get_object_or_404(INVITATIONS, token=token)
    return answer_page(request, invitation, layout=LINK_LAYOUT)


urlpatterns = [
    path("surveys/<int:pk>/respond/", respond, name="respond"),
    path("a/<str:token>/", respond_link, name="respond_link"),
]

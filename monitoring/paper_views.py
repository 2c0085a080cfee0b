"""Paper answers: the curator enters what a respondent wrote on the paper blank of a survey."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from mentoring.access import allow, in_organisation, writing_school
from mentoring.models import BASE_WRITERS

from . import responses
from .models import Invitation
from .respond_forms import ResponseForm, form_initial

INVITATIONS = Invitation.objects.select_related("survey__questionnaire", "person")


class ReplaceDraftForm(forms.Form):
    replace_draft = forms.BooleanField(
        label="Заменить черновик участника ответами с бумажного бланка",
        error_messages={"required": "Без этой отметки ответы не внесены: черновик участника остаётся."},
    )


@allow(BASE_WRITERS)
def invitation_paper(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = in_organisation(request, INVITATIONS, "survey__school", pk=pk)
    writing_school(request)
    survey = invitation.survey
    response = responses.response_of(invitation)
    context = {"section": "surveys", "invitation": invitation, "survey": survey, "response": response}
    refusal = responses.paper_refusal(invitation, response)
    if refusal:
        return render(request, "monitoring/paper_form.html", {**context, "refusal": refusal})
    data = request.POST if request.method == "POST" else None
    # A correction starts from what was entered; a respondent's own draft is never shown as the paper's.
    initial = form_initial(response) if response and response.from_paper else {}
    questions = list(survey.questionnaire.questions.all())
    form = ResponseForm(
        data, initial=initial, questions=questions, partners=responses.partners_of(invitation)
    )
    confirm = ReplaceDraftForm(data, prefix="paper") if response and response.draft else None
    if data is not None and all([form.is_valid(), confirm is None or confirm.is_valid()]):
        try:
            responses.response_enter_from_paper(
                invitation=invitation, cleaned=form.answers(), by=request.user, replace_draft=bool(confirm)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Ответы с бумажного бланка внесены: {invitation.person.full_name}.")
            return redirect("survey_detail", pk=survey.pk)
    context |= {
        "form": form,
        "confirm": confirm,
        "last_day": responses.paper_last_day(survey),
        "grace_days": responses.PAPER_GRACE_DAYS,
    }
    return render(request, "monitoring/paper_form.html", context)


urlpatterns = [
    path("surveys/respondents/<int:pk>/paper/", invitation_paper, name="invitation_paper"),
]

"""Answering a survey: whether it is open, drafts, submitting and correcting a response."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentoring.models import User

from .models import Answer, Invitation, Question, Response, Survey

Kind = Question.Kind
EMPTY = (None, "", [])

AnswerValue = str | list[str] | int | Decimal


def survey_refusal(survey: Survey, today: datetime.date | None = None) -> str:
    """Why the survey cannot be answered today, in Russian; empty while it is open."""
    today = today or timezone.localdate()
    if today < survey.opens_on:
        return f"Анкетирование ещё не началось: оно откроется {survey.opens_on:%d.%m.%Y}."
    if today > survey.closes_on:
        return f"Анкетирование уже завершилось {survey.closes_on:%d.%m.%Y}. Ответы больше не принимаются."
    return ""


def answer_fields(question: Question, value: AnswerValue) -> dict:
    match question.kind:
        case Kind.OPEN:
            return {"text": value, "number": None, "chosen": []}
        case Kind.SINGLE:
            return {"text": "", "number": None, "chosen": [value]}
        case Kind.MULTIPLE:
            return {"text": "", "number": None, "chosen": list(value)}
        case _:
            return {"text": "", "number": Decimal(value), "chosen": []}


def response_of(invitation: Invitation) -> Response | None:
    try:
        return invitation.response
    except Response.DoesNotExist:
        return None


@transaction.atomic
def response_draft_save(*, invitation: Invitation, draft: dict) -> Response:
    refusal = survey_refusal(invitation.survey)
    if refusal:
        raise ValidationError(refusal)
    return Response.objects.update_or_create(invitation=invitation, defaults={"draft": draft})[0]


@transaction.atomic
def response_submit(*, invitation: Invitation, cleaned: dict[Question, AnswerValue | None]) -> Response:
    """Store every answer at once, replacing earlier ones; a double submit updates the same rows."""
    refusal = survey_refusal(invitation.survey)
    if refusal:
        raise ValidationError(refusal)
    questionnaire_id = invitation.survey.questionnaire_id
    if any(question.questionnaire_id != questionnaire_id for question in cleaned):
        raise ValidationError("Вопрос не из этой анкеты.")
    Response.objects.get_or_create(invitation=invitation)
    # The lock makes a second submit of the same form wait and then update the rows the first one wrote.
    response = Response.objects.select_for_update().get(invitation=invitation)
    answered = {question: value for question, value in cleaned.items() if value not in EMPTY}
    for question, value in answered.items():
        Answer.objects.update_or_create(
            response=response, question=question, defaults=answer_fields(question, value)
        )
    response.answers.exclude(question__in=list(answered)).delete()
    response.submitted_at = timezone.now()
    response.draft = {}
    response.save(update_fields=["submitted_at", "draft", "updated_at"])
    return response


@dataclass(frozen=True)
class MySurveys:
    waiting: list[Invitation]
    submitted: list[Invitation]


def my_open_surveys(user: User, today: datetime.date | None = None) -> MySurveys:
    """The user's own invitations in surveys open today: those waiting for answers and those sent."""
    today = today or timezone.localdate()
    invitations = (
        Invitation.objects.filter(
            person__user=user,
            respondent=Invitation.Respondent.SELF,
            survey__opens_on__lte=today,
            survey__closes_on__gte=today,
        )
        .select_related("survey", "response")
        .order_by("survey__closes_on", "survey__pk")
    )
    waiting, submitted = [], []
    for invitation in invitations:
        response = response_of(invitation)
        (submitted if response and response.submitted_at else waiting).append(invitation)
    return MySurveys(waiting=waiting, submitted=submitted)

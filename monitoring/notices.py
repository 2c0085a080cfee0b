"""Questionnaires waiting for their respondents, and surveys closing with few answers for the curator."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.urls import reverse

from mentoring.declension import plural_ru
from mentoring.models import Membership, Role
from mentoring.notifications import Kind, Notice, holders, notices_of, users_of

from .models import Survey
from .responses import is_submitted, self_invitations_open
from .surveys import with_counts

CLOSING_WITHIN_DAYS = 3
LOW_RESPONSE_PERCENT = 50


@notices_of()
def questionnaires_waiting(memberships: Iterable[Membership], today: datetime.date) -> Iterator[Notice]:
    """A survey open today that the person (by its account) has not answered yet."""
    for invitation in self_invitations_open(users_of(memberships), today):
        if is_submitted(invitation):
            continue
        survey = invitation.survey
        yield Notice(
            user_id=invitation.person_user,
            kind=Kind.QUESTIONNAIRE_WAITING,
            key=f"questionnaire_waiting:{invitation.pk}:{survey.closes_on:%Y-%m-%d}",
            text=f"Ждёт ваших ответов анкета «{survey.title}»: заполните её до {survey.closes_on:%d.%m.%Y}.",
            url=reverse("respond", args=[survey.pk]),
            organisation_id=survey.school_id,
        )


@notices_of(Role.CURATOR)
def surveys_closing_with_few_answers(
    memberships: Iterable[Membership], today: datetime.date
) -> Iterator[Notice]:
    curators = holders(memberships, Role.CURATOR)
    closing = with_counts(
        Survey.objects.open_on(today).filter(
            school__in=list(curators),
            closes_on__lte=today + datetime.timedelta(days=CLOSING_WITHIN_DAYS),
        )
    ).filter(respondents__gt=0)
    for survey in closing:
        percent = round(100 * survey.submitted / survey.respondents)
        if percent >= LOW_RESPONSE_PERCENT:
            continue
        answered = plural_ru(survey.submitted, "ответил", "ответили", "ответили")
        for user in curators[survey.school_id]:
            yield Notice(
                user_id=user,
                kind=Kind.SURVEY_LOW_RESPONSE,
                key=f"survey_low_response:{survey.pk}:{survey.closes_on:%Y-%m-%d}",
                text=f"Анкетирование «{survey.title}» заканчивается {survey.closes_on:%d.%m.%Y}, а "
                f"{answered} {survey.submitted} из {survey.respondents} ({percent} %).",
                url=reverse("survey_detail", args=[survey.pk]),
                organisation_id=survey.school_id,
            )

"""Programmes waiting for the director's approval."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.urls import reverse

from mentoring.models import Membership, Role
from mentoring.notifications import Kind, Notice, holders, notices_of

from .models import Programme


@notices_of(Role.DIRECTOR)
def programmes_to_approve(memberships: Iterable[Membership], today: datetime.date) -> Iterator[Notice]:
    directors = holders(memberships, Role.DIRECTOR)
    drafts = Programme.objects.filter(school__in=list(directors), status=Programme.Status.DRAFT)
    for programme in drafts.only("pk", "school", "title"):
        for user in directors[programme.school_id]:
            yield Notice(
                user_id=user,
                kind=Kind.PROGRAMME_TO_APPROVE,
                key=f"programme_to_approve:{programme.pk}",
                text=f"Ждёт утверждения программа: {programme.title}.",
                url=reverse("programme_detail", args=[programme.pk]),
                organisation_id=programme.school_id,
            )

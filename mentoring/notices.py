"""Documents the user asked for, rendered and ready to sign or print."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import QuerySet
from django.urls import reverse

from .models import Document, Membership, Role
from .notifications import Kind, Notice, notices_of

READY_WITHIN_DAYS = 3


@notices_of(Role.DIRECTOR)
def documents_ready(memberships: QuerySet[Membership], today: datetime.date) -> Iterator[Notice]:
    directors = memberships.filter(role=Role.DIRECTOR)
    ready = Document.objects.filter(
        status=Document.Status.READY,
        requested_by__in=directors.values("user"),
        school__in=directors.values("organisation"),
        rendered_at__date__gte=today - datetime.timedelta(days=READY_WITHIN_DAYS),
    )
    for document in ready:
        yield Notice(
            user_id=document.requested_by_id,
            kind=Kind.DOCUMENT_READY,
            key=f"document_ready:{document.pk}:{document.version}",
            text=f"Документ сформирован: {document}.",
            url=reverse("document_detail", args=[document.pk]),
            organisation_id=document.school_id,
        )

"""Writes of a programme and its risks, and the moves of its status; each one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from mentoring.declension import plural_ru
from mentoring.models import Organisation, Role, User
from pairs.models import Pair

from .models import Programme, ProgrammeRisk

S = Programme.Status

# Who moves a programme from one status to the next.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, S.APPROVED): Role.DIRECTOR,
    (S.APPROVED, S.DRAFT): Role.DIRECTOR,
    (S.APPROVED, S.RUNNING): Role.CURATOR,
    (S.RUNNING, S.COMPLETED): Role.CURATOR,
}

NOT_A_DRAFT = "Изменять можно только черновик программы, а эта программа сейчас — «{status}»."


def pairs_word(count: int) -> str:
    return plural_ru(count, "пара", "пары", "пар")


def _risks_replace(programme: Programme, risks: Iterable[tuple[str, str]]) -> None:
    programme.risks.all().delete()
    ProgrammeRisk.objects.bulk_create(
        ProgrammeRisk(programme=programme, risk=risk, mitigation=mitigation, order=order)
        for order, (risk, mitigation) in enumerate(risks, start=1)
    )


@transaction.atomic
def programme_create(
    *, school: Organisation, data: dict[str, Any], risks: Iterable[tuple[str, str]]
) -> Programme:
    """A new programme is a draft whatever the form sent; the director approves it."""
    programme = Programme(school=school, **data, status=S.DRAFT)
    programme.full_clean()
    programme.save()
    _risks_replace(programme, risks)
    return programme


@transaction.atomic
def programme_update(
    *, programme: Programme, data: dict[str, Any], risks: Iterable[tuple[str, str]]
) -> Programme:
    """Changes a draft and replaces its risks; a programme approved meanwhile is refused unchanged."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.status != S.DRAFT:
        raise ValidationError(NOT_A_DRAFT.format(status=programme.get_status_display()))
    for name, value in data.items():
        setattr(programme, name, value)
    programme.full_clean()
    programme.save()
    _risks_replace(programme, risks)
    return programme


@transaction.atomic
def programme_change_status(*, programme: Programme, to: str, seen: str, by: User) -> Programme:
    """One step of draft → approved → running → completed, or an approved programme back to draft.

    `seen` is the status the user's page showed: when another user has moved the programme since, nothing
    changes and the message says so.
    """
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.status != seen:
        raise ValidationError(
            "Статус программы уже изменил кто-то другой: сейчас она — "
            f"«{programme.get_status_display()}». Обновите страницу и посмотрите, что изменилось."
        )
    role = TRANSITIONS.get((programme.status, to))
    if role is None:
        raise ValidationError(
            f"Программу в статусе «{programme.get_status_display()}» нельзя перевести в «{S(to).label}»."
        )
    if not Organisation.objects.writable_by(by, roles={role}).filter(pk=programme.school_id).exists():
        raise PermissionDenied(f"Это действие выполняет {Role(role).label.lower()} школы.")
    if to == S.COMPLETED:
        current = Pair.objects.filter(programme=programme).current().count()
        if current:
            raise ValidationError(
                f"Программу нельзя завершить: в ней ещё {current} {pairs_word(current)} в работе "
                "(предложенные, утверждённые или работающие). Завершите или прекратите их, "
                "затем завершите программу."
            )
    if to == S.APPROVED:
        programme.approved_by, programme.approved_at = by, timezone.now()
    elif to == S.DRAFT:
        programme.approved_by = programme.approved_at = None
    programme.status = to
    programme.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    return programme

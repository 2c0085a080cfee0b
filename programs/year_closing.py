"""The programmes' step of closing a school year (mentoring/school_year.py): a programme whose term ends
with the year is completed; a longer one (the two-year programme of seed 000) goes on."""

from __future__ import annotations

import datetime
from typing import Any

from mentoring.models import Organisation
from mentoring.school_year import (
    Change,
    Closing,
    StepPreview,
    YearStep,
    earliest,
    first_after,
    ids_by,
    register,
    set_back,
)

from .models import Programme

OPEN = (Programme.Status.APPROVED, Programme.Status.RUNNING)


def programmes(closing: Closing):
    return Programme.objects.for_school(closing.school).filter(status__in=OPEN).order_by("ends_on", "title")


def programmes_preview(closing: Closing) -> StepPreview:
    rows = list(programmes(closing).values_list("title", "ends_on"))
    ending = [title for title, ends_on in rows if ends_on <= closing.year.end]
    going_on = [(title, ends_on) for title, ends_on in rows if ends_on > closing.year.end]
    return StepPreview(
        title="Программы наставничества",
        figures=[
            ("Программы: завершение", len(ending)),
            ("Программы: продолжение в новом году", len(going_on)),
        ],
        details=[f"«{title}»: завершение" for title in ending]
        + [f"«{title}»: продолжение до {ends_on:%d.%m.%Y}" for title, ends_on in going_on],
    )


def programmes_apply(closing: Closing) -> dict[str, Any]:
    ending = programmes(closing).filter(ends_on__lte=closing.year.end)
    record = ids_by(ending, "status")
    Programme.objects.filter(pk__in=[pk for ids in record.values() for pk in ids]).update(
        status=Programme.Status.COMPLETED
    )
    return record


def programmes_revert(record: dict[str, Any]) -> None:
    set_back(Programme, record, "status")


def programmes_changed_since(school: Organisation, since: datetime.datetime) -> Change | None:
    return earliest(
        first_after(
            Programme.objects.for_school(school),
            since,
            lambda programme: f"изменена программа «{programme.title}»",
            "created_at",
            "updated_at",
        )
    )


register(
    YearStep(
        "programmes",
        30,
        programmes_preview,
        programmes_apply,
        programmes_revert,
        programmes_changed_since,
        shown=30,
    )
)

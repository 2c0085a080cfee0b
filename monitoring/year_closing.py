"""Monitoring adds no change to the closing of a school year, only what undoes it no more: a survey or an
answer of the new year (mentoring/school_year.py)."""

from __future__ import annotations

import datetime

from mentoring.models import Organisation
from mentoring.school_year import Change, YearStep, earliest, first_after, register

from .models import Response, Survey


def monitoring_changed_since(school: Organisation, since: datetime.datetime) -> Change | None:
    return earliest(
        [
            *first_after(
                Survey.objects.filter(school=school),
                since,
                lambda survey: "начато анкетирование",
                "created_at",
            ),
            *first_after(
                Response.objects.filter(invitation__survey__school=school),
                since,
                lambda response: "получен ответ на анкету",
                "updated_at",
            ),
        ]
    )


register(YearStep("monitoring", 60, changed_since=monitoring_changed_since))

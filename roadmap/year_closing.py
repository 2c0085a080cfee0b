"""The roadmap's step of closing a school year (mentoring/school_year.py): the school's roadmap of the new
year, made from the template of seed 002 unless the school already has it."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from mentoring.models import Organisation
from mentoring.school_year import Change, Closing, StepPreview, YearStep, earliest, first_after, register

from .models import Roadmap
from .services import roadmap_create_from_template
from .templates_data import TEMPLATES

TEMPLATE = "school"


def new_year_roadmap(closing: Closing) -> Roadmap | None:
    following = closing.year.following
    return Roadmap.objects.filter(
        organisation=closing.school, template=TEMPLATE, year=following.start_year
    ).first()


def roadmap_preview(closing: Closing) -> StepPreview:
    following = closing.year.following
    found = new_year_roadmap(closing)
    if found is not None:
        return StepPreview(
            title="Дорожная карта нового года",
            details=[f"Составлена «{found.title}»."],
            link=(found.title, reverse("roadmap_detail", args=[found.pk])),
        )
    title = TEMPLATES[TEMPLATE].title.format(year=following.label)
    return StepPreview(
        title="Дорожная карта нового года",
        details=[f"Будет создана «{title}» по образцу со сроками {following.label} учебного года."],
    )


def roadmap_apply(closing: Closing) -> dict[str, Any]:
    if new_year_roadmap(closing) is not None:
        return {"created": None}
    roadmap = roadmap_create_from_template(
        organisation=closing.school, template=TEMPLATES[TEMPLATE], year=closing.year.following, by=closing.by
    )
    return {"created": roadmap.pk}


def roadmap_revert(record: dict[str, Any]) -> None:
    Roadmap.objects.filter(pk=record["created"]).delete()


def roadmap_changed_since(school: Organisation, since: datetime.datetime) -> Change | None:
    return earliest(
        first_after(
            Roadmap.objects.filter(organisation=school),
            since,
            lambda roadmap: f"создана дорожная карта «{roadmap.title}»",
            "created_at",
        )
    )


register(
    YearStep(
        "roadmap",
        50,
        roadmap_preview,
        roadmap_apply,
        roadmap_revert,
        roadmap_changed_since,
        shown=50,
        summarised_after=True,
    )
)

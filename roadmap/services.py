"""Writes to roadmaps: made from a template for an academic year, activities kept and marked done, and
activities completing themselves from the evidence the product holds."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mentoring.academic_year import AcademicYear
from mentoring.models import Organisation, User

from . import evidence
from .models import Activity, Roadmap, Stage

# Where a template names the body whose roadmap it is (seed 003's «ДпО»).
BODY = "{управление}"


@dataclass(frozen=True)
class Term:
    """A date of a template as a month of the academic year (September = 1) and a day; no day = the month."""

    month: int  # past 12 for the following academic years of a longer roadmap
    day: int | None = None

    def on(self, year: AcademicYear, *, end: bool) -> datetime.date:
        first = year.month_start(self.month)
        if self.day is not None:
            return first.replace(day=self.day)
        return year.month_start(self.month + 1) - datetime.timedelta(days=1) if end else first


@dataclass(frozen=True)
class ActivityTemplate:
    title: str
    starts: Term
    ends: Term
    content: str = ""
    responsible: str = ""
    expected_result: str = ""
    completes_when: str = ""


@dataclass(frozen=True)
class StageTemplate:
    title: str
    activities: tuple[ActivityTemplate, ...]


@dataclass(frozen=True)
class RoadmapTemplate:
    code: str
    title: str  # with {year} for «2026/2027»
    for_department: bool
    stages: tuple[StageTemplate, ...] = field(default_factory=tuple)
    years: int = 1  # how many academic years the roadmap covers
    provisions: dict[str, str] = field(default_factory=dict)  # seed 003 §1, «Основные положения»
    tasks: tuple[tuple[str, str], ...] = ()  # seed 003 §3: each task and its result


@transaction.atomic
def roadmap_create_from_template(
    *, organisation: Organisation, template: RoadmapTemplate, year: AcademicYear, by: User
) -> Roadmap:
    """The template's stages and activities with their terms shifted to the chosen academic year, the first of
    the roadmap's years."""
    if template.for_department == organisation.is_school:
        raise ValidationError("Этот образец — для другого уровня: школы или управления образования.")
    last = AcademicYear.starting(year.start_year + template.years - 1)
    roadmap = Roadmap(
        organisation=organisation,
        title=template.title.format(
            year=year.label if template.years == 1 else f"{year.start_year}–{last.end_year}"
        ),
        template=template.code,
        year=year.start_year,
        starts_on=year.start,
        ends_on=last.end,
        created_by=by,
    )
    try:
        with transaction.atomic():
            roadmap.save()
    except IntegrityError:
        raise ValidationError(
            f"Дорожная карта по этому образцу на {year.label} учебный год уже есть: "
            "откройте её, а не создавайте вторую."
        ) from None
    for stage_number, stage_template in enumerate(template.stages, start=1):
        stage = Stage.objects.create(roadmap=roadmap, order=stage_number, title=stage_template.title)
        Activity.objects.bulk_create(
            Activity(
                stage=stage,
                order=number,
                title=row.title,
                content=row.content,
                starts_on=row.starts.on(year, end=False),
                ends_on=row.ends.on(year, end=True),
                by_month=row.starts.day is None,
                responsible_text=row.responsible.replace(BODY, organisation.short_name),
                expected_result=row.expected_result,
                completes_when=row.completes_when,
            )
            for number, row in enumerate(stage_template.activities, start=1)
        )
    return roadmap


def check_terms(starts_on: datetime.date, ends_on: datetime.date) -> None:
    if ends_on < starts_on:
        raise ValidationError("Мероприятие не может закончиться раньше, чем начнётся: проверьте сроки.")


@transaction.atomic
def activity_save(
    *, activity: Activity, data: dict[str, Any], responsible: list[User] | None = None
) -> Activity:
    for name, value in data.items():
        setattr(activity, name, value)
    check_terms(activity.starts_on, activity.ends_on)
    activity.save()
    if responsible is not None:
        activity.responsible.set(responsible)
    return activity


@transaction.atomic
def activity_mark_done(
    *, activity: Activity, done_on: datetime.date, document=None, link: str = "", note: str = ""
) -> Activity:
    if done_on > timezone.localdate():
        raise ValidationError("Дата выполнения не может быть в будущем.")
    if not (document or link or note.strip()):
        raise ValidationError("Укажите подтверждение выполнения: документ, ссылку или отметку.")
    activity.status, activity.done_on = Activity.Status.DONE, done_on
    activity.evidence_document, activity.evidence_link, activity.evidence_note = document, link, note.strip()
    activity.save()
    return activity


@transaction.atomic
def activities_complete_from_evidence(*, roadmap: Roadmap) -> int:
    """Activities that complete themselves: done, with the product's own evidence, once it exists."""
    if not roadmap.organisation.is_school:
        return 0
    waiting = list(
        Activity.objects.select_for_update()
        .filter(stage__roadmap=roadmap)
        .exclude(completes_when="")
        .exclude(status=Activity.Status.DONE)
    )
    completed = 0
    for activity in waiting:
        found = evidence.found(roadmap, activity)
        if found is None:
            continue
        activity.status, activity.done_on = Activity.Status.DONE, found.done_on
        activity.evidence_document, activity.evidence_note = found.document, found.note
        activity.save()
        completed += 1
    return completed

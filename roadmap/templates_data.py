"""The roadmap templates, row for row from the seeds, read from fixtures/roadmap_*.yaml: the school's roadmap
and its media plan (seed 002) and the municipal roadmap of the department (seed 003, sections 1 and 3–7)."""

from __future__ import annotations

from mentoring.reference import choice_value, reference

from .models import Activity
from .services import ActivityTemplate, RoadmapTemplate, StageTemplate, Term
from .timeline import MONTHS as CALENDAR_MONTHS

When = Activity.CompletesWhen
# The months of the academic year, September first, as the files name them; a longer roadmap's later
# years say «2-го года».
MONTHS = CALENDAR_MONTHS[8:] + CALENDAR_MONTHS[:8]
LEVELS = {"школа": False, "управление образования": True}


def calendar_month(text: str) -> int:
    """«03.2022» as a count of months, to measure how far apart two of a seed's terms are."""
    month, year = text.split(".")
    return int(year) * 12 + int(month) - 1


def term(text: str, first: str | None = None) -> Term:
    """«ноябрь» is the 3rd month of the academic year, «ноябрь 2-го года» the 15th; a seed's «09.2022» is as
    many months after the roadmap's first month as after the seed's `first` term («03.2022»): the 7th."""
    if first is not None:
        return Term(calendar_month(text) - calendar_month(first) + 1)
    month, _, year = text.partition(" ")
    years_before = int(year.removesuffix("-го года")) - 1 if year else 0
    return Term(MONTHS.index(month) + 1 + 12 * years_before)


def first_term(data: dict) -> str | None:
    """The earliest of the seed's dated terms, the roadmap's first month; None for terms by month names."""
    starts = [row["начало"] for stage in data["этапы"] for row in stage["мероприятия"]]
    if not all("." in text for text in starts):
        return None
    return min(starts, key=calendar_month)


def activity_template(data: dict, first: str | None) -> ActivityTemplate:
    completes_when = data.get("выполнено, когда")
    return ActivityTemplate(
        data["мероприятие"],
        term(data["начало"], first),
        term(data["окончание"], first),
        content=data.get("содержание", ""),
        responsible=data.get("ответственные", ""),
        expected_result=data.get("ожидаемый результат", ""),
        completes_when=choice_value(When, completes_when) if completes_when else "",
    )


def roadmap_template(data: dict) -> RoadmapTemplate:
    first = first_term(data)
    return RoadmapTemplate(
        code=data["код"],
        title=data["название"],
        for_department=LEVELS[data["уровень"]],
        stages=tuple(
            StageTemplate(stage["этап"], tuple(activity_template(row, first) for row in stage["мероприятия"]))
            for stage in data["этапы"]
        ),
        years=data.get("учебных лет", 1),
        provisions=data.get("основные положения", {}),
        tasks=tuple((row["задача"], row["результат"]) for row in data.get("задачи", ())),
    )


TEMPLATES: dict[str, RoadmapTemplate] = {
    code: roadmap_template(reference(f"roadmap_{code}")) for code in ("school", "media_plan", "municipal")
}

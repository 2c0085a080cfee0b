"""The roadmap templates, row for row from the seeds, read from fixtures/roadmap_*.yaml: the school's roadmap
and its media plan (seed 002) and the municipal roadmap of the department (seed 003, sections 4–7)."""

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


def term(text: str) -> Term:
    """«ноябрь» is the 3rd month of the academic year, «ноябрь 2-го года» the 15th."""
    month, _, year = text.partition(" ")
    years_before = int(year.removesuffix("-го года")) - 1 if year else 0
    return Term(MONTHS.index(month) + 1 + 12 * years_before)


def activity_template(data: dict) -> ActivityTemplate:
    completes_when = data.get("выполнено, когда")
    return ActivityTemplate(
        data["мероприятие"],
        term(data["начало"]),
        term(data["окончание"]),
        content=data.get("содержание", ""),
        responsible=data.get("ответственные", ""),
        expected_result=data.get("ожидаемый результат", ""),
        completes_when=choice_value(When, completes_when) if completes_when else "",
    )


def roadmap_template(data: dict) -> RoadmapTemplate:
    return RoadmapTemplate(
        code=data["код"],
        title=data["название"],
        for_department=LEVELS[data["уровень"]],
        stages=tuple(
            StageTemplate(stage["этап"], tuple(activity_template(row) for row in stage["мероприятия"]))
            for stage in data["этапы"]
        ),
        years=data.get("учебных лет", 1),
    )


TEMPLATES: dict[str, RoadmapTemplate] = {
    code: roadmap_template(reference(f"roadmap_{code}")) for code in ("school", "media_plan", "municipal")
}

"""The seeds' wording a new programme and a pair's personalised programme start from; edited afterwards.

Programme cards: seed 000 («учитель – ученик»), seed 002 («ученик – ученик»), seed 004 («учитель – учитель»).
Plan tables: seed 004's 13 items for «учитель – учитель»; seed 002's sequence of meetings and stages for
«ученик – ученик»; seed 000's tasks for the forms where a teacher, a student or an employer leads a pupil.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ProgrammeTemplate:
    source: str  # which seed, as the form says it: «по программе МБОУ – школы № 35 г. Орла»
    title: str
    goal: str
    tasks: tuple[str, ...]
    expected_results: tuple[str, ...]
    risks: tuple[tuple[str, str], ...]  # (risk, mitigation)
    style: str  # Programme.Style
    mode: str  # Programme.Mode
    months: int  # the term


@dataclass(frozen=True)
class PlanRow:
    activity: str
    work_form: str = ""
    area: str = ""  # PlanItem.Area
    direction: str = ""
    risks: str = ""
    prevention: str = ""
    expected_result: str = ""
    criteria: str = ""
    term: str = ""
    # When the item is due, in months from the pair's start; None: by the end of the pair's term.
    months: int | None = None

    def fields(self) -> dict[str, str]:
        values = asdict(self)
        del values["months"]
        return values

    def due_on(self, start: datetime.date, end: datetime.date | None) -> datetime.date | None:
        if self.months is None:
            return end
        month = start.month - 1 + self.months
        year, month = start.year + month // 12, month % 12 + 1
        day = min(start.day, 28)
        return datetime.date(year, month, day)


PROGRAMME_TEMPLATES: dict[str, ProgrammeTemplate] = {}
PLAN_TEMPLATES: dict[str, tuple[PlanRow, ...]] = {}


def plan_rows(form_code: str) -> tuple[PlanRow, ...]:
    return PLAN_TEMPLATES.get(form_code, ())

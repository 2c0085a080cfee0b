"""The seeds' wording a new programme and a pair's personalised programme start from; edited afterwards.

Programme cards (fixtures/programmes.yaml): seed 000 («учитель – ученик»), seed 002 («ученик – ученик»),
seed 004 («учитель – учитель»). Plan tables (fixtures/plans.yaml): seed 004's 13 items for «учитель –
учитель»; seed 002's sequence of meetings and stages for «ученик – ученик»; seed 000's tasks for the forms
where a teacher, a student or an employer leads a pupil.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import asdict, dataclass

from mentoring.reference import choice_value, reference

from .models import Programme


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; a day the month lacks (31 November) becomes its last day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


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

    def term(self, start: datetime.date) -> tuple[datetime.date, datetime.date]:
        """First and last day of a programme from `start`: 01.09.2026 and 10 months end on 30.06.2027."""
        return start, add_months(start, self.months) - datetime.timedelta(days=1)


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
        return add_months(start, self.months)


def programme_template(data: dict) -> ProgrammeTemplate:
    return ProgrammeTemplate(
        source=data["источник"],
        title=data["название"],
        goal=data["цель"],
        tasks=tuple(data["задачи"]),
        expected_results=tuple(data["ожидаемые результаты"]),
        risks=tuple((risk["риск"], risk["как снизить"]) for risk in data["риски"]),
        style=choice_value(Programme.Style, data["стиль"]),
        mode=choice_value(Programme.Mode, data["режим"]),
        months=data["срок в месяцах"],
    )


# The columns of a plan as the file names them.
PLAN_COLUMNS = {
    "activity": "мероприятие",
    "work_form": "форма работы",
    "area": "область",
    "direction": "направление",
    "risks": "риски",
    "prevention": "профилактика",
    "expected_result": "ожидаемый результат",
    "criteria": "критерии",
    "term": "срок",
}


def plan_row(data: dict) -> PlanRow:
    columns = {name: data.get(column, "") for name, column in PLAN_COLUMNS.items()}
    return PlanRow(**columns, months=data.get("месяц от начала"))


def plan_templates() -> dict[str, tuple[PlanRow, ...]]:
    found = {}
    for plan in reference("plans")["планы"]:
        rows = tuple(plan_row(data) for data in plan["пункты"])
        found |= dict.fromkeys(plan["формы"], rows)
    return found


# By the code of the form of mentoring.
PROGRAMME_TEMPLATES: dict[str, ProgrammeTemplate] = {
    data["форма"]: programme_template(data) for data in reference("programmes")["программы"]
}
PLAN_TEMPLATES = plan_templates()


def plan_rows(form_code: str) -> tuple[PlanRow, ...]:
    return PLAN_TEMPLATES.get(form_code, ())

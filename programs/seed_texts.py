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
from mentoring.working_days import working_day_on_or_before

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
    # A term naming a month of the year («В марте»): due by the end of that month, the first after the start.
    month: int | None = None

    def fields(self) -> dict[str, str]:
        values = asdict(self)
        del values["months"], values["month"]
        return values

    def due_on(self, start: datetime.date, end: datetime.date | None) -> datetime.date | None:
        """Never after `end`, the last day of the programme: a term past it is due on its last school day."""
        if self.month is not None:
            year = start.year + (self.month < start.month)
            due = working_day_on_or_before(month_end(year, self.month))
        elif self.months is not None:
            due = add_months(start, self.months)
        else:
            due = end
        if due is not None and end is not None and due >= end:
            return working_day_on_or_before(end)
        return due

    def placed(self, start: datetime.date, end: datetime.date | None) -> dict:
        """The plan item's fields with its due date; a term naming a month names the due date's month."""
        due = self.due_on(start, end)
        fields = self.fields()
        if self.month is not None and due is not None:
            fields["term"] = f"В {MONTHS_PREPOSITIONAL[due.month - 1]}"
        return {**fields, "due_on": due}


MONTHS_PREPOSITIONAL = (
    "январе",
    "феврале",
    "марте",
    "апреле",
    "мае",
    "июне",
    "июле",
    "августе",
    "сентябре",
    "октябре",
    "ноябре",
    "декабре",
)


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


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
    return PlanRow(**columns, months=data.get("месяц от начала"), month=data.get("месяц года"))


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

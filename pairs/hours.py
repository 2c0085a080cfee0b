"""The mentors' hours and pay (Трудовой кодекс, ст. 351.8), counted from what the mentor already logs and
never from a new form: held meetings with their durations, the pairs at work, plan items marked done.

A plan item of seed 004 carries a term («до 15.10.2026», «в течение 1 четверти»), not a time: plan items done
are counted beside the hours and never turned into hours. A meeting belongs to one pair or group, so a group
meeting counts once for its mentor whatever the number of mentees present. Planned meetings and meetings
dated in the future never count.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format

from mentoring.academic_year import AcademicYear
from mentoring.models import MentorEntry, MentorPayRule, Organisation, Person
from programs.models import Programme

from .models import Meeting, MentorHoursMonth, Pair, PlanItem

EMPLOYEES = frozenset({Person.Kind.TEACHER, Person.Kind.STAFF})
CENTS = Decimal("0.01")
NO_RULE = "Порядок оплаты наставничества в школе не установлен: в табеле только часы, оплата не рассчитана."
NOT_EMPLOYEE = "не работник школы"


# Months ---------------------------------------------------------------------------------------------------


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def previous_month(day: datetime.date) -> datetime.date:
    """The first day of the last month that has ended."""
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def month_label(month: datetime.date) -> str:
    """«ноябрь 2026 г.», as in «Табель … за ноябрь 2026 г.»."""
    return f"{date_format(month, 'F').lower()} {month.year} г."


def months_of(year: AcademicYear) -> list[datetime.date]:
    """The months of the academic year that have begun."""
    today = timezone.localdate()
    return [m for m in (year.month_start(n) for n in range(1, 13)) if m <= today]


def midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def as_month(value: datetime.date | datetime.datetime) -> datetime.date:
    """TruncMonth gives a local midnight for a moment and a date for a date."""
    return value.date() if isinstance(value, datetime.datetime) else value


# What counts, aggregated in the database -----------------------------------------------------------------


def held_meetings(pairs: QuerySet[Pair]) -> QuerySet[Meeting]:
    """The pairs' meetings that count: held, and not dated in the future."""
    return Meeting.objects.filter(pair__in=pairs, status=Meeting.Status.HELD, starts_at__lte=timezone.now())


def counted_meetings(pairs: QuerySet[Pair], start: datetime.date, end: datetime.date) -> QuerySet[Meeting]:
    """The meetings that count from `start` to before `end`."""
    return held_meetings(pairs).filter(starts_at__gte=midnight(start), starts_at__lt=midnight(end))


def hours_by_pair(
    pairs: QuerySet[Pair], span: tuple[datetime.date, datetime.date] | None = None
) -> dict[int, Figures]:
    """Meetings held and their minutes per pair, in one query: from the first to the last day of `span`
    (both included), or all of them (the mentor's portfolio)."""
    held = held_meetings(pairs)
    if span is not None:
        held = counted_meetings(pairs, span[0], span[1] + datetime.timedelta(days=1))
    rows = held.values("pair").annotate(n=Count("pk"), minutes=Sum("duration_minutes")).order_by()
    return {row["pair"]: Figures(meetings=row["n"], minutes=row["minutes"]) for row in rows}


def worked_in(month: datetime.date) -> Q:
    """A pair worked in a month when it was at work on any day of it."""
    return Q(started_on__lt=next_month(month)) & (Q(ended_on__isnull=True) | Q(ended_on__gte=month))


@dataclass
class Figures:
    meetings: int = 0
    minutes: int = 0
    pairs: int = 0
    plan_done: int = 0

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(CENTS)


Key = tuple[int, int, datetime.date]  # mentor entry, programme, month


def figures(pairs: QuerySet[Pair], months: list[datetime.date]) -> dict[Key, Figures]:
    """The figures of the pairs' mentors per programme and month, in three queries whatever their number."""
    found: dict[Key, Figures] = defaultdict(Figures)
    if not months:
        return found
    start, end = months[0], next_month(months[-1])
    meetings = (
        counted_meetings(pairs, start, end)
        .annotate(month=TruncMonth("starts_at"))
        .values("pair__mentor", "pair__programme", "month")
        .annotate(n=Count("pk"), minutes=Sum("duration_minutes"))
        .order_by()
    )
    for row in meetings:
        held = found[row["pair__mentor"], row["pair__programme"], as_month(row["month"])]
        held.meetings, held.minutes = row["n"], row["minutes"]
    done = (
        PlanItem.objects.filter(
            pair__in=pairs, done_on__gte=start, done_on__lt=end, done_on__lte=timezone.localdate()
        )
        .annotate(month=TruncMonth("done_on"))
        .values("pair__mentor", "pair__programme", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in done:
        found[row["pair__mentor"], row["pair__programme"], as_month(row["month"])].plan_done = row["n"]
    worked = (
        pairs.filter(started_on__isnull=False, started_on__lt=end)
        .exclude(ended_on__lt=start)
        .values("mentor", "programme")
        .annotate(**{f"m{i}": Count("pk", filter=worked_in(month)) for i, month in enumerate(months)})
        .order_by()
    )
    for row in worked:
        for i, month in enumerate(months):
            if row[f"m{i}"]:
                found[row["mentor"], row["programme"], month].pairs = row[f"m{i}"]
    return found


# The lines of a timesheet ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeLine:
    title: str
    meetings: int
    minutes: int
    pairs: int
    plan_done: int

    @property
    def hours(self) -> Decimal:
        return Figures(minutes=self.minutes).hours


@dataclass(frozen=True)
class MentorLine:
    """A mentor's month; `pay` is None when the school has no pay rule or the mentor is not its employee."""

    mentor_id: int
    name: str
    position: str
    employee: bool
    programmes: tuple[ProgrammeLine, ...]
    pay: Decimal | None = None

    @property
    def meetings(self) -> int:
        return sum(p.meetings for p in self.programmes)

    @property
    def minutes(self) -> int:
        return sum(p.minutes for p in self.programmes)

    @property
    def hours(self) -> Decimal:
        return Figures(minutes=self.minutes).hours

    @property
    def pairs(self) -> int:
        return sum(p.pairs for p in self.programmes)

    @property
    def plan_done(self) -> int:
        return sum(p.plan_done for p in self.programmes)


@dataclass(frozen=True)
class PayRule:
    rule: str = ""
    rate: Decimal | None = None

    @classmethod
    def of(cls, school: Organisation) -> PayRule:
        if not school.mentor_pay_rule or school.mentor_pay_rate is None:
            return cls()
        return cls(school.mentor_pay_rule, school.mentor_pay_rate)

    @property
    def is_set(self) -> bool:
        return bool(self.rule)

    def pay(self, line: MentorLine) -> Decimal | None:
        if not self.is_set or not line.employee:
            return None
        if self.rule == MentorPayRule.PER_HOUR:
            return (Decimal(line.minutes) * self.rate / 60).quantize(CENTS)
        if self.rule == MentorPayRule.PER_PAIR_MONTH:
            return (line.pairs * self.rate).quantize(CENTS)
        return self.rate.quantize(CENTS) if line.pairs else Decimal("0.00")

    @property
    def words(self) -> str:
        """The rule as the accountant reads it."""
        if not self.is_set:
            return NO_RULE
        rate = rubles(self.rate)
        unit = {
            MentorPayRule.PER_HOUR: f"{rate} за час работы с наставляемыми (по продолжительности "
            "проведённых встреч)",
            MentorPayRule.PER_PAIR_MONTH: f"{rate} за каждую пару (группу), работавшую в месяце",
            MentorPayRule.FIXED: f"{rate} в месяц наставнику, который вёл в месяце "
            "хотя бы одну пару (группу)",
        }[MentorPayRule(self.rule)]
        return (
            f"Порядок оплаты наставничества: {unit}. Оплата начисляется наставникам — работникам школы "
            "(педагогам и другим сотрудникам)."
        )


def rubles(amount: Decimal) -> str:
    """«2 000,00 руб.»"""
    return f"{amount:,.2f}".replace(",", "\u00a0").replace(".", ",") + " руб."


@dataclass(frozen=True)
class HoursSheet:
    """The mentors' timesheet of a school for a month, the same on the page and in the XLSX."""

    school: str
    month: datetime.date
    pay_rule: PayRule
    lines: tuple[MentorLine, ...] = field(default_factory=tuple)

    @property
    def title(self) -> str:
        return f"Табель учёта часов наставнической деятельности за {month_label(self.month)}"

    @property
    def total(self) -> MentorLine:
        """The lines summed as one line, for the table's last row."""
        programmes = tuple(p for line in self.lines for p in line.programmes)
        paid = [line.pay for line in self.lines if line.pay is not None]
        return MentorLine(0, "Итого", "", True, programmes, sum(paid, Decimal("0.00")) if paid else None)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["month"] = self.month.isoformat()
        data["pay_rule"] = {"rule": self.pay_rule.rule, "rate": money_text(self.pay_rule.rate)}
        for line in data["lines"]:
            line["pay"] = money_text(line["pay"])
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HoursSheet:
        lines = tuple(
            MentorLine(
                **line
                | {
                    "programmes": tuple(ProgrammeLine(**p) for p in line["programmes"]),
                    "pay": money(line["pay"]),
                }
            )
            for line in data["lines"]
        )
        rule = data["pay_rule"]
        return cls(
            school=data["school"],
            month=datetime.date.fromisoformat(data["month"]),
            pay_rule=PayRule(rule["rule"], money(rule["rate"])),
            lines=lines,
        )


def money_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def money(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def mentors_of(found: dict[Key, Figures]) -> dict[int, MentorEntry]:
    mentors = MentorEntry.objects.filter(pk__in={key[0] for key in found}).select_related("person__school")
    return {mentor.pk: mentor for mentor in mentors}


def mentor_lines(
    found: dict[Key, Figures], mentors: dict[int, MentorEntry]
) -> dict[datetime.date, list[MentorLine]]:
    """The figures as lines per month, mentors by name, each paid by the rule of its school."""
    titles = dict(Programme.objects.filter(pk__in={key[1] for key in found}).values_list("pk", "title"))
    grouped: dict[tuple[datetime.date, int], list[ProgrammeLine]] = defaultdict(list)
    for (mentor_id, programme_id, month), counted in sorted(found.items(), key=lambda i: titles[i[0][1]]):
        grouped[month, mentor_id].append(
            ProgrammeLine(
                titles[programme_id], counted.meetings, counted.minutes, counted.pairs, counted.plan_done
            )
        )
    by_month: dict[datetime.date, list[MentorLine]] = defaultdict(list)
    for (month, mentor_id), programmes in grouped.items():
        person = mentors[mentor_id].person
        line = MentorLine(
            mentor_id, person.full_name, person.position, person.kind in EMPLOYEES, tuple(programmes)
        )
        by_month[month].append(replace(line, pay=PayRule.of(person.school).pay(line)))
    for lines in by_month.values():
        lines.sort(key=lambda line: (line.name, line.mentor_id))
    return by_month


def school_sheet(school: Organisation, month: datetime.date) -> HoursSheet:
    """The month's timesheet as it stands now, from the logged meetings and plans."""
    found = figures(Pair.objects.filter(school=school), [month])
    lines = mentor_lines(found, mentors_of(found)).get(month, [])
    return HoursSheet(school.full_name, month, PayRule.of(school), tuple(lines))


def month_sheet(school: Organisation, month: datetime.date) -> tuple[HoursSheet, MentorHoursMonth | None]:
    """The month's timesheet as approved, or as it stands now when it is not approved."""
    approval = (
        MentorHoursMonth.objects.filter(school=school, month=month).select_related("approved_by").first()
    )
    if approval is not None:
        return HoursSheet.from_json(approval.figures), approval
    return school_sheet(school, month), None


@dataclass(frozen=True)
class MentorMonth:
    month: datetime.date
    line: MentorLine
    school: str
    approved: bool


def own_hours(user, year: AcademicYear) -> list[MentorMonth]:
    """The mentor's own months of the academic year, in whatever school it mentors; an approved month as
    it was approved."""
    found = figures(Pair.objects.mentored_by(user), months_of(year))
    mentors = mentors_of(found)
    by_month = mentor_lines(found, mentors)
    approvals = MentorHoursMonth.objects.filter(
        school__in={mentor.school_id for mentor in mentors.values()}, month__in=by_month
    ).values_list("school", "month", "figures")
    approved = {(school, month): HoursSheet.from_json(data) for school, month, data in approvals}
    rows = []
    for month in sorted(by_month):
        for line in by_month[month]:
            school = mentors[line.mentor_id].person.school
            sheet = approved.get((school.pk, month))
            if sheet is not None:  # the month as the director approved it
                line = next((kept for kept in sheet.lines if kept.mentor_id == line.mentor_id), line)
            rows.append(MentorMonth(month, line, school.short_name, sheet is not None))
    return rows


def approved_month(school_id: int, days: list[datetime.date]) -> datetime.date | None:
    """The first of the days' months whose hours the director has approved in the school."""
    months = {day.replace(day=1) for day in days}
    if not months:
        return None
    return (
        MentorHoursMonth.objects.filter(school_id=school_id, month__in=months)
        .order_by("month")
        .values_list("month", flat=True)
        .first()
    )

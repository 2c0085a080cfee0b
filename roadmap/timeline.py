"""A roadmap's table and its timeline: the terms as the seeds write them and a Gantt-like chart by month,
server-rendered SVG with presentation attributes (the page's content security policy forbids styles)."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from mentoring.models import User

from .models import Activity, Roadmap, Stage

MONTHS = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
SHORT = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")


def month_label(day: datetime.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def term_label(activity: Activity) -> str:
    """«сентябрь 2026», «ноябрь 2026 – декабрь 2026» by month; «01.09.2026 – 15.09.2026» by date."""
    label = month_label if activity.by_month else (lambda day: f"{day:%d.%m.%Y}")
    starts, ends = label(activity.starts_on), label(activity.ends_on)
    return starts if starts == ends else f"{starts} – {ends}"


def stages_of(roadmap: Roadmap) -> list[Stage]:
    """The stages with their activities in order, each activity with its term label: one query each."""
    activities = Activity.objects.select_related("evidence_document").prefetch_related("responsible")
    stages = list(roadmap.stages.prefetch_related(Prefetch("activities", queryset=activities)))
    for stage in stages:
        for activity in stage.activities.all():
            activity.term = term_label(activity)
    return stages


# The chart is drawn 1000 units wide and shown as wide as its column, but never under 924 px (its figure
# scrolls instead), so that its 13-unit labels are never under 12 px; narrower screens get the list instead.
FONT = 13
LABEL_WIDTH = 340
MONTHS_WIDTH = 660
ROW = 24
HEAD = 40
BAR = 14
PLANNED, DONE, OVERDUE, GRID, TODAY, TRACK = "#0d6efd", "#198754", "#dc3545", "#dee2e6", "#fd7e14", "#e9ecef"
TEXT = "#212529"
MOST_LABELS = 12  # month labels on the list's scale: at most one a month, on a phone at most a dozen


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def shorten(text: str, limit: int = 44) -> str:
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


@dataclass(frozen=True)
class Bar:
    """An activity's term on the roadmap's scale, in months from its first month."""

    activity: Activity
    left: float
    width: float
    colour: str


@dataclass(frozen=True)
class Timeline:
    title: str
    months: list[datetime.date]
    stages: list[tuple[Stage, list[Bar]]]
    on: datetime.date
    today: float | None  # where `on` falls, if within the roadmap

    @property
    def scale(self) -> list[str]:
        """The list's month labels: every month, or every second or third on a long roadmap."""
        step = -(-len(self.months) // MOST_LABELS)
        return [SHORT[month.month - 1] if i % step == 0 else "" for i, month in enumerate(self.months)]

    @property
    def span(self) -> str:
        return f"{month_label(self.months[0])} – {month_label(self.months[-1])}"


def timeline_of(roadmap: Roadmap, stages: list[Stage], today: datetime.date | None = None) -> Timeline:
    """The bars of the activities grouped by stage: green when done, red when overdue, blue otherwise."""
    today = today or timezone.localdate()
    months = months_between(roadmap.starts_on, roadmap.ends_on)
    first = months[0]
    end = datetime.date(months[-1].year + months[-1].month // 12, months[-1].month % 12 + 1, 1)

    def at(day: datetime.date) -> float:
        """Each month is as wide as any other, so that bars by month meet the month's grid lines."""
        index = (day.year - first.year) * 12 + day.month - first.month
        return round(index + (day.day - 1) / calendar.monthrange(day.year, day.month)[1], 3)

    def bar(activity: Activity) -> Bar:
        left = at(max(activity.starts_on, first))
        right = at(min(activity.ends_on + datetime.timedelta(days=1), end))
        colour = (
            DONE
            if activity.status == Activity.Status.DONE
            else OVERDUE
            if activity.is_overdue_on(today)
            else PLANNED
        )
        return Bar(activity, left, max(right - left, 0.05), colour)

    return Timeline(
        title=roadmap.title,
        months=months,
        stages=[(stage, [bar(activity) for activity in stage.activities.all()]) for stage in stages],
        on=today,
        today=at(today) if first <= today < end else None,
    )


def timeline(chart: Timeline) -> SafeString:
    """The Gantt-like chart: a row per activity under its stage, a column per month, a line at today."""
    month_width = MONTHS_WIDTH / len(chart.months)
    bottom = HEAD + ROW * sum(1 + len(bars) for _, bars in chart.stages)

    def x(months: float) -> float:
        return round(LABEL_WIDTH + months * month_width, 1)

    # A month's three letters need 36 units: every month's while they fit, else every second or third one's.
    step = -(-len(chart.months) * 36 // MONTHS_WIDTH)
    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>',
            x(i),
            HEAD if i and month.month != 1 else 4,
            x(i),
            bottom,
            GRID,
        )
        for i, month in enumerate(chart.months)
    ]
    parts += [
        format_html('<text x="{}" y="34" fill="{}">{}</text>', x(i) + 4, TEXT, SHORT[month.month - 1])
        for i, month in enumerate(chart.months)
        if i % step == 0
    ]
    parts += [
        format_html('<text x="{}" y="14" fill="{}">{}</text>', x(i) + 4, TEXT, month.year)
        for i, month in enumerate(chart.months)
        if i == 0 or month.month == 1
    ]
    y = HEAD
    for stage, bars in chart.stages:
        parts.append(
            format_html(
                '<text x="0" y="{}" fill="{}" font-weight="bold">{}</text>',
                y + ROW - 7,
                TEXT,
                shorten(f"{stage.order}. {stage.title}", 37),
            )
        )
        y += ROW
        for bar in bars:
            parts.append(
                format_html(
                    '<text x="12" y="{}" fill="{}">{}</text><rect x="{}" y="{}" width="{}" height="{}" '
                    'rx="3" fill="{}"><title>{}: {}</title></rect>',
                    y + ROW - 7,
                    TEXT,
                    shorten(bar.activity.title, 39),
                    x(bar.left),
                    y + (ROW - BAR) / 2,
                    max(round(bar.width * month_width, 1), 3),
                    BAR,
                    bar.colour,
                    bar.activity.title,
                    term_label(bar.activity),
                )
            )
            y += ROW
    if chart.today is not None:
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2">'
                "<title>Сегодня, {}</title></line>",
                x(chart.today),
                HEAD - 4,
                x(chart.today),
                y,
                TODAY,
                f"{chart.on:%d.%m.%Y}",
            )
        )
    body = SafeString("".join(parts))
    return format_html(
        '<svg class="timeline-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" '
        'role="img" aria-label="{}" font-family="DejaVu Sans, Arial, sans-serif" font-size="{}">'
        "<title>{}</title>{}</svg>",
        LABEL_WIDTH + MONTHS_WIDTH,
        y + 4,
        chart.title,
        FONT,
        chart.title,
        body,
    )


def my_activities(user: User, limit: int = 10) -> list[Activity]:
    """Activities the user answers for that are not done yet, the soonest deadline first: one query."""
    rows = (
        Activity.objects.filter(responsible=user)
        .exclude(status=Activity.Status.DONE)
        .select_related("stage__roadmap__organisation")
        .order_by("ends_on", "starts_on", "pk")[:limit]
    )
    for activity in rows:
        activity.term = term_label(activity)
    return list(rows)

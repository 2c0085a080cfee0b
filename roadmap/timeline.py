"""A roadmap's table and its timeline: the terms as the seeds write them and a Gantt-like chart by month,
server-rendered SVG with presentation attributes (the page's content security policy forbids styles)."""

from __future__ import annotations

import calendar
import datetime

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


LABEL_WIDTH = 300
MONTH_WIDTH = 56
ROW = 22
HEAD = 24
BAR = 14
PLANNED, DONE, OVERDUE, GRID, TODAY = "#0d6efd", "#198754", "#dc3545", "#dee2e6", "#fd7e14"
TEXT = "#212529"


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def shorten(text: str, limit: int = 44) -> str:
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def timeline(roadmap: Roadmap, stages: list[Stage], today: datetime.date | None = None) -> SafeString:
    """Rows = the activities grouped by stage; a bar from start to end, green when done, red when overdue;
    a vertical line at today when today falls within the roadmap."""
    today = today or timezone.localdate()
    months = months_between(roadmap.starts_on, roadmap.ends_on)
    first = months[0]
    end = datetime.date(months[-1].year + months[-1].month // 12, months[-1].month % 12 + 1, 1)
    bottom = HEAD + ROW * sum(1 + len(stage.activities.all()) for stage in stages)

    def x(day: datetime.date) -> float:
        """Each month is as wide as any other, so that bars by month meet the month's grid lines."""
        index = (day.year - first.year) * 12 + day.month - first.month
        length = calendar.monthrange(day.year, day.month)[1]
        return round(LABEL_WIDTH + (index + (day.day - 1) / length) * MONTH_WIDTH, 1)

    parts = [
        format_html(
            '<text x="{}" y="16" fill="{}" text-anchor="middle">{}</text>'
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>',
            LABEL_WIDTH + (i + 0.5) * MONTH_WIDTH,
            TEXT,
            f"{SHORT[month.month - 1]} {month:%y}",
            LABEL_WIDTH + i * MONTH_WIDTH,
            HEAD,
            LABEL_WIDTH + i * MONTH_WIDTH,
            bottom,
            GRID,
        )
        for i, month in enumerate(months)
    ]
    y = HEAD
    for stage in stages:
        parts.append(
            format_html(
                '<text x="0" y="{}" fill="{}" font-weight="bold">{}</text>',
                y + ROW - 7,
                TEXT,
                shorten(f"{stage.order}. {stage.title}", 48),
            )
        )
        y += ROW
        for activity in stage.activities.all():
            colour = (
                DONE
                if activity.status == Activity.Status.DONE
                else OVERDUE
                if activity.is_overdue_on(today)
                else PLANNED
            )
            left = x(max(activity.starts_on, first))
            right = x(min(activity.ends_on + datetime.timedelta(days=1), end))
            parts.append(
                format_html(
                    '<text x="12" y="{}" fill="{}">{}</text><rect x="{}" y="{}" width="{}" height="{}" '
                    'rx="3" fill="{}"><title>{}: {}</title></rect>',
                    y + ROW - 7,
                    TEXT,
                    shorten(activity.title),
                    left,
                    y + (ROW - BAR) / 2,
                    max(right - left, 3),
                    BAR,
                    colour,
                    activity.title,
                    term_label(activity),
                )
            )
            y += ROW
    if first <= today < end:
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2">'
                "<title>Сегодня, {}</title></line>",
                x(today),
                HEAD - 4,
                x(today),
                y,
                TODAY,
                f"{today:%d.%m.%Y}",
            )
        )
    width = LABEL_WIDTH + MONTH_WIDTH * len(months)
    body = SafeString("".join(parts))
    return format_html(
        '<svg class="chart timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" '
        'role="img" aria-label="{}" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">'
        "<title>{}</title>{}</svg>",
        width,
        y + 4,
        roadmap.title,
        roadmap.title,
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

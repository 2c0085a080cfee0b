"""The badges of a row, built in Python: a list renders them once per cell without an `{% include %}` each.
- `{% status_badge entry %}` → the coloured status of a base entry, a programme or a pair;
- `{% consent_badge entry.consent_date %}` → «Согласие от 01.09.2026» or «Нет согласия»;
- `{% archived_badge record %}` → «В архиве с …» when the record is archived, else nothing."""

from datetime import date

from django import template
from django.template.defaultfilters import date as formatted
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

STATUS_COLOURS = {
    "active": "text-bg-success",
    "paired": "text-bg-success",
    "running": "text-bg-success",
    "completed": "text-bg-dark",
    "left": "text-bg-secondary",
    "draft": "text-bg-secondary",
    "terminated": "text-bg-secondary",
    "waiting": "text-bg-info",
    "candidate": "text-bg-info",
    "proposed": "text-bg-warning",
}


@register.simple_tag
def status_badge(entry) -> SafeString:
    colour = STATUS_COLOURS.get(entry.status, "text-bg-primary")
    return format_html('<span class="badge {}">{}</span>', colour, entry.get_status_display())


@register.simple_tag
def consent_badge(consent_date: date | None) -> SafeString:
    if not consent_date:
        return mark_safe('<span class="badge text-bg-warning">Нет согласия</span>')
    return format_html(
        '<span class="badge text-bg-success">Согласие от {}</span>', formatted(consent_date, "d.m.Y")
    )


@register.simple_tag
def archived_badge(record) -> SafeString | str:
    if not (record and record.archived_at):
        return ""
    # A template turns a moment into local time before `|date`; called from Python, the tag does it itself.
    archived_on = timezone.localtime(record.archived_at)
    return format_html(
        '<span class="badge text-bg-secondary">В архиве с {}</span>', formatted(archived_on, "d.m.Y")
    )

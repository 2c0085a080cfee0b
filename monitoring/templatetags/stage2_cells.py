"""The cells of stage 2's tables: a programme's page has over a thousand of them, and a template pays some
ten nodes a cell where these pay one call (the numbers are Django's own `floatformat`, as before)."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from monitoring.stages import Cell, Summary

register = template.Library()

VERDICT_CLASSES = {1: " table-success", -1: " table-danger"}
VERDICT_ARROWS = {1: " ↑", -1: " ↓"}


@register.simple_tag
def summary_cells(summaries: list[Summary]) -> SafeString:
    """A group's row: per characteristic the means (for a group large enough) and the verdicts counted."""
    return format_html_join(
        "", '<td class="text-end">{}{}</td>', ((means(s), verdicts(s)) for s in summaries)
    )


def means(summary: Summary) -> str:
    if summary.hidden:
        return ""
    return format_html("{} → {}<br>", floatformat(summary.entry_mean, 2), floatformat(summary.exit_mean, 2))


def verdicts(summary: Summary) -> str:
    if not summary.compared:
        return "—"
    return format_html(
        '<span class="text-success" title="улучшилось">↑{}</span> <span title="без изменений">={}</span> '
        '<span class="text-danger" title="ухудшилось">↓{}</span>',
        summary.improved,
        summary.stayed,
        summary.worsened,
    )


@register.simple_tag
def participant_cells(cells: list[Cell]) -> SafeString:
    """A participant's row: per characteristic its value at entry and at exit, the change and its verdict."""
    return format_html_join(
        "", '<td class="text-end{}">{}</td>', ((VERDICT_CLASSES.get(c.verdict, ""), values(c)) for c in cells)
    )


def values(cell: Cell) -> str:
    if cell.entry is None and cell.exit is None:
        return "—"
    text = f"{floatformat(cell.entry, '-2') or '—'} → {floatformat(cell.exit, '-2') or '—'}"
    if cell.change is not None:
        sign = "+" if cell.change > 0 else ""
        text += f" ({sign}{floatformat(cell.change, '-2')}){VERDICT_ARROWS.get(cell.verdict, '')}"
    return text

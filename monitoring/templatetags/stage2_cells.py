"""The cells of stage 2's tables: a programme's page has over a thousand of them, and a template pays some
ten nodes a cell where these pay one call. Their content is numbers and fixed marks alone, so it is joined
as it is, and the numbers are written as Django's `floatformat` writes them, at a tenth of its cost."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.safestring import SafeString, mark_safe

from monitoring.stages import Cell, Summary

register = template.Library()

VERDICT_CLASSES = {1: " table-success", -1: " table-danger"}
VERDICT_ARROWS = {1: " ↑", -1: " ↓"}
HUNDREDTHS = Decimal("0.01")


def decimal_ru(value: float | None, *, whole_as_integer: bool = False) -> str:
    """`value|floatformat:2` (`:"-2"` with `whole_as_integer`: a whole number without decimals) in Russian:
    rounded half up from the number as Python writes it, a comma before the decimals."""
    if value is None:
        return ""
    exact = Decimal(repr(value))
    if whole_as_integer and exact == exact.to_integral_value():
        return str(int(exact))
    rounded = exact.quantize(HUNDREDTHS, ROUND_HALF_UP)
    return str(abs(rounded) if rounded.is_zero() else rounded).replace(".", ",")  # no «-0,00»


@register.simple_tag
def summary_cells(summaries: list[Summary]) -> SafeString:
    """A group's row: per characteristic the means (for a group large enough) and the verdicts counted."""
    return mark_safe("".join(f'<td class="text-end">{means(s)}{verdicts(s)}</td>' for s in summaries))


def means(summary: Summary) -> str:
    if summary.hidden:
        return ""
    return f"{decimal_ru(summary.entry_mean)} → {decimal_ru(summary.exit_mean)}<br>"


def verdicts(summary: Summary) -> str:
    if not summary.compared:
        return "—"
    return (
        f'<span class="text-success" title="улучшилось">↑{summary.improved}</span> '
        f'<span title="без изменений">={summary.stayed}</span> '
        f'<span class="text-danger" title="ухудшилось">↓{summary.worsened}</span>'
    )


@register.simple_tag
def participant_cells(cells: list[Cell]) -> SafeString:
    """A participant's row: per characteristic its value at entry and at exit, the change and its verdict."""
    return mark_safe("".join(participant_cell(cell) for cell in cells))


def participant_cell(cell: Cell) -> str:
    if cell.entry is None and cell.exit is None:
        return '<td class="text-end">—</td>'
    entry = decimal_ru(cell.entry, whole_as_integer=True) or "—"
    exit_ = decimal_ru(cell.exit, whole_as_integer=True) or "—"
    change = cell.change
    if change is None:
        return f'<td class="text-end">{entry} → {exit_}</td>'
    verdict = cell.verdict
    sign = "+" if change > 0 else ""
    return (
        f'<td class="text-end{VERDICT_CLASSES.get(verdict, "")}">{entry} → {exit_} '
        f"({sign}{decimal_ru(change, whole_as_integer=True)}){VERDICT_ARROWS.get(verdict, '')}</td>"
    )

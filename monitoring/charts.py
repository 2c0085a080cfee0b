"""Charts as server-rendered SVG: the same markup shows on the page and goes into the PDF report.

Colours are presentation attributes, not styles, so that the page's content security policy and WeasyPrint
both take them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 640
LABEL_HEIGHT = 18
BAR_HEIGHT = 14
GAP = 10
BAR_WIDTH = 440
VALUE_X = BAR_WIDTH + 8
FIRST, SECOND, TRACK = "#6c757d", "#0d6efd", "#e9ecef"
SHARES = (("Улучшилось", "#198754"), ("Без изменений", "#adb5bd"), ("Ухудшилось", "#dc3545"))


def number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def svg(title: str, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" '
        'role="img" aria-label="{}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">'
        "<title>{}</title>{}</svg>",
        WIDTH,
        height,
        title,
        title,
        body,
    )


def bar(y: float, share: float, colour: str, value: str, height: int = BAR_HEIGHT) -> SafeString:
    width = max(0.0, min(1.0, share)) * BAR_WIDTH
    return format_html(
        '<rect x="0" y="{}" width="{}" height="{}" fill="{}"/>'
        '<rect x="0" y="{}" width="{}" height="{}" fill="{}"/>'
        '<text x="{}" y="{}" fill="#212529">{}</text>',
        y,
        BAR_WIDTH,
        height,
        TRACK,
        y,
        round(width, 1),
        height,
        colour,
        VALUE_X,
        y + height - 3,
        value,
    )


def label(y: float, text: str) -> SafeString:
    return format_html('<text x="0" y="{}" fill="#212529">{}</text>', y + LABEL_HEIGHT - 5, text)


def distribution(title: str, counts: list[tuple[str, int]], answered: int) -> SafeString:
    """One bar per answer option: how many chose it, and their share of those who answered."""
    total = answered or 1
    step = LABEL_HEIGHT + BAR_HEIGHT + GAP
    rows = []
    for i, (option, count) in enumerate(counts):
        y = i * step
        rows.append(label(y, option))
        rows.append(bar(y + LABEL_HEIGHT, count / total, SECOND, f"{count} · {round(100 * count / total)} %"))
    return svg(title, max(step * len(counts) - GAP, 1), SafeString("".join(rows)))


@dataclass(frozen=True)
class Paired:
    """Two values of one characteristic on its own range, e.g. at entry and at exit."""

    label: str
    first: float | None
    second: float | None
    low: float
    high: float

    def share(self, value: float) -> float:
        return (value - self.low) / (self.high - self.low) if self.high > self.low else 0.0


def paired_bars(title: str, rows: list[Paired], legend: tuple[str, str]) -> SafeString:
    """For each row its two values as two bars, each scaled to the row's own range."""
    step = LABEL_HEIGHT + 2 * BAR_HEIGHT + 2 + GAP
    top = LABEL_HEIGHT + 6
    parts = [legend_row(((legend[0], FIRST), (legend[1], SECOND)))]
    for i, row in enumerate(rows):
        y = top + i * step
        parts.append(label(y, f"{row.label} (шкала {number(row.low)}–{number(row.high)})"))
        for j, (value, colour) in enumerate(((row.first, FIRST), (row.second, SECOND))):
            bar_y = y + LABEL_HEIGHT + j * (BAR_HEIGHT + 2)
            shown = "нет данных" if value is None else number(value)
            parts.append(bar(bar_y, 0 if value is None else row.share(value), colour, shown))
    return svg(title, top + step * len(rows) - GAP, SafeString("".join(parts)))


def legend_row(items: tuple[tuple[str, str], ...]) -> SafeString:
    return format_html_join(
        "",
        '<rect x="{}" y="2" width="12" height="12" fill="{}"/><text x="{}" y="12" fill="#212529">{}</text>',
        ((i * 160, colour, i * 160 + 16, text) for i, (text, colour) in enumerate(items)),
    )


def shares(title: str, rows: list[tuple[str, tuple[int, int, int]]]) -> SafeString:
    """For each row one bar split into improved, unchanged and worsened, with the counts."""
    step = LABEL_HEIGHT + BAR_HEIGHT + GAP
    top = LABEL_HEIGHT + 6
    parts = [legend_row(SHARES)]
    for i, (text, counts) in enumerate(rows):
        y = top + i * step
        parts.append(label(y, text))
        total, x = sum(counts) or 1, 0.0
        for count, (_, colour) in zip(counts, SHARES, strict=True):
            width = count / total * BAR_WIDTH
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                    round(x, 1),
                    y + LABEL_HEIGHT,
                    round(width, 1),
                    BAR_HEIGHT,
                    colour,
                )
            )
            x += width
        parts.append(
            format_html(
                '<text x="{}" y="{}" fill="#212529">↑{} · ={} · ↓{}</text>',
                VALUE_X,
                y + LABEL_HEIGHT + BAR_HEIGHT - 3,
                *counts,
            )
        )
    return svg(title, top + step * len(rows) - GAP, SafeString("".join(parts)))

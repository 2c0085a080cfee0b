"""Charts as server-rendered SVG: the same markup shows on the page and goes into the PDF report.

Colours are presentation attributes, not styles, so that the page's content security policy and WeasyPrint
both take them as they are.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# Drawn 360 units wide, so that on a phone's column (about 360 px) the 13-unit text is still about 13 px;
# the page shows a chart at most 25rem wide, the PDF at 9 cm (static/css/app.css, static/css/pdf.css).
WIDTH = 360
FONT = 13
LINE = 17  # a line of a label
CHARS = 44  # a label's line: DejaVu Sans takes 7.5 to 8 units a letter at 13
BAR_HEIGHT = 14
GAP = 10
BAR_WIDTH = 230
VALUE_X = BAR_WIDTH + 8
FIRST, SECOND, TRACK = "#6c757d", "#0d6efd", "#e9ecef"
SHARES = (("Улучшилось", "#198754"), ("Без изменений", "#adb5bd"), ("Ухудшилось", "#dc3545"))


def number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def svg(title: str, height: float, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" '
        'role="img" aria-label="{}" font-family="DejaVu Sans, Arial, sans-serif" font-size="{}">'
        "<title>{}</title>{}</svg>",
        WIDTH,
        height,
        title,
        FONT,
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
        y + height - 2,
        value,
    )


def label(y: float, text: str) -> tuple[SafeString, int]:
    """The text over a bar, in as many lines as the chart's width needs, and the height it takes."""
    lines = textwrap.wrap(text, CHARS) or [""]
    spans = format_html_join(
        "", '<tspan x="0" dy="{}">{}</tspan>', ((LINE if i else 0, line) for i, line in enumerate(lines))
    )
    return format_html('<text x="0" y="{}" fill="#212529">{}</text>', y + LINE - 4, spans), LINE * len(
        lines
    ) + 1


def distribution(title: str, counts: list[tuple[str, int]], answered: int) -> SafeString:
    """One bar per answer option: how many chose it, and their share of those who answered."""
    total = answered or 1
    y, rows = 0, []
    for option, count in counts:
        text, height = label(y, option)
        rows += [text, bar(y + height, count / total, SECOND, f"{count} · {round(100 * count / total)} %")]
        y += height + BAR_HEIGHT + GAP
    return svg(title, max(y - GAP, 1), SafeString("".join(rows)))


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
    parts, y = legend_rows(((legend[0], FIRST), (legend[1], SECOND)))
    for row in rows:
        text, height = label(y, f"{row.label} (шкала {number(row.low)}–{number(row.high)})")
        parts.append(text)
        for j, (value, colour) in enumerate(((row.first, FIRST), (row.second, SECOND))):
            bar_y = y + height + j * (BAR_HEIGHT + 2)
            shown = "нет данных" if value is None else number(value)
            parts.append(bar(bar_y, 0 if value is None else row.share(value), colour, shown))
        y += height + 2 * BAR_HEIGHT + 2 + GAP
    return svg(title, y - GAP, SafeString("".join(parts)))


def legend_rows(items: tuple[tuple[str, str], ...]) -> tuple[list[SafeString], int]:
    """The legend's swatches side by side, onto a new line where the width ends; and the height it takes."""
    parts, x, y = [], 0, 0
    for text, colour in items:
        width = 16 + 8 * len(text)
        if x and x + width > WIDTH:
            x, y = 0, y + LINE
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="12" height="12" fill="{}"/>'
                '<text x="{}" y="{}" fill="#212529">{}</text>',
                x,
                y + 2,
                colour,
                x + 16,
                y + 13,
                text,
            )
        )
        x += width + 16
    return parts, y + LINE + 6


def shares(title: str, rows: list[tuple[str, tuple[int, int, int]]]) -> SafeString:
    """For each row one bar split into improved, unchanged and worsened, with the counts."""
    parts, y = legend_rows(SHARES)
    for text, counts in rows:
        caption, height = label(y, text)
        parts.append(caption)
        total, x = sum(counts) or 1, 0.0
        for count, (_, colour) in zip(counts, SHARES, strict=True):
            width = count / total * BAR_WIDTH
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                    round(x, 1),
                    y + height,
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
                y + height + BAR_HEIGHT - 2,
                *counts,
            )
        )
        y += height + BAR_HEIGHT + GAP
    return svg(title, y - GAP, SafeString("".join(parts)))

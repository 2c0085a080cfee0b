"""The links of the schools table: a cell lists a figure per form, status or health, each a link to the
school's list filtered by it. A school's row has some fifteen of them; a template pays five nodes a link where
this pays one call a cell, with the standard library's `escape` (Django's checks for lazy text every call)."""

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def counted_links(url: str, school: int, key: str, rows: Iterable[tuple[object, str, int]]) -> SafeString:
    """«label: n» per row, one under another, each a link to `url` filtered by the school and `key`."""
    href = f"{escape(url)}?school={int(school)}&amp;{escape(key)}="
    links = (
        f'<a href="{href}{escape(str(value))}">{escape(str(label))}: {int(n)}</a>' for value, label, n in rows
    )
    return mark_safe("<br>".join(links))  # noqa: S308 — every value and label is escaped above

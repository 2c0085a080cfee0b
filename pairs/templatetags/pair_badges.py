"""`{% order_badge pair %}` → «без приказа» for an approved pair no pairs order names yet, else nothing:
built in Python so the pair list renders it without an `{% include %}` per row."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def order_badge(pair) -> SafeString | str:
    if not pair.lacks_order:
        return ""
    return format_html(
        '<span class="badge text-bg-light border border-warning text-nowrap" title="{}">без приказа</span>',
        "Ни один приказ не утверждает эту пару: её можно включить в приказ о закреплении пар",
    )

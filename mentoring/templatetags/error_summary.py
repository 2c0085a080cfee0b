"""`{% error_summary form formset … %}`: the summary of a form not saved (mentoring/error_summary.py)."""

from django import template

from mentoring import error_summary as summaries

register = template.Library()


@register.inclusion_tag("partials/error_summary.html")
def error_summary(*parts, title: str = summaries.NOT_SAVED) -> dict:
    return summaries.summary(*parts, title=title)

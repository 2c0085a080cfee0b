"""`{% filter_field field %}`: one filter above a list, drawn in Python exactly as crispy's Bootstrap 5 field
draws it (label, control, errors). A list shows up to nine filters and some fifty options on every visit;
through Django's widget templates and crispy's that is 150 templates, a third of the page's time.
A field the filters never have (required, with help text, a checkbox, radio buttons) goes to crispy."""

from html import escape

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

DRAWN_INPUTS = {"text", "search", "date"}


@register.simple_tag
def filter_field(field: BoundField) -> SafeString:
    widget = field.field.widget
    is_select = type(widget) is forms.Select
    if (
        field.field.required
        or field.help_text
        or not (is_select or getattr(widget, "input_type", "") in DRAWN_INPUTS)
    ):
        return as_crispy_field(field)
    attrs = widget.build_attrs(widget.attrs, field.build_widget_attrs({"id": field.auto_id}))
    classes = (
        attrs.get("class"),
        type(widget).__name__.lower(),
        "form-select" if is_select else "form-control",
    )
    attrs = flatatt({**attrs, "class": " ".join(filter(None, (*classes, field.errors and "is-invalid")))})
    value = widget.format_value(field.value())
    if is_select:
        control = format_html(
            '<select name="{}"{}>{}</select>', field.html_name, attrs, options(widget.choices, set(value))
        )
    else:
        value = "" if value is None else format_html(' value="{}"', value)
        control = format_html(
            '<input type="{}" name="{}"{}{}>', widget.input_type, field.html_name, value, attrs
        )
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}</label>{}{}</div>',
        field.auto_id,
        field.id_for_label,
        field.label,
        control,
        errors(field),
    )


def options(choices, chosen: set[str]) -> SafeString:
    """The options as Django's select draws them; the standard library's `escape`, which Django's wraps in a
    check for lazy text on every call, for the fifty of them."""
    drawn = []
    for value, label in choices:
        value = "" if value is None else str(value)
        if isinstance(label, (list, tuple)):
            drawn.append(f'<optgroup label="{escape(value)}">{options(label, chosen)}</optgroup>')
        else:
            selected = " selected" if value in chosen else ""
            drawn.append(f'<option value="{escape(value)}"{selected}>{escape(str(label))}</option>')
    return mark_safe("".join(drawn))  # noqa: S308 — every value and label is escaped above


def errors(field: BoundField) -> SafeString | str:
    if not field.errors:
        return ""
    lines = format_html_join(
        "",
        '<p id="error_{}_{}"><strong>{}</strong></p>',
        ((n, field.auto_id, e) for n, e in enumerate(field.errors, 1)),
    )
    return format_html('<div id="{}_error" class="invalid-feedback">{}</div>', field.auto_id, lines)

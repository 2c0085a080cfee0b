"""The summary at the top of a form that was not saved: «Форма не сохранена: 3 ошибки» and a link to each
wrong field, so that a phone user, who sees only the top of the page, learns what to fix and where.

`{% error_summary form other_form formset %}` takes the forms and formsets of one <form>;
`title="Ответы не отправлены"` replaces «Форма не сохранена». A form may name the link to a field itself with
`error_link(field) -> (label, element id)`, as the questionnaire does to lead to the whole question.
Errors of no one field are listed as text; crispy's own box of them is left empty (templates/bootstrap5/
errors.html), so that they are not shown twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from mentoring.declension import plural_ru

NOT_SAVED = "Форма не сохранена"


@dataclass(frozen=True)
class Problem:
    text: str  # «Название поля: текст ошибки», or an error of the whole form
    target: str = ""  # the id of the element the link leads to; none for an error of the whole form


def field_link(field: forms.BoundField) -> tuple[str, str]:
    """The field's label and the element to focus: the input, or the first of a group of radios or boxes."""
    return str(field.label), field.id_for_label or f"{field.auto_id}_0"


def form_problems(form: forms.BaseForm, row: int | None = None) -> list[Problem]:
    """What is wrong with a form; `row` numbers a form of a formset: «Риск (строка 2): …»."""
    in_row = f" (строка {row})" if row else ""
    # A hidden field has no label to name nor place to lead to: its error reads as the whole form's.
    whole = [*form.non_field_errors(), *(e for field in form.hidden_fields() for e in field.errors)]
    problems = [Problem(f"Строка {row}: {error}" if row else error) for error in whole]
    link = getattr(form, "error_link", field_link)
    for field in form.visible_fields():
        if field.errors:
            label, target = link(field)
            problems.append(Problem(f"{label}{in_row}: {' '.join(field.errors)}", target))
    return problems


def problems_of(form: forms.BaseForm | forms.BaseFormSet) -> list[Problem]:
    if not isinstance(form, forms.BaseFormSet):
        return form_problems(form)
    problems = [Problem(error) for error in form.non_form_errors()]
    for row, row_form in enumerate(form.forms, start=1):
        problems += form_problems(row_form, row)
    return problems


def heading(title: str, count: int) -> str:
    return f"{title}: {count} {plural_ru(count, 'ошибка', 'ошибки', 'ошибок')}"


def summary(*parts: forms.BaseForm | forms.BaseFormSet | None, title: str = NOT_SAVED) -> dict:
    """The context of templates/partials/error_summary.html for the forms and formsets of one <form>; a
    form the page does not have (None, or "" as a template gives it) is skipped."""
    problems = [problem for form in parts if form for problem in problems_of(form)]
    return {"problems": problems, "heading": heading(title, len(problems))}

"""The printable summary of a closed school year («Итоги учебного года … по программе наставничества»):
made when the year is closed, from the figures the closing stored, so the PDF says what the page says."""

from __future__ import annotations

from django import forms

from .academic_year import AcademicYear
from .documents import DocumentDataError, DocumentForm, DocumentSpec, Draft, register
from .models import Document, YearClosing
from .school_year import SUMMARY_KIND, summary_title

NO_CLOSED_YEAR = (
    "Итоги подводятся по завершённому учебному году: завершите год на странице «Завершение учебного года»."
)


class YearSummaryForm(DocumentForm):
    closing = forms.ModelChoiceField(
        label="Учебный год",
        queryset=YearClosing.objects.none(),
        empty_label=None,
        error_messages={
            "required": NO_CLOSED_YEAR,
            "invalid_choice": "Этот учебный год не завершён или его завершение отменено: выберите другой.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        closings = YearClosing.objects.for_school(self.school).filter(reverted_at__isnull=True)
        self.fields["closing"].queryset = closings
        self.fields["closing"].label_from_instance = lambda closing: closing.summary.get("year", "")

    def drafts(self) -> list[Draft]:
        closing = self.cleaned_data["closing"]
        return [Draft(title=summary_title_of(closing), params={"closing": closing.pk})]


def summary_title_of(closing: YearClosing) -> str:
    return summary_title(AcademicYear(closing.start_year))


def summary_context(document: Document) -> dict:
    closing = YearClosing.objects.filter(
        pk=document.params.get("closing"), school=document.school, reverted_at__isnull=True
    ).first()
    if closing is None:
        raise DocumentDataError("Завершение этого учебного года отменено: итогов года больше нет.")
    return {"closing": closing, "steps": closing.summary["steps"], "year_label": closing.summary["year"]}


register(
    DocumentSpec(
        kind=SUMMARY_KIND,
        label="Итоги учебного года",
        form=YearSummaryForm,
        template="documents/pdf/year_summary.html",
        context=summary_context,
        description="Сводка завершённого учебного года: ученики, перешедшие в следующий класс, выпускники, "
        "завершённые и продолжающиеся пары, встречи, выполнение планов, изменения категорий наставляемых.",
    )
)

"""The department's analytic report (seed 003 §7): indicators against plan, the schools side by side, both
monitoring stages summed up per school, and the coordinator's recommendations to each school."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError

from mentoring.academic_year import AcademicYear
from mentoring.documents import DocumentDataError, DocumentForm, DocumentSpec, Draft, register
from mentoring.models import Document, Organisation
from monitoring import stages
from monitoring.models import Survey

from .department import SchoolRow, schools_table
from .indicators import indicator_board

DEPARTMENT_REPORT = "department_report"


def report_title(year: AcademicYear) -> str:
    return f"Аналитический отчёт о реализации целевой модели наставничества за {year.label} учебный год"


class DepartmentReportForm(DocumentForm):
    year = forms.IntegerField(
        label="Учебный год (начало)",
        min_value=2000,
        max_value=2100,
        help_text="2026 — это 2026/2027 учебный год.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = AcademicYear.current().start_year

    def clean(self):
        cleaned = super().clean()
        if self.school.is_school:
            raise ValidationError("Аналитический отчёт муниципалитета заказывает управление образования.")
        return cleaned

    def drafts(self) -> list[Draft]:
        start_year = self.cleaned_data["year"]
        return [Draft(title=report_title(AcademicYear.starting(start_year)), params={"year": start_year})]


@dataclass
class SchoolMonitoring:
    row: SchoolRow
    stage_1: stages.Stage1
    stage_2: stages.Stage2


def department_report_context(document: Document) -> dict:
    department: Organisation = document.school
    if department.is_school:
        raise DocumentDataError(
            "Аналитический отчёт муниципалитета составляется только для управления образования."
        )
    year = AcademicYear.starting(document.params["year"])
    table = schools_table(department, year)
    if not table.rows:
        raise DocumentDataError(
            "К управлению образования не привязана ни одна школа: отчёт не о чем составлять."
        )
    monitoring = []
    # Two reports per school: bounded by the department's schools, and made by the worker, not a page.
    for row in table.rows:
        surveys = Survey.objects.filter(school=row.school, opens_on__range=year.span)
        monitoring.append(SchoolMonitoring(row, stages.stage_1(surveys), stages.stage_2(surveys)))
    return {
        "heading": document.title,
        "year": year,
        "table": table,
        "board": indicator_board(department, year.end_year, [row.school for row in table.rows]),
        "monitoring": monitoring,
        "min_group": stages.MIN_GROUP,
    }


register(
    DocumentSpec(
        kind=DEPARTMENT_REPORT,
        label="Аналитический отчёт муниципалитета о наставничестве",
        form=DepartmentReportForm,
        template="documents/pdf/department_report.html",
        context=department_report_context,
        description="Аналитический отчёт управления образования за учебный год: "
        "целевые показатели против плана, школы рядом, итоги двух этапов мониторинга "
        "и адресные рекомендации школам.",
        for_department=True,
    )
)

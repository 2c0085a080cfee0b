"""The mentors' timesheet as the XLSX the school's accountant opens: numbers as numbers, dates as dates, every
text cell neutralised against formulae as the lists' exports do it."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from mentoring.imports.export import safe_cell

from .hours import HoursSheet, MentorLine
from .models import MentorHoursMonth

COLUMNS = (
    ("ФИО наставника", 36),
    ("Должность", 26),
    ("Программы наставничества", 44),
    ("Пар и групп", 12),
    ("Встреч проведено", 12),
    ("Часов", 10),
    ("Пунктов плана выполнено", 14),
    ("К оплате, руб.", 16),
)
HOURS_FORMAT = "0.00"
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "DD.MM.YYYY HH:MM"
NOT_PAID = "не начисляется"
NOT_APPROVED = "Не утверждено"


def programmes_text(line: MentorLine) -> str:
    return "\n".join(f"{p.title}: {str(p.hours).replace('.', ',')} ч" for p in line.programmes)


def row_of(line: MentorLine, *, paid: bool) -> list:
    pay = line.pay if line.pay is not None else (NOT_PAID if paid else "")
    return [
        line.name,
        line.position,
        programmes_text(line),
        line.pairs,
        line.meetings,
        line.hours,
        line.plan_done,
        pay,
    ]


def merged_line(table: Worksheet, value: str, *, font: Font | None = None, height: int | None = None) -> None:
    """A line of text across the table's width."""
    table.append([safe_cell(value)])
    row = table.max_row
    table.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(COLUMNS))
    table.cell(row, 1).alignment = Alignment(wrap_text=True)
    if font:
        table.cell(row, 1).font = font
    if height:
        table.row_dimensions[row].height = height


def figures_table(table: Worksheet, sheet: HoursSheet) -> None:
    """The header, a row per mentor and the total, the header repeated on every printed page."""
    table.append([title for title, _ in COLUMNS])
    header = table.max_row
    for line in sheet.lines:
        table.append([safe_cell(value) for value in row_of(line, paid=sheet.pay_rule.is_set)])
    total = sheet.total
    table.append(["Итого", "", "", total.pairs, total.meetings, total.hours, total.plan_done, total.pay])
    for row in table.iter_rows(min_row=header, max_row=table.max_row):
        row[5].number_format = HOURS_FORMAT
        row[7].number_format = MONEY_FORMAT
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in (*table[header], *table[table.max_row]):
        cell.font = Font(bold=True)
    table.print_title_rows = f"{header}:{header}"
    table.freeze_panes = table.cell(header + 1, 1)


def approval_line(table: Worksheet, approval: MentorHoursMonth | None) -> None:
    if approval is None:
        table.append([NOT_APPROVED])
        return
    when = timezone.localtime(approval.approved_at).replace(tzinfo=None)
    table.append(["Утверждено директором", safe_cell(str(approval.approved_by or "")), when])
    table.cell(table.max_row, 3).number_format = DATE_FORMAT


def timesheet_xlsx(sheet: HoursSheet, approval: MentorHoursMonth | None) -> bytes:
    book = Workbook()
    table = book.active
    table.title = f"{sheet.month:%m.%Y}"
    merged_line(table, sheet.school, font=Font(bold=True, size=12), height=32)
    merged_line(table, sheet.title, font=Font(bold=True, size=12))
    table.append([])
    figures_table(table, sheet)
    table.append([])
    merged_line(table, sheet.pay_rule.words, height=45)
    approval_line(table, approval)
    for number, (_, width) in enumerate(COLUMNS, start=1):
        table.column_dimensions[get_column_letter(number)].width = width
    # Printed for signing: landscape, one page wide.
    table.page_setup.orientation = "landscape"
    table.page_setup.fitToWidth, table.page_setup.fitToHeight = 1, 0
    table.sheet_properties.pageSetUpPr.fitToPage = True
    content = BytesIO()
    book.save(content)
    return content.getvalue()

"""`make bench`: how fast and in how little memory the reading of an upload refuses the crafted files of
issue 17 (built here in memory), and what reading a legitimate 10,000-row list costs.

Figures are printed, never asserted: the bounds themselves are asserted in tests/test_import_reading.py.
"""

import io
from collections.abc import Callable
from functools import partial

import openpyxl

from mentoring.imports.columns import COLUMNS
from mentoring.imports.reading import ImportFileError, read_bytes
from tests.crafted_files import CRAFTED

from .conftest import timed_then_traced

LIST_ROWS = 10_000


def read_outcome(read: Callable[[], object]) -> str:
    try:
        read()
    except ImportFileError as error:
        return f"отказ: {str(error).split(' — ')[0]}"
    return "прочитан"


def school_list_xlsx(rows: int) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Фамилия", "Имя", "Отчество", "Дата рождения", "Класс", "Телефон", "Электронная почта"])
    for n in range(rows):
        grade = n % 11 + 1
        sheet.append(
            [f"Списков{n}", "Пётр", "Петрович", f"{n % 28 + 1:02d}.0{n % 9 + 1}.{2019 - grade}",
             f"{grade}{'АБВ'[n % 3]}", f"+7 900 {n:07d}", f"pupil{n}@school.example"]
        )  # fmt: skip
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def test_crafted_files_are_refused_quickly_in_little_memory():
    print("\nЧтение загруженных списков: время (без трассировки памяти) и пиковая память (tracemalloc)")
    for label, make in CRAFTED.items():
        data = make()
        outcome, seconds, peak = timed_then_traced(partial(read_outcome, partial(read_bytes, data, COLUMNS)))
        print(f"  {label:38} {len(data) // 1024:5} КБ: {seconds:5.2f} с, {peak:6.1f} МБ — {outcome}")


def test_a_legitimate_list_of_10000_rows():
    data = school_list_xlsx(LIST_ROWS)
    outcome, seconds, peak = timed_then_traced(partial(read_outcome, partial(read_bytes, data, COLUMNS)))
    size = f"{len(data) // 1024} КБ"
    print(f"\n  список XLSX, {LIST_ROWS} строк, {size}: {seconds:5.2f} с, {peak:6.1f} МБ — {outcome}")

    def by_openpyxl():  # the reading before issue 17, for comparison
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = list(book.active.iter_rows(max_col=60, values_only=True))
        book.close()
        return rows

    _, seconds, peak = timed_then_traced(by_openpyxl)
    print(f"  для сравнения, openpyxl (read_only) тех же строк: {seconds:5.2f} с, {peak:6.1f} МБ")

"""Reading an uploaded list: bounded whatever the file claims, honest about encodings and formulas."""

import datetime
import io
import tracemalloc

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from mentoring.imports import xlsx
from mentoring.imports.columns import COLUMNS
from mentoring.imports.fields import SchoolClassWidget
from mentoring.imports.reading import ImportFileError, read_bytes
from mentoring.models import parse_school_class

from . import crafted_files
from .crafted_files import HEADER_ROWS, HEADER_STRINGS

PEAK_MEMORY_BOUND = 48 * 1024 * 1024  # a crafted file took 1.65 GB before the bounds


def refusal(data: bytes) -> str:
    with pytest.raises(ImportFileError) as refused:
        read_bytes(data, COLUMNS)
    return str(refused.value)


def rows_of(data: bytes) -> list[list]:
    return read_bytes(data, COLUMNS).dataset.dict


def xlsx_bytes(rows, *, active: int = 0, sheets: int = 1) -> bytes:
    book = Workbook()
    for _ in range(sheets - 1):
        book.create_sheet()
    sheet = book.worksheets[active]
    book.active = active
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def csv_bytes(lines: list[str], encodings: list[str]) -> bytes:
    return b"".join(f"{line}\r\n".encode(encoding) for line, encoding in zip(lines, encodings, strict=True))


# --- Crafted files: refused early, in little memory ------------------------------------------------------

CRAFTED_REFUSALS = {
    "wide row": (crafted_files.wide_row, "В строке 3 листа больше 1\u00a0000 ячеек"),
    "many shared strings": (crafted_files.many_shared_strings, "В книге больше 200\u00a0000 разных значений"),
    "long shared strings": (crafted_files.long_shared_strings, "длиннее 10\u00a0000\u00a0000 символов"),
    "one huge cell": (crafted_files.one_huge_cell, "В ячейке книги больше 32\u00a0767 символов"),
}


@pytest.mark.parametrize("case", CRAFTED_REFUSALS, ids=list(CRAFTED_REFUSALS))
def test_a_small_file_crafted_to_unpack_into_millions_of_cells_is_refused_in_little_memory(case):
    make, message = CRAFTED_REFUSALS[case]
    data = make()
    assert len(data) < 1024 * 1024  # tiny on the wire, enormous once unpacked
    tracemalloc.start()
    try:
        refused = refusal(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message in refused
    assert "это не похоже на список участников" in refused
    assert peak < PEAK_MEMORY_BOUND


def test_a_csv_line_of_five_million_delimiters_is_refused_before_it_becomes_cells():
    data = crafted_files.wide_csv()
    tracemalloc.start()
    try:
        refused = refusal(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused == (
        "В строке 3 файла больше 1\u00a0000 столбцов — это не похоже на список участников. "
        "Удалите лишние столбцы и загрузите файл снова."
    )
    assert peak < PEAK_MEMORY_BOUND  # the row as a list of cells took 80 MB


def test_a_sheet_with_more_cells_than_any_list_is_refused(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_CELLS", 100)
    row = b"<row>" + b'<c t="s"><v>2</v></c>' * 20 + b"</row>"
    assert "На листе больше 100 ячеек" in refusal(crafted_files.xlsx(HEADER_ROWS + row * 5))


def test_a_shared_strings_table_announcing_too_many_texts_is_refused_before_it_is_read():
    data = crafted_files.xlsx(unique_count="9999999")
    assert "В книге больше 200\u00a0000 разных значений ячеек" in refusal(data)


def test_a_cell_longer_than_excel_allows_names_its_cell():
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + b"a" * 40_000 + b"</t></is></c></row>"
    assert "В ячейке A2 больше 32\u00a0767 символов" in refusal(crafted_files.xlsx(HEADER_ROWS[:63] + row))


def test_an_entity_expansion_bomb_is_not_a_table():
    laughs = b'<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    data = crafted_files.xlsx(strings=HEADER_STRINGS + b"<si><t>&b;</t></si>", prologue=laughs)
    assert refusal(data).startswith("Файл не похож на таблицу XLSX или CSV")


def test_a_row_of_a_few_hundred_formatted_empty_cells_is_still_read():
    styled = b"".join(b'<c r="%s3" s="0"/>' % xlsx.column_letter(i).encode() for i in range(2, 900))
    row = b'<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3" t="s"><v>3</v></c>' + styled + b"</row>"
    assert [row["Фамилия"] for row in rows_of(crafted_files.xlsx(HEADER_ROWS + row))] == ["Иванов", "Иванов"]


# --- What the streamed reading keeps of a real book -----------------------------------------------------


def test_texts_dates_numbers_and_gaps_between_cells_read_as_openpyxl_read_them():
    data = xlsx_bytes(
        [
            ["Фамилия", "Имя", "Дата рождения", "Класс", None, "Стаж"],
            ["Иванов", "Иван", datetime.date(2012, 3, 12), 7, None, 12.0],
            ["Петрова", None, datetime.datetime(2011, 9, 1, 0, 0), "8 «А»", "заметка", 3.5],
        ]
    )
    assert rows_of(data) == [
        {"Фамилия": "Иванов", "Имя": "Иван", "Дата рождения": datetime.date(2012, 3, 12), "Класс": 7,
         "Стаж": 12, "__row__": 2},
        {"Фамилия": "Петрова", "Имя": "", "Дата рождения": datetime.date(2011, 9, 1), "Класс": "8 «А»",
         "Стаж": 3.5, "__row__": 3},
    ]  # fmt: skip


def test_rich_text_is_read_without_its_phonetic_reading_and_cells_without_references_in_order():
    strings = HEADER_STRINGS + "<si><r><t>Смир</t></r><r><t>нова</t></r><rPh><t>x</t></rPh></si>".encode()
    row = '<row><c t="s"><v>4</v></c><c t="inlineStr"><is><t>Анна</t></is></c></row>'.encode()
    assert rows_of(crafted_files.xlsx(HEADER_ROWS + row, strings))[1] == {
        "Фамилия": "Смирнова", "Имя": "Анна", "__row__": 3
    }  # fmt: skip


def test_the_active_sheet_is_the_one_read():
    book = Workbook()
    book.active.append(["Фамилия", "Имя"])
    book.active.append(["Первый", "Лист"])
    second = book.create_sheet()
    second.append(["Фамилия", "Имя"])
    second.append(["Второй", "Лист"])
    book.active = 1
    stream = io.BytesIO()
    book.save(stream)
    assert [row["Фамилия"] for row in rows_of(stream.getvalue())] == ["Второй"]


# --- Formulas without their values ----------------------------------------------------------------------


def test_a_name_cell_holding_a_formula_without_its_value_names_the_cell_and_asks_for_values():
    data = xlsx_bytes([["Фамилия", "Имя"], ["Иванов", "Иван"], ['="Пет"&"ров"', "Пётр"]])
    message = refusal(data)
    assert message.startswith("Строка 3, столбец «Фамилия» (ячейка A3): в ячейке формула")
    assert "Сохраните значения вместо формул" in message


def test_a_formula_with_its_saved_value_is_read_as_the_value():
    cell = '<c r="A3" t="str"><f>"Пет"&amp;"ров"</f><v>Петров</v></c>'.encode()
    row = b'<row r="3">' + cell + b'<c r="B3" t="s"><v>3</v></c></row>'
    assert rows_of(crafted_files.xlsx(HEADER_ROWS + row))[1]["Фамилия"] == "Петров"


def test_a_formula_in_a_column_that_is_not_imported_does_not_matter():
    data = xlsx_bytes([["Фамилия", "Имя", "Сумма"], ["Иванов", "Иван", "=1+1"], [None, None, "=1+1"]])
    assert [row["Фамилия"] for row in rows_of(data)] == ["Иванов"]


def test_a_row_whose_every_imported_cell_is_a_formula_is_not_taken_for_a_blank_row():
    data = xlsx_bytes([["Фамилия", "Имя"], ["Иванов", "Иван"], ["=B1", "=C1"]])
    assert refusal(data).startswith("Строка 3, столбец «Фамилия» (ячейка A3): в ячейке формула")


# --- Encodings ------------------------------------------------------------------------------------------


def test_a_utf8_mark_before_windows_1251_text_is_named_as_the_encoding_problem():
    data = b"\xef\xbb\xbf" + "Фамилия;Имя\r\nИванов;Иван\r\n".encode("cp1251")
    assert refusal(data) == (
        "Файл помечен как UTF-8, но текст в нём записан в другой кодировке (похоже, Windows-1251): "
        "откройте его в LibreOffice Calc, выбрав в окне импорта кодировку «Кириллица (Windows-1251)», "
        "сохраните как «Книга Excel (.xlsx)» и загрузите снова."
    )


def test_utf8_rows_in_a_windows_1251_file_are_named_instead_of_read_as_mojibake():
    lines = ["Фамилия;Имя", "Иванов;Иван", "Смесева;Анна", "Петров;Пётр", "Ильина;Ирина", "Орлов;Олег"]
    data = csv_bytes(lines, ["cp1251", "cp1251", "utf-8", "cp1251", "utf-8", "cp1251"])
    assert refusal(data).startswith(
        "Файл записан в двух кодировках сразу: строки 3 и 5 записаны в UTF-8, а остальные — в Windows-1251"
    )


def test_one_windows_1251_row_in_a_utf8_file_is_named():
    lines = ["Фамилия;Имя", "Иванов;Иван", "Петров;Пётр", "Орлов;Олег"]
    data = csv_bytes(lines, ["utf-8", "utf-8", "cp1251", "utf-8"])
    assert "строка 3 записана в Windows-1251, а остальные — в UTF-8" in refusal(data)


def test_text_already_turned_into_mojibake_is_refused_with_the_rows_and_what_it_should_read():
    garbled = "Смесева".encode().decode("cp1251")
    data = xlsx_bytes([["Фамилия", "Имя"], ["Иванов", "Иван"], [garbled, "Анна"], ["Орлов", garbled]])
    message = refusal(data)
    assert message.startswith("Часть текста в файле — в другой кодировке: в строках 3 и 4 вместо русских")
    assert f"«{garbled}» (должно быть «Смесева»)" in message


@pytest.mark.parametrize("name", ["СЁМИН", "Сёмина", "Рёрих", "ООО «Р»", "7 «С»", "Р. С. № 5"])
def test_real_names_with_letters_near_the_code_page_signs_are_not_taken_for_mojibake(name):
    data = csv_bytes(["Фамилия;Имя", f"{name};Иван"], ["cp1251", "cp1251"])
    assert rows_of(data)[0]["Фамилия"] == name


# --- The class -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["-3", -3, "-3А", "0", 0, "12", "−3"])
def test_a_class_outside_1_to_11_is_refused_with_the_range(value):
    with pytest.raises(ValueError, match=r"— не класс: укажите номер от 1 до 11 и букву"):
        SchoolClassWidget().clean(value)


def test_a_negative_class_is_no_class_for_the_forms_either():
    with pytest.raises(ValidationError):
        parse_school_class("-3")
    assert parse_school_class("7 - б") == (7, "Б")

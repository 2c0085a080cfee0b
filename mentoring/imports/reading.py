"""Safe reading of an uploaded table: size and row limits, the encodings and delimiters of Russian
Excel (and the traps of mixing them), XLSX streamed within what a list can be (`xlsx`), the header found
among the first rows, every cell cleaned. Whatever cannot be read is refused with one Russian sentence
(`ImportFileError`).

The rows read wait for the curator's confirmation in a file under `UPLOADS` (imports/jobs.py), deleted when
the import ends or, left behind, by `purge_stale_uploads`.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import io
import logging
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import tablib
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from .columns import (
    BIRTH_DATE,
    COLUMN_ALIASES,
    COLUMNS,
    FIRST_NAME,
    LAST_NAME,
    PATRONYMIC,
    REQUIRED_COLUMNS,
    ROW_NUMBER,
    SCHOOL_CLASS,
)
from .errors import ImportFileError, megabytes, thousands
from .xlsx import FORMULA, MAX_ROW_CELLS, column_letter, sheet_rows

logger = logging.getLogger(__name__)

UPLOADS = "imports"  # the storage folder of the rows read, waiting for confirmation

HEADER_SEARCH_ROWS = 10  # a title line or two above the header is common in the journals' exports
MAX_BLANK_RUN = 1000  # a sheet formatted down to row 1 048 576 ends where the data ends
MAX_LISTED_ROWS = 10  # the rows a message names

# Russian text in UTF-8 read as Windows-1251: each letter becomes «Р» or «С» and a sign of the upper half
# of the code page («Смесева» → «РЎРјРµСЃРµРІР°»). Two such pairs in a row never occur in real text.
CP1251_UPPER_HALF = bytes(range(0x80, 0xC0)).decode("cp1251", "ignore")
MOJIBAKE = re.compile(f"(?:[РС][{re.escape(CP1251_UPPER_HALF)}]){{2,}}")

WRONG_FORMAT = (
    "Файл не похож на таблицу XLSX или CSV. Откройте его в Excel или LibreOffice и сохраните как "
    "«Книга Excel (.xlsx)» или «CSV (разделители — точка с запятой)», затем загрузите снова."
)
OLD_EXCEL = (
    "Файл не похож на таблицу XLSX или CSV: это старый формат Excel (.xls). Откройте его в Excel и "
    "сохраните как «Книга Excel (.xlsx)», затем загрузите снова."
)
UNKNOWN_ENCODING = (
    "Не удалось прочитать текст файла: поддерживаются кодировки UTF-8 и Windows-1251. Сохраните CSV "
    "в одной из них (в Excel: «CSV (разделители — точка с запятой)») или загрузите файл XLSX."
)
MARKED_UTF8 = (
    "Файл помечен как UTF-8, но текст в нём записан в другой кодировке (похоже, Windows-1251): "
    "откройте его в LibreOffice Calc, выбрав в окне импорта кодировку «Кириллица (Windows-1251)», "
    "сохраните как «Книга Excel (.xlsx)» и загрузите снова."
)
EMPTY_FILE = "Файл пуст: в нём нет ни заголовков, ни строк. Выберите файл со списком."
ONLY_HEADERS = "В файле есть только заголовки и нет ни одной строки с данными. Ничего не записано."


def too_large_message() -> str:
    return (
        f"Файл больше {megabytes(settings.IMPORT_MAX_UPLOAD_BYTES)}: разделите список на части "
        "(например, по классам) и загрузите их по очереди."
    )


def normalise_text(value: str) -> str:
    """Case-, ё- and space-insensitive form of a name or a header."""
    return re.sub(r"\s+", " ", value.replace("ё", "е").replace("Ё", "Е")).strip().casefold()


def normalise_header(value: Any) -> str:
    return normalise_text(str(value)).rstrip("*:. ")


HEADER_LOOKUP = {normalise_header(name): name for name in COLUMNS} | {
    normalise_header(alias): name for name, aliases in COLUMN_ALIASES.items() for alias in aliases
}


def clean_cell(value: Any) -> Any:
    """A cell as the widgets expect it: stripped text, a whole number, a date, or ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = value.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "").strip()
        # Undo our own export's neutralising of formulae, so an exported file re-imports as it was.
        if len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
            value = value[1:]
        return value
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date()
    return value


@dataclass
class Sheet:
    """An uploaded file read into a dataset with our column names, ready for a resource."""

    data: bytes
    kind: str  # "xlsx" or "csv"
    dataset: tablib.Dataset
    columns: list[str]
    ignored_columns: list[str]

    @property
    def extension(self) -> str:
        return self.kind


def upload_bytes(uploaded_file) -> bytes:
    """The bytes of an upload, refused with a message when it is larger than an import may be."""
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise ImportFileError(too_large_message())
    with contextlib.suppress(AttributeError, OSError, ValueError):
        uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise ImportFileError(too_large_message())
    return data


def table_rows(data: bytes) -> tuple[str, Iterator[tuple[int, list]]]:
    """The kind of a table file ("xlsx" or "csv") and its numbered rows, or an ImportFileError."""
    if not data.strip() or data in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        raise ImportFileError(EMPTY_FILE)
    if data.startswith(b"PK\x03\x04"):
        return "xlsx", _xlsx_rows(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ImportFileError(OLD_EXCEL)
    if data.startswith((b"%PDF", b"PK", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf", b"\x89PNG", b"\xff\xd8\xff")):
        raise ImportFileError(WRONG_FORMAT)
    return "csv", _csv_rows(data)


def read_bytes(data: bytes, importable: Sequence[str]) -> Sheet:
    """The table in the bytes as a dataset of the importable columns it has, or an ImportFileError."""
    kind, rows = table_rows(data)
    with contextlib.closing(rows):
        dataset, columns, ignored = _to_dataset(rows, importable)
    return Sheet(data=data, kind=kind, dataset=dataset, columns=columns, ignored_columns=ignored)


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise ImportFileError(UNKNOWN_ENCODING)
    if b"\x00" in data[:8192]:
        raise ImportFileError(WRONG_FORMAT)
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = _decode_windows_1251(body, marked_utf8=len(body) < len(data))
    text = text.rstrip("\x1a")  # the end-of-file mark of old DOS programs
    # Text tables have no control characters; random bytes and binary formats do.
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
        raise ImportFileError(WRONG_FORMAT)
    return text


def _decode_windows_1251(data: bytes, *, marked_utf8: bool) -> str:
    """A text that is not UTF-8 throughout: Windows-1251, unless some of its lines are UTF-8 (they would
    read as «РЎРјРµСЃРµРІР°») or the file is marked as UTF-8."""
    utf8_lines, other_lines = [], []
    for number, line in enumerate(data.split(b"\n"), 1):
        if not line.isascii():
            try:
                line.decode("utf-8")
                utf8_lines.append(number)
            except UnicodeDecodeError:
                other_lines.append(number)
    if utf8_lines:
        raise ImportFileError(_mixed_encodings_message(utf8_lines, other_lines))
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        raise ImportFileError(UNKNOWN_ENCODING) from None
    if marked_utf8:
        raise ImportFileError(MARKED_UTF8)
    return text


def _mixed_encodings_message(utf8_lines: list[int], other_lines: list[int]) -> str:
    """Names the lines of the rarer encoding, which are the ones to mend."""
    if len(utf8_lines) <= len(other_lines):
        lines, encoding, others = utf8_lines, "UTF-8", "Windows-1251"
    else:
        lines, encoding, others = other_lines, "Windows-1251", "UTF-8"
    written = f"строка {lines[0]} записана" if len(lines) == 1 else f"строки {_listed(lines)} записаны"
    return (
        f"Файл записан в двух кодировках сразу: {written} в {encoding}, а остальные — в {others}, "
        "и имена в одних или других строках прочитались бы искажёнными. Перенесите эти строки из "
        "исходного списка заново и сохраните весь файл в одной кодировке (лучше всего как «Книга "
        "Excel (.xlsx)»), затем загрузите снова."
    )


def _sniff_delimiter(text: str) -> str:
    """`;` (Russian Excel), `,` or a tab: whichever the first lines hold most of; `;` wins a tie."""
    lines = [line for line in text[:16384].splitlines() if line.strip()][:10]
    sample = "\n".join(lines)
    counts = {delimiter: sample.count(delimiter) for delimiter in (";", "\t", ",")}
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ";"


def _csv_rows(data: bytes):
    text = _decode(data)
    if not text.strip():
        raise ImportFileError(EMPTY_FILE)
    delimiter = _sniff_delimiter(text)
    # A line of a million delimiters would become a list of a million cells before any check could see it.
    for number, line in enumerate(io.StringIO(text, newline=""), 1):
        if line.count(delimiter) >= MAX_ROW_CELLS:
            raise ImportFileError(
                f"В строке {number} файла больше {thousands(MAX_ROW_CELLS)} столбцов — это не похоже на "
                "список участников. Удалите лишние столбцы и загрузите файл снова."
            )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, values in enumerate(reader, 1):  # noqa: B007 — number is read in the except
            yield number, values
    except csv.Error:
        raise ImportFileError(
            f"{WRONG_FORMAT} (Строка {number + 1} не читается как строка таблицы.)"
        ) from None


def _xlsx_rows(data: bytes):
    try:
        yield from sheet_rows(data)
    except ImportFileError:
        raise
    except Exception:  # a damaged file fails in many ways: zip, XML, a missing part, a bad number
        logger.info("An uploaded XLSX could not be read", exc_info=True)
        raise ImportFileError(WRONG_FORMAT) from None


def _missing_columns_message(missing: list[str], header: list[Any]) -> str:
    names = ", ".join(f"«{name}»" for name in missing)
    message = (
        f"В файле нет обязательных столбцов: {names}. Первая строка таблицы должна содержать заголовки, "
        f"например: «{LAST_NAME}», «{FIRST_NAME}», «{PATRONYMIC}», «{BIRTH_DATE}», «{SCHOOL_CLASS}»."
    )
    normalised = [normalise_header(cell) for cell in header if cell != ""]
    if "фио" in normalised or "ф.и.о" in normalised:
        message += " Если фамилия, имя и отчество записаны в одном столбце «ФИО», разделите его на три."
    elif not any(cell in HEADER_LOOKUP for cell in normalised):
        message += " Если заголовки в файле есть, проверьте кодировку: нужен UTF-8 или Windows-1251."
    return message


def _map_header(cells: list[Any]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for index, cell in enumerate(cells):
        name = HEADER_LOOKUP.get(normalise_header(cell)) if cell != "" else None
        if name:
            found[name].append(index)
    return found


def _to_dataset(rows, importable: Sequence[str]) -> tuple[tablib.Dataset, list[str], list[str]]:
    header: dict[str, list[int]] | None = None
    first_header: list[Any] | None = None
    non_empty = 0
    for _number, values in rows:
        cells = [clean_cell(value) for value in values]
        if not any(cell != "" for cell in cells):
            continue
        non_empty += 1
        first_header = first_header or cells
        mapping = _map_header(cells)
        if all(name in mapping for name in REQUIRED_COLUMNS):
            header, header_cells = mapping, cells
            break
        if non_empty >= HEADER_SEARCH_ROWS:
            break
    if header is None:
        if first_header is None:
            raise ImportFileError(EMPTY_FILE)
        mapping = _map_header(first_header)
        raise ImportFileError(
            _missing_columns_message([n for n in REQUIRED_COLUMNS if n not in mapping], first_header)
        )
    for name, indexes in header.items():
        if len(indexes) > 1:
            letters = " и ".join(column_letter(i) for i in indexes)
            raise ImportFileError(
                f"Столбец «{name}» встречается в файле несколько раз (столбцы {letters}). "
                "Оставьте один и загрузите файл снова."
            )
    columns = [name for name in importable if name in header]
    indexes = [header[name][0] for name in columns]
    ignored = [
        str(cell)
        for index, cell in enumerate(header_cells)
        if cell != "" and index not in indexes and not str(cell).startswith("__")
    ]
    dataset = tablib.Dataset(headers=[*columns, ROW_NUMBER])
    max_rows = settings.IMPORT_MAX_ROWS
    blank_run = 0
    garbled: list[tuple[int, str]] = []  # rows with text in another encoding, and their first such cell
    for number, values in rows:
        width = len(values)
        cells = [values[i] if i < width else "" for i in indexes]
        for name, index, cell in zip(columns, indexes, cells, strict=True):
            if cell is FORMULA:
                raise ImportFileError(_formula_message(number, index, name))
        # A formula without its value in a column not imported reads as empty, as openpyxl read it.
        if not any(value not in (None, "") and str(value).strip() for value in values):
            blank_run += 1
            if blank_run > MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        if len(dataset) >= max_rows:
            raise ImportFileError(
                f"В файле больше {thousands(max_rows)} строк. Разделите список на части "
                "(например, по классам) и загрузите их по очереди."
            )
        if len(garbled) <= MAX_LISTED_ROWS:  # enough to name them all, or to say «и другие»
            found = next((cell for cell in cells if isinstance(cell, str) and MOJIBAKE.search(cell)), None)
            if found is not None:
                garbled.append((number, found))
        dataset.append([clean_cell(cell) for cell in cells] + [number])
    if garbled:
        raise ImportFileError(_garbled_message(garbled))
    if not len(dataset):
        raise ImportFileError(ONLY_HEADERS)
    return dataset, columns, ignored


def _formula_message(number: int, index: int, name: str) -> str:
    return (
        f"Строка {number}, столбец «{name}» (ячейка {column_letter(index)}{number}): в ячейке формула, "
        "а её значение в файле не сохранено. Сохраните значения вместо формул — откройте файл в Excel "
        "или LibreOffice и сохраните его заново или вставьте столбец через «Специальная вставка → "
        "Значения», — затем загрузите снова."
    )


def _listed(numbers: list[int]) -> str:
    """«3», «3 и 5», «3, 5, 7 и другие»: the numbers of rows, at most MAX_LISTED_ROWS of them."""
    shown = [str(number) for number in numbers[:MAX_LISTED_ROWS]]
    if len(numbers) > MAX_LISTED_ROWS:
        return ", ".join(shown) + " и другие"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " и " + shown[-1]


def _garbled_message(garbled: list[tuple[int, str]]) -> str:
    numbers = [number for number, _ in garbled]
    rows = f"в строке {numbers[0]}" if len(numbers) == 1 else f"в строках {_listed(numbers)}"
    cell = garbled[0][1].strip()
    repaired = MOJIBAKE.sub(lambda match: match.group().encode("cp1251").decode("utf-8"), cell)
    return (
        f"Часть текста в файле — в другой кодировке: {rows} вместо русских букв стоят знаки вроде "
        f"«{cell[:40]}» (должно быть «{repaired[:20]}»). Так бывает, когда строки из файла в UTF-8 "
        "вставили в файл в Windows-1251: исправьте эти строки и сохраните список в одной кодировке "
        "(лучше всего как «Книга Excel (.xlsx)»), затем загрузите снова."
    )


def purge_stale_uploads(max_age: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    """Delete files under `UPLOADS` older than max_age that no import deleted (a worker died first)."""
    try:
        _, names = default_storage.listdir(UPLOADS)
    except FileNotFoundError:
        return 0
    deadline = timezone.now() - max_age
    paths = (f"{UPLOADS}/{name}" for name in names)
    stale = [path for path in paths if default_storage.get_modified_time(path) < deadline]
    for path in stale:
        default_storage.delete(path)
    return len(stale)

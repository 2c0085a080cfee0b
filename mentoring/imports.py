"""Import of people and the two bases from XLSX and CSV files, and export of the same lists.

The flow: `read_upload` turns the bytes a curator uploaded into a `tablib.Dataset` with our Russian
column names (or refuses the file with one Russian sentence); `import_preview` runs the
django-import-export resource as a dry run and reports every row; `import_confirm` runs it for real,
in one transaction: the whole file is written, or nothing.

Both functions take no request, so the views and the benchmarks call the same code.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import io
import logging
import re
import warnings
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from import_export import fields, resources, widgets

from .models import (
    MenteeCategory,
    MenteeEntry,
    MentorEntry,
    Organisation,
    Person,
    format_school_class,
    parse_school_class,
)

logger = logging.getLogger(__name__)

# Column names, as in the schools' own lists; an exported file has the same headers, so it re-imports.
LAST_NAME = "Фамилия"
FIRST_NAME = "Имя"
PATRONYMIC = "Отчество"
BIRTH_DATE = "Дата рождения"
SCHOOL_CLASS = "Класс"
KIND = "Кто это"
POSITION = "Должность"
SUBJECTS = "Предметы"
EXPERIENCE = "Стаж"
PHONE = "Телефон"
EMAIL = "Электронная почта"
CATEGORIES = "Категории"
REQUEST = "Запрос"
REPORTED_BY = "Кто выявил"
COMPETENCIES = "Компетенции"
CAPACITY = "Сколько наставляемых"
STATUS = "Статус"
CONSENT = "Согласие"

REQUIRED_COLUMNS = (LAST_NAME, FIRST_NAME)

# Other spellings met in the journals' exports (compared after `normalise_header`).
COLUMN_ALIASES = {
    BIRTH_DATE: ("дата рожд", "д.р", "др"),
    KIND: ("тип участника",),
    EXPERIENCE: ("педагогический стаж", "стаж, лет", "педагогический стаж, лет"),
    PHONE: ("тел", "номер телефона"),
    EMAIL: ("e-mail", "email", "эл. почта", "электронная почта (e-mail)"),
    REPORTED_BY: ("кто выявил потребность",),
    CAPACITY: ("сколько наставляемых может вести",),
}

ROW_NUMBER = "__row__"  # the spreadsheet row of each data row (the header is row 1), kept in the dataset

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # what an XLSX may unpack to: a class list is a few hundred KB
MAX_ZIP_MEMBERS = 500
MAX_COLUMNS = 60
HEADER_SEARCH_ROWS = 10  # a title line or two above the header is common in the journals' exports
MAX_BLANK_RUN = 1000  # a sheet formatted down to row 1 048 576 ends where the data ends
TEXT_MAX_LENGTH = 5000  # for text fields without a limit of their own

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
EMPTY_FILE = "Файл пуст: в нём нет ни заголовков, ни строк. Выберите файл со списком."
ONLY_HEADERS = "В файле есть только заголовки и нет ни одной строки с данными. Ничего не записано."


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message is for the curator."""


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}".replace(".", ",") + " МБ"


def too_large_message() -> str:
    return (
        f"Файл больше {megabytes(settings.IMPORT_MAX_UPLOAD_BYTES)}: разделите список на части "
        "(например, по классам) и загрузите их по очереди."
    )


def thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u00a0")


# --- Reading the file ------------------------------------------------------------------------------


def normalise_text(value: str) -> str:
    """Case-, ё- and space-insensitive form of a name or a header."""
    return re.sub(r"\s+", " ", value.replace("ё", "е").replace("Ё", "Е")).strip().casefold()


def normalise_header(value: Any) -> str:
    return normalise_text(str(value)).rstrip("*:. ")


COLUMNS = (
    LAST_NAME, FIRST_NAME, PATRONYMIC, BIRTH_DATE, SCHOOL_CLASS, KIND, POSITION, SUBJECTS, EXPERIENCE,
    PHONE, EMAIL, CATEGORIES, REQUEST, REPORTED_BY, COMPETENCIES, CAPACITY, STATUS, CONSENT,
)  # fmt: skip
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


def read_upload(uploaded_file, target: str | Target) -> Sheet:
    """Read an uploaded file (any object with read(), and size if known) or refuse it with a message."""
    return read_bytes(upload_bytes(uploaded_file), get_target(target))


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


def read_bytes(data: bytes, target: str | Target) -> Sheet:
    target = get_target(target)
    kind, rows = table_rows(data)
    with contextlib.closing(rows):
        dataset, columns, ignored = _to_dataset(rows, target)
    return Sheet(data=data, kind=kind, dataset=dataset, columns=columns, ignored_columns=ignored)


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise ImportFileError(UNKNOWN_ENCODING)
    if b"\x00" in data[:8192]:
        raise ImportFileError(WRONG_FORMAT)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError:
            raise ImportFileError(UNKNOWN_ENCODING) from None
    text = text.rstrip("\x1a")  # the end-of-file mark of old DOS programs
    # Text tables have no control characters; random bytes and binary formats do.
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
        raise ImportFileError(WRONG_FORMAT)
    return text


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
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
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
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError(WRONG_FORMAT) from None
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:  # a .docx, .odt or any other zip renamed
        raise ImportFileError(WRONG_FORMAT)
    # An XLSX is a zip: refuse one that unpacks to far more than any list of a school. zipfile never
    # reads past a member's declared size, so the declared sizes bound what openpyxl unpacks.
    if len(members) > MAX_ZIP_MEMBERS or sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            f"Файл XLSX распаковывается больше чем в {megabytes(MAX_UNPACKED_BYTES)} — это не похоже на "
            "список участников. Оставьте в книге только лист со списком или сохраните его как CSV."
        )
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        logger.info("An uploaded XLSX could not be opened", exc_info=True)
        raise ImportFileError(WRONG_FORMAT) from None
    try:
        sheet = book.active if book.active is not None else book.worksheets[0]
        if not hasattr(sheet, "iter_rows"):
            raise ImportFileError(WRONG_FORMAT)
        try:
            yield from enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1)
        except ImportFileError:
            raise
        except Exception:
            logger.info("An uploaded XLSX could not be read", exc_info=True)
            raise ImportFileError(WRONG_FORMAT) from None
    finally:
        book.close()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


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


def _to_dataset(rows, target: Target) -> tuple[tablib.Dataset, list[str], list[str]]:
    importable = target.import_columns()
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
            letters = " и ".join(_column_letter(i) for i in indexes)
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
    for number, values in rows:
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
        width = len(values)
        dataset.append([clean_cell(values[i]) if i < width else "" for i in indexes] + [number])
    if not len(dataset):
        raise ImportFileError(ONLY_HEADERS)
    return dataset, columns, ignored


# --- Widgets: one cell to one value, or a ValueError whose text is the Russian sentence ---------------


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d.%m.%Y}"
    return str(value).strip()


def symbols(number: int) -> str:
    return "символа" if number % 10 == 1 and number % 100 != 11 else "символов"


class TextWidget(widgets.CharWidget):
    def __init__(self, max_length: int | None = None, required: bool = False, multiline: bool = False):
        super().__init__(allow_blank=True)
        self.max_length = max_length or TEXT_MAX_LENGTH
        self.required = required
        self.multiline = multiline

    def clean(self, value, row=None, **kwargs):
        text = as_text(value)
        if not self.multiline:
            text = re.sub(r"\s+", " ", text)
        if self.required and not text:
            raise ValueError("не заполнено.")
        if len(text) > self.max_length:
            raise ValueError(f"значение длиннее {self.max_length} {symbols(self.max_length)}.")
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class BirthDateWidget(widgets.DateWidget):
    INPUT_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S")

    def __init__(self):
        super().__init__(format="%d.%m.%Y")

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.datetime):
            day = value.date()
        elif isinstance(value, datetime.date):
            day = value
        elif isinstance(value, int | float) and 1 <= value < 100000:  # an Excel date in a «General» cell
            from openpyxl.utils.datetime import from_excel

            day = from_excel(value).date()
        else:
            text = re.sub(r"\s*г\.?$", "", as_text(value))
            day = None
            for input_format in self.INPUT_FORMATS:
                try:
                    day = datetime.datetime.strptime(text, input_format).date()
                    break
                except ValueError:
                    continue
            if day is None:
                raise ValueError(f"«{as_text(value)}» — не дата. Укажите дату в виде 01.09.2012.")
        if day > timezone.localdate():
            raise ValueError(f"«{day:%d.%m.%Y}» — дата рождения не может быть в будущем.")
        if day.year < 1900:
            raise ValueError(
                f"«{day:%d.%m.%Y}» — слишком ранняя дата рождения. Укажите дату в виде 01.09.2012."
            )
        return day

    def render(self, value, obj=None, **kwargs):
        return f"{value:%d.%m.%Y}" if value else ""


LATIN_LOOKALIKES = str.maketrans("ABCEHKMOPTXaceopxk", "АВСЕНКМОРТХасеорхк")


class SchoolClassWidget(widgets.Widget):
    """«7Б», «7 «Б»», «7-б», 7 → (7, "Б"); a letter typed in the Latin layout is read as the Russian one."""

    def clean(self, value, row=None, **kwargs):
        text = as_text(value)
        if not text:
            return None
        try:
            return parse_school_class(text.translate(LATIN_LOOKALIKES))
        except ValidationError as error:
            raise ValueError(error.messages[0].replace(text.translate(LATIN_LOOKALIKES), text)) from None

    def render(self, value, obj=None, **kwargs):
        return value or ""


class ChoiceWidget(widgets.Widget):
    """A choice by its Russian label, its code, or an everyday synonym; exported as the label."""

    def __init__(self, choices, synonyms: dict[str, str] | None = None):
        super().__init__()
        self.choices = [(value, str(label)) for value, label in choices if value != ""]
        self.lookup = {normalise_text(label): value for value, label in self.choices}
        self.lookup |= {normalise_text(value): value for value, _ in self.choices}
        self.lookup |= {normalise_text(word): value for word, value in (synonyms or {}).items()}
        self.labels = dict(self.choices)

    def clean(self, value, row=None, **kwargs):
        text = normalise_text(as_text(value))
        if not text:
            return None
        if text in self.lookup:
            return self.lookup[text]
        # «родители» for «Родители (законные представители)», «выбыла» for «Выбыл», «психолог»…
        close = {
            choice
            for label, choice in self.lookup.items()
            if len(text) >= 4
            and (label.startswith(text) or text.startswith(label) or text in re.split(r"[\s(),-]+", label))
        }
        if len(close) == 1:
            return close.pop()
        allowed = ", ".join(f"«{label}»" for _, label in self.choices)
        raise ValueError(f"«{as_text(value)}» — нет такого значения. Укажите одно из: {allowed}.")

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, value or "")


class IntegerWidget(widgets.IntegerWidget):
    def __init__(self, minimum: int, maximum: int):
        super().__init__()
        self.minimum, self.maximum = minimum, maximum

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = as_text(value).replace(",", ".")
            try:
                number = float(text)
            except ValueError:
                number = None
            if number is None or not number.is_integer():
                raise ValueError(
                    f"«{as_text(value)}» — не целое число. Укажите число от {self.minimum} до {self.maximum}."
                )
            number = int(number)
        if not self.minimum <= number <= self.maximum:
            raise ValueError(
                f"{number} — вне допустимых значений: укажите число от {self.minimum} до {self.maximum}."
            )
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class CategoriesWidget(widgets.ManyToManyWidget):
    """Categories of the mentee base by name or code, separated by «;» or «,» (names may hold commas)."""

    def __init__(self):
        super().__init__(MenteeCategory, separator="; ", field="name")
        self._lookup: dict[str, MenteeCategory] | None = None

    @staticmethod
    def _key(text: str) -> str:
        return re.sub(r"\s*,\s*", ", ", normalise_text(text))

    def lookup(self) -> dict[str, MenteeCategory]:
        if self._lookup is None:
            categories = list(MenteeCategory.objects.all())
            self._lookup = {self._key(c.name): c for c in categories} | {
                self._key(c.code): c for c in categories
            }
        return self._lookup

    def clean(self, value, row=None, **kwargs):
        text = as_text(value)
        if not text:
            return []
        lookup = self.lookup()
        chosen: list[MenteeCategory] = []
        for part in filter(None, (p.strip() for p in text.split(";"))):
            tokens = [t.strip() for t in part.split(",")]
            start = 0
            while start < len(tokens):
                # The longest run of comma-separated pieces that names a category.
                for end in range(len(tokens), start, -1):
                    category = lookup.get(self._key(", ".join(tokens[start:end])))
                    if category is not None:
                        break
                else:
                    raise ValueError(
                        f"«{tokens[start]}» — нет такой категории наставляемых. Укажите название или код "
                        "из справочника, например «Проявившие выдающиеся способности» или low_results; "
                        "несколько категорий разделяйте точкой с запятой."
                    )
                if category not in chosen:
                    chosen.append(category)
                start = end
        return chosen

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        items = value.all() if hasattr(value, "all") else value
        return "; ".join(category.name for category in items)


# --- Fields -------------------------------------------------------------------------------------------


class ImportField(fields.Field):
    """A column. An empty cell never erases what is already recorded (the journals' exports leave
    cells empty for «unknown»); `on_person` columns of the two bases are written to the entry's person."""

    def __init__(self, *args, on_person: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.on_person = on_person

    def target(self, instance):
        *path, name = self.attribute.split("__")
        for step in path:
            instance = getattr(instance, step)
        return instance, name

    def is_empty(self, cleaned) -> bool:
        return cleaned in (None, "") or (isinstance(cleaned, list) and not cleaned)

    def save(self, instance, row, is_m2m=False, **kwargs):
        if self.readonly:
            return
        target, name = self.target(instance)
        cleaned = self.clean(row, **kwargs)
        if self.is_empty(cleaned):
            return  # a new row keeps the model's default, an existing one what it had
        current = getattr(target, name, None) if not is_m2m else None
        if (
            isinstance(cleaned, str)
            and isinstance(current, str)
            and normalise_text(cleaned) == normalise_text(current)
        ):
            return  # «СЕМЕНОВ» in the file does not overwrite «Семёнов»
        if is_m2m:
            getattr(target, name).set(cleaned)
        else:
            setattr(target, name, cleaned)


class SchoolClassField(ImportField):
    """«Класс» sets both the grade and the letter; it reads back as «7 «Б»»."""

    def get_value(self, instance):
        try:
            target, _ = self.target(instance)
        except ObjectDoesNotExist:
            return ""
        return format_school_class(target.grade, target.class_letter)

    def save(self, instance, row, is_m2m=False, **kwargs):
        target, _ = self.target(instance)
        cleaned = self.clean(row, **kwargs)
        if cleaned is None:
            return
        target.grade, target.class_letter = cleaned


def _max_length(model, name: str) -> int | None:
    return model._meta.get_field(name).max_length


KIND_SYNONYMS = {
    "ученик": Person.Kind.PUPIL,
    "ученица": Person.Kind.PUPIL,
    "учащийся": Person.Kind.PUPIL,
    "учащаяся": Person.Kind.PUPIL,
    "обучающаяся": Person.Kind.PUPIL,
    "школьник": Person.Kind.PUPIL,
    "школьница": Person.Kind.PUPIL,
    "учитель": Person.Kind.TEACHER,
    "преподаватель": Person.Kind.TEACHER,
    "педагог-психолог": Person.Kind.TEACHER,
    "сотрудник": Person.Kind.STAFF,
    "выпускница": Person.Kind.GRADUATE,
    "студент": Person.Kind.STUDENT,
    "студентка": Person.Kind.STUDENT,
    "работодатель": Person.Kind.EMPLOYER,
}


# --- Resources ----------------------------------------------------------------------------------------


def person_key(last_name: Any, first_name: Any, patronymic: Any, birth_date: Any) -> tuple:
    return (
        normalise_text(as_text(last_name)),
        normalise_text(as_text(first_name)),
        normalise_text(as_text(patronymic)),
        birth_date,
    )


PERSON_FIELDS = (
    "last_name",
    "first_name",
    "patronymic",
    "birth_date",
    "school_class",
    "kind",
    "position",
    "subjects",
    "experience_years",
    "phone",
    "email",
)


def nothing_related_yet(person: Person) -> None:
    """A new person has no mentor or mentee entry: say so, or the audit log's snapshot of the person
    queries for them after every insert."""
    for relation in Person._meta.related_objects:
        if relation.one_to_one and not relation.is_cached(person):
            relation.set_cached_value(person, None)


class SchoolResource(resources.ModelResource):
    """The columns of a person and the import rules shared by the three lists.

    A row is matched to a person of the school by surname, name, patronymic and birth date, ignoring
    case and ё; a row without a birth date matches a person by the name alone when that is unique.
    """

    person_prefix = ""  # "person__" when the rows are entries of a base
    kind_without_class = Person.Kind.PUPIL  # who a row is when neither «Кто это» nor «Класс» says

    last_name = ImportField(
        attribute="last_name",
        column_name=LAST_NAME,
        widget=TextWidget(_max_length(Person, "last_name"), required=True),
        on_person=True,
    )
    first_name = ImportField(
        attribute="first_name",
        column_name=FIRST_NAME,
        widget=TextWidget(_max_length(Person, "first_name"), required=True),
        on_person=True,
    )
    patronymic = ImportField(
        attribute="patronymic",
        column_name=PATRONYMIC,
        widget=TextWidget(_max_length(Person, "patronymic")),
        on_person=True,
    )
    birth_date = ImportField(
        attribute="birth_date", column_name=BIRTH_DATE, widget=BirthDateWidget(), on_person=True
    )
    school_class = SchoolClassField(
        attribute="grade", column_name=SCHOOL_CLASS, widget=SchoolClassWidget(), on_person=True
    )
    kind = ImportField(
        attribute="kind",
        column_name=KIND,
        widget=ChoiceWidget(Person.Kind.choices, KIND_SYNONYMS),
        on_person=True,
    )
    position = ImportField(
        attribute="position",
        column_name=POSITION,
        widget=TextWidget(_max_length(Person, "position")),
        on_person=True,
    )
    subjects = ImportField(
        attribute="subjects",
        column_name=SUBJECTS,
        widget=TextWidget(_max_length(Person, "subjects")),
        on_person=True,
    )
    experience_years = ImportField(
        attribute="experience_years", column_name=EXPERIENCE, widget=IntegerWidget(0, 70), on_person=True
    )
    phone = ImportField(
        attribute="phone", column_name=PHONE, widget=TextWidget(_max_length(Person, "phone")), on_person=True
    )
    email = ImportField(
        attribute="email", column_name=EMAIL, widget=TextWidget(_max_length(Person, "email")), on_person=True
    )

    class Meta:
        model = Person
        fields = PERSON_FIELDS
        skip_unchanged = True
        report_skipped = True
        skip_diff = True  # see after_init_instance
        use_bulk = False  # bulk mode skips save() and signals: the audit trail would miss the rows
        use_transactions = True

    def __init__(self, school: Organisation | None = None, **kwargs):
        super().__init__(**kwargs)
        self.school = school
        for f in self.fields.values():
            if getattr(f, "on_person", False):
                f.attribute = self.person_prefix + f.attribute
        self.columns_by_key = {f.attribute: f.column_name for f in self.fields.values() if f.attribute}
        self.columns_by_key[f"{self.person_prefix}class_letter"] = SCHOOL_CLASS
        self.people_by_key: dict[tuple, list[Person]] = defaultdict(list)
        self.people_by_name: dict[tuple, list[Person]] = defaultdict(list)
        self.seen_keys: dict[tuple, int] = {}
        self.seen_people: dict[int, int] = {}
        self.changes: dict[int, list[str]] = {}
        self.labels: dict[int, str] = {}
        self._person: Person | None = None
        self._person_changed = False
        self._is_new = True
        self._before: dict[str, Any] = {}

    # Which instance is the person of a row, and which column a validation error belongs to.

    def person_of(self, instance) -> Person:
        return instance

    def column_for(self, key: str) -> str | None:
        if key == NON_FIELD_ERRORS:
            return None
        if key in self.columns_by_key:
            return self.columns_by_key[key]
        model = Person if key.startswith(self.person_prefix) else self._meta.model
        try:
            return str(model._meta.get_field(key.removeprefix(self.person_prefix)).verbose_name).capitalize()
        except Exception:
            return None

    @classmethod
    def import_columns(cls) -> list[str]:
        return [f.column_name for f in cls().get_import_fields() if not f.readonly]

    def export_queryset(self, queryset):
        """The queryset with what the columns read, so an export runs a fixed number of queries."""
        return queryset

    # The people of the school, read once: 10 000 rows must not be 10 000 look-ups.

    def before_import(self, dataset, **kwargs):
        people = Person.objects.filter(school=self.school).order_by("pk")
        if self.related_entries():
            people = people.select_related(*self.related_entries())
        if self.related_prefetch():
            people = people.prefetch_related(*self.related_prefetch())
        for person in people:
            self.index_person(person)

    def related_entries(self) -> tuple[str, ...]:
        return ()

    def related_prefetch(self) -> tuple[str, ...]:
        return ()

    def index_person(self, person: Person) -> None:
        key = person_key(person.last_name, person.first_name, person.patronymic, person.birth_date)
        self.people_by_key[key].append(person)
        self.people_by_name[key[:3]].append(person)

    def after_import(self, dataset, result, **kwargs):
        """Nothing: the library would reset the id sequences here, which races with other writers
        on PostgreSQL and is never needed, since the file never carries ids."""

    def before_import_row(self, row, **kwargs):
        number = row[ROW_NUMBER]
        self._person, self._person_changed = None, False
        last_name, first_name = as_text(row.get(LAST_NAME)), as_text(row.get(FIRST_NAME))
        patronymic = as_text(row.get(PATRONYMIC))
        try:
            birth_date = BirthDateWidget().clean(row.get(BIRTH_DATE))
        except ValueError:
            birth_date = ("not a date", as_text(row.get(BIRTH_DATE)))
        label = " ".join(p for p in (last_name, first_name, patronymic) if p)
        if birth_date and not isinstance(birth_date, tuple):
            label += f", {birth_date:%d.%m.%Y}"
        self.labels[number] = label
        if not last_name or not first_name:
            return  # the widgets say what is missing
        key = person_key(last_name, first_name, patronymic, birth_date)
        if key in self.seen_keys:
            raise ValidationError(f"участник «{label}» уже встречается в строке {self.seen_keys[key]}.")
        self.seen_keys[key] = number
        if isinstance(birth_date, tuple):
            return
        if birth_date:
            matches = self.people_by_key.get(key) or [
                p for p in self.people_by_name.get(key[:3], []) if p.birth_date is None
            ]
        else:
            matches = self.people_by_name.get(key[:3], [])
        if len(matches) > 1:
            raise ValidationError(
                f"в школе уже есть несколько участников «{label}». Оставьте одного в списке участников "
                + ("" if birth_date else "или укажите в файле дату рождения ")
                + "и загрузите файл снова."
            )
        if matches:
            person = matches[0]
            if person.pk in self.seen_people:
                raise ValidationError(
                    f"участник «{label}» уже встречается в строке {self.seen_people[person.pk]}."
                )
            self.seen_people[person.pk] = number
            self._person = person

    def get_or_init_instance(self, instance_loader, row):
        if self._person is not None:
            return self._person, False
        return Person(school=self.school), True

    def import_instance(self, instance, row, **kwargs):
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # The library reads many-to-many columns only after saving; check them now, for the preview.
        for f in self.get_import_fields():
            if isinstance(f.widget, widgets.ManyToManyWidget) and f.column_name in row and not f.readonly:
                try:
                    f.clean(row)
                except ValueError as error:
                    errors[f.attribute] = [ValidationError(str(error))]
        self.complete_person(self.person_of(instance), row)
        if errors:
            raise ValidationError(errors)

    def complete_person(self, person: Person, row) -> None:
        """Who a new person is when «Кто это» is empty: a pupil with a class, else a teacher or staff."""
        if person.pk is not None or row.get(KIND) not in (None, ""):
            return
        if person.grade:
            person.kind = Person.Kind.PUPIL
        elif person.position or person.experience_years is not None:
            person.kind = Person.Kind.TEACHER
        else:
            person.kind = self.kind_without_class

    def compared_values(self, instance, row) -> dict[str, Any]:
        """What the row's columns hold on the instance: many-to-many ones as sorted primary keys."""
        values = {}
        for f in self.get_import_fields():
            if f.readonly or f.column_name not in row:
                continue
            if isinstance(f.widget, widgets.ManyToManyWidget):
                target, name = f.target(instance)
                values[f.column_name] = (
                    [] if target.pk is None else sorted(c.pk for c in getattr(target, name).all())
                )
            else:
                values[f.column_name] = f.get_value(instance)
        return values

    def after_init_instance(self, instance, new, row, **kwargs):
        # A snapshot of the few compared values instead of the library's deepcopy of the instance,
        # which copies the school and its department with every row (skip_diff = True).
        self._is_new = new
        self._before = self.compared_values(instance, row)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Skipped when nothing changes; otherwise the changed columns are kept for the preview."""
        if import_validation_errors:
            return False
        changed = []
        for f in self.get_import_fields():
            if f.readonly or f.column_name not in row:
                continue
            if isinstance(f.widget, widgets.ManyToManyWidget):
                wanted = sorted(c.pk for c in f.clean(row))
                if wanted and wanted != self._before[f.column_name]:
                    changed.append(f.column_name)
            elif f.get_value(instance) != self._before[f.column_name]:
                changed.append(f.column_name)
        self.changes[row[ROW_NUMBER]] = changed
        self._person_changed = any(
            getattr(f, "on_person", False) and f.column_name in changed for f in self.fields.values()
        )
        return not self._is_new and not changed

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        prefix = self.person_prefix
        person = self.person_of(instance)
        if person.kind == Person.Kind.PUPIL and not person.grade and f"{prefix}grade" not in errors:
            errors[f"{prefix}grade"] = [
                ValidationError(
                    "не указан класс. Для обучающегося укажите класс, например 7 «Б»; для педагога или "
                    "сотрудника заполните столбец «Кто это»."
                )
            ]
        person_errors = [k.removeprefix(prefix) for k in errors if k.startswith(prefix)]
        try:
            # The widgets check ranges and lengths; the school is ours; the database keeps the constraints.
            person.full_clean(
                exclude=[*person_errors, "school", "user"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(f"{prefix}{key}" if key != NON_FIELD_ERRORS else key, []).extend(messages)
        if instance is not person:
            try:
                instance.full_clean(
                    exclude=[*errors, "person", "school", "forms"],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    errors.setdefault(key, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        if kwargs.get("dry_run"):
            return  # the preview writes nothing at all, not even inside a transaction it rolls back
        super().save_instance(instance, is_create, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        """Categories of a new entry are added, of an existing one set (one query less per new row)."""
        if kwargs.get("dry_run"):
            return
        for f in self.get_import_fields():
            if not isinstance(f.widget, widgets.ManyToManyWidget) or f.readonly or f.column_name not in row:
                continue
            chosen = f.clean(row)
            if chosen:  # an empty cell keeps what there is
                target, name = f.target(instance)
                if self._is_new:
                    getattr(target, name).add(*chosen)
                else:
                    getattr(target, name).set(chosen)

    def do_instance_save(self, instance, is_create):
        if instance.pk is None:
            nothing_related_yet(instance)
        super().do_instance_save(instance, is_create)


class PersonResource(SchoolResource):
    """«Участники»: pupils, teachers and everyone else of the school."""

    class Meta(SchoolResource.Meta):
        model = Person
        fields = import_order = export_order = PERSON_FIELDS


class BaseEntryResource(SchoolResource):
    """An entry of a base with its person: the person is created, or updated, on the way."""

    person_prefix = "person__"
    entry_relation = ""

    def person_of(self, instance) -> Person:
        return instance.person

    def related_entries(self) -> tuple[str, ...]:
        return (self.entry_relation,)

    def get_or_init_instance(self, instance_loader, row):
        person = self._person or Person(school=self.school)
        if person.pk is not None:
            try:
                return getattr(person, self.entry_relation), False
            except ObjectDoesNotExist:
                pass
        return self._meta.model(school=self.school, person=person), True

    def do_instance_save(self, instance, is_create):
        person = instance.person
        if person.pk is None:
            nothing_related_yet(person)
            person.save()
        elif self._person_changed:
            person.save()
        instance.person = person
        instance.save(force_insert=is_create)

    def export_queryset(self, queryset):
        return queryset.select_related("person")


class MenteeEntryResource(BaseEntryResource):
    """«База наставляемых»."""

    entry_relation = "mentee_entry"

    def related_prefetch(self) -> tuple[str, ...]:
        return ("mentee_entry__categories",)

    categories = ImportField(attribute="categories", column_name=CATEGORIES, widget=CategoriesWidget())
    request = ImportField(attribute="request", column_name=REQUEST, widget=TextWidget(multiline=True))
    reported_by = ImportField(
        attribute="reported_by",
        column_name=REPORTED_BY,
        widget=ChoiceWidget(
            MenteeEntry.ReportedBy.choices,
            {"классный руководитель": "class_teacher", "психолог": "psychologist", "родители": "parents"},
        ),
    )
    status = ImportField(
        attribute="status",
        column_name=STATUS,
        widget=ChoiceWidget(MenteeEntry.Status.choices),
        readonly=True,  # the status follows the pairs; it is exported, not imported
    )
    consent = ImportField(column_name=CONSENT, readonly=True)

    class Meta(SchoolResource.Meta):
        model = MenteeEntry
        fields = import_order = export_order = (
            *PERSON_FIELDS,
            "categories",
            "request",
            "reported_by",
            "status",
            "consent",
        )

    def dehydrate_consent(self, entry: MenteeEntry) -> str:
        consent = entry.person.active_consent()
        return f"есть, от {consent.date:%d.%m.%Y}" if consent else "нет"

    def export_queryset(self, queryset):
        return queryset.select_related("person").prefetch_related("categories", "person__consents")


class MentorEntryResource(BaseEntryResource):
    """«База наставников»."""

    entry_relation = "mentor_entry"
    kind_without_class = Person.Kind.TEACHER

    competencies = ImportField(
        attribute="competencies", column_name=COMPETENCIES, widget=TextWidget(multiline=True)
    )
    # The mentor's own «Предметы» replace the person's column of the same name.
    subjects = ImportField(
        attribute="subjects", column_name=SUBJECTS, widget=TextWidget(_max_length(MentorEntry, "subjects"))
    )
    capacity = ImportField(attribute="capacity", column_name=CAPACITY, widget=IntegerWidget(1, 10))
    status = ImportField(
        attribute="status", column_name=STATUS, widget=ChoiceWidget(MentorEntry.Status.choices)
    )

    class Meta(SchoolResource.Meta):
        model = MentorEntry
        fields = import_order = export_order = (
            *PERSON_FIELDS,
            "competencies",
            "capacity",
            "status",
        )


# --- What the curator imports -------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    resource_class: type[SchoolResource]
    list_url_name: str
    basename: str

    def import_columns(self) -> list[str]:
        return self.resource_class.import_columns()

    def resource(self, school: Organisation | None = None) -> SchoolResource:
        return self.resource_class(school=school)


TARGETS = {
    "people": Target("people", "Участники", PersonResource, "person_list", "people"),
    "mentees": Target("mentees", "База наставляемых", MenteeEntryResource, "mentee_list", "mentees"),
    "mentors": Target("mentors", "База наставников", MentorEntryResource, "mentor_list", "mentors"),
}


def get_target(target: str | Target) -> Target:
    return target if isinstance(target, Target) else TARGETS[target]


# --- The report ---------------------------------------------------------------------------------------


OUTCOMES = {
    "new": ("новая", "text-bg-success"),
    "updated": ("обновлена", "text-bg-primary"),
    "skipped": ("пропущена", "text-bg-secondary"),
    "error": ("ошибка", "text-bg-danger"),
}


@dataclass
class RowReport:
    number: int  # as in the spreadsheet: the header is row 1
    label: str
    outcome: str  # new, updated, skipped, error
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    @property
    def outcome_label(self) -> str:
        return OUTCOMES[self.outcome][0]

    @property
    def badge_class(self) -> str:
        return OUTCOMES[self.outcome][1]

    @property
    def is_error(self) -> bool:
        return self.outcome == "error"


@dataclass
class ImportReport:
    target: str
    file_errors: list[str] = field(default_factory=list)
    rows: list[RowReport] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    written: bool = False

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def new(self) -> int:
        return self.counts["new"]

    @property
    def updated(self) -> int:
        return self.counts["updated"]

    @property
    def skipped(self) -> int:
        return self.counts["skipped"]

    @property
    def errors(self) -> int:
        return self.counts["error"]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(row.is_error for row in self.rows)

    @property
    def messages(self) -> list[str]:
        """Every error as a sentence: the file's, then the rows'."""
        return [*self.file_errors, *(message for row in self.rows for message in row.errors)]

    @property
    def target_label(self) -> str:
        return TARGETS[self.target].label


INTERNAL_ROW_ERROR = "не удалось обработать строку из-за внутренней ошибки; сообщите администратору."


def _row_messages(number: int, row_result, resource: SchoolResource) -> list[str]:
    messages = []
    if row_result.validation_error is not None:
        error = row_result.validation_error
        error_dict = (
            error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
        )
        for key, texts in error_dict.items():
            column = resource.column_for(key)
            prefix = f"Строка {number}, столбец «{column}»" if column else f"Строка {number}"
            messages.extend(f"{prefix}: {text}" for text in texts)
    for error in row_result.errors:
        logger.error("Import row %s failed", number, exc_info=error.error)
        messages.append(f"Строка {number}: {INTERNAL_ROW_ERROR}")
    return messages


def _report(target: Target, sheet: Sheet, resource: SchoolResource, result) -> ImportReport:
    report = ImportReport(target=target.key, columns=sheet.columns, ignored_columns=sheet.ignored_columns)
    for error in result.base_errors:
        logger.error("Import of a file failed", exc_info=error.error)
        report.file_errors.append(
            "Не удалось проверить файл из-за внутренней ошибки; сообщите администратору."
        )
    numbers = sheet.dataset.get_col(len(sheet.dataset.headers) - 1)
    for number, row_result in zip(numbers, result.rows, strict=False):
        if row_result.is_new():
            outcome = "new"
        elif row_result.is_update():
            outcome = "updated"
        elif row_result.is_skip():
            outcome = "skipped"
        else:
            outcome = "error"
        report.rows.append(
            RowReport(
                number=number,
                label=resource.labels.get(number, ""),
                outcome=outcome,
                errors=_row_messages(number, row_result, resource) if outcome == "error" else [],
                changes=resource.changes.get(number, []) if outcome == "updated" else [],
            )
        )
    return report


def _run(school: Organisation, target: Target, sheet: Sheet, *, dry_run: bool) -> ImportReport:
    resource = target.resource(school)
    result = resource.import_data(
        sheet.dataset,
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
        collect_failed_rows=False,
    )
    return _report(target, sheet, resource, result)


def _check_school(school: Organisation, user=None) -> None:
    if not school.is_school:
        raise PermissionDenied("Импорт возможен только в школу.")
    if user is not None and not Organisation.objects.writable_by(user).filter(pk=school.pk).exists():
        raise PermissionDenied("Импортировать в эту школу может только её куратор.")


def import_preview(*, school: Organisation, target: str | Target, uploaded_file) -> ImportReport:
    """Read the file and run the import as a dry run: every row with its outcome; nothing is written."""
    target = get_target(target)
    _check_school(school)
    try:
        sheet = read_upload(uploaded_file, target)
    except ImportFileError as error:
        return ImportReport(target=target.key, file_errors=[str(error)])
    return _run(school, target, sheet, dry_run=True)


@contextlib.contextmanager
def _audit_actor(user):
    """The audit trail names the curator, in a view (where auditlog's middleware has set the request's
    context: its address is kept) and without a request (a command, a benchmark)."""
    from auditlog.context import auditlog_value, set_actor

    previous = auditlog_value.get(None)
    if user is None:
        yield
        return
    address = {key: previous.get(key) for key in ("remote_addr", "remote_port")} if previous else {}
    try:
        with set_actor(user, **address):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)  # the middleware's context goes on for the rest of the request


def import_confirm(*, school: Organisation, target: str | Target, path: str, user) -> ImportReport:
    """Re-read the stored file and write it in one transaction: every row, or none of them.

    A row that has become invalid since the preview rolls the whole file back; the report says why.
    The stored file is left in place; the caller deletes it.
    """
    target = get_target(target)
    _check_school(school, user)
    try:
        with default_storage.open(path, "rb") as stored:
            sheet = read_upload(stored, target)
    except ImportFileError as error:
        return ImportReport(target=target.key, file_errors=[str(error)])
    try:
        with _audit_actor(user), transaction.atomic():
            # One import per school at a time: a second one waits, then sees the first one's people
            # (on PostgreSQL; SQLite takes its write lock when the transaction begins).
            Organisation.objects.select_for_update().only("pk").get(pk=school.pk)
            report = _run(school, target, sheet, dry_run=False)
            if not report.ok:
                transaction.set_rollback(True)
    except DatabaseError:
        logger.exception("Import of a file could not be committed")
        return ImportReport(
            target=target.key,
            file_errors=["Не удалось записать файл: база данных занята или недоступна. Ничего не записано, "
                         "загрузите файл ещё раз."],
        )  # fmt: skip
    report.written = report.ok
    return report


def purge_stale_uploads(max_age: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    """Delete stored uploads nobody confirmed (the session ended first); for a periodic task."""
    try:
        _, names = default_storage.listdir("imports")
    except FileNotFoundError:
        return 0
    deadline = timezone.now() - max_age
    stale = [
        f"imports/{name}" for name in names if default_storage.get_modified_time(f"imports/{name}") < deadline
    ]
    for path in stale:
        default_storage.delete(path)
    return len(stale)


# --- Export -------------------------------------------------------------------------------------------


def neutralise_formula(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP, CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def export_dataset(resource_class: type[SchoolResource], queryset) -> tablib.Dataset:
    """The rows of the queryset with the import's Russian headers; formula cells neutralised, and the
    control characters an XLSX cannot hold removed."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    resource = resource_class()
    # A list, not the queryset: the library pages a prefetching queryset, one query set per 100 rows.
    rows = list(resource.export_queryset(queryset))
    exported = resource.export(queryset=rows)
    dataset = tablib.Dataset(headers=exported.headers)
    for row in exported:
        cells = [ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row]
        dataset.append([neutralise_formula(cell) for cell in cells])
    return dataset


EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def export_response(resource_class: type[SchoolResource], queryset, fmt: str, basename: str) -> HttpResponse:
    """The list as an XLSX or a CSV download (UTF-8 with BOM and «;», as Russian Excel expects)."""
    if fmt not in EXPORT_TYPES:
        raise ValueError(f"Unknown export format: {fmt}")
    dataset = export_dataset(resource_class, queryset)
    if fmt == "csv":
        content = codecs.BOM_UTF8 + dataset.export("csv", delimiter=";").encode("utf-8")
    else:
        dataset.title = basename[:31]
        content = dataset.export("xlsx")
    return _download(content, fmt, basename)


def _download(content: bytes, fmt: str, basename: str) -> HttpResponse:
    safe_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", basename).strip("-") or "export"
    filename = f"{safe_name}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def sample_response(target: str | Target) -> HttpResponse:
    """An empty XLSX with the columns a list is imported from, for the curator to fill in."""
    target = get_target(target)
    dataset = tablib.Dataset(headers=target.import_columns(), title=target.label)
    return _download(dataset.export("xlsx"), "xlsx", f"{target.basename}-obrazec")

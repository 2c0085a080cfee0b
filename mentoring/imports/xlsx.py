"""The first sheet of an XLSX file read as a stream, within what a school's list can be.

openpyxl builds a whole row, and the whole table of shared strings, before its caller sees any of it:
a 97 KB file whose one row held 3.3 million cells took 1.65 GB and 74 s. Here each part of the book is
fed to expat in small pieces, only the first MAX_COLUMNS cells of a row are kept, and every count is
checked as it grows, so a crafted file is refused after reading no more than the limits allow.

Limits are refused with an ImportFileError; a damaged file raises whatever its parsing raises (the
caller says «not a table»).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import IO, Any
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

from .errors import ImportFileError, megabytes, thousands

MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # what the book may unpack to: a class list is a few hundred KB
MAX_ZIP_MEMBERS = 500
MAX_COLUMNS = 60  # cells further right are counted, not kept
MAX_ROW_CELLS = 1000  # a list has a few dozen columns (Excel itself allows 16 384)
MAX_CELLS = 400_000  # 20 000 rows (the import's limit) of 20 columns
MAX_SHARED_STRINGS = 200_000  # different texts of the book
MAX_TEXT_CHARACTERS = 10_000_000  # all the texts kept: 20 000 rows of 500 characters
MAX_CELL_CHARACTERS = 32_767  # Excel's own limit of a cell
MAX_STYLES = 65_000  # Excel's own limit of cell formats is 64 000
CHUNK = 64 * 1024

MAIN_PARTS = ("workbook.xml", "_rels/workbook.xml.rels")
STRING_TYPES = ("s", "str", "inlineStr", "e")  # a formula of these types keeps its value even when ""
INTEGER = re.compile(r"\s*-?\d{1,18}\s*")
CELL_REFERENCE = re.compile(r"([A-Z]{1,3})\d*")


class Formula:
    """A cell with a formula whose value was never computed: the file was written by a program and
    never saved by Excel or LibreOffice. Its text is empty, as openpyxl read it."""

    def __str__(self) -> str:
        return ""


FORMULA = Formula()


def not_a_list(reason: str) -> ImportFileError:
    return ImportFileError(
        f"{reason} — это не похоже на список участников. Оставьте в книге только лист со списком "
        "или сохраните его как CSV, затем загрузите снова."
    )


def sheet_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    """The spreadsheet number and the values (at most MAX_COLUMNS) of every row of the active sheet."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if not all(f"xl/{part}" in names for part in MAIN_PARTS):  # a .docx, .odt or any other zip
            raise ValueError("not a workbook")
        # zipfile never unpacks past a member's declared size, so the declared sizes bound the work.
        if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise not_a_list(f"Файл XLSX распаковывается больше чем в {megabytes(MAX_UNPACKED_BYTES)}")
        book = Parts(archive)
        sheet = SheetPart(book.shared_strings(), book.date_styles(), book.epoch)
        with archive.open(book.sheet_path()) as stream:
            for _ in feed(stream, sheet):
                yield from sheet.rows
                sheet.rows.clear()


def feed(stream: IO[bytes], part: Part) -> Iterator[None]:
    """Parses the stream piece by piece, pausing after each piece for the caller to take the results."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = refuse_doctype  # no entities, no expansion bombs
    parser.StartElementHandler = part.start
    parser.EndElementHandler = part.end
    parser.CharacterDataHandler = part.text
    while chunk := stream.read(CHUNK):
        parser.Parse(chunk, False)
        yield
    parser.Parse(b"", True)
    yield


def refuse_doctype(*args) -> None:
    raise ValueError("a document type declaration in a workbook part")


def column_index(reference: str) -> int:
    match = CELL_REFERENCE.fullmatch(reference)
    if not match:
        raise ValueError(f"cell reference {reference[:20]!r}")
    index = 0
    for letter in match.group(1):
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


class Handlers(dict):
    """A part's handlers by element name as expat gives it («namespace name»), learnt on first sight:
    one dictionary look-up per element, whatever the namespace."""

    def __init__(self, part: Part, names: dict[str, str]):
        super().__init__()
        self.part, self.names = part, names

    def __missing__(self, name: str):
        method = self.names.get(name.rpartition(" ")[2])
        handler = self[name] = getattr(self.part, method) if method else None
        return handler


class Part:
    """The handlers of one XML part, named by element in STARTS and ENDS; each part keeps only what
    the reading needs."""

    STARTS: dict[str, str] = {}
    ENDS: dict[str, str] = {}

    def __init__(self):
        self.starts = Handlers(self, self.STARTS)
        self.ends = Handlers(self, self.ENDS)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        handler = self.starts[name]
        if handler is not None:
            handler(attrs)

    def end(self, name: str) -> None:
        handler = self.ends[name]
        if handler is not None:
            handler()

    def text(self, data: str) -> None:
        pass


class Parts:
    """What the workbook part and its relationships say: the active sheet, the shared strings, the
    styles and the calendar."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        workbook = self.parse("xl/workbook.xml", WorkbookPart())
        self.epoch = MAC_EPOCH if workbook.date1904 else WINDOWS_EPOCH
        self.sheet_ids, self.active = workbook.sheet_ids, workbook.active or 0
        self.targets = self.parse("xl/_rels/workbook.xml.rels", RelationshipsPart()).targets

    def parse[P: Part](self, path: str, part: P) -> P:
        with self.archive.open(path) as stream:
            for _ in feed(stream, part):
                pass
        return part

    def path_of(self, kind: str) -> str | None:
        return next((path for target_kind, path in self.targets.values() if target_kind == kind), None)

    def sheet_path(self) -> str:
        if not self.sheet_ids:
            raise ValueError("a workbook without sheets")
        sheet_id = self.sheet_ids[self.active if self.active < len(self.sheet_ids) else 0]
        kind, path = self.targets[sheet_id]
        if kind != "worksheet":  # a chart sheet
            raise ValueError(f"the active sheet is a {kind}")
        return path

    def shared_strings(self) -> list[str]:
        path = self.path_of("sharedStrings")
        if not path:
            return []
        if self.count_tags(path, (b"<si>", b"<si ")) > MAX_SHARED_STRINGS:
            raise SharedStringsPart.too_many()
        return self.parse(path, SharedStringsPart()).strings

    def count_tags(self, path: str, tags: tuple[bytes, ...]) -> int:
        """The tags counted on the raw bytes, a hundred times faster than parsing: refuses a crafted
        table before any string is built. A prefixed tag or one split between two pieces escapes it;
        the parsing counts exactly."""
        count = 0
        with self.archive.open(path) as stream:
            while chunk := stream.read(CHUNK * 16):
                count += sum(chunk.count(tag) for tag in tags)
        return count

    def date_styles(self) -> set[int]:
        path = self.path_of("styles")
        return self.parse(path, StylesPart()).date_styles() if path else set()


class WorkbookPart(Part):
    STARTS = {"sheet": "sheet", "workbookView": "view", "workbookPr": "properties"}

    def __init__(self):
        super().__init__()
        self.sheet_ids: list[str] = []
        self.active: int | None = None
        self.date1904 = False

    def sheet(self, attrs):
        if len(self.sheet_ids) >= MAX_ZIP_MEMBERS:
            raise ValueError("more sheets than parts")
        relationship = [value for key, value in attrs.items() if key.endswith("relationships id")]
        self.sheet_ids.append(relationship[0])

    def view(self, attrs):
        if self.active is None:  # the first window's active sheet, as Excel opens it
            self.active = int(attrs.get("activeTab", 0))

    def properties(self, attrs):
        self.date1904 = attrs.get("date1904") in ("1", "true")


class RelationshipsPart(Part):
    STARTS = {"Relationship": "relationship"}

    def __init__(self):
        super().__init__()
        self.targets: dict[str, tuple[str, str]] = {}  # id: (kind, path in the archive)

    def relationship(self, attrs):
        if attrs.get("TargetMode") == "External":
            return
        if len(self.targets) >= MAX_ZIP_MEMBERS:
            raise ValueError("more relationships than parts")
        target = attrs["Target"]
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        self.targets[attrs["Id"]] = (attrs["Type"].rpartition("/")[2], path)


class TextPart(Part):
    """A part whose texts are counted against the limits as they arrive."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] | None = None  # the text of the current cell or string
        self.collecting = False
        self.phonetic = 0  # inside <rPh>: the reading of East Asian text, not part of the value
        self.characters = 0  # of the current cell or string
        self.total_characters = 0

    def text(self, data):
        if self.collecting:
            self.characters += len(data)
            if self.characters > MAX_CELL_CHARACTERS:
                raise self.too_long()
            self.parts.append(data)

    def start_text(self, attrs) -> None:
        if not self.phonetic:
            if self.parts is None:
                self.parts = []
            self.collecting = True

    def end_text(self) -> None:
        self.collecting = False

    def start_phonetic(self, attrs) -> None:
        self.phonetic += 1

    def end_phonetic(self) -> None:
        self.phonetic -= 1

    def count(self) -> None:
        self.total_characters += self.characters
        if self.total_characters > MAX_TEXT_CHARACTERS:
            raise not_a_list(f"Текст в ячейках книги длиннее {thousands(MAX_TEXT_CHARACTERS)} символов")

    def too_long(self) -> ImportFileError:
        return not_a_list(f"В ячейке книги больше {thousands(MAX_CELL_CHARACTERS)} символов")


class SharedStringsPart(TextPart):
    """The texts of the book, each stored once and referred to by its number from the cells."""

    STARTS = {"sst": "table", "si": "string", "t": "start_text", "rPh": "start_phonetic"}
    ENDS = {"si": "end_string", "t": "end_text", "rPh": "end_phonetic"}

    def __init__(self):
        super().__init__()
        self.strings: list[str] = []

    def table(self, attrs):
        if int(attrs.get("uniqueCount") or 0) > MAX_SHARED_STRINGS:
            raise self.too_many()  # told at the start, before anything is built

    def string(self, attrs):
        if len(self.strings) >= MAX_SHARED_STRINGS:
            raise self.too_many()
        self.parts, self.characters = [], 0

    def end_string(self):
        self.count()
        self.strings.append("".join(self.parts))

    @staticmethod
    def too_many() -> ImportFileError:
        return not_a_list(f"В книге больше {thousands(MAX_SHARED_STRINGS)} разных значений ячеек")


class StylesPart(Part):
    """Which cell formats show a number as a date (Excel keeps a date as a number of days)."""

    STARTS = {"numFmt": "number_format", "cellXfs": "start_cell_formats", "xf": "cell_format"}
    ENDS = {"cellXfs": "end_cell_formats"}

    def __init__(self):
        super().__init__()
        self.formats: dict[int, str] = {}
        self.cell_formats: list[int] = []  # the number format of each cell format, by its index
        self.in_cell_formats = False

    def number_format(self, attrs):
        self.check(self.formats)
        self.formats[int(attrs["numFmtId"])] = attrs.get("formatCode", "")

    def start_cell_formats(self, attrs):
        self.in_cell_formats = True

    def end_cell_formats(self):
        self.in_cell_formats = False

    def cell_format(self, attrs):
        if self.in_cell_formats:  # not the «cell style» formats, which cells do not refer to
            self.check(self.cell_formats)
            self.cell_formats.append(int(attrs.get("numFmtId", 0)))

    @staticmethod
    def check(formats) -> None:
        if len(formats) >= MAX_STYLES:
            raise not_a_list(f"В книге больше {thousands(MAX_STYLES)} форматов ячеек")

    def date_styles(self) -> set[int]:
        codes = BUILTIN_FORMATS | self.formats
        return {
            index for index, format_id in enumerate(self.cell_formats) if is_date_format(codes.get(format_id))
        }


class SheetPart(TextPart):
    """The rows of a worksheet, handed on in `rows` as they are completed."""

    STARTS = {"row": "row", "c": "cell", "v": "start_text", "t": "start_text", "f": "formula",
              "rPh": "start_phonetic"}  # fmt: skip
    ENDS = {"row": "end_row", "c": "end_cell", "v": "end_text", "t": "end_text", "rPh": "end_phonetic"}

    def __init__(self, strings: list[str], date_styles: set[int], epoch):
        super().__init__()
        self.strings, self.date_styles, self.epoch = strings, date_styles, epoch
        self.rows: list[tuple[int, list[Any]]] = []
        self.row_number = 0
        self.values: list[Any] = []
        self.cells = self.row_cells = 0
        self.column = -1
        self.kept = False  # the current cell is one of the first MAX_COLUMNS
        self.cell_type, self.style, self.has_formula = "n", 0, False

    def row(self, attrs):
        self.row_number = int(attrs.get("r") or self.row_number + 1)
        self.values, self.row_cells, self.column = [], 0, -1

    def end_row(self):
        self.rows.append((self.row_number, self.values))

    def cell(self, attrs):
        self.cells += 1
        self.row_cells += 1
        if self.row_cells > MAX_ROW_CELLS:
            raise not_a_list(f"В строке {self.row_number} листа больше {thousands(MAX_ROW_CELLS)} ячеек")
        if self.cells > MAX_CELLS:
            raise not_a_list(f"На листе больше {thousands(MAX_CELLS)} ячеек")
        reference = attrs.get("r")
        self.column = column_index(reference) if reference else self.column + 1
        self.kept = self.column < MAX_COLUMNS
        self.cell_type = attrs.get("t", "n")
        self.style = int(attrs.get("s") or 0)
        self.has_formula = False
        self.parts, self.characters = None, 0

    def start_text(self, attrs):
        if self.kept:
            super().start_text(attrs)

    def formula(self, attrs):
        self.has_formula = True

    def end_cell(self):
        if self.kept:
            self.count()
            self.values.extend([None] * (self.column + 1 - len(self.values)))
            self.values[self.column] = self.value()
            self.kept = False

    def too_long(self) -> ImportFileError:
        return not_a_list(
            f"В ячейке {column_letter(self.column)}{self.row_number} больше "
            f"{thousands(MAX_CELL_CHARACTERS)} символов"
        )

    def value(self) -> Any:
        text = "".join(self.parts) if self.parts is not None else ""
        kind = self.cell_type
        if self.has_formula and not text and kind not in STRING_TYPES:
            return FORMULA
        if kind == "s":
            return self.strings[int(text)]
        if kind in STRING_TYPES:
            return text
        if not text.strip():
            return None
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "d":
            return from_ISO8601(text.strip())
        number = int(text) if INTEGER.fullmatch(text) else float(text)
        if self.style in self.date_styles:
            try:
                return from_excel(number, self.epoch)
            except (OverflowError, ValueError):
                return number  # no date: the birth date's column says so for its row
        return number

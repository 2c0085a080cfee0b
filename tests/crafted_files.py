"""Small XLSX files crafted to unpack into far more work than any school's list, built in memory (never
committed): the shapes the probe of issue 17 used against the import."""

import io
import zipfile

CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
ROOT_RELS = b"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="xl/workbook.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>"""
WORKBOOK = b"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="List" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = b"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="worksheets/sheet1.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>
<Relationship Id="rId2" Target="sharedStrings.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>
</Relationships>"""
MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
# «Фамилия», «Имя» and one pupil, as shared strings 0–2 and 3
HEADER_STRINGS = (
    "<si><t>Фамилия</t></si><si><t>Имя</t></si><si><t>Иванов</t></si><si><t>Иван</t></si>".encode()
)
HEADER_ROWS = (
    b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    b'<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>'
)


def xlsx(
    rows: bytes = HEADER_ROWS,
    strings: bytes = HEADER_STRINGS,
    *,
    unique_count: str = "",
    prologue: bytes = b"",
) -> bytes:
    """A minimal book as Excel writes it: one sheet, its cells' texts in the shared strings (after a
    `prologue`, such as a document type declaration)."""
    count = f' uniqueCount="{unique_count}"'.encode() if unique_count else b""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        book.writestr(
            "xl/worksheets/sheet1.xml",
            b"<worksheet " + MAIN + b"><sheetData>" + rows + b"</sheetData></worksheet>",
        )
        book.writestr("xl/sharedStrings.xml", prologue + b"<sst " + MAIN + count + b">" + strings + b"</sst>")
    return stream.getvalue()


def wide_row(cells: int = 3_300_000) -> bytes:
    """One row of millions of cells after the header: ~100 KB packed, ~48 MB unpacked."""
    return xlsx(HEADER_ROWS + b'<row r="3">' + b"<c><v>1</v></c>" * cells + b"</row>")


def many_shared_strings(count: int = 250_000) -> bytes:
    """A quarter of a million different texts of 45 letters, the table not announcing its size."""
    text = "Константинопольская-Тридцатитрёхбуквенная-".encode()
    return xlsx(strings=HEADER_STRINGS + b"".join(b"<si><t>%s%d</t></si>" % (text, n) for n in range(count)))


def long_shared_strings(length: int = 30_000, count: int = 1_500) -> bytes:
    """A thousand and a half texts just under Excel's limit of a cell: 45 million characters in all."""
    return xlsx(strings=HEADER_STRINGS + (b"<si><t>" + b"a" * length + b"</t></si>") * count)


def one_huge_cell(length: int = 40_000_000) -> bytes:
    """One text of 40 million characters: more than Excel lets a cell hold."""
    return xlsx(strings=HEADER_STRINGS + b"<si><t>" + b"a" * length + b"</t></si>")


def many_cells(rows: int = 19_000, columns: int = 50) -> bytes:
    """Rows within the import's limit, each as wide as a list may be: more cells than any list has."""
    row = b"<row>" + b'<c t="s"><v>2</v></c>' * columns + b"</row>"
    return xlsx(HEADER_ROWS + row * rows)


def wide_csv(delimiters: int = 5_000_000) -> bytes:
    """A text list whose third line is five million semicolons: just under the upload's 5 MB."""
    return "Фамилия;Имя\r\nИванов;Иван\r\n".encode() + b";" * delimiters


CRAFTED = {
    "одна строка из 3,3 млн ячеек": wide_row,
    "250 000 разных текстов по 45 букв": many_shared_strings,
    "45 млн символов текста": long_shared_strings,
    "ячейка в 40 млн символов": one_huge_cell,
    "19 000 строк по 50 ячеек": many_cells,
    "CSV: строка из 5 млн разделителей": wide_csv,
}

"""Every kind of document, rendered on the demo data as in production (static files collected by the manifest
storage, so the stylesheet and fonts go by hashed names): how the pages print, and whether they are
accessible (PDF/UA-1)."""

import io
import re
from dataclasses import dataclass

import lxml.html
import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from pdfua import Severity, validate
from pypdf import PdfReader

from mentoring import demo, documents
from mentoring.documents import download_name
from mentoring.models import Document, Organisation
from mentoring.pdf import ORIGIN, StaticFilesOnly, pdf_from_html
from roadmap.department_documents import DEPARTMENT_REPORT
from roadmap.documents import DEPARTMENT_ROADMAP, ROADMAP
from tests.documents import every_kind

# The documents are made once for the module (see `printed`); the tests only read them.
pytestmark = pytest.mark.django_db
A4 = (595, 842)
LANDSCAPE_ONLY = {ROADMAP, DEPARTMENT_ROADMAP}
# A page with less body text than this is a heading, a stamp or a row left alone on its page.
MIN_CHARS = 150
PAGE_NUMBER = re.compile(r"Страница (\d+) из (\d+)")
PRODUCTION_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@dataclass
class Printed:
    kind: str
    title: str
    html: str
    pdf: bytes

    @property
    def reader(self) -> PdfReader:
        return PdfReader(io.BytesIO(self.pdf))


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, Printed]:
    """One document of each kind on the demo, rendered once for the module; the demo is rolled back."""
    static_root = tmp_path_factory.mktemp("static")
    with override_settings(STORAGES=PRODUCTION_STATIC, STATIC_ROOT=static_root):
        call_command("collectstatic", interactive=False, verbosity=0)
        with django_db_blocker.unblock(), transaction.atomic():
            call_command("demo", stdout=io.StringIO())
            department = demo.find_department(demo.DEMO)
            school = Organisation.objects.get(memberships__user__username="curator")
            made = {}
            for document in every_kind(school, department):
                html = documents.document_html(document)
                made[document.kind] = Printed(document.kind, document.title, html, pdf_from_html(html))
            transaction.set_rollback(True)
    return made


def squeezed(text: str) -> str:
    """The text without white space and hyphens: a cell's words may be put on lines of their own, and a
    narrow header's long word hyphenated."""
    return re.sub(r"[\s\-\u00ad\u2010]", "", text)


def body_text(page, made: Printed) -> str:
    """A page's text, squeezed, without the running header and the page number."""
    text = squeezed(PAGE_NUMBER.sub("", page.extract_text()))
    running = lxml.html.fromstring(made.html).find_class("running-header")[0].text_content()
    return text.replace(squeezed(running), "", 1)


def test_every_kind_is_printed(printed):
    assert set(printed) == set(documents.SPECS)


def test_the_stylesheet_applies_with_hashed_static_files(printed):
    """The @page rules: A4, the landscape pages of the wide parts, «Страница N из M» on each page, the
    document's font embedded."""
    for kind, made in printed.items():
        reader = made.reader
        sizes = [(round(page.mediabox.width), round(page.mediabox.height)) for page in reader.pages]
        assert set(sizes) <= {A4, A4[::-1]}, kind
        if kind in LANDSCAPE_ONLY:
            assert set(sizes) == {A4[::-1]}, kind
        for number, page in enumerate(reader.pages, start=1):
            assert f"Страница {number} из {len(reader.pages)}" in page.extract_text(), (kind, number)
        # Embedded fonts of the stylesheet's @font-face, under its family name.
        fonts = {
            str(font["/BaseFont"]).split("+")[-1]
            for page in reader.pages
            for font in page["/Resources"]["/Font"].values()
            if "/FontFile2" in font.get_object()["/DescendantFonts"][0]["/FontDescriptor"]
        }
        assert "Document-Serif" in fonts, (kind, fonts)
        if kind == DEPARTMENT_REPORT:
            assert sizes[0] == A4 and A4[::-1] in sizes, sizes


def table_parts(html: str) -> list[tuple[list[str], list[str]]]:
    """Each table's header texts and its rows' texts: a row's cells are drawn one after the other, so its
    whole text is found on the page that holds it (a row of another table with the same label is not)."""
    tables = []
    for table in lxml.html.fromstring(html).iter("table"):
        headers = [squeezed(th.text_content()) for th in table.xpath("./thead//th")]
        rows = [squeezed(tr.text_content()) for tr in table.xpath("./tbody/tr")]
        tables.append((headers, [row for row in rows if len(row) >= 12]))
    return tables


def test_no_page_is_left_nearly_empty_and_table_headers_repeat(printed):
    for kind, made in printed.items():
        tables = table_parts(made.html)
        for number, page in enumerate(made.reader.pages, start=1):
            on_page = body_text(page, made)
            assert len(on_page) >= MIN_CHARS, (kind, number, on_page)
            for headers, rows in tables:
                if any(row in on_page for row in rows):
                    missing = [header for header in headers if header not in on_page]
                    assert not missing, (kind, number, missing)


def test_no_text_is_cut_off_at_the_page_edge(printed):
    for kind, made in printed.items():
        for number, page in enumerate(made.reader.pages, start=1):
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            outside = []

            def visit(text, cm, tm, font, size, outside=outside, width=width, height=height):
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                if text.strip() and not (0 <= x < width and 0 <= y < height):
                    outside.append((text, round(x), round(y)))

            page.extract_text(visitor_text=visit)
            assert not outside, (kind, number, outside[:3])


def test_every_kind_is_a_tagged_pdf_ua_document_in_russian_with_its_title(printed, tmp_path):
    for kind, made in printed.items():
        reader = made.reader
        root = reader.trailer["/Root"]
        assert root["/Lang"] == "ru", kind
        assert root["/MarkInfo"]["/Marked"], kind
        assert reader.metadata.title == made.title, kind
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(made.pdf)
        failures = [
            f"{f.rule_id}: {f.message}" for f in validate(path).findings if f.severity >= Severity.ERROR
        ]
        assert not failures, (kind, failures)


@pytest.mark.parametrize(
    ("title", "number", "name"),
    [
        (
            "Аналитический отчёт о реализации целевой модели наставничества за 2026/2027 учебный год",
            "",
            "Аналитический отчёт о реализации целевой модели наставничества за 2026-2027 учебный год.pdf",
        ),
        ("Отчёт (этап 1): «Учитель – учитель»?", "", "Отчёт (этап 1). «Учитель – учитель».pdf"),
        ("О назначении", "5/1-о", "Приказ о назначении наставников и закреплении пар (групп) № 5-1-о.pdf"),
    ],
)
def test_a_download_keeps_the_whole_title_in_a_safe_file_name(title, number, name):
    kind = "order_pairs" if number else DEPARTMENT_REPORT
    assert download_name(Document(kind=kind, title=title, number=number)) == name


def test_the_fetcher_serves_our_static_files_and_nothing_else():
    fetch = StaticFilesOnly().fetch
    assert b"@page" in fetch(f"{ORIGIN}/static/css/pdf.css").read()
    for url in (
        "https://example.org/static/css/pdf.css",
        "file:///etc/passwd",
        f"{ORIGIN}/media/documents/1.pdf",
        f"{ORIGIN}/static/../mentoring/settings.py",
        f"{ORIGIN}/static/%2e%2e/%2e%2e/etc/passwd",
        f"{ORIGIN}/static/css/none.css",
    ):
        with pytest.raises(ValueError):
            fetch(url)

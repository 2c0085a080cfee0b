"""Helpers of the document tests: the text of a rendered PDF, as a reader would select and search it."""

import io

from pypdf import PdfReader

from mentoring.models import Document


def pdf_text(document: Document) -> str:
    """All pages' text with line breaks and runs of spaces made single spaces."""
    document.refresh_from_db()
    with document.file.open("rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def pdf_pages(document: Document) -> list[tuple[float, float]]:
    with document.file.open("rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    return [(float(page.mediabox.width), float(page.mediabox.height)) for page in reader.pages]

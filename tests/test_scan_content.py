"""A scan is taken for what its bytes are, not for its name: an HTML page renamed to .pdf is refused, for a
consent and for a document signed on paper alike."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mentoring.document_views import SignedForm
from mentoring.models import Consent

from .factories import PersonFactory

BY_MOTHER = {
    "given_by": "representative",
    "representative_name": "Иванова Мария Петровна",
    "representative_relation": "мать",
    "date": "2026-09-01",
}
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
NOT_A_SCAN = "Файл не похож на PDF, JPEG или PNG: «soglasie.pdf» назван как PDF"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture
def pupil(school):
    return PersonFactory(school=school, birth_date=datetime.date(2012, 5, 17))


def test_an_html_page_named_pdf_is_refused_as_a_consent_scan(curator_client, pupil):
    response = curator_client.post(
        f"/people/{pupil.pk}/consents/new/", BY_MOTHER | {"scan": upload("soglasie.pdf", HTML_PAGE)}
    )

    assert NOT_A_SCAN in response.text
    assert not Consent.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("soglasie.png", b"%PDF-1.7\n"),  # a PDF named as a picture
        ("soglasie.jpg", b"\x89PNG\r\n\x1a\n"),  # a PNG named as a JPEG
        ("soglasie.png", b"\x89PNG\r\n"),  # a PNG's signature cut short
    ],
)
def test_a_scan_whose_bytes_do_not_match_its_name_is_refused(curator_client, pupil, name, data):
    response = curator_client.post(
        f"/people/{pupil.pk}/consents/new/", BY_MOTHER | {"scan": upload(name, data)}
    )

    assert "Файл не похож на PDF, JPEG или PNG" in response.text
    assert not Consent.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("soglasie.pdf", b"%PDF-1.4\n% scan\n"),
        ("SOGLASIE.JPEG", b"\xff\xd8\xff\xe0\x00\x10JFIF"),
        ("soglasie.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    ],
)
def test_a_real_pdf_jpeg_or_png_is_kept_whole(curator_client, pupil, name, data):
    curator_client.post(f"/people/{pupil.pk}/consents/new/", BY_MOTHER | {"scan": upload(name, data)})

    with Consent.objects.get().scan.open("rb") as scan:
        assert scan.read() == data  # the check read the head and put the file back to its start


def test_an_html_page_named_pdf_is_refused_as_a_signed_documents_scan(db):
    form = SignedForm(
        {"signed_on": timezone.localdate().isoformat()}, {"scan": upload("soglasie.pdf", HTML_PAGE)}
    )

    assert not form.is_valid()
    assert NOT_A_SCAN in form.errors["scan"][0]


def test_a_signed_documents_scan_that_is_a_pdf_is_accepted(db):
    form = SignedForm(
        {"signed_on": timezone.localdate().isoformat()}, {"scan": upload("skan.pdf", b"%PDF-1.4\n")}
    )

    assert form.is_valid(), form.errors

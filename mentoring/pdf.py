"""The one WeasyPrint render helper: HTML in, tagged PDF (PDF/UA-1) out, with nothing fetched beyond our
static files."""

from __future__ import annotations

import mimetypes
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Templates link static files as usual (/static/…); they resolve against this origin, which only the fetcher
# below answers, and only from the project's own static files.
ORIGIN = "https://documents.invalid"


def static_file(name: str) -> bytes | None:
    """A static file by the name its URL gives: a source file (what `runserver` serves), or else one the
    configured storage collected — under the manifest storage the URLs name hashed copies, which only it
    holds. A name that climbs out of either folder is no file of ours."""
    try:
        path = finders.find(name)
        if path is not None:
            with open(path, "rb") as file:
                return file.read()
        if staticfiles_storage.exists(name):
            with staticfiles_storage.open(name) as file:
                return file.read()
    except SuspiciousFileOperation:
        return None
    return None


class StaticFilesOnly(URLFetcher):
    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        prefix = ORIGIN + settings.STATIC_URL
        if not url.startswith(prefix):
            raise ValueError(f"Документ не может загружать внешние ресурсы: {url}")
        name = unquote(urlsplit(url).path).removeprefix(settings.STATIC_URL)
        body = static_file(name)
        if body is None:
            raise ValueError(f"Нет такого статического файла: {url}")
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def pdf_from_html(html: str) -> bytes:
    # PDF/UA-1: tagged, with the language and the title of the HTML, so that a screen reader reads it.
    document = weasyprint.HTML(string=html, base_url=ORIGIN + "/", url_fetcher=StaticFilesOnly())
    return document.write_pdf(pdf_variant="pdf/ua-1")

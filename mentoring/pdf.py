"""The one WeasyPrint render helper: HTML in, PDF bytes out, with nothing fetched beyond our static files."""

from __future__ import annotations

import mimetypes

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Templates link static files as usual (/static/…); they resolve against this origin, which only the fetcher
# below answers, and only from the project's own static files.
ORIGIN = "https://documents.invalid"


class StaticFilesOnly(URLFetcher):
    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        prefix = ORIGIN + settings.STATIC_URL
        if not url.startswith(prefix):
            raise ValueError(f"Документ не может загружать внешние ресурсы: {url}")
        path = finders.find(url.removeprefix(prefix).split("?")[0])
        if path is None:
            raise ValueError(f"Нет такого статического файла: {url}")
        with open(path, "rb") as file:
            body = file.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def pdf_from_html(html: str) -> bytes:
    return weasyprint.HTML(string=html, base_url=ORIGIN + "/", url_fetcher=StaticFilesOnly()).write_pdf()

"""Pages are never kept by a browser or a proxy: a school's shared computer must not show the next user the
cards, lists and files the last one opened (152-ФЗ)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every page the product renders, whoever asks: a page that holds no
    personal data loses little, and a new page that does is covered without anyone remembering. Static
    files are served before this middleware (WhiteNoise) and stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        return response

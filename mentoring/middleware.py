"""A school's shared computer must not show the next user what the last one opened (152-ФЗ): pages are never
kept by a browser or a proxy, and a session ends half an hour after its last request."""

from __future__ import annotations

import time
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


RENEWED_AT = "renewed_at"  # the session key of the moment, in seconds, its end was last moved forward
RENEWAL_SECONDS = 60


class IdleSessionMiddleware:
    """A signed-in user's session ends SESSION_COOKIE_AGE after the last request. Moving the end forward is a
    write of three statements, so it is written once a minute at most: the session ends between 29 and 30
    minutes of idleness, never later. Listed after the session middleware, it runs before it saves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        now = int(time.time())
        if request.user.is_authenticated and now - request.session.get(RENEWED_AT, 0) >= RENEWAL_SECONDS:
            request.session[RENEWED_AT] = now
        return response

"""Security from the first page: CSP, no inline code, deploy check, login throttling, sessions, errors."""

import datetime
import json
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.template import loader
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.views.defaults import server_error

import mentoring.settings as project_settings
from mentoring.middleware import RENEWAL_SECONDS, RENEWED_AT
from mentoring.models import Role

BASE_DIR = Path(settings.BASE_DIR)
LOGIN_URL = "/accounts/login/"
LOCKED_OUT_TEXT = "Вход временно заблокирован"


# Content Security Policy and inline code


def test_the_login_page_carries_an_enforced_content_security_policy_without_unsafe_inline(client, db):
    response = client.get(LOGIN_URL)

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "Content-Security-Policy-Report-Only" not in response.headers


def test_a_page_of_a_signed_in_user_carries_the_policy_too(client, make_user, school):
    client.force_login(make_user(Role.MENTEE, school), backend="django.contrib.auth.backends.ModelBackend")

    response = client.get("/")

    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def project_template_dirs() -> list[Path]:
    """templates/ and the templates folder of every app of this project (not of installed packages)."""
    folders = [BASE_DIR / "templates"]
    for app in apps.get_app_configs():
        app_path = Path(app.path).resolve()
        if app_path.is_relative_to(BASE_DIR) and ".venv" not in app_path.parts:
            folders.append(app_path / "templates")
    return [folder for folder in folders if folder.is_dir()]


DJANGO_TEMPLATE_SYNTAX = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}|{%.*?%}|{{.*?}}", re.S)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
INLINE_CODE = {
    "a style attribute": re.compile(r"[\s\"'/]style\s*=", re.I),
    "a <style> element": re.compile(r"<style\b", re.I),
    "an event-handler attribute": re.compile(r"[\s\"'/]on[a-z]+\s*=", re.I),
    "an hx-on attribute (htmx evaluates it as script)": re.compile(r"[\s\"'/]hx-on[:\-]", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
}


def inline_code_in(text: str) -> list[str]:
    html = DJANGO_TEMPLATE_SYNTAX.sub(" ", text)
    found = [
        f"an inline <script{attributes}>"
        for attributes in SCRIPT_TAG.findall(html)
        if not re.search(r"\bsrc\s*=", attributes, re.I)
    ]
    found += [what for what, pattern in INLINE_CODE.items() if pattern.search(html)]
    return found


def test_the_scanner_recognises_every_kind_of_inline_code():
    assert inline_code_in("<script>alert(1)</script>") == ["an inline <script>"]
    assert inline_code_in('<script src="/static/a.js"></script>') == []
    assert inline_code_in('<p style="color: red">') == ["a style attribute"]
    assert inline_code_in("<style>p {}</style>") == ["a <style> element"]
    assert inline_code_in('<button onclick="go()">') == ["an event-handler attribute"]
    assert inline_code_in('<a href="javascript:go()">') == ["a javascript: URL"]
    assert inline_code_in('<div hx-on:click="go()">') == ["an hx-on attribute (htmx evaluates it as script)"]
    assert inline_code_in('{% with onboarding=1 %}<p data-style="x" class="{{ style }}">{% endwith %}') == []


def test_no_template_has_inline_script_style_or_event_handlers():
    folders = project_template_dirs()
    # Letters are read in mail programs, which drop <style> and know nothing of the site's CSP: their
    # styles are inline by necessity.
    letters = BASE_DIR / "templates" / "mail"
    templates = [
        path
        for folder in folders
        for path in folder.rglob("*")
        if path.suffix in {".html", ".svg"} and not path.is_relative_to(letters)
    ]
    assert BASE_DIR / "templates" in folders
    assert templates, "no templates found"

    offences = {
        str(path.relative_to(BASE_DIR)): found
        for path in templates
        if (found := inline_code_in(path.read_text(encoding="utf-8")))
    }

    assert offences == {}, "inline code is blocked by the Content Security Policy; move it to static/"


# manage.py check --deploy with the production environment


def production_environment(**changes: str | None) -> dict[str, str]:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentoring.settings",
        "SECURE_HTTPS": "1",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "example.ru",
        "CSRF_TRUSTED_ORIGINS": "https://example.ru",
    }
    # The browser tests allow async-unsafe calls for the live server; production never does (async.E001).
    environment["DJANGO_ALLOW_ASYNC_UNSAFE"] = None
    environment.update(changes)
    return {name: value for name, value in environment.items() if value is not None}


def run_in_production(*arguments: str, **changes: str | None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=BASE_DIR,
        env=production_environment(**changes),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_the_production_environment():
    result = run_in_production("manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_when_the_secret_key_is_left_at_its_development_default():
    result = run_in_production("manage.py", "check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=None)

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_production_environment_turns_on_secure_cookies_https_redirect_and_hsts():
    names = [
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    ]
    script = (
        "import json; from mentoring import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names}}}))"
    )
    result = run_in_production("-c", script)

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    }


def test_static_files_collect_with_the_manifest_storage_of_the_docker_image(tmp_path):
    result = run_in_production(
        "manage.py", "collectstatic", "--no-input", "-v", "0", STATIC_MANIFEST="1", STATIC_ROOT=str(tmp_path)
    )

    assert result.returncode == 0, result.stderr[-2000:]
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    assert "vendor/bootstrap/bootstrap.min.css" in manifest["paths"]


@pytest.fixture
def https_settings(settings):
    """What SECURE_HTTPS=1 switches on; set before the client's first request loads the middleware."""
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    return settings


def test_with_https_on_plain_http_is_redirected_and_hsts_is_sent(client, db, https_settings):
    plain = client.get(LOGIN_URL)
    secure = client.get(LOGIN_URL, secure=True)

    assert plain.status_code == 301
    assert plain["Location"] == f"https://testserver{LOGIN_URL}"
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_with_https_on_the_session_and_csrf_cookies_are_secure_and_the_session_cookie_http_only(
    client, make_user, school, https_settings
):
    user = make_user(Role.MENTEE, school)
    client.get(LOGIN_URL, secure=True)
    response = client.post(LOGIN_URL, {"username": user.username, "password": "demo"}, secure=True)

    assert response.status_code == 302
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["secure"] is True
    assert session_cookie["httponly"] is True
    assert session_cookie["samesite"] == "Lax"
    assert client.cookies[settings.CSRF_COOKIE_NAME]["secure"] is True


# Login throttling per account and per address


def attempt_login(
    client: Client, username: str, password: str, address: str, forwarded_for: str | None = None
):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post(
        LOGIN_URL, {"username": username, "password": password}, headers=headers, REMOTE_ADDR=address
    )


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def assert_locked_out(response):
    assert response.status_code == 429
    assert LOCKED_OUT_TEXT in response.text
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_right_password_signs_in_before_the_limit_is_reached(client, make_user, school):
    user = make_user(Role.MENTEE, school)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt_login(client, user.username, "wrong", "10.0.0.1")
        assert response.status_code == 200
        assert "Пожалуйста, введите правильные имя пользователя и пароль" in response.text

    response = attempt_login(client, user.username, "demo", "10.0.0.1")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_signed_in(client)


def test_an_account_is_locked_after_the_limit_even_when_x_forwarded_for_changes_every_time(
    client, make_user, school
):
    user = make_user(Role.MENTEE, school)
    responses = [
        attempt_login(client, user.username, "wrong", "10.0.0.1", forwarded_for=f"203.0.113.{n}")
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]

    assert_locked_out(responses[-1])
    # The forged header was never taken for the address.
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.1"}

    response = attempt_login(client, user.username, "demo", "10.0.0.1", forwarded_for="203.0.113.250")

    assert_locked_out(response)
    assert not is_signed_in(client)


@pytest.fixture
def address_limit(settings) -> int:
    """A lower limit of an address's failures than the real one, to reach it quickly."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    return settings.LOGIN_ADDRESS_FAILURE_LIMIT


def test_an_address_is_locked_after_failures_for_different_accounts(client, make_user, school, address_limit):
    for n in range(address_limit):
        attempt_login(client, f"guess{n}", "wrong", "10.0.0.7")
    untouched = make_user(Role.MENTEE, school)

    from_the_locked_address = attempt_login(Client(), untouched.username, "demo", "10.0.0.7")
    from_another_address = Client()
    elsewhere = attempt_login(from_another_address, untouched.username, "demo", "10.0.0.8")

    assert_locked_out(from_the_locked_address)
    assert elsewhere.status_code == 302
    assert is_signed_in(from_another_address)


def test_a_forged_x_forwarded_for_does_not_unlock_a_locked_address(client, make_user, school, address_limit):
    for n in range(address_limit):
        attempt_login(client, f"guess{n}", "wrong", "10.0.0.7")
    untouched = make_user(Role.MENTEE, school)
    other = Client()

    response = attempt_login(other, untouched.username, "demo", "10.0.0.7", forwarded_for="198.51.100.9")

    assert_locked_out(response)
    assert not is_signed_in(other)


def test_signing_in_to_ones_own_account_does_not_clear_the_count_of_an_address(
    client, make_user, school, address_limit
):
    own = make_user(Role.MENTEE, school)
    for n in range(address_limit - 1):
        attempt_login(client, f"victim{n}", "wrong", "10.0.0.9")
    assert attempt_login(Client(), own.username, "demo", "10.0.0.9").status_code == 302

    response = attempt_login(Client(), "victim-next", "wrong", "10.0.0.9")

    assert_locked_out(response)


def test_behind_trusted_proxies_the_address_is_the_one_the_outermost_proxy_saw(monkeypatch):
    factory = RequestFactory()
    forged_and_real = factory.post(
        LOGIN_URL, REMOTE_ADDR="172.18.0.1", headers={"X-Forwarded-For": "1.2.3.4, 5.6.7.8, 192.0.2.10"}
    )
    garbage = factory.post(LOGIN_URL, REMOTE_ADDR="172.18.0.1", headers={"X-Forwarded-For": "not-an-address"})
    direct = factory.post(LOGIN_URL, REMOTE_ADDR="172.18.0.1")

    assert project_settings.client_ip_address(forged_and_real) == "172.18.0.1"
    monkeypatch.setattr(project_settings, "TRUSTED_PROXY_COUNT", 1)
    assert project_settings.client_ip_address(forged_and_real) == "192.0.2.10"
    assert project_settings.client_ip_address(garbage) == "172.18.0.1"
    assert project_settings.client_ip_address(direct) == "172.18.0.1"
    monkeypatch.setattr(project_settings, "TRUSTED_PROXY_COUNT", 2)
    assert project_settings.client_ip_address(forged_and_real) == "5.6.7.8"


# Sessions


def sign_in(client: Client, user) -> None:
    response = client.post(LOGIN_URL, {"username": user.username, "password": "demo"}, REMOTE_ADDR="10.0.3.1")
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def assert_sent_to_login(response):
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_logout_ends_the_session_and_the_old_cookie_no_longer_works(client, make_user, school):
    sign_in(client, make_user(Role.MENTEE, school))
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value

    response = client.post("/accounts/logout/")

    assert_sent_to_login(response)
    assert_sent_to_login(client.get("/"))
    assert not Session.objects.filter(session_key=old_key).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    assert_sent_to_login(replay.get("/"))


def test_logout_by_get_is_refused(client, make_user, school):
    sign_in(client, make_user(Role.MENTEE, school))

    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/").status_code == 200


def test_a_session_idle_longer_than_its_age_is_gone(client, make_user, school):
    sign_in(client, make_user(Role.MENTEE, school))

    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    assert_sent_to_login(client.get("/"))


def test_a_request_a_minute_after_the_last_renewal_moves_the_end_of_the_session_forward(
    client, make_user, school, settings
):
    settings.SESSION_COOKIE_AGE = 120
    sign_in(client, make_user(Role.MENTEE, school))
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(seconds=5))
    stamp_renewal(client, seconds_ago=RENEWAL_SECONDS)

    before = timezone.now()
    assert client.get("/").status_code == 200

    expire_date = Session.objects.get().expire_date
    assert (
        before + datetime.timedelta(seconds=115)
        < expire_date
        <= timezone.now() + datetime.timedelta(seconds=120)
    )


def test_a_request_within_a_minute_of_the_last_renewal_writes_nothing_and_never_lengthens_the_session(
    client, make_user, school
):
    sign_in(client, make_user(Role.MENTEE, school))
    stamp_renewal(client, seconds_ago=RENEWAL_SECONDS - 5)
    expire_date = Session.objects.get().expire_date

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200

    assert not [q for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
    assert Session.objects.get().expire_date == expire_date
    assert expire_date <= timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_signing_in_counts_as_a_renewal_of_the_session(client, make_user, school):
    user = make_user(Role.MENTEE, school)
    client.post(LOGIN_URL, {"username": user.username, "password": "demo"}, REMOTE_ADDR="10.0.3.1")

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200

    assert not [q for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]


def test_the_session_cookie_ends_with_the_browser(client, make_user, school):
    sign_in(client, make_user(Role.MENTEE, school))

    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == ""


def stamp_renewal(client: Client, *, seconds_ago: int) -> None:
    session = client.session
    session[RENEWED_AT] = int(time.time()) - seconds_ago
    session.save()


# Error pages


def test_a_missing_page_is_a_russian_404(client, db):
    assert settings.DEBUG is False

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Страница не найдена" in response.text
    assert 'lang="ru"' in response.text
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_a_signed_in_user_gets_the_russian_404_inside_the_usual_frame(client, make_user, school):
    client.force_login(make_user(Role.MENTEE, school), backend="django.contrib.auth.backends.ModelBackend")

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Страница не найдена" in response.text
    assert "Выйти" in response.text


def test_the_500_page_is_static_russian_html_that_needs_no_context():
    source = (BASE_DIR / "templates" / "500.html").read_text(encoding="utf-8")
    assert "{%" not in source
    assert "{{" not in source

    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Ошибка на сервере" in response.content.decode()


def test_the_400_and_403_pages_are_russian():
    assert "Некорректный запрос" in loader.get_template("400.html").render()
    request = RequestFactory().get("/")
    assert "Доступ запрещён" in loader.get_template("403.html").render({"exception": "x"}, request)


def test_a_form_sent_without_a_valid_csrf_token_gets_a_russian_page(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post(LOGIN_URL, {"username": "someone", "password": "demo"})

    assert response.status_code == 403
    assert "Форма устарела" in response.text

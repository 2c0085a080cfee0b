import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import Browser, Page, sync_playwright

from tests.celery_worker import celery_workers, skip_without_broker

# Playwright's sync API runs an event loop in the test thread; the ORM calls of the tests are still
# synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Browser:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@contextmanager
def watched_page(browser: Browser, base_url: str, **options) -> Iterator[Page]:
    """A page in a fresh context that fails the test on any Content Security Policy violation."""
    context = browser.new_context(base_url=base_url, locale="ru-RU", **options)
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert not violations, f"CSP violations: {violations}"


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    with watched_page(browser, live_server.url, accept_downloads=True) as page:
        yield page


def log_in(page: Page, username: str, password: str = "demo") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()


def log_out(page: Page) -> None:
    page.context.clear_cookies()


ACCOUNT_PASSWORD = "Ключ-от-школы-2026"


def follow_the_letter(page: Page, to: str) -> None:
    """Opens the invitation link of the last letter sent to the address."""
    letter = next(m for m in reversed(mail.outbox) if m.to == [to])
    page.goto(re.search(r"https?://[^/\s]+(/invitation/\S+/)", letter.body).group(1))


def create_account(page: Page, username: str, last_name: str, first_name: str) -> None:
    """Fills the invitation page's form of a new account and accepts the invitation."""
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Фамилия").fill(last_name)
    page.get_by_label("Имя*", exact=True).fill(first_name)
    page.get_by_label("Пароль*", exact=True).fill(ACCOUNT_PASSWORD)
    page.get_by_label("Подтверждение пароля").fill(ACCOUNT_PASSWORD)
    page.get_by_role("button", name="Создать учётную запись и принять").click()


@pytest.fixture
def renders(tmp_path):
    """What renders the documents the live server asks for: the request itself, or a real worker."""
    if not settings.REDIS_URL:
        yield
        return
    skip_without_broker()
    with celery_workers(tmp_path) as start:
        start()
        yield


PHONE = {"width": 390, "height": 844}


def assert_fits_the_window(page: Page) -> None:
    """Nothing of the page lies beyond the window's right edge: no sideways scrolling."""
    page.wait_for_load_state()
    width = page.evaluate("document.documentElement.scrollWidth")
    window = page.evaluate("window.innerWidth")
    assert width <= window, f"{page.url} is {width} px wide in a {window} px window"


@pytest.fixture
def phone(browser: Browser, live_server) -> Iterator[Page]:
    options = {"viewport": PHONE, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
    with watched_page(browser, live_server.url, **options) as page:
        yield page

"""The production stage (deploy/stage.sh): these tests talk to the stack over HTTPS only.

They run only when deploy/stage.sh started the stack and set STAGE_URL (the root conftest
leaves this folder out otherwise). No database access: what they check, a user could see.
"""

import http.client
import os
import ssl
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import browser, screenshot  # noqa: F401  (shared fixtures)
from tests.browser.helpers import log_in as browser_log_in

DEMO_PASSWORD = "demo-2568"  # noqa: S105  (deploy/stage.sh seeds the demo with it)


@pytest.fixture(scope="session")
def stage_url() -> str:
    return os.environ["STAGE_URL"].rstrip("/")


@pytest.fixture(scope="session")
def stage_http_url() -> str:
    return os.environ["STAGE_HTTP_URL"].rstrip("/")


@pytest.fixture(scope="session")
def stage_logs() -> Path:
    return Path(os.environ["STAGE_LOGS"])


@pytest.fixture
def page_factory(browser):  # noqa: F811
    """Pages of fresh browser contexts that accept the stage's self-signed certificate."""
    contexts = []

    def make(width=390, height=844, **options):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            ignore_https_errors=True,
            locale="th-TH",
            **options,
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def log_in(page, base_url, username):
    """As a demo user (deploy/stage.sh seeds the demo with DEMO_PASSWORD)."""
    browser_log_in(page, base_url, username, DEMO_PASSWORD)
    assert "/accounts/login/" not in page.url, f"{username} could not log in"


def request(base_url, method, path, *, source="127.0.0.1", headers=None, body=None):
    """One HTTPS request from a chosen local address (127.0.0.0/8 is all this machine), as
    different phones behind one proxy would be: (status, headers, body)."""
    parts = urlsplit(base_url)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    connection = http.client.HTTPSConnection(
        "127.0.0.1", parts.port, source_address=(source, 0), context=context, timeout=30
    )
    try:
        connection.request(
            method, path, body=body, headers={"Host": parts.netloc, **(headers or {})}
        )
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run installs it.")
        pytest.skip("Chromium is not installed (apt-get install chromium chromium-driver).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
    # there for set-up are still synchronous, so allow them while the browser runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page_factory(browser):
    contexts = []
    # What Chromium refused under the Content-Security-Policy ("Refused to apply inline
    # style...", "Executing inline script violates the following Content Security Policy
    # directive..."), from every page of every context: a journey that trips the policy fails,
    # even when the page still seemed to work.
    refused = []

    def on_console(message):
        text = message.text
        if message.type == "error" and ("Refused to" in text or "Content Security Policy" in text):
            refused.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def make(width=390, height=844, **options):
        # options: what else a context takes, e.g. geolocation and permissions for a phone.
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        context.on("console", on_console)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    assert refused == [], "Content-Security-Policy violations:\n" + "\n".join(refused)


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take

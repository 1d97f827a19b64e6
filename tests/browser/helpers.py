"""What the browser journeys share: logging in as a user of the test world, the Thai of a
message (failing when it has none), whether a page scrolls sideways, and a date as a Thai user
types it."""

import datetime

from django.utils import translation

from carecore.dates import format_date
from conftest import PASSWORD


def thai(text):
    with translation.override("th"):
        translated = translation.gettext(text)
    assert translated != text, f"No Thai translation for {text!r}"
    return translated


def log_in(page, base_url, username, password=PASSWORD):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def be(day: datetime.date) -> str:
    """A date as a Thai user types it (and a form shows it): dd/mm/yyyy in the Buddhist Era."""
    return format_date(day, "numeric")

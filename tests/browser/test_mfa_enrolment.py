"""In a real browser: a director who has not set up two-factor authentication by the end of the
grace period logs in and lands on enrolment, confirms the password, turns on an authenticator
app with the code computed from the secret on the page, sees the recovery codes, and reaches the
school page. A counsellor still within the grace period sees the banner and works as before."""

import datetime
import re

import pytest
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.utils import timezone

from conftest import PASSWORD
from tests.browser.helpers import log_in, no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def test_director_past_the_grace_period_is_enrolled_before_anything_else(
    world, live_server, page_factory, screenshot
):
    director = world.a.users["director"]
    director.mfa_grace_started = timezone.now() - datetime.timedelta(days=15)
    director.save(update_fields=["mfa_grace_started"])
    school_url = f"{live_server.url}/s/{world.a.school.code}/"

    page = page_factory(**PHONE)
    log_in(page, live_server.url, director.username)
    # Straight to enrolment; allauth asks for the password once more before any change to
    # two-factor (a stolen session could otherwise add its own authenticator).
    assert "/accounts/reauthenticate/" in page.url
    assert page.locator("#mfa-banner[data-mfa=locked]").count() == 1
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith("/accounts/2fa/totp/activate/")
    assert page.locator("img[src^='data:image/svg+xml']").count() == 1  # the QR code
    assert no_sideways_scroll(page)
    screenshot(page, "mfa-enrolment-phone")

    # The school page (and anything else) still leads back here.
    page.goto(school_url)
    assert page.url.endswith("/accounts/2fa/totp/activate/")
    # The help page stays open, and leads back.
    page.click("#mfa-banner-help")
    page.wait_for_load_state()
    assert page.url.endswith("/two-factor/")
    assert page.locator("#mfa-help-passkey").count() == 1
    page.click("#mfa-help-totp")
    page.wait_for_load_state()

    secret = page.input_value("#authenticator_secret")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    page.fill("input[name=code]", code)
    page.click("main button[type=submit]")
    page.wait_for_load_state()

    # The recovery codes come next, to print or write down.
    assert page.url.endswith("/accounts/2fa/recovery-codes/")
    codes = page.input_value("#recovery_codes").split()
    assert all(re.fullmatch(r"\d{8}", code) for code in codes)
    assert len(set(codes)) == 10
    assert page.locator("#mfa-banner").count() == 0
    screenshot(page, "mfa-recovery-codes-phone")

    page.goto(school_url)
    assert page.url == school_url
    assert page.locator("h1").first.inner_text() == world.a.school.name
    assert page.locator("#mfa-banner").count() == 0
    director.refresh_from_db()
    assert director.mfa_enrolled


def test_enrolment_page_on_a_desktop(world, live_server, page_factory, screenshot):
    coordinator = world.a.users["coordinator"]
    coordinator.mfa_grace_started = timezone.now() - datetime.timedelta(days=20)
    coordinator.save(update_fields=["mfa_grace_started"])
    page = page_factory(**DESKTOP)
    log_in(page, live_server.url, coordinator.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith("/accounts/2fa/totp/activate/")
    assert page.locator("#mfa-banner[data-mfa=locked]").is_visible()
    screenshot(page, "mfa-enrolment-desktop")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_banner_within_the_grace_period(world, live_server, page_factory, screenshot, size):
    counsellor = world.a.users["counsellor"]
    page = page_factory(**(PHONE if size == "phone" else DESKTOP))
    log_in(page, live_server.url, counsellor.username)  # the first log-in: 14 days from now
    school_url = f"{live_server.url}/s/{world.a.school.code}/"
    page.goto(school_url)
    banner = page.locator("#mfa-banner[data-mfa=grace]")
    assert banner.is_visible()
    assert "14" in banner.inner_text()
    assert page.locator("h1").first.inner_text() == world.a.school.name  # the page works
    assert no_sideways_scroll(page)
    screenshot(page, f"mfa-banner-{size}")
    page.click("#mfa-banner-setup")
    page.wait_for_load_state()
    assert "/accounts/reauthenticate/" in page.url


def test_a_passkey_instead_of_the_app(world, live_server, page_factory, screenshot):
    """Chromium's virtual authenticator stands in for the fingerprint reader of a phone."""
    nurse = world.a.users["nurse"]
    nurse.mfa_grace_started = timezone.now() - datetime.timedelta(days=15)
    nurse.save(update_fields=["mfa_grace_started"])
    page = page_factory(**PHONE)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    log_in(page, live_server.url, nurse.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.click("#mfa-banner-passkey")
    page.wait_for_load_state()
    assert page.url.endswith("/accounts/2fa/webauthn/add/")
    screenshot(page, "mfa-passkey-phone")
    page.click("#mfa_webauthn_add")
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    assert len(page.input_value("#recovery_codes").split()) == 10
    nurse.refresh_from_db()
    assert nurse.mfa_enrolled
    page.goto(f"{live_server.url}/s/{world.a.school.code}/")
    assert page.locator("h1").first.inner_text() == world.a.school.name

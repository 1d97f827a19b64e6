"""Chromium enforces the policies the app sends: an injected inline script does not run (and the
console says so, which page_factory turns into a failure for every other journey), htmx cannot
evaluate code, and only the home-visit form may ask for the location or the camera."""

import pytest

from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_injected_inline_script_is_refused(live_server, browser, db):
    context = browser.new_context()
    try:
        page = context.new_page()
        messages = []
        page.on("console", lambda message: messages.append(message.text))
        page.goto(f"{live_server.url}/accounts/login/")
        # As if a stored value had slipped through escaping into the page.
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.injected = true";
                document.body.appendChild(script);
                const button = document.createElement("button");
                button.setAttribute("onclick", "window.clicked = true");
                document.body.appendChild(button);
                button.click();
            }"""
        )
        assert page.evaluate("() => window.injected === undefined")
        assert page.evaluate("() => window.clicked === undefined")
        assert any("Content Security Policy" in text for text in messages), messages
        # htmx is told not to evaluate attributes and not to add its own <style>.
        assert page.evaluate("() => htmx.config.allowEval") is False
        assert page.evaluate("() => htmx.config.includeIndicatorStyles") is False
    finally:
        context.close()


def test_only_the_visit_form_may_ask_for_the_location_and_the_camera(
    world, live_server, page_factory
):
    page = page_factory()
    log_in(page, live_server.url, world.a.users["homeroom"].username)
    allows = """feature => document.featurePolicy.allowsFeature(feature)"""
    assert page.evaluate(allows, "geolocation") is False
    assert page.evaluate(allows, "camera") is False

    code, student = world.a.school.code, world.a.student.pk
    page.goto(f"{live_server.url}/s/{code}/visits/students/{student}/new/")
    assert page.evaluate(allows, "geolocation") is True
    assert page.evaluate(allows, "camera") is True
    assert page.evaluate(allows, "microphone") is False

"""Static files in the tests are production's: the manifest storage over a STATIC_ROOT built once
per session (root conftest), served by WhiteNoise inside the app, also for the browser tests."""

import re
import urllib.request

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage

HASHED = r'(/static/[^"]+\.[0-9a-f]{12}\.(?:css|js))"'


def test_the_test_settings_use_the_production_storage():
    assert settings.STORAGES["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert re.fullmatch(
        r"vendor/htmx/htmx\.min\.[0-9a-f]{12}\.js",
        staticfiles_storage.stored_name("vendor/htmx/htmx.min.js"),
    )


def test_the_live_server_serves_every_hashed_file_a_page_links(live_server):
    html = urllib.request.urlopen(f"{live_server.url}/accounts/login/").read().decode()
    hrefs = re.findall(HASHED, html)
    assert len(hrefs) >= 3  # the stylesheets and scripts of the base template
    for href in hrefs:
        with urllib.request.urlopen(f"{live_server.url}{href}") as response:
            assert response.status == 200
            assert "immutable" in response.headers["Cache-Control"]

"""The site's icon: /favicon.ico, which browsers ask for on every page (and the error pages, which
link nothing), answers from WhiteNoise (WHITENOISE_ROOT) under the production storage; the base
template links the icon files from the static manifest."""

import re
import urllib.request


def test_favicon_ico_is_served_at_the_root(live_server):
    with urllib.request.urlopen(f"{live_server.url}/favicon.ico") as response:
        assert response.status == 200
        assert response.headers["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
        assert response.read(4) == b"\x00\x00\x01\x00"  # an ICO file


def test_the_pages_link_the_icons(live_server):
    html = urllib.request.urlopen(f"{live_server.url}/accounts/login/").read().decode()
    icons = re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', html)
    assert len(icons) == 3
    for href in icons:
        assert re.search(r"\.[0-9a-f]{12}\.(?:ico|svg|png)$", href), href
        with urllib.request.urlopen(f"{live_server.url}{href}") as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("image/")

"""The deployed stack as a client meets it: TLS, headers, static files from the manifest, the
proxy's buffering, the client's address behind the proxy, and what the access logs keep."""

import re
import socket
import ssl
import threading
import time
from urllib.parse import quote, urlsplit

import pytest

from tests.stage.conftest import request


def test_plain_http_is_sent_to_https(stage_http_url, stage_url):
    import http.client

    parts = urlsplit(stage_http_url)
    connection = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=10)
    connection.request("GET", "/accounts/login/?next=/", headers={"Host": parts.netloc})
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"{stage_url}/accounts/login/?next=/"


def test_pages_are_served_with_debug_off_and_secure_headers(stage_url):
    status, headers, body = request(stage_url, "GET", "/accounts/login/")
    assert status == 200
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "geolocation=()" in headers["Permissions-Policy"]
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])  # the proxy's request id
    assert "Secure" in headers["Set-Cookie"] and "csrftoken" in headers["Set-Cookie"]
    status, _, body = request(stage_url, "GET", "/no-such-page/")
    assert status == 404
    assert b"URLconf" not in body and b"Traceback" not in body  # no debug page


def test_static_files_come_from_the_manifest(stage_url):
    _, _, body = request(stage_url, "GET", "/accounts/login/")
    hrefs = re.findall(rb'(/static/[^"]+\.[0-9a-f]{12}\.css)"', body)
    assert hrefs, "the page links no hashed stylesheet: the manifest storage is not in use"
    status, headers, css = request(
        stage_url, "GET", hrefs[0].decode(), headers={"Accept-Encoding": "gzip"}
    )
    assert status == 200
    assert "immutable" in headers["Cache-Control"]
    assert headers.get("Content-Encoding") == "gzip"


def test_the_health_check_answers_through_the_proxy(stage_url):
    status, headers, body = request(stage_url, "GET", "/healthz/")
    assert status == 200, body
    assert b'"worker": "ok"' in body and b'"redis": "ok"' in body


def test_wrong_codes_from_one_phone_do_not_lock_out_another(stage_url):
    """25 wrong slip codes from one address behind the proxy: that address is stopped, the
    next parent is not (before TRUSTED_PROXIES every request counted as the proxy's)."""
    statuses = [
        request(
            stage_url, "GET", f"/f/ZZZZ{'23456789'[n % 8]}{'ABCD'[n // 8]}ZZ/", source="127.0.0.2"
        )[0]
        for n in range(25)
    ]
    assert statuses[0] == 404 and statuses[-1] == 429
    assert request(stage_url, "GET", "/f/ZZZZ2ZZZ/", source="127.0.0.3")[0] == 404
    # Writing another address in X-Forwarded-For does not help the first phone.
    forged = {"X-Forwarded-For": "198.51.100.77"}
    assert request(stage_url, "GET", "/f/ZZZZ3ZZZ/", source="127.0.0.2", headers=forged)[0] == 429


def _slow_upload(stage_url, stop: threading.Event):
    """A phone on a bad line: headers and a first piece of a 200 KB body, then nothing."""
    parts = urlsplit(stage_url)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection(("127.0.0.1", parts.port), timeout=30)
    with raw, context.wrap_socket(raw, server_hostname="localhost") as tls:
        tls.sendall(
            (
                "POST /accounts/login/ HTTP/1.1\r\n"
                f"Host: {parts.netloc}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                "Content-Length: 200000\r\n\r\n"
            ).encode()
            + b"a" * 4096
        )
        stop.wait(20)


def test_slow_uploads_do_not_hold_the_app_workers(stage_url):
    """Four phones stall mid-upload; the stage runs two gunicorn workers. The proxy holds the
    half-sent bodies, so a page still answers at once."""
    stop = threading.Event()
    uploads = [
        threading.Thread(target=_slow_upload, args=(stage_url, stop), daemon=True) for _ in range(4)
    ]
    for upload in uploads:
        upload.start()
    try:
        time.sleep(1.5)
        started = time.monotonic()
        status, _, _ = request(stage_url, "GET", "/accounts/login/")
        elapsed = time.monotonic() - started
        assert status == 200
        assert elapsed < 5, f"a page took {elapsed:.1f} s while uploads stalled"
    finally:
        stop.set()
        for upload in uploads:
            upload.join(timeout=5)


def test_access_logs_keep_no_query_string(stage_url, stage_logs):
    marker = "สมชาย-ค้นหา-" + str(time.time_ns())
    status, headers, _ = request(stage_url, "GET", f"/accounts/login/?q={quote(marker)}")
    assert status == 200
    request_id = headers["X-Request-ID"]
    deadline = time.monotonic() + 10
    proxy_log = stage_logs / "proxy-access.log"
    while request_id not in proxy_log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    line = next(line for line in proxy_log.read_text().splitlines() if request_id in line)
    assert "GET /accounts/login/ " in line
    for log in stage_logs.glob("*.log"):
        text = log.read_text(errors="replace")
        assert marker not in text, log.name
        assert quote(marker) not in text, log.name


@pytest.mark.parametrize("path", ["/f/\x00/", "/healthz/?x=\x00"])
def test_odd_input_is_no_server_error(stage_url, path):
    status, _, _ = request(stage_url, "GET", path.replace("\x00", "%00"))
    assert status < 500

"""Logs and error reports (carecore/logs.py): every line carries the request id and the user's
numeric id, never a name; error e-mails and Sentry events carry no student data.

Sentry is tested end to end against a fake Sentry server in a thread: the real sentry-sdk client
posts its envelopes to it, and the test reads what would have left the machine.
"""

import gzip
import io
import json
import logging
import re
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
import sentry_sdk
from celery import shared_task
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from sentry_sdk.scope import should_send_default_pii

from carecore import logs
from carecore.models import User

ROOT = Path(__file__).resolve().parent.parent.parent

# A student's data as a form would post it; none of it may appear in a log line, an e-mail or
# a Sentry event.
STUDENT_NAME = "เด็กหญิงมะลิ ใจงาม"
NATIONAL_ID = "1101700203451"
BODY_MARKER = "counselling-note-body-7f3a"
COOKIE_VALUE = "cookie-value-9c2e"
USERNAME = "somchai.teacher"
TEACHER_NAME = "สมชาย"
HEX_ID = re.compile(r"^[0-9a-f]{32}$")

log = logging.getLogger("carecore.tests.test_logs")


# --- a test-only URLconf -------------------------------------------------------------------------


def ok_view(request):
    # As a real view does (login_required, permission checks), it looks at the user first.
    if request.user.is_authenticated:
        log.info("the view ran")
    return HttpResponse("ok")


@csrf_exempt  # posted without a token by the WSGI test below
def failing_view(request):
    # The kind of lookup a view does: the SQL (a Sentry breadcrumb) holds the student's name.
    User.objects.filter(first_name=request.POST.get("student_name", "")).exists()
    raise RuntimeError(f"could not save the record of {request.POST.get('national_id')}")


def slip_view(request, code):
    if code.startswith("ERR"):
        raise RuntimeError("the slip form failed")
    if code.startswith("ZZ"):  # what the public form answers to an unknown code
        return HttpResponse("no such code", status=404)
    return HttpResponse("form")


def any_path_view(request, rest):
    return HttpResponse("ok")


def job_view(request):
    request_id_in_job = log_job_task.delay().get()
    log.info("after the job")
    return HttpResponse(request_id_in_job)


@shared_task(name="carecore.tests.test_logs.log_job_task")
def log_job_task():
    log.info("inside the job")
    return logs.get_request_id()


urlpatterns = [
    path("ok/", ok_view),
    path("boom/", failing_view),
    path("f/<str:code>/", slip_view),
    path("job/", job_view),
    path("p/<path:rest>", any_path_view),
]

pytestmark = pytest.mark.urls("carecore.tests.test_logs")


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def log_output(caplog):
    """What the console handler of settings.LOGGING would print, as one string."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.RequestContextFilter())
    handler.setFormatter(logs.IsoFormatter(django_settings.LOGGING["formatters"]["line"]["format"]))
    caplog.set_level(logging.INFO)
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


@pytest.fixture
def teacher(db):
    return User.objects.create_user(
        username=USERNAME, password="x-2568-password", first_name=TEACHER_NAME, last_name="ใจดี"
    )


def lines_with(output: str, text: str) -> list[str]:
    return [line for line in output.splitlines() if text in line]


# --- request ids and user ids on log lines -------------------------------------------------------


def test_request_lines_carry_the_request_id_and_the_user_id_never_the_name(
    client, teacher, log_output
):
    client.force_login(teacher)
    response = client.get("/ok/", {"q": TEACHER_NAME})
    assert response.status_code == 200
    request_id = response["X-Request-ID"]
    assert HEX_ID.match(request_id)

    output = log_output.getvalue()
    [view_line] = lines_with(output, "the view ran")
    [access_line] = lines_with(output, "carecore.access")
    for line in (view_line, access_line):
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d INFO ", line), line
        assert f"[{request_id}] user={teacher.pk} " in line, line
    assert re.search(r" GET /ok/ 200 \d+ms$", access_line), access_line
    # Neither the username, nor a name, nor the query string (a search term).
    assert USERNAME not in output
    assert TEACHER_NAME not in output
    assert "q=" not in output


def test_anonymous_requests_and_lines_outside_requests_show_dashes(client, db, log_output):
    response = client.get("/ok/")
    log.info("outside any request")
    output = log_output.getvalue()
    [access_line] = lines_with(output, "carecore.access")
    assert f"[{response['X-Request-ID']}] user=- GET /ok/ 200" in access_line
    [outside] = lines_with(output, "outside any request")
    assert "[-] user=- " in outside
    assert logs.get_request_id() is None


def test_the_user_id_reaches_the_access_line_when_the_view_never_read_the_user(
    client, teacher, log_output
):
    client.force_login(teacher)
    client.get("/f/ABCD2345/")
    [access_line] = lines_with(log_output.getvalue(), "carecore.access")
    assert f"user={teacher.pk} GET" in access_line


def test_a_slip_code_in_the_path_is_masked(client, db, log_output):
    client.get("/f/QX7PK2MZ/")
    output = log_output.getvalue()
    assert "GET /f/[Filtered]/ 200" in output
    assert "QX7PK2MZ" not in output


def test_control_characters_in_the_path_stay_encoded(client, db, log_output):
    # A carriage return or a terminal escape sequence could hide or forge a line.
    client.get("/p/x%0D%1B[2K2026-01-01T00:00:00.000+07:00 INFO forged")
    output = log_output.getvalue()
    [access_line] = lines_with(output, "carecore.access")
    assert "GET /p/x%0D%1B[2K2026-01-01T00:00:00.000+07:00 INFO forged 200" in access_line
    assert "\r" not in output and "\x1b" not in output


def test_a_safe_incoming_request_id_is_kept(client, db):
    response = client.get("/ok/", headers={"X-Request-ID": "proxy-4f1c.a_9"})
    assert response["X-Request-ID"] == "proxy-4f1c.a_9"


@pytest.mark.parametrize(
    "incoming",
    ["", "has space", "new\nline", "x" * 65, "<script>", "ชื่อ", "id;drop", "a/b"],
)
def test_an_unsafe_incoming_request_id_is_replaced(client, db, log_output, incoming):
    response = client.get("/ok/", headers={"X-Request-ID": incoming})
    request_id = response["X-Request-ID"]
    assert HEX_ID.match(request_id)
    [access_line] = lines_with(log_output.getvalue(), "carecore.access")
    assert f"[{request_id}]" in access_line


def test_each_request_gets_its_own_id(client, db):
    assert client.get("/ok/")["X-Request-ID"] != client.get("/ok/")["X-Request-ID"]


def test_a_job_logs_under_its_task_id_and_the_request_id_comes_back_after_it(
    client, db, log_output
):
    response = client.get("/job/")
    task_request_id = response.content.decode()
    request_id = response["X-Request-ID"]
    assert task_request_id and task_request_id != request_id
    output = log_output.getvalue()
    [job_line] = lines_with(output, "inside the job")
    assert f"[{task_request_id}] user=- " in job_line
    [after_line] = lines_with(output, "after the job")
    assert f"[{request_id}]" in after_line


def test_a_job_outside_a_request_logs_under_its_task_id(db, log_output):
    result = log_job_task.apply()
    [job_line] = lines_with(log_output.getvalue(), "inside the job")
    assert f"[{result.id}] user=- " in job_line
    assert logs.get_request_id() is None


# --- error e-mails to ADMINS ---------------------------------------------------------------------


def test_a_server_error_is_mailed_to_admins_without_the_request_contents(teacher, settings):
    settings.ADMINS = [("Ops", "ops@example.org")]
    # Connection URLs carry passwords (docker-compose.yml builds DATABASE_URL from
    # POSTGRES_PASSWORD); the mail lists the settings and must not show them.
    settings.DATABASE_URL = "postgres://carecare:db-pass-4417@db:5432/carecare"
    settings.CELERY_BROKER_URL = "redis://:broker-pass-9921@redis:6379/0"
    settings.SENTRY_DSN = "https://dsn-key-5532@sentry.example.org/1"
    client = Client(raise_request_exception=False)
    client.force_login(teacher)
    client.cookies["tracking"] = COOKIE_VALUE
    response = client.post(
        "/boom/?search=" + TEACHER_NAME,
        {"student_name": STUDENT_NAME, "national_id": NATIONAL_ID, "note": BODY_MARKER},
    )
    assert response.status_code == 500

    [message] = mail.outbox
    assert message.to == ["ops@example.org"]
    assert "RuntimeError" in message.body
    assert "Internal Server Error: /boom/" in message.subject
    assert f"USER: id {teacher.pk}" in message.body
    text = message.subject + message.body
    for secret in (
        STUDENT_NAME,
        NATIONAL_ID,
        BODY_MARKER,
        COOKIE_VALUE,
        USERNAME,
        TEACHER_NAME,
        client.cookies["sessionid"].value,
        "db-pass-4417",
        "broker-pass-9921",
        "dsn-key-5532",
    ):
        assert secret not in text, secret
    assert logs.NATIONAL_ID_MASK in message.body


def test_no_mail_without_admins(client, db, settings):
    settings.ADMINS = []
    Client(raise_request_exception=False).post("/boom/", {"national_id": NATIONAL_ID})
    assert mail.outbox == []


def test_admins_are_read_from_the_environment():
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "carecore.settings",
        "DEBUG": "true",
        "ADMINS": "Ops Team <ops@example.org>, care-admin@example.org",
    }
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.ADMINS))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        ["Ops Team", "ops@example.org"],
        ["care-admin@example.org", "care-admin@example.org"],
    ]


def test_parse_admins():
    assert logs.parse_admins([]) == []
    assert logs.parse_admins(["ฝ่ายไอที <it@example.org>"]) == [("ฝ่ายไอที", "it@example.org")]
    for bad in ("not an address", "Ops <>", "Ops"):
        with pytest.raises(ImproperlyConfigured):
            logs.parse_admins([bad])


# --- Sentry --------------------------------------------------------------------------------------


class _FakeSentry(BaseHTTPRequestHandler):
    """Records the envelopes the SDK posts, decompressed."""

    def do_POST(self):  # noqa: N802  (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.server.envelopes.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format, *args):
        pass


@pytest.fixture
def fake_sentry(monkeypatch):
    # A proxy set in the environment must not carry the SDK's traffic to the fake server.
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeSentry)
    server.envelopes = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    dsn = f"http://public@127.0.0.1:{server.server_address[1]}/1"
    sentry_sdk.get_isolation_scope().clear()
    sentry_sdk.get_current_scope().clear()
    assert logs.init_sentry(dsn=dsn, environment="test")
    client = sentry_sdk.get_client()
    assert client.is_active()
    try:
        yield server
    finally:
        # Sentry's client is global: back to the inactive one that the rest of the suite has.
        client.close(timeout=2)
        sentry_sdk.get_global_scope().set_client(None)
        sentry_sdk.get_isolation_scope().clear()
        sentry_sdk.get_current_scope().clear()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _envelope_items(body: bytes) -> list:
    """Each line of an envelope that is JSON, parsed (headers and payloads)."""
    items = []
    for line in body.splitlines():
        try:
            items.append(json.loads(line))
        except ValueError:
            continue
    return items


def _events(server) -> list[dict]:
    return [
        item
        for _path, body in server.envelopes
        for item in _envelope_items(body)
        if isinstance(item, dict) and "exception" in item
    ]


def _sent_events(server) -> list[dict]:
    """The error events the SDK has sent once its queue is flushed."""
    sentry_sdk.flush(timeout=10)
    deadline = time.monotonic() + 10
    while not _events(server) and time.monotonic() < deadline:
        time.sleep(0.05)
    return _events(server)


def _wsgi_request(method, path, query="", form=None, cookies=None, headers=None) -> dict:
    """A request through Django's WSGI handler, as gunicorn makes it: unlike the test client,
    that is where sentry-sdk's WSGI middleware collects the URL, query string and headers."""
    body = urlencode(form or {}).encode()
    cookies = cookies or {}
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_COOKIE": "; ".join(f"{name}={value}" for name, value in cookies.items()),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(response_headers)

    # As the test client does: a request must not close the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = WSGIHandler()(environ, start_response)
        b"".join(result)
        result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer


def test_an_error_reaches_sentry_without_student_data(fake_sentry, teacher, settings, client):
    settings.ADMINS = []
    assert not should_send_default_pii()
    client.force_login(teacher)
    session_id = client.cookies["sessionid"].value
    answer = _wsgi_request(
        "POST",
        "/boom/",
        "search=" + quote(TEACHER_NAME),
        {"student_name": STUDENT_NAME, "national_id": NATIONAL_ID, "note": BODY_MARKER},
        cookies={"sessionid": session_id, "tracking": COOKIE_VALUE},
        headers={
            "Referer": f"https://care.example.org/?q={quote(STUDENT_NAME)}",
            "X-Forwarded-For": "203.0.113.7",
            "Authorization": "Basic c29tY2hhaTp4",
            "User-Agent": "Mozilla/5.0 (Linux; Android 14)",
        },
    )
    assert answer["status"] == 500

    [event] = _sent_events(fake_sentry)
    assert all(path == "/api/1/envelope/" for path, _body in fake_sentry.envelopes)
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["exception"]["values"][-1]["value"] == (
        f"could not save the record of {logs.NATIONAL_ID_MASK}"
    )
    assert event["tags"]["request_id"] == answer["headers"]["X-Request-ID"]
    assert event["user"] == {"id": str(teacher.pk)}
    assert event["environment"] == "test"
    assert event["release"].startswith("carecare@")
    request = event["request"]
    assert request["method"] == "POST"
    assert request["url"] == "http://testserver/boom/"
    assert not {"data", "cookies", "query_string", "env"} & set(request)
    assert {name.lower() for name in request["headers"]} <= logs.SAFE_HEADERS
    assert request["headers"]["User-Agent"] == "Mozilla/5.0 (Linux; Android 14)"
    crumbs = event.get("breadcrumbs", {}).get("values", [])
    assert any(crumb.get("category") == "query" for crumb in crumbs)
    for crumb in crumbs:
        if crumb.get("category") == "query":
            assert "message" not in crumb and "data" not in crumb

    # Nothing of it, in any envelope, raw or decoded (JSON escapes Thai letters).
    for _path, body in fake_sentry.envelopes:
        raw = body.decode("utf-8", "replace")
        decoded = json.dumps(_envelope_items(body), ensure_ascii=False)
        for text in (raw, decoded):
            for secret in (
                STUDENT_NAME,
                NATIONAL_ID,
                BODY_MARKER,
                COOKIE_VALUE,
                USERNAME,
                TEACHER_NAME,
                session_id,
                "203.0.113.7",
                "c29tY2hhaTp4",
                "search=",
                quote(TEACHER_NAME),
                quote(STUDENT_NAME),
            ):
                assert secret not in text, secret


def test_a_slip_code_in_the_url_does_not_reach_sentry(fake_sentry, db):
    answer = _wsgi_request("GET", "/f/ERR7QX2M/")
    assert answer["status"] == 500
    [event] = _sent_events(fake_sentry)
    assert event["request"]["url"] == "http://testserver/f/[Filtered]/"
    assert event["transaction"] == "/f/{code}/"
    for _path, body in fake_sentry.envelopes:
        assert b"ERR7QX2M" not in body


def test_sentry_is_off_without_a_dsn():
    assert logs.init_sentry(dsn="") is False
    assert not sentry_sdk.get_client().is_active()


@pytest.mark.parametrize("rate", ["abc", "1.5", "-0.1"])
def test_a_bad_traces_sample_rate_is_refused(rate):
    with pytest.raises(ImproperlyConfigured):
        logs.init_sentry(dsn="http://public@127.0.0.1:9/1", traces_sample_rate=rate)
    assert not sentry_sdk.get_client().is_active()


def test_before_send_scrubs_what_the_integrations_collect():
    event = {
        "message": f"import of {NATIONAL_ID} failed",
        "logentry": {"message": "import of %s failed", "params": ["1-1017-00203-45-1"]},
        "request": {
            "url": "https://care.example.org/s/1040000001/students/?q=x",
            "method": "GET",
            "query_string": f"q={STUDENT_NAME}",
            "data": {"first_name": STUDENT_NAME},
            "cookies": {"sessionid": COOKIE_VALUE},
            "headers": {
                "Cookie": f"sessionid={COOKIE_VALUE}",
                "Authorization": "Basic eA==",
                "X-Forwarded-For": "203.0.113.7",
                "Referer": f"https://care.example.org/?q={STUDENT_NAME}",
                "User-Agent": "Mozilla/5.0",
            },
            "env": {"REMOTE_ADDR": "203.0.113.7"},
        },
        "user": {"id": "42", "username": USERNAME, "email": "t@example.org", "ip_address": "1"},
        "extra": {
            "sys.argv": ["manage.py", "import_students", "มะลิ.csv"],
            "note": {"deep": [f"id {NATIONAL_ID}"]},
            "celery-job": {"task_name": "x", "args": [7, STUDENT_NAME], "kwargs": {"q": "a"}},
        },
        "breadcrumbs": {
            "values": [
                {
                    "category": "query",
                    "message": "SELECT ... WHERE first_name = %s",
                    "data": {"db.params": [STUDENT_NAME]},
                },
                {"category": "httplib", "data": {"url": "http://x/?q=1", "http.query": "q=1"}},
                {"category": "carecore", "message": f"checked {NATIONAL_ID}"},
            ]
        },
    }
    scrubbed = logs.before_send(event, {})
    text = json.dumps(scrubbed, ensure_ascii=False)
    for secret in (STUDENT_NAME, NATIONAL_ID, "1-1017-00203-45-1", COOKIE_VALUE, USERNAME):
        assert secret not in text, secret
    assert "203.0.113.7" not in text
    assert "มะลิ" not in text
    assert scrubbed["user"] == {"id": "42"}
    assert scrubbed["request"] == {
        "url": "https://care.example.org/s/1040000001/students/",
        "method": "GET",
        "headers": {"User-Agent": "Mozilla/5.0"},
    }
    assert scrubbed["extra"]["celery-job"]["args"] == [7, logs.FILTERED]
    query, http, plain = scrubbed["breadcrumbs"]["values"]
    assert query == {"category": "query"}
    assert http["data"] == {"url": "http://x/"}
    assert plain["message"] == f"checked {logs.NATIONAL_ID_MASK}"
    assert "request_id" not in scrubbed.get("tags", {})  # no request in this context


def test_before_breadcrumb_drops_sql():
    crumb = {"category": "query", "message": "SELECT 1", "data": {"params": ["x"]}}
    assert logs.before_breadcrumb(crumb) == {"category": "query"}


@pytest.mark.django_db
def test_a_not_found_page_is_logged_with_its_request_id(client, caplog):
    with caplog.at_level("WARNING", logger="django.request"):
        response = client.get("/f/ZZQX7PK2/")
    assert response.status_code == 404
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1  # not twice
    assert records[0].request_id == response["X-Request-ID"]
    assert "ZZQX7PK2" not in records[0].getMessage()  # a slip code, even a wrong one

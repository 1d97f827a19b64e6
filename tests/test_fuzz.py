"""Junk in every query and form parameter of every URL of the permission matrix: never a 5xx.

Each URL is requested as a user who may open it (the matrix's table says who), with every
parameter name the page itself shows (its form fields and the query keys of its links) plus a
few names views commonly read. Every payload goes to every name at once, by GET (query string)
and by POST (form body); when the page has a form, a third request keeps its choices (selects,
hidden fields, boxes) valid and puts the payload in the free-text fields only, so that the view
gets past the choices to parse the text. NUL and undecodable bytes must answer 400
(carecore/middleware.py); nothing may answer 5xx. Each request runs in a savepoint that is
rolled back, so every URL starts from the same world whatever an earlier junk POST did.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.db import transaction
from django.urls import reverse

from conftest import ROLE_KEYS
from tests.test_permission_matrix import (
    EXPECTED,
    OK,
    POST_ONLY,
    PUBLIC,
    REDIRECT,
    kwargs_for,
    project_urls,
)

# Names many views read from the query string, whether or not the page shows them.
COMMON_NAMES = [
    "q",
    "term",
    "page",
    "sort",
    "grade",
    "room",
    "status",
    "date",
    "code",
    "student",
    "classroom",
    "year",
    "format",
    "next",
]
REJECTED = 400
FORM = "application/x-www-form-urlencoded"

# (label, value): value is text, or bytes already percent-encoded (invalid UTF-8 cannot be text).
PAYLOADS: list[tuple[str, str | bytes]] = [
    ("long", "ก" * 5000 + "A" * 5000),
    ("nul", "abc\x00def"),
    ("invalid utf-8", b"%FF%FE%C3%28"),
    ("impossible date", "31/02/2569"),
    ("far date", "99999-01-01"),
    ("thai digits date", "๓๑/๑๒/๒๕๖๘"),
    ("huge number", "99999999999999999999"),
    ("negative id", "-1"),
    ("markup", '"><script>alert(1)</script><img src=x onerror=alert(1)>'),
    ("sql and rtl", "1' OR '1'='1'; DROP TABLE students_student; -- \u202e\u200f١٢٣\u2066x\u2069"),
]
MUST_REJECT = {"nul", "invalid utf-8"}


class _Fields(HTMLParser):
    """The page's form fields (name: a valid value for choices, None for free text) and the
    query keys of its links."""

    CHOICES = {"hidden", "checkbox", "radio", "submit", "select"}

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str | None] = {}
        self.link_keys: set[str] = set()
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag in ("input", "button") and name:
            kind = attrs.get("type", "text" if tag == "input" else "submit")
            valid = attrs.get("value") or "" if kind in self.CHOICES else None
            self.fields.setdefault(name, valid)
        elif tag == "textarea" and name:
            self.fields.setdefault(name, None)
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and not self.fields[self._select]:
            self.fields[self._select] = attrs.get("value") or ""
        href = attrs.get("href") or attrs.get("hx-get") or ""
        if "?" in href:
            self.link_keys.update(key for key, _ in parse_qsl(urlsplit(href).query))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def page_fields(html: str) -> dict[str, str | None]:
    """Every parameter name the page shows, plus the common ones (free text)."""
    parser = _Fields()
    parser.feed(html)
    fields = dict.fromkeys(COMMON_NAMES) | dict.fromkeys(parser.link_keys) | parser.fields
    fields.pop("csrfmiddlewaretoken", None)
    return fields


def who_may(name: str) -> str | None:
    """A role key at school A that the matrix lets in (None: nobody, e.g. the national page)."""
    for key in ROLE_KEYS:
        if EXPECTED[name][key] in (OK, REDIRECT):
            return key
    return None


class _Rollback(Exception):
    pass


def send(method, *args, **kwargs):
    """One request inside a savepoint that is always rolled back: (status, what went wrong,
    the response)."""
    try:
        with transaction.atomic():
            response = method(*args, **kwargs)
            raise _Rollback(response)
    except _Rollback as done:
        response = done.args[0]
        return response.status_code, "", response
    except Exception as error:  # noqa: BLE001 - the test client re-raises what a view raised
        return 500, f"{type(error).__name__}: {str(error)[:300]}", None


def encode(fields: dict[str, str | None], value: str | bytes, keep_choices=False) -> str:
    """A query string or form body with ``value`` in every field (with ``keep_choices``, only in
    the free-text ones: the others keep a valid value, so that the view gets past them)."""
    junk = value.decode() if isinstance(value, bytes) else quote(value, safe="")
    return "&".join(
        f"{quote(name, safe='')}="
        + (quote(valid, safe="") if keep_choices and valid is not None else junk)
        for name, valid in fields.items()
    )


@pytest.mark.django_db
def test_junk_in_every_parameter_of_every_url_never_answers_5xx(world, client):
    values = kwargs_for(world)
    failures: list[str] = []
    not_rejected: list[str] = []
    urls = 0
    for route, name in project_urls():
        kwargs = {k: v for k, v in values.items() if f"<{k}>" in route or f":{k}>" in route}
        url = reverse(name, kwargs=kwargs)
        client.logout()
        key = None if name in PUBLIC else (who_may(name) or "coordinator")
        if key:
            client.force_login(world.a.users[key])
        fields: dict[str, str | None] = dict.fromkeys(COMMON_NAMES)
        has_form = False
        if name not in POST_ONLY:
            status, error, response = send(client.get, url)
            if status >= 500:
                failures.append(f"{name} GET {url} as {key}: {status} {error}")
            elif status == OK and "html" in response.get("Content-Type", ""):
                fields = page_fields(response.content.decode(errors="replace"))
                has_form = any(valid is not None for valid in fields.values())
        urls += 1
        for label, value in PAYLOADS:
            attempts = [
                ("GET", {"QUERY_STRING": encode(fields, value)}),
                ("POST", {"data": encode(fields, value)}),
            ]
            if has_form:
                attempts.append(("POST valid choices", {"data": encode(fields, value, True)}))
            for method, extra in attempts:
                if method == "GET":
                    status, error, _ = send(client.get, url, **extra)
                else:
                    status, error, _ = send(client.post, url, content_type=FORM, **extra)
                if status >= 500:
                    failures.append(f"{name} {method} {label} as {key}: {status} {error}")
                elif label in MUST_REJECT and status != REJECTED:
                    not_rejected.append(f"{name} {method} {label}: {status}")
    assert urls == len(project_urls())
    assert not failures, "\n".join(failures)
    assert not not_rejected, "\n".join(not_rejected)

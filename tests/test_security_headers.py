"""The security headers pages carry, and the templates that make a strict policy possible.

Content-Security-Policy: scripts, styles and fonts only from our own static files; no inline
script, event handler, style element or style attribute anywhere (the template scan below finds
one before a browser refuses it). Permissions-Policy: location and camera only on the home-visit
form. Referrer-Policy: addresses (which carry school codes and ids) never leave the site.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from carecore.security_headers import policy_value
from visits.models import HomeVisit

ROOT = Path(settings.BASE_DIR)
APP_DIRS = [
    "carecore",
    "districts",
    "schools",
    "students",
    "screening",
    "referrals",
    "visits",
    "care",
    "dropouts",
    "dashboards",
]


def directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def features(response) -> dict[str, str]:
    header = response.headers["Permissions-Policy"]
    return dict(item.strip().split("=", 1) for item in header.split(","))


def visit_for(world) -> HomeVisit:
    with scopes_disabled():
        return HomeVisit.objects.create(
            school=world.a.school,
            student=world.a.student,
            academic_year=world.year,
            status=HomeVisit.Status.DRAFT,
            date=timezone.localdate(),
            visitors="ครูประจำชั้น",
        )


def visit_urls(world) -> list[str]:
    """The home-visit form of school A's student: a new visit, and editing one."""
    code = world.a.school.code
    return [
        reverse("visits:visit_new", kwargs={"school_code": code, "student_id": world.a.student.pk}),
        reverse("visits:visit_edit", kwargs={"school_code": code, "visit_id": visit_for(world).pk}),
    ]


class TestContentSecurityPolicy:
    def test_the_log_in_page_allows_only_our_own_scripts_and_styles(self, client, db):
        response = client.get(reverse("account_login"))
        assert response.status_code == 200
        policy = directives(response)
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["form-action"] == ["'self'"]
        assert policy["connect-src"] == ["'self'"]
        assert policy["font-src"] == ["'self'"]
        # Bootstrap's icons are data: URLs; the visit form previews photos from blob: URLs.
        assert set(policy["img-src"]) == {"'self'", "data:", "blob:"}
        header = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in header
        assert "unsafe-eval" not in header
        assert "nonce-" not in header

    def test_signed_in_pages_carry_the_same_policy(self, world, login):
        client = login(world.a.users["homeroom"])
        for url in [
            reverse("my_classrooms"),
            reverse("schools:school_detail", kwargs={"school_code": world.a.school.code}),
            *visit_urls(world),
        ]:
            response = client.get(url)
            assert response.status_code == 200, url
            assert directives(response)["script-src"] == ["'self'"], url

    def test_error_pages_carry_it_too(self, world, login):
        client = login(world.a.users["homeroom"])
        other = reverse("schools:school_detail", kwargs={"school_code": world.b.school.code})
        response = client.get(other)
        assert response.status_code == 404
        assert directives(response)["script-src"] == ["'self'"]

    def test_htmx_may_not_evaluate_code_nor_insert_its_own_styles(self, client, db):
        page = client.get(reverse("account_login")).content.decode()
        meta = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'>', page)
        assert meta, "base.html must configure htmx"
        assert '"allowEval": false' in meta.group(1)
        assert '"includeIndicatorStyles": false' in meta.group(1)


class TestPermissionsPolicy:
    def test_ordinary_pages_turn_location_camera_and_microphone_off(self, world, login, client):
        response = client.get(reverse("account_login"))
        policy = features(response)
        for feature in ("geolocation", "camera", "microphone", "payment", "usb"):
            assert policy[feature] == "()", feature
        client = login(world.a.users["homeroom"])
        response = client.get(reverse("my_classrooms"))
        assert features(response)["geolocation"] == "()"
        visit = visit_for(world)
        detail = reverse(
            "visits:visit", kwargs={"school_code": world.a.school.code, "visit_id": visit.pk}
        )
        response = client.get(detail)
        assert response.status_code == 200
        assert features(response)["camera"] == "()"

    def test_the_visit_form_allows_location_and_camera_for_this_site_only(self, world, login):
        client = login(world.a.users["homeroom"])
        for url in visit_urls(world):
            response = client.get(url)
            assert response.status_code == 200, url
            policy = features(response)
            assert policy["geolocation"] == "(self)", url
            assert policy["camera"] == "(self)", url
            assert policy["microphone"] == "()", url
            assert policy["payment"] == "()", url

    def test_a_refused_visit_form_allows_nothing(self, world, login):
        # The director may not record visits (403); another school's teacher gets 404.
        urls = visit_urls(world)
        response = login(world.a.users["director"]).get(urls[0])
        assert response.status_code == 403
        assert features(response)["geolocation"] == "()"
        response = login(world.b.users["homeroom"]).get(urls[1])
        assert response.status_code == 404
        assert features(response)["camera"] == "()"

    def test_the_header_lists_every_configured_feature_once(self, settings):
        settings.PERMISSIONS_POLICY_FEATURES = ["camera", "geolocation"]
        assert policy_value() == "camera=(), geolocation=()"
        assert policy_value(frozenset({"camera"})) == "camera=(self), geolocation=()"
        assert policy_value(frozenset({"midi"})) == "camera=(), geolocation=(), midi=(self)"


class TestReferrerPolicy:
    def test_addresses_are_sent_only_to_this_site(self, world, login, client):
        assert client.get(reverse("account_login")).headers["Referrer-Policy"] == "same-origin"
        response = login(world.a.users["homeroom"]).get(reverse("my_classrooms"))
        assert response.headers["Referrer-Policy"] == "same-origin"


# --- the templates -----------------------------------------------------------------------------


def page_templates() -> list[Path]:
    """Every HTML template a browser may receive: PDF templates (rendered by WeasyPrint, never
    sent as a page) are left out."""
    found = sorted((ROOT / "templates").rglob("*.html"))
    for app in APP_DIRS:
        found += sorted((ROOT / app / "templates").rglob("*.html"))
    return [path for path in found if "pdf" not in path.relative_to(ROOT).parts]


SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
HTMX_EVAL = re.compile(
    r"""hx-on\b|hx-on[:-]|hx-vals\s*=\s*["']\s*js:|hx-vars\s*=|hx-trigger\s*=\s*["'][^"']*\[""",
    re.IGNORECASE,
)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def inline_code(text: str) -> list[str]:
    """What the policy would refuse in this template's text."""
    problems = []
    for match in SCRIPT_TAG.finditer(text):
        attributes = match.group(1)
        is_data = re.search(r"""type\s*=\s*["']application/(ld\+)?json["']""", attributes)
        if "src=" not in attributes and not is_data:
            problems.append(f"inline <script>: {match.group(0)}")
    checks = [
        (EVENT_HANDLER, "event handler attribute"),
        (STYLE_ATTRIBUTE, "style attribute"),
        (STYLE_ELEMENT, "<style> element"),
        (HTMX_EVAL, "htmx attribute that evaluates code"),
        (JAVASCRIPT_URL, "javascript: URL"),
    ]
    for pattern, what in checks:
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            problems.append(f"{what} on line {line}: {match.group(0).strip()}")
    return problems


def test_the_scan_finds_what_the_browser_would_refuse():
    assert inline_code("<script>alert(1)</script>")
    assert inline_code('<button onclick="go()">')
    assert inline_code("<select class=x\n onchange='this.form.submit()'>")
    assert inline_code('<div style="width: 3%">')
    assert inline_code("<style>p { color: red }</style>")
    assert inline_code('<button hx-on:click="go()">')
    assert inline_code("<div hx-vals='js:{a: 1}'>")
    assert inline_code('<div hx-trigger="keyup[ctrlKey]">')
    assert inline_code('<a href="javascript:go()">')
    assert not inline_code('<script src="/static/js/app.js"></script>')
    assert not inline_code('<script type="application/json" id="x">{}</script>')
    assert not inline_code('<form action="/x/" data-on="1"><div hx-trigger="every 1s">')


def test_no_template_holds_inline_script_or_style():
    templates = page_templates()
    assert len(templates) > 50  # the scan looks where the templates are
    problems = {
        str(path.relative_to(ROOT)): found
        for path in templates
        if (found := inline_code(path.read_text(encoding="utf-8")))
    }
    assert problems == {}


def test_no_static_script_evaluates_strings():
    scripts = sorted((ROOT / "static" / "js").glob("*.js"))
    for app in APP_DIRS:
        scripts += sorted((ROOT / app / "static").rglob("*.js"))
    assert scripts
    for path in scripts:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\beval\s*\(|new\s+Function\s*\(|setTimeout\s*\(\s*['\"]", text), path


@pytest.mark.parametrize(
    ("value", "minimum", "expected"),
    [
        (42, 0, "w-pct-42"),
        ("57", 0, "w-pct-57"),
        (66.6, 0, "w-pct-67"),
        (130, 0, "w-pct-100"),
        (-4, 0, "w-pct-0"),
        (None, 0, "w-pct-0"),
        ("", 3, "w-pct-3"),
        (0, 3, "w-pct-3"),
    ],
)
def test_bars_take_a_width_class_instead_of_a_style(value, minimum, expected):
    template = Template("{% load widths %}{{ value|width_class:minimum }}")
    assert template.render(Context({"value": value, "minimum": minimum})) == expected


def test_every_width_class_exists():
    css = (ROOT / "static" / "css" / "app.css").read_text(encoding="utf-8")
    for percent in range(101):
        assert f".w-pct-{percent} {{ width: {percent}%; }}" in css

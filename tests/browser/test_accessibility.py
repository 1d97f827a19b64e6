"""Accessibility and Thai on screen, in headless Chromium on the demo district.

axe-core (package.json, installed by `make install` with npm ci) checks the key pages of every
role, on a phone and on a desktop: no serious or critical violation. And on a phone, the Thai
compounds that the pages keep whole (static/js/app.js, carecore/pdf_thai.py) are never split
across two lines, even in narrow table cells."""

import datetime
from collections import Counter
from pathlib import Path

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from carecore.models import User
from conftest import PASSWORD
from demo.world import DEMO_DISTRICT_CODE, demo_build
from schools.models import HomeroomAssignment
from schools.selectors import current_term
from screening.models import FormLink, ScreeningWindow
from students.models import Enrolment, FamilyRecord, Guardian
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
PHONE, DESKTOP = (375, 812), (1366, 768)


@pytest.fixture
def demo():
    with scopes_disabled():
        return demo_build(schools=4, students=400, password=PASSWORD)


@pytest.fixture
def places(demo):
    """The addresses of the key pages: teacher1's classroom and first student, and the slip code
    of that student's parent (a screening window open today)."""
    with scopes_disabled():
        seat = HomeroomAssignment.objects.select_related("classroom__school").get(
            teacher=User.objects.get(username="teacher1")
        )
        classroom, school = seat.classroom, seat.classroom.school
        student = Enrolment.objects.filter(classroom=classroom).order_by("number")[0].student
        term, today = current_term(), timezone.localdate()
        ScreeningWindow.objects.get_or_create(
            school=school,
            term=term,
            defaults={"opens": today, "closes": today + datetime.timedelta(days=7)},
        )
        link = FormLink.objects.create(student=student, term=term, rater="parent")
    s = f"/s/{school.code}"
    return {
        "school": s,
        "classroom": f"{s}/classrooms/{classroom.pk}/",
        "student": f"{s}/students/{student.pk}/",
        "student_obj": student,
        "link": f"/f/{link.code}/",
    }


def _key_pages(places):
    """(user or None, name, path) of the key pages of every role."""
    s = places["school"]
    return [
        (None, "login", "/accounts/login/"),
        (None, "public-screening-form", places["link"]),
        ("teacher1", "teacher-home", "/"),
        ("teacher1", "class-list", places["classroom"]),
        ("teacher1", "student", places["student"]),
        ("teacher1", "home-visit-form", f"{s}/visits/students/{places['student_obj'].pk}/new/"),
        ("coordinator1", "school-dashboard", f"{s}/dashboard/"),
        ("coordinator1", "referral-inbox", f"{s}/referrals/inbox/"),
        ("director1", "school-dashboard", f"{s}/dashboard/"),
        ("director1", "referral-inbox", f"{s}/referrals/inbox/"),
        ("district1", "district-dashboard", f"/d/{DEMO_DISTRICT_CODE}/dashboard/"),
    ]


def axe_violations(page):
    """axe-core's violations on the page as it is. The source is evaluated through the DevTools
    protocol (page.evaluate), which the page's Content-Security-Policy does not govern: no
    inline <script> is added and the policy stays as the users get it."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(
            v => ({id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}))"""
    )


def serious(page) -> list:
    """The page's serious and critical axe-core violations (what the journeys refuse)."""
    return [v for v in axe_violations(page) if v["impact"] in BLOCKING]


def test_no_serious_or_critical_axe_violation_on_the_key_pages(places, live_server, page_factory):
    assert AXE.exists(), "axe-core is not installed: run `make install` (npm ci)"
    found, checked = [], Counter()
    for width, height in (PHONE, DESKTOP):
        pages = {}
        for user, name, path in _key_pages(places):
            if user not in pages:
                pages[user] = page_factory(width=width, height=height)
                if user:
                    log_in(pages[user], live_server.url, user)
            page = pages[user]
            response = page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            assert response.status == 200, (user, path, response.status)
            checked[name] += 1
            for v in axe_violations(page):
                if v["impact"] in BLOCKING:
                    nodes = "\n      ".join(v["nodes"][:5])
                    found.append(
                        f"{name} ({user or 'anonymous'}, {width}px): {v['id']} [{v['impact']}] "
                        f"{v['help']}, {len(v['nodes'])} element(s):\n      {nodes}"
                    )
    assert len(checked) == 9, checked
    assert found == [], "axe-core:\n" + "\n".join(found)


# Each character's line, found from its client rect; and where each listed word lies in the text
# of <main> (text nodes concatenated, so a word split over two nodes is still found).
SPLIT_WORDS = """(words) => {
    const main = document.querySelector('main');
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    const chars = [];
    let text = '';
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.data.length; i++) chars.push([node, i]);
        text += node.data;
    }
    const lineOf = (k) => {
        const range = document.createRange();
        range.setStart(chars[k][0], chars[k][1]);
        range.setEnd(chars[k][0], chars[k][1] + 1);
        const rects = [...range.getClientRects()].filter(r => r.width > 0 || r.height > 0);
        return rects.length ? Math.round(rects[0].top + rects[0].height / 2) : null;
    };
    const report = {};
    for (const word of words) {
        const seen = [];
        for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
            const lines = new Set();
            for (let k = at; k < at + word.length; k++) {
                const line = lineOf(k);
                if (line !== null) lines.add(line);
            }
            if (!lines.size) continue;  // not displayed (a closed menu, a hidden column)
            const cell = chars[at][0].parentElement.closest('td, th, dd, dt, li, p') || main;
            const lineHeight = parseFloat(getComputedStyle(cell).lineHeight);
            seen.push({lines: lines.size, cell: cell.tagName,
                       cellLines: Math.round(cell.getBoundingClientRect().height / lineHeight),
                       context: text.slice(Math.max(0, at - 15), at + word.length + 15)});
        }
        report[word] = seen;
    }
    return report;
}"""


def test_thai_words_stay_whole_in_narrow_cells_on_a_phone(places, live_server, page_factory):
    student = places["student_obj"]
    occupation = "ทำไร่มันสำปะหลังและรับจ้างในครัวเรือน"
    with scopes_disabled():
        # One of the demo's occupations, with a bit more, in the household table's narrow
        # column; the demo's surnames hold มั่นรักษ์-like compounds.
        FamilyRecord.objects.filter(student=student).update(
            household_members=[
                {"relation": "พ่อ", "age": 41, "occupation": occupation},
                {"relation": "แม่", "age": 38, "occupation": "ทำไร่มันสำปะหลัง"},
            ]
        )
        Guardian.objects.filter(student=student).update(last_name="ใจมั่นรักษ์")

    page = page_factory(width=PHONE[0], height=PHONE[1])
    log_in(page, live_server.url, "teacher1")
    words = ["มันสำปะหลัง", "ครัวเรือน", "มั่นรักษ์"]
    seen = Counter()
    for path in ("record/", "record/family/"):
        page.goto(f"{live_server.url}{places['student']}{path}")
        page.wait_for_load_state("networkidle")
        report = page.evaluate(SPLIT_WORDS, words)
        for word, places_seen in report.items():
            for where in places_seen:
                seen[word] += 1
                assert where["lines"] == 1, f"{word} split over two lines in {where} ({path})"
        if path == "record/family/":
            # The cells are narrow: the long occupation takes more than one line.
            wrapped = [w for w in report["มันสำปะหลัง"] if w["cell"] == "TD"]
            assert any(w["cellLines"] > 1 for w in wrapped), report["มันสำปะหลัง"]
    assert all(seen[w] for w in words), seen

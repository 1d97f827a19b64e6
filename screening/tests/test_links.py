"""Parent and student forms without an account: codes, the screening window, the public form
(drafts, sending, missing items, concurrent saves), the throttle on wrong codes, and the
coordinator's window page."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from carecore.dates import format_date
from carecore.models import AuditEvent
from conftest import make_student
from schools.models import Grade
from schools.selectors import term_code
from schools.tests.factories import ClassroomFactory
from screening import services
from screening.links import (
    WindowState,
    code_is_well_formed,
    code_normalise,
    form_links_for_classroom,
    window_state,
)
from screening.models import FormLink, ScreeningWindow, SdqResponse, Source, Status
from screening.tests.helpers import calm_answers, post_items


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def open_window(world, term, *, school=None, opens=-3, closes=10):
    today = timezone.localdate()
    with scopes_disabled():
        return ScreeningWindow.objects.create(
            school=school or world.a.school,
            term=term,
            opens=today + datetime.timedelta(days=opens),
            closes=today + datetime.timedelta(days=closes),
        )


def make_link(student, term, rater="parent") -> FormLink:
    with scopes_disabled():
        return FormLink.objects.create(student=student, term=term, rater=rater)


@pytest.fixture
def parent_link(world, term):
    return make_link(world.a.student, term, "parent")


@pytest.fixture
def student_link(world, term):
    """The self-report's link of a student of eleven on the term's first day: of the
    self-report's age (11-17), not yet of EQ 12-17's."""
    student = world.a.student
    student.birth_date = term.start.replace(year=term.start.year - 11, month=1, day=1)
    with scopes_disabled():
        student.save(update_fields=["birth_date"])
    return make_link(student, term, "student")


def form_url(link, name="link_form") -> str:
    return reverse(f"screening_public:{name}", kwargs={"code": link.code})


def saved(student, term, rater):
    with scopes_disabled():
        return SdqResponse.objects.filter(student=student, term=term, rater=rater).first()


def checked(content: str, item: int) -> str | None:
    """The answer shown as chosen for an item on the page."""
    match = re.search(rf'name="q{item}" id="[^"]+" value="(\d)" checked', content)
    return match.group(1) if match else None


# --- codes -------------------------------------------------------------------------------------
class TestCodes:
    @pytest.mark.parametrize(
        "typed",
        ["abcd-efgh", "ABCD EFGH", " abcdefgh ", "AbCd–EfGh".replace("–", "-"), "abcd_efgh"],
    )
    def test_case_spaces_and_dashes_do_not_matter(self, typed):
        assert code_normalise(typed) == "ABCDEFGH"

    def test_thai_digits_are_read_as_digits(self):
        assert code_normalise("ABCD-๒๓๔๕") == "ABCD2345"

    @pytest.mark.parametrize("code", ["ABCDEFG", "ABCDEFGHJ", "ABCDEFG0", "ABCDEFGO", "ABCDEFGI"])
    def test_wrong_length_or_symbols_outside_the_alphabet(self, code):
        assert not code_is_well_formed(code)

    def test_a_new_code_is_well_formed(self, world, term):
        link = make_link(world.a.student, term)
        assert code_is_well_formed(link.code)


class TestCodeBox:
    def test_the_box_is_there_without_logging_in(self, client, db):
        page = client.get(reverse("screening_public:code_entry"))
        assert page.status_code == 200
        assert 'name="code"' in page.content.decode()

    @pytest.mark.parametrize("shape", [str.lower, lambda c: f"{c[:4]} - {c[4:]}".lower()])
    def test_a_code_typed_in_any_shape_opens_its_form(self, client, parent_link, shape):
        page = client.get(reverse("screening_public:code_entry"), {"code": shape(parent_link.code)})
        assert page.status_code == 302
        assert page["Location"] == form_url(parent_link)

    def test_an_unknown_code_is_404_with_the_box_and_what_was_typed(self, client, parent_link):
        typed = "zzzz-zzzz" if parent_link.code != "ZZZZZZZZ" else "yyyy-yyyy"
        page = client.get(reverse("screening_public:code_entry"), {"code": typed})
        assert page.status_code == 404
        content = page.content.decode()
        assert "Code not found" in content or "ไม่พบรหัส" in content
        assert f'value="{typed}"' in content and 'name="code"' in content

    def test_a_code_that_cannot_exist_is_explained_and_kept(self, client, db):
        page = client.get(reverse("screening_public:code_entry"), {"code": "abc0"})
        assert page.status_code == 200
        assert 'value="abc0"' in page.content.decode()
        assert "is-invalid" in page.content.decode()

    def test_an_address_with_a_code_in_another_shape_goes_to_the_canonical_one(
        self, client, parent_link
    ):
        code = parent_link.code
        page = client.get(f"/f/{code[:4].lower()}-{code[4:].lower()}/")
        assert page.status_code == 302 and page["Location"] == form_url(parent_link)

    def test_an_unknown_code_in_the_address_is_404_with_the_box(self, client, db):
        page = client.get("/f/ZZZZYYYY/")
        assert page.status_code == 404
        assert 'name="code"' in page.content.decode()


class TestThrottle:
    def test_twenty_wrong_codes_stop_the_address_for_a_while(self, client, parent_link):
        for i in range(20):
            page = client.get(f"/f/ZZZZ{'23456789'[i % 8]}{'ABCDEFGH'[i // 8]}ZZ/")
            assert page.status_code == 404
        # Even the right code is refused now: guessing cannot go on.
        blocked = client.get(form_url(parent_link))
        assert blocked.status_code == 429
        box = client.get(reverse("screening_public:code_entry"), {"code": parent_link.code})
        assert box.status_code == 429
        # Another address is not affected.
        other = Client(REMOTE_ADDR="192.0.2.7")
        assert other.get(form_url(parent_link)).status_code == 200

    def test_wrong_codes_from_the_code_box_count_too(self, client, parent_link):
        for _ in range(20):
            assert client.get("/f/", {"code": "ZZZZ-ZZZZ"}).status_code in (404, 302)
        assert client.get(form_url(parent_link)).status_code == 429

    def test_mistyped_codes_that_cannot_exist_do_not_count(self, client, parent_link):
        for _ in range(30):
            assert client.get("/f/", {"code": "abc"}).status_code == 200
        assert client.get(form_url(parent_link)).status_code == 200

    def test_the_limit_is_a_setting(self, client, parent_link, settings):
        settings.SCREENING_LINK_MAX_FAILURES = 2
        client.get("/f/ZZZZZZZZ/")
        assert client.get(form_url(parent_link)).status_code == 200
        client.get("/f/ZZZZZZZY/")
        assert client.get(form_url(parent_link)).status_code == 429


# --- the window --------------------------------------------------------------------------------
class TestWindowState:
    def test_edges_are_included(self):
        day = datetime.date(2025, 6, 1)
        window = ScreeningWindow(opens=day, closes=day + datetime.timedelta(days=9))
        assert window_state(window, day - datetime.timedelta(days=1)) == WindowState.NOT_YET
        assert window_state(window, day) == WindowState.OPEN
        assert window_state(window, day + datetime.timedelta(days=9)) == WindowState.OPEN
        assert window_state(window, day + datetime.timedelta(days=10)) == WindowState.CLOSED
        assert window_state(None, day) == WindowState.NONE


class TestClosedWindow:
    def test_no_window_says_the_school_has_not_opened_the_forms(self, client, parent_link):
        page = client.get(form_url(parent_link))
        assert page.status_code == 200
        content = page.content.decode()
        assert 'id="window-message"' in content and 'name="q1"' not in content

    def test_before_it_opens_the_page_says_when(self, world, client, parent_link, term):
        window = open_window(world, term, opens=3, closes=20)
        content = client.get(form_url(parent_link)).content.decode()
        assert format_date(window.opens, "long", "th") in content
        assert 'name="q1"' not in content

    def test_after_it_closes_the_page_says_so(self, world, client, parent_link, term):
        window = open_window(world, term, opens=-20, closes=-1)
        content = client.get(form_url(parent_link)).content.decode()
        assert format_date(window.closes, "long", "th") in content
        assert 'name="q1"' not in content

    def test_nothing_is_saved_through_a_closed_window(self, world, client, parent_link, term):
        open_window(world, term, opens=-20, closes=-1)
        page = client.post(form_url(parent_link), post_items(calm_answers(), send="1"))
        assert page.status_code == 200
        assert saved(world.a.student, term, "parent") is None

    def test_another_schools_window_does_not_open_the_form(self, world, client, parent_link, term):
        open_window(world, term, school=world.b.school)
        assert 'name="q1"' not in client.get(form_url(parent_link)).content.decode()

    def test_last_terms_code_is_closed_in_this_terms_window(self, world, client, term):
        with scopes_disabled():
            other_term = world.year.terms.exclude(pk=term.pk).first()
        open_window(world, term)
        link = make_link(world.a.student, other_term)
        assert 'name="q1"' not in client.get(form_url(link)).content.decode()


# --- the form ----------------------------------------------------------------------------------
class TestForm:
    @pytest.fixture(autouse=True)
    def _open(self, world, term):
        open_window(world, term)

    def test_shows_the_school_first_name_and_classroom_only(self, world, client, parent_link):
        page = client.get(form_url(parent_link))
        assert page.status_code == 200
        content = page.content.decode()
        student = world.a.student
        assert world.a.school.name in content
        assert student.first_name in content
        assert str(world.a.classroom) in content
        assert student.last_name not in content
        assert student.national_id not in content and student.student_code not in content
        assert world.a.other_student.first_name not in content
        assert content.count('name="q') >= 25
        assert page["Cache-Control"].startswith("max-age=0")

    def test_the_parent_form_has_the_parent_questions(self, client, parent_link):
        content = client.get(form_url(parent_link)).content.decode()
        assert 'name="impact_home"' in content and 'name="impact_burden"' in content

    def test_the_student_form_has_the_self_report_questions(self, client, student_link):
        content = client.get(form_url(student_link)).content.decode()
        assert 'name="impact_home"' in content and 'name="impact_burden"' not in content

    def test_draft_then_complete(self, world, client, parent_link, term):
        answers = calm_answers()[:10] + [None] * 15
        page = client.post(form_url(parent_link), post_items(answers, draft="1"))
        assert page.status_code == 302 and page["Location"] == form_url(parent_link)
        draft = saved(world.a.student, term, "parent")
        assert draft.status == Status.DRAFT and draft.answers == answers
        assert draft.source == Source.LINK and draft.entered_by is None
        # Coming back later: the answers are there.
        content = client.get(form_url(parent_link)).content.decode()
        assert checked(content, 7) == "2" and checked(content, 11) is None

        page = client.post(
            form_url(parent_link),
            post_items(
                calm_answers(), revision=str(draft.revision), impact_difficulties="0", send="1"
            ),
        )
        assert page.status_code == 302 and page["Location"] == form_url(parent_link, "link_done")
        done = saved(world.a.student, term, "parent")
        assert done.status == Status.COMPLETE and done.total == 0 and done.impact == 0
        assert done.entered_by is None and done.source == Source.LINK
        with scopes_disabled():
            events = list(
                AuditEvent.objects.filter(
                    student_id=world.a.student.pk, action=AuditEvent.Action.CHANGE
                ).order_by("id")
            )
        assert len(events) == 2
        # Each says it came through the parent's link (ลิงก์).
        assert all(e.user_id is None and "ลิงก์" in e.summary for e in events)
        thanks = client.get(page["Location"])
        assert thanks.status_code == 200 and 'id="thanks"' in thanks.content.decode()
        # Still open: the form can be corrected.
        again = client.get(form_url(parent_link)).content.decode()
        assert 'id="sent-message"' in again and checked(again, 7) == "2"
        with scopes_disabled():
            assert FormLink.objects.get(pk=parent_link.pk).last_used is not None

    def test_the_thank_you_page_sends_an_unfinished_form_back(self, client, parent_link):
        page = client.get(form_url(parent_link, "link_done"))
        assert page.status_code == 302 and page["Location"] == form_url(parent_link)

    def test_sending_with_items_missing_lists_them_and_keeps_the_answers(
        self, world, client, parent_link, term
    ):
        answers = calm_answers()
        answers[2] = None  # item 3
        answers[16] = None  # item 17
        answers[0] = 1
        page = client.post(
            form_url(parent_link), post_items(answers, impact_difficulties="0", send="1")
        )
        assert page.status_code == 200
        content = page.content.decode()
        missing = content[content.index('id="missing"') :]
        missing = missing[: missing.index("</div>")]
        assert '<a href="#item-3">3</a>' in missing and '<a href="#item-17">17</a>' in missing
        assert "#item-4" not in missing
        assert checked(content, 1) == "1" and checked(content, 25) == "2"
        # Nothing is lost: the answers are saved as a draft, and the page carries its revision.
        draft = saved(world.a.student, term, "parent")
        assert draft.status == Status.DRAFT and draft.answers[0] == 1
        assert f'name="revision" value="{draft.revision}"' in content

    def test_a_yes_about_difficulties_asks_for_the_rest_of_the_back_page(
        self, world, client, parent_link, term
    ):
        page = client.post(
            form_url(parent_link),
            post_items(calm_answers(), impact_difficulties="2", impact_distress="1", send="1"),
        )
        assert page.status_code == 200
        content = page.content.decode()
        assert 'id="missing"' in content
        assert 'class="border-bottom py-2 impact-question impact-home missing"' in content
        assert 'impact-distress missing"' not in content
        # The 25 items are all there: the form is scored, only the back page is unfinished.
        assert saved(world.a.student, term, "parent").status == Status.COMPLETE

    def test_a_newer_save_is_not_overwritten(self, world, client, parent_link, term):
        client.post(form_url(parent_link), post_items(calm_answers(), draft="1"))
        first = saved(world.a.student, term, "parent")
        # Meanwhile the other parent saves on another phone.
        other = Client()
        newer = calm_answers()
        newer[0] = 2
        other.post(
            form_url(parent_link), post_items(newer, revision=str(first.revision), draft="1")
        )
        mine = calm_answers()
        mine[0] = 0
        page = client.post(
            form_url(parent_link), post_items(mine, revision=str(first.revision), send="1")
        )
        assert page.status_code == 409
        content = page.content.decode()
        assert checked(content, 1) == "2"  # the newer answers are shown
        assert saved(world.a.student, term, "parent").answers[0] == 2

    def test_a_new_form_opened_twice_is_not_overwritten_either(
        self, world, client, parent_link, term
    ):
        # Both opened an empty form (revision 0); the first one saves.
        Client().post(form_url(parent_link), post_items(calm_answers(), revision="0", draft="1"))
        page = client.post(form_url(parent_link), post_items([1] * 25, revision="0", draft="1"))
        assert page.status_code == 409
        assert saved(world.a.student, term, "parent").answers == calm_answers()

    def test_the_parent_link_saves_only_the_parent_form(self, world, client, parent_link, term):
        client.post(form_url(parent_link), post_items(calm_answers(), rater="student", send="1"))
        assert saved(world.a.student, term, "parent") is not None
        assert saved(world.a.student, term, "student") is None

    def test_the_parent_link_does_not_show_the_students_own_answers(
        self, world, client, parent_link, student_link, term
    ):
        with scopes_disabled():
            services.sdq_response_save(
                student=world.a.student,
                term=term,
                rater="student",
                answers=[1] * 25,
                source=Source.LINK,
            )
        content = client.get(form_url(parent_link)).content.decode()
        assert checked(content, 1) is None
        assert checked(client.get(form_url(student_link)).content.decode(), 1) == "1"

    def test_a_bad_answer_is_refused_and_the_rest_kept(self, world, client, parent_link, term):
        data = post_items(calm_answers(), send="1")
        data["q5"] = "7"
        page = client.post(form_url(parent_link), data)
        assert page.status_code == 200
        assert saved(world.a.student, term, "parent") is None
        assert checked(page.content.decode(), 7) == "2"

    def test_no_form_for_a_grade_that_has_only_the_teacher_form(self, world, client, term):
        with scopes_disabled():
            p2 = ClassroomFactory(school=world.a.school, grade=Grade.P2, room=1)
            young = make_student(world.a.school, p2, 9301, 1)
        link = make_link(young, term)
        content = client.get(form_url(link)).content.decode()
        assert 'name="q1"' not in content and young.first_name in content

    def test_csrf_is_checked(self, client, parent_link):
        strict = Client(enforce_csrf_checks=True)
        page = strict.post(form_url(parent_link), post_items(calm_answers(), send="1"))
        assert page.status_code == 403

    def test_the_form_follows_the_language_switcher(self, client, parent_link):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = client.get(form_url(parent_link))
        assert page["Content-Language"] == "en"
        assert 'action="/i18n/setlang/"' in page.content.decode()

    def test_item_text_is_shown_when_configured(self, client, parent_link, settings):
        from pathlib import Path

        from screening import instrument_text

        sample = Path(__file__).parent / "instrument_text_sample.toml"
        settings.SCREENING_INSTRUMENT_TEXT = str(sample)
        instrument_text.clear_cache()
        try:
            text = instrument_text.item_text("sdq", "parent", 1)
            content = client.get(form_url(parent_link)).content.decode()
        finally:
            instrument_text.clear_cache()
        assert text and text in content


# --- creating the classroom's links ------------------------------------------------------------
class TestClassroomLinks:
    def test_links_are_made_once_and_kept(self, world, term):
        with scopes_disabled():
            student = world.a.student
            student.birth_date = term.start.replace(year=term.start.year - 12)
            student.save(update_fields=["birth_date"])
            first = form_links_for_classroom(classroom=world.a.classroom, term=term)
            again = form_links_for_classroom(classroom=world.a.classroom, term=term)
            count = FormLink.objects.count()
        assert count == 2  # one student in the room, aged 12: parent and self-report
        assert {r: link.code for r, link in first[0].links.items()} == {
            r: link.code for r, link in again[0].links.items()
        }

    def test_a_student_under_11_gets_no_self_report_link(self, world, term):
        with scopes_disabled():
            student = world.a.student
            student.birth_date = term.start.replace(year=term.start.year - 10)
            student.save(update_fields=["birth_date"])
            (row,) = form_links_for_classroom(classroom=world.a.classroom, term=term)
        assert set(row.links) == {"parent"}

    def test_a_room_with_only_the_teacher_form_gets_no_links(self, world, term):
        with scopes_disabled():
            p1 = ClassroomFactory(school=world.a.school, grade=Grade.P1, room=1)
            make_student(world.a.school, p1, 9311, 1)
            form_links_for_classroom(classroom=p1, term=term)
            assert FormLink.objects.count() == 0


# --- the coordinator's window page -------------------------------------------------------------
class TestWindowPage:
    def url(self, world, term=None):
        url = reverse("screening:window", kwargs={"school_code": world.a.school.code})
        return url + (f"?term={term_code(term)}" if term else "")

    def test_dates_typed_in_the_buddhist_era_are_saved(self, world, login, term):
        client = login(world.a.users["coordinator"])
        opens, closes = (
            term.start + datetime.timedelta(days=5),
            term.start + datetime.timedelta(days=20),
        )
        page = client.post(
            self.url(world, term),
            {
                "term": term_code(term),
                "opens": format_date(opens, "numeric"),
                "closes": format_date(closes, "numeric"),
            },
        )
        assert page.status_code == 302
        with scopes_disabled():
            window = ScreeningWindow.objects.get(school=world.a.school, term=term)
        assert (window.opens, window.closes) == (opens, closes)
        assert window.created_by == world.a.users["coordinator"]
        content = client.get(self.url(world, term)).content.decode()
        assert format_date(opens, "long", "th") in content

    def test_last_day_before_the_first_is_refused_and_kept(self, world, login, term):
        client = login(world.a.users["coordinator"])
        page = client.post(
            self.url(world, term),
            {"term": term_code(term), "opens": "20/06/2568", "closes": "10/06/2568"},
        )
        assert page.status_code == 200
        content = page.content.decode()
        assert 'value="20/06/2568"' in content and 'value="10/06/2568"' in content
        assert "invalid-feedback" in content
        with scopes_disabled():
            assert not ScreeningWindow.objects.exists()

    def test_a_date_that_cannot_be_read_is_refused_and_kept(self, world, login, term):
        client = login(world.a.users["coordinator"])
        page = client.post(
            self.url(world, term), {"term": term_code(term), "opens": "32/13/2568", "closes": ""}
        )
        assert page.status_code == 200
        assert 'value="32/13/2568"' in page.content.decode()

    def test_dates_can_be_changed_and_removed(self, world, login, term):
        open_window(world, term)
        client = login(world.a.users["coordinator"])
        client.post(
            self.url(world, term),
            {"term": term_code(term), "opens": "01/07/2568", "closes": "15/07/2568"},
        )
        with scopes_disabled():
            window = ScreeningWindow.objects.get(school=world.a.school, term=term)
        assert window.opens == datetime.date(2025, 7, 1)
        client.post(self.url(world, term), {"term": term_code(term), "delete": "1"})
        with scopes_disabled():
            assert not ScreeningWindow.objects.filter(school=world.a.school).exists()

    def test_an_unknown_term_shows_a_message_and_the_current_term(self, world, login, term):
        client = login(world.a.users["coordinator"])
        page = client.get(
            reverse("screening:window", kwargs={"school_code": world.a.school.code})
            + "?term=1999-1"
        )
        assert page.status_code == 200
        assert "1999-1" in page.content.decode()

    @pytest.mark.parametrize("role", ["homeroom", "counsellor", "director", "district_admin"])
    def test_only_the_coordinator_sets_the_dates(self, world, login, term, role):
        client = login(world.a.users[role])
        assert client.get(self.url(world, term)).status_code == 403
        page = client.post(
            self.url(world, term),
            {"term": term_code(term), "opens": "01/07/2568", "closes": "15/07/2568"},
        )
        assert page.status_code == 403
        with scopes_disabled():
            assert not ScreeningWindow.objects.exists()

    def test_another_schools_coordinator_gets_404(self, world, login, term):
        client = login(world.b.users["coordinator"])
        assert client.get(self.url(world, term)).status_code == 404


# --- the EQ self-report after the SDQ (ages 12–17) ---------------------------------------------
class TestEq:
    @pytest.fixture(autouse=True)
    def _open(self, world, term):
        open_window(world, term)

    @pytest.fixture
    def teen(self, world, term):
        """A 13-year-old in A's ป.4 room, with their own link."""
        with scopes_disabled():
            student = make_student(
                world.a.school,
                world.a.classroom,
                9601,
                2,
                birth_date=term.start.replace(year=term.start.year - 13),
            )
        return student, make_link(student, term, "student")

    def send_sdq(self, client, link):
        client.post(form_url(link), post_items(calm_answers(), impact_difficulties="0", send="1"))

    def test_offered_after_the_sdq_and_saved_like_it(self, world, client, term, teen):
        student, link = teen
        self.send_sdq(client, link)
        thanks = client.get(form_url(link, "link_done")).content.decode()
        assert 'id="eq-offer"' in thanks and form_url(link, "link_eq") in thanks
        page = client.get(form_url(link, "link_eq"))
        assert page.status_code == 200
        assert page.content.decode().count('name="q52"') == 4

        answers = {f"q{n}": "3" for n in range(1, 31)}
        draft = client.post(form_url(link, "link_eq"), {**answers, "revision": "0", "draft": "1"})
        assert draft.status_code == 302 and draft["Location"] == form_url(link, "link_eq")
        with scopes_disabled():
            saved_eq = student.eq_responses.get(term=term)
        assert saved_eq.status == Status.DRAFT and saved_eq.source == Source.LINK
        assert saved_eq.entered_by is None and saved_eq.rater == "student"

        missing = client.post(
            form_url(link, "link_eq"),
            {**answers, "revision": str(saved_eq.revision), "send": "1"},
        )
        assert missing.status_code == 200
        assert '<a href="#item-31">31</a>' in missing.content.decode()

        with scopes_disabled():
            saved_eq.refresh_from_db()
        done = client.post(
            form_url(link, "link_eq"),
            {
                **{f"q{n}": "3" for n in range(1, 53)},
                "revision": str(saved_eq.revision),
                "send": "1",
            },
        )
        assert done.status_code == 302 and done["Location"] == form_url(link, "link_done")
        with scopes_disabled():
            saved_eq.refresh_from_db()
            events = AuditEvent.objects.filter(student_id=student.pk, object_type="eqresponse")
            assert all(e.user_id is None for e in events) and events.count() == 3
        assert saved_eq.status == Status.COMPLETE and saved_eq.total is not None

    def test_the_parent_link_does_not_open_the_eq(self, world, client, term, parent_link):
        page = client.get(form_url(parent_link, "link_eq"))
        assert page.status_code == 302 and page["Location"] == form_url(parent_link)
        page = client.post(
            form_url(parent_link, "link_eq"), {f"q{n}": "3" for n in range(1, 53)} | {"send": "1"}
        )
        assert page.status_code == 302
        with scopes_disabled():
            assert not world.a.student.eq_responses.exists()

    def test_not_offered_to_an_eleven_year_old(self, world, client, term, student_link):
        self.send_sdq(client, student_link)
        assert (
            'id="eq-offer"' not in client.get(form_url(student_link, "link_done")).content.decode()
        )
        assert client.get(form_url(student_link, "link_eq")).status_code == 302


class TestEmptyForm:
    def test_saving_an_empty_form_makes_no_draft(self, world, client, parent_link, term):
        open_window(world, term)
        page = client.post(form_url(parent_link), post_items([None] * 25, draft="1"))
        assert page.status_code == 302
        assert saved(world.a.student, term, "parent") is None


class TestThrottleBehindTheProxy:
    """Production: every request reaches the app from the TLS proxy's address, with the
    client's address in X-Forwarded-For."""

    PROXY = "10.9.0.2"

    @pytest.fixture(autouse=True)
    def _behind_proxy(self, settings):
        from carecore.netaddr import parse_networks

        settings.TRUSTED_PROXY_NETWORKS = parse_networks([self.PROXY])

    def phone(self, address):
        return Client(REMOTE_ADDR=self.PROXY, HTTP_X_FORWARDED_FOR=address)

    def test_one_phone_guessing_does_not_lock_out_the_other_parents(self, parent_link):
        guesser = self.phone("203.0.113.9")
        for i in range(25):
            guesser.get(f"/f/ZZZZ{'23456789'[i % 8]}{'ABCDEFGH'[i // 8 % 8]}ZZ/")
        assert guesser.get(form_url(parent_link)).status_code == 429
        assert self.phone("203.0.113.10").get(form_url(parent_link)).status_code == 200

    def test_a_forged_header_does_not_escape_the_count(self, parent_link):
        """The proxy appends the real address: what the phone wrote itself is ignored."""
        for i in range(25):
            forged = f"198.51.100.{i}, 203.0.113.9"
            self.phone(forged).get(f"/f/ZZZZ{'23456789'[i % 8]}{'ABCDEFGH'[i // 8 % 8]}ZZ/")
        assert self.phone("203.0.113.9").get(form_url(parent_link)).status_code == 429

    def test_without_a_trusted_proxy_the_header_is_not_believed(self, parent_link, settings):
        settings.TRUSTED_PROXY_NETWORKS = []
        for i in range(25):
            self.phone(f"198.51.100.{i}").get(
                f"/f/ZZZZ{'23456789'[i % 8]}{'ABCDEFGH'[i // 8 % 8]}ZZ/"
            )
        # Every request counted under the peer's address: the header cannot dodge the limit.
        assert self.phone("198.51.100.200").get(form_url(parent_link)).status_code == 429

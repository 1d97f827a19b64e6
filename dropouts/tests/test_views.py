"""Pages of dropout cases: who sees what (school staff, district staff, another district, a
network supervisor), the audit log, forms that keep what was typed, query counts."""

import datetime

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from carecore.dates import format_date
from carecore.models import AuditEvent, Notification
from conftest import th
from dropouts.models import DistrictCaseSettings, DropoutCase, Step
from dropouts.tests.helpers import (
    advance,
    ago,
    open_child_case,
    open_student_case,
    reload,
    walk_to,
)

pytestmark = pytest.mark.django_db


def be(day: datetime.date) -> str:
    return format_date(day, "numeric")


def d_url(world, name, side="a", **kwargs):
    return reverse(
        f"dropouts_district:{name}",
        kwargs={"district_code": getattr(world, side).district.code, **kwargs},
    )


def s_url(world, name, side="a", **kwargs):
    return reverse(
        f"dropouts:{name}", kwargs={"school_code": getattr(world, side).school.code, **kwargs}
    )


def views_of(case) -> list[AuditEvent]:
    with scopes_disabled():
        return list(
            AuditEvent.objects.filter(
                object_type="dropoutcase", object_id=str(case.pk), action="view"
            )
        )


class TestDistrictList:
    def test_late_cases_come_first_then_by_deadline(self, world, login):
        on_time = open_child_case(world, reported_ago=0, first_name="ทันเวลา")  # due in 3 days
        soon = open_child_case(world, reported_ago=2, first_name="ใกล้ครบ")  # due tomorrow
        late = open_child_case(world, reported_ago=9, first_name="เลยกำหนด")  # due 6 days ago
        open_child_case(world, side="b", reported_ago=9, first_name="อีกเขต")
        response = login(world.a.users["district_supervisor"]).get(d_url(world, "case_list"))
        assert response.status_code == 200
        rows = response.context["rows"]
        assert [c.pk for c in rows] == [late.pk, soon.pk, on_time.pk]
        html = response.content.decode()
        assert html.count('data-late="1"') >= 1
        assert "อีกเขต" not in html
        assert 'data-open="3"' in html and 'data-late="1"' in html

    def test_filters(self, world, login):
        child = open_child_case(world)
        student = open_student_case(world)
        walk_to(world, child, Step.VISIT, start_ago=0, every=0)
        client = login(world.a.users["district_admin"])
        pks = lambda query: [  # noqa: E731
            c.pk for c in client.get(d_url(world, "case_list") + query).context["rows"]
        ]
        assert pks("?step=visit") == [child.pk]
        assert pks(f"?school={world.a.school.pk}") == [student.pk]
        assert pks("?situation=at_risk") == [student.pk]
        assert pks("?q=สมปอง") == [child.pk]
        assert pks("?state=closed") == []
        # Nonsense filters are ignored, never a 500.
        assert sorted(pks("?step=zzz&school=99999999999999999999&state=x")) == sorted(
            [child.pk, student.pk]
        )

    def test_the_number_of_queries_does_not_grow_with_the_cases(
        self, world, login, django_assert_max_num_queries
    ):
        client = login(world.a.users["district_supervisor"])
        for n in range(3):
            open_child_case(world, first_name=f"เด็ก{n}", owner=world.a.users["district_admin"])
        open_student_case(world)
        # session, user, memberships (access), district, school ids (district_view); schools
        # for the filter, figures (2), count and page of the list, the audit event: 11.
        with django_assert_max_num_queries(11) as first:
            assert client.get(d_url(world, "case_list")).status_code == 200
        for n in range(3, 13):
            open_child_case(world, first_name=f"เด็ก{n}")
        with django_assert_max_num_queries(len(first.captured_queries)):
            assert client.get(d_url(world, "case_list")).status_code == 200

    def test_the_list_view_is_audited(self, world, login):
        login(world.a.users["district_supervisor"]).get(d_url(world, "case_list"))
        with scopes_disabled():
            event = AuditEvent.objects.get(action="view", district_id=world.a.district.pk)
        assert event.user_id == world.a.users["district_supervisor"].pk


class TestWhoSeesACase:
    def test_district_staff_of_the_district_see_every_case_with_the_name(self, world, login):
        case = open_student_case(world)
        for key in ("district_supervisor", "district_admin"):
            response = login(world.a.users[key]).get(d_url(world, "case_detail", case_id=case.pk))
            assert response.status_code == 200
            assert world.a.student.first_name in response.content.decode()
        events = views_of(case)
        assert len(events) == 2
        assert {e.student_id for e in events} == {world.a.student.pk}
        assert {e.district_id for e in events} == {world.a.district.pk}

    def test_the_schools_staff_who_follow_cases_see_their_schools_cases(self, world, login):
        case = open_student_case(world)
        child = open_child_case(world)  # no school: not the school's
        for key in ("coordinator", "director", "counsellor"):
            client = login(world.a.users[key])
            assert client.get(s_url(world, "case_detail", case_id=case.pk)).status_code == 200
            assert client.get(s_url(world, "case_detail", case_id=child.pk)).status_code == 404
            listed = client.get(s_url(world, "case_list")).context["rows"]
            assert [c.pk for c in listed] == [case.pk]
        for key in ("homeroom", "discipline", "nurse", "network"):
            client = login(world.a.users[key])
            assert client.get(s_url(world, "case_detail", case_id=case.pk)).status_code == 404
            assert client.get(s_url(world, "case_list")).status_code == 403
        assert len(views_of(case)) == 3

    def test_another_district_and_network_supervisors_get_404(self, world, login):
        case = open_child_case(world)
        for user in (
            world.b.users["district_supervisor"],
            world.b.users["district_admin"],
            world.a.users["network"],
            world.a.users["coordinator"],
        ):
            response = login(user).get(d_url(world, "case_detail", case_id=case.pk))
            assert response.status_code == 404
        # Another district's code with this case's id: not theirs either.
        url = d_url(world, "case_detail", side="b", case_id=case.pk)
        assert login(world.b.users["district_supervisor"]).get(url).status_code == 404
        assert views_of(case) == []

    def test_school_staff_read_but_only_the_owner_moves_the_case(self, world, login):
        case = open_student_case(world, reported_ago=2)
        data = {"advance-to_step": "coordinate", "advance-date": be(ago(0)), "advance-note": "x"}
        director = login(world.a.users["director"])
        assert director.post(s_url(world, "case_advance", case_id=case.pk), data).status_code == 403
        with scopes_disabled():
            DropoutCase.objects.filter(pk=case.pk).update(owner=world.a.users["director"])
        response = director.post(s_url(world, "case_advance", case_id=case.pk), data)
        assert response.status_code == 302
        assert reload(case).step == Step.COORDINATE
        # Notes and observations: everyone who follows the school's cases.
        counsellor = login(world.a.users["counsellor"])
        response = counsellor.post(
            s_url(world, "case_note", case_id=case.pk),
            {"note-date": be(ago(0)), "note-text": "โทรหาผู้ปกครองแล้ว"},
        )
        assert response.status_code == 302
        with scopes_disabled():
            assert case.log.filter(kind="note", by=world.a.users["counsellor"]).exists()


class TestWorkingACase:
    def test_advance_from_the_page(self, world, login):
        case = open_child_case(world, reported_ago=1)
        client = login(world.a.users["district_supervisor"])
        response = client.post(
            d_url(world, "case_advance", case_id=case.pk),
            {
                "advance-revision": case.revision,
                "advance-to_step": "coordinate",
                "advance-date": be(ago(0)),
                "advance-note": "ประสาน รพ.สต.",
            },
        )
        assert response.status_code == 302
        assert response["Location"].endswith(f"/cases/{case.pk}/#advance")
        assert reload(case).step == Step.COORDINATE

    def test_bad_input_shows_the_case_again_with_what_was_typed(self, world, login):
        case = open_child_case(world, reported_ago=1)
        client = login(world.a.users["district_supervisor"])
        response = client.post(
            d_url(world, "case_advance", case_id=case.pk),
            {
                "advance-revision": case.revision,
                "advance-to_step": "coordinate",
                "advance-date": be(ago(-3)),  # in the future
                "advance-note": "ข้อความที่พิมพ์ไว้",
            },
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "ข้อความที่พิมพ์ไว้" in html
        assert th("This date is in the future.") in html
        assert reload(case).step == Step.REPORT
        response = client.post(
            d_url(world, "case_close", case_id=case.pk),
            {"close-outcome": "back_in_school", "close-closed_on": "32/13/2568", "close-note": "ก"},
        )
        assert response.status_code == 200
        assert 'value="32/13/2568"' in response.content.decode()
        assert reload(case).is_open

    def test_a_stale_page_is_refused_and_keeps_the_entry(self, world, login):
        case = open_child_case(world, reported_ago=1)
        opened_at = case.revision
        advance(world, case)  # someone else, meanwhile
        client = login(world.a.users["district_admin"])
        response = client.post(
            d_url(world, "case_advance", case_id=case.pk),
            {
                "advance-revision": opened_at,
                "advance-to_step": "coordinate",
                "advance-date": be(ago(0)),
                "advance-note": "ผมก็ประสานแล้วเหมือนกัน",
            },
        )
        assert response.status_code == 200
        assert response.context["stale"]
        assert "ผมก็ประสานแล้วเหมือนกัน" in response.content.decode()
        case = reload(case)
        assert case.step == Step.COORDINATE  # not moved twice
        assert response.context["forms"]["advance"]["revision"].value() == case.revision

    def test_owner_team_round_observation_and_close(self, world, login):
        case = open_child_case(world, reported_ago=60)
        case = walk_to(world, case, Step.MEETING, start_ago=55)
        client = login(world.a.users["district_supervisor"])
        url = lambda name: d_url(world, name, case_id=case.pk)  # noqa: E731
        response = client.post(
            url("case_owner"),
            {
                "owner-revision": reload(case).revision,
                "owner-owner": world.a.users["district_admin"].pk,
            },
        )
        assert response.status_code == 302
        assert Notification.objects.filter(
            kind="case_assigned", user=world.a.users["district_admin"]
        ).exists()
        response = client.post(
            url("case_owner"), {"owner-owner": world.b.users["district_admin"].pk}
        )
        assert response.status_code == 200  # not a choice
        response = client.post(
            url("case_team"),
            {"team-name": "นายสมชาย ใจดี", "team-role": "ผู้ใหญ่บ้าน", "team-phone": "0812345678"},
        )
        assert response.status_code == 302
        response = client.post(
            url("case_round"), {"round-date": be(ago(50)), "round-note": "ยังไม่ยอมกลับ"}
        )
        assert response.status_code == 302
        assert reload(case).round == 2
        case = walk_to(world, reload(case), Step.BACK_IN_SCHOOL, start_ago=45)
        response = client.post(
            url("case_observe"),
            {"observe-observed_on": be(ago(10)), "observe-still_in_school": "yes"},
        )
        assert response.status_code == 302
        page = client.get(url("case_detail")).content.decode()
        assert page.count('data-recorded="1"') == 1
        response = client.post(
            url("case_close"),
            {"close-outcome": "non_formal", "close-closed_on": be(ago(0)), "close-note": "กศน."},
        )
        assert response.status_code == 302
        case = reload(case)
        assert (case.step, case.outcome) == (Step.CLOSED, "non_formal")
        with scopes_disabled():
            assert case.team.count() == 1
            changes = AuditEvent.objects.filter(object_id=str(case.pk), action="change").count()
        assert changes >= 9


class TestOpeningFromPages:
    def test_the_student_page_offers_the_report_and_then_links_the_case(
        self, world, login, django_capture_on_commit_callbacks
    ):
        client = login(world.a.users["coordinator"])
        student_url = reverse(
            "students:student_detail",
            kwargs={"school_code": world.a.school.code, "student_id": world.a.student.pk},
        )
        assert 'id="report-dropout"' in client.get(student_url).content.decode()
        report = s_url(world, "case_report", student_id=world.a.student.pk)
        response = client.post(report, {"situation": "at_risk", "reported_on": be(ago(40))})
        assert response.status_code == 302
        with scopes_disabled():
            case = DropoutCase.objects.get(student=world.a.student)
        assert case.reported_by_school and case.reporter_kind == "school"
        assert case.owner is None
        assert Notification.objects.filter(kind="case_reported").count() == 2
        assert f"/cases/{case.pk}/" in client.get(student_url).content.decode()
        # Reporting again leads to the open case.
        response = client.get(report)
        assert response.status_code == 302 and response["Location"].endswith(f"/{case.pk}/")
        # A homeroom teacher sees no card at all.
        page = login(world.a.users["homeroom"]).get(student_url).content.decode()
        assert 'id="dropout-card"' not in page

    def test_the_report_form_keeps_what_was_typed(self, world, login):
        client = login(world.a.users["counsellor"])
        response = client.post(
            s_url(world, "case_report", student_id=world.a.student.pk),
            {"situation": "never_enrolled", "reported_on": be(ago(0)), "description": "ขาดบ่อย"},
        )
        assert response.status_code == 200
        assert "ขาดบ่อย" in response.content.decode()
        with scopes_disabled():
            assert not DropoutCase.objects.exists()

    def test_the_district_opens_a_case_for_a_child_not_in_any_school(self, world, login):
        client = login(world.a.users["district_supervisor"])
        url = d_url(world, "case_create")
        assert client.get(url).status_code == 200
        data = {
            "kind": "child",
            "prefix": "ด.ญ.",
            "first_name": "มะลิ",
            "last_name": "ตกหล่น",
            "national_id": "1234567890123",  # wrong check digit
            "situation": "never_enrolled",
            "reported_on": be(ago(0)),
            "reporter_kind": "health",
            "reporter_name": "รพ.สต. บ้านโคก",
            "causes": ["poverty", "health"],
            "owner": world.a.users["district_supervisor"].pk,
        }
        response = client.post(url, data)
        assert response.status_code == 200
        assert 'value="มะลิ"' in response.content.decode()
        with scopes_disabled():
            assert not DropoutCase.objects.exists()
        data["national_id"] = ""
        response = client.post(url, data)
        assert response.status_code == 302
        with scopes_disabled():
            case = DropoutCase.objects.get()
        assert (case.first_name, case.school, case.causes) == ("มะลิ", None, ["poverty", "health"])
        assert case.owner == world.a.users["district_supervisor"]

    def test_the_district_finds_a_student_of_its_schools_only(self, world, login):
        client = login(world.a.users["district_supervisor"])
        url = d_url(world, "case_create")
        response = client.post(url, {"q": "นักเรียน", "find": "1", "kind": "student"})
        found = response.context["found"]
        assert {s.school_id for s in found} == {world.a.school.pk}
        assert world.a.student in found
        response = client.post(
            url,
            {
                "kind": "student",
                "student": world.b.student.pk,  # another district's student: ignored
                "situation": "dropped_out",
                "reported_on": be(ago(0)),
                "reporter_kind": "school",
            },
        )
        assert response.status_code == 200
        response = client.post(
            url,
            {
                "kind": "student",
                "student": world.a.student.pk,
                "situation": "dropped_out",
                "reported_on": be(ago(0)),
                "reporter_kind": "parent",
            },
        )
        assert response.status_code == 302
        with scopes_disabled():
            assert DropoutCase.objects.get().school == world.a.school


class TestSettings:
    def test_the_district_admin_sets_the_deadlines(self, world, login):
        client = login(world.a.users["district_admin"])
        url = d_url(world, "case_settings")
        data = {
            "days_report": "5",
            "days_coordinate": "7",
            "days_visit": "7",
            "days_meeting": "14",
            "days_refer_help": "30",
            "observation_offsets": "30, 60, เก้าสิบ",
        }
        response = client.post(url, data)
        assert response.status_code == 200
        assert "เก้าสิบ" in response.content.decode()
        data["observation_offsets"] = "๓๐, 90"
        assert client.post(url, data).status_code == 302
        with scopes_disabled():
            settings = DistrictCaseSettings.objects.get(district=world.a.district)
        assert (settings.days_report, settings.observation_offsets) == (5, [30, 90])
        assert open_child_case(world).step_due == ago(-5)
        assert login(world.a.users["district_supervisor"]).get(url).status_code == 403


def test_the_district_page_links_the_cases_with_counts(world, login):
    open_child_case(world, reported_ago=9)
    open_child_case(world, first_name="ทันเวลา")
    page = login(world.a.users["district_supervisor"]).get(
        reverse("districts:district_detail", kwargs={"district_code": world.a.district.code})
    )
    html = page.content.decode()
    assert 'id="dropout-cases-link"' in html
    assert 'data-open="2" data-late="1"' in html

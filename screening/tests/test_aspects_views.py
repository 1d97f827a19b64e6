"""Aspect screening pages: the teacher's checklist (suggestions from the record, saving, the care
group), and the criteria pages of the school and of the district.

Texts are compared as a Thai user sees them (through the catalogue), codes and numbers as data.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django_scopes import scopes_disabled
from pytest_django.asserts import assertContains, assertNotContains

from carecore.models import AuditEvent
from conftest import th
from schools.selectors import term_code
from screening import aspects
from screening.models import AspectResult, CareGroup, ScreeningPolicy
from students.record.services import record_section_update, term_result_save


def page_url(side, student, term=None) -> str:
    url = reverse(
        "screening:aspects", kwargs={"school_code": side.school.code, "student_id": student.pk}
    )
    return url + (f"?term={term_code(term)}" if term else "")


def results_of(student, term) -> dict[str, AspectResult]:
    with scopes_disabled():
        return {r.aspect: r for r in AspectResult.objects.filter(student=student, term=term)}


def group_of(student, term):
    with scopes_disabled():
        return CareGroup.objects.filter(student=student, term=term).first()


def give_record(student, user, *, gpa=None, income=None, risks=None, disabilities=None):
    """Facts in the student's cumulative record, through its services."""
    with scopes_disabled():
        if gpa is not None:
            term_result_save(
                student=student,
                year=2567,
                term=2,
                gpa=Decimal(gpa),
                failed_subjects=[],
                incomplete_subjects=[],
                user=user,
            )
        if income is not None:
            record_section_update(
                student=student,
                section="family",
                data={"income_per_month": income, "household_size": 4},
                user=user,
            )
        if risks is not None:
            record_section_update(
                student=student, section="protection", data={"risks": risks}, user=user
            )
        if disabilities is not None:
            record_section_update(
                student=student, section="health", data={"disabilities": disabilities}, user=user
            )


def checked(response, code: str) -> bool:
    html = response.content.decode()
    start = html.index(f'value="{code}"')
    tag = html[html.rfind("<input", 0, start) : html.index(">", start)]
    return " checked" in tag


def save(client, side, student, term, ticked=(), token="", **extra):
    data = {"indicator": list(ticked), "token": token, **extra}
    return client.post(page_url(side, student, term), data)


# --- the teacher's page ------------------------------------------------------------------------
class TestAspectPage:
    def test_all_aspects_with_record_suggestions_ticked_and_nothing_stored(
        self, world, login, term
    ):
        a = world.a
        give_record(a.student, a.users["coordinator"], gpa="1.45", income=4500, risks=["neglect"])
        client = login(a.users["homeroom"])
        response = client.get(page_url(a, a.student, term))
        assert response.status_code == 200
        with translation.override("th"):
            for aspect in aspects.default_criteria().aspects:
                assertContains(response, escape(aspect.label))
        for code in (
            "learning_gpa_low",
            "economy_income_low",
            "economy_income_very_low",
            "safety_neglect",
        ):
            assert checked(response, code), code
        assert not checked(response, "learning_gpa_very_low")
        assert not checked(response, "drugs_use")
        # Where each suggestion comes from, with the term of the grades.
        assertContains(response, th("Suggested from the record: %(why)s", why="").split(":")[0])
        assertContains(response, "1.45 (")
        assertContains(response, "2/2567")
        # Nothing is stored until the teacher saves.
        assert results_of(a.student, term) == {}
        assert group_of(a.student, term) is None

    def test_saving_writes_every_aspect_and_the_group(self, world, login, term):
        a = world.a
        give_record(a.student, a.users["coordinator"], gpa="1.45")
        client = login(a.users["homeroom"])
        response = save(
            client,
            a,
            a.student,
            term,
            ticked=["learning_gpa_low", "violence_fights", "needs_autism", "ability_sports"],
            fact_gaming_hours="1.5",
            note_learning="อ่านช้า ต้องฝึกเพิ่ม",
        )
        assert response.status_code == 302
        assert response["Location"] == (
            reverse(
                "screening:student",
                kwargs={"school_code": a.school.code, "student_id": a.student.pk},
            )
            + f"?term={term_code(term)}"
        )
        results = results_of(a.student, term)
        assert set(results) == {a.code for a in aspects.default_criteria().aspects}
        levels = {code: r.level for code, r in results.items()}
        assert levels["learning"] == "risk"
        assert levels["violence"] == "problem"
        # Typing 1.5 hours of gaming ticks "more than 1 h a day".
        assert levels["gaming"] == "risk"
        assert levels["special_needs"] == "special"
        assert levels["special_ability"] == "special"
        assert levels["drugs"] == levels["health"] == "normal"
        learning = results["learning"]
        assert learning.note == "อ่านช้า ต้องฝึกเพิ่ม"
        assert learning.criteria_version == "aspects-obec-1"
        assert learning.confirmed_by == a.users["homeroom"]
        (entry,) = learning.indicators
        assert entry["code"] == "learning_gpa_low"
        assert entry["threshold"] == 2
        assert entry["suggested"] is True
        assert "1.45" in entry["evidence"]
        gaming = results["gaming"].indicators
        assert {"fact": "gaming_hours", "value": 1.5} in gaming
        assert [e["code"] for e in gaming if e.get("code")] == ["gaming_hours_risk"]
        # The worst level wins; special is a flag beside it; the reasons name the aspect.
        group = group_of(a.student, term)
        assert group.level == "problem"
        assert group.special is True
        assert [r["scale"] for r in group.reasons] == ["violence"]
        assert {r["scale"] for r in group.special_reasons} == {"special_needs", "special_ability"}
        event = AuditEvent.objects.filter(action="change", student_id=a.student.pk).latest("at")
        assert event.user_id == a.users["homeroom"].pk
        assert "violence" in event.changes

    @pytest.mark.parametrize(
        ("hours", "level"), [("1", "normal"), ("2", "risk"), ("2.5", "problem")]
    )
    def test_typed_gaming_hours_at_their_edges(self, world, login, term, hours, level):
        a = world.a
        client = login(a.users["homeroom"])
        assert save(client, a, a.student, term, fact_gaming_hours=hours).status_code == 302
        assert results_of(a.student, term)["gaming"].level == level

    def test_saving_again_replaces_and_the_group_follows(self, world, login, term):
        a = world.a
        client = login(a.users["homeroom"])
        save(client, a, a.student, term, ticked=["drugs_use"])
        assert group_of(a.student, term).level == "problem"
        token = aspects.results_token(results_of(a.student, term).values())
        response = save(client, a, a.student, term, ticked=["drugs_area"], token=token)
        assert response.status_code == 302
        results = results_of(a.student, term)
        assert len(results) == 11
        assert results["drugs"].level == "risk"
        assert group_of(a.student, term).level == "risk"
        token = aspects.results_token(results.values())
        save(client, a, a.student, term, token=token)
        group = group_of(a.student, term)
        assert group.level == "normal" and group.special is False

    def test_saved_ticks_win_over_suggestions_when_reopened(self, world, login, term):
        a = world.a
        give_record(a.student, a.users["coordinator"], gpa="1.45")
        client = login(a.users["homeroom"])
        save(client, a, a.student, term, ticked=["learning_reading"])
        response = client.get(page_url(a, a.student, term))
        assert checked(response, "learning_reading")
        # The record still suggests it, and says so, but the teacher's decision stands.
        assert not checked(response, "learning_gpa_low")
        assertContains(response, "1.45 (")

    def test_a_save_over_a_newer_one_is_refused(self, world, login, term):
        a = world.a
        client = login(a.users["homeroom"])
        response = client.get(page_url(a, a.student, term))
        opened_token = response.context["token"]
        # Meanwhile the counsellor saves.
        login(a.users["counsellor"]).post(
            page_url(a, a.student, term), {"indicator": ["drugs_use"], "token": opened_token}
        )
        client = login(a.users["homeroom"])
        response = save(client, a, a.student, term, ticked=["violence_bullying"], token="")
        assert response.status_code == 200
        assert response.context["stale"] is not None
        # Nothing of the teacher's was written; their ticks are still on the page.
        assert results_of(a.student, term)["violence"].level == "normal"
        assert results_of(a.student, term)["drugs"].level == "problem"
        assert checked(response, "violence_bullying")
        # Saving again (with the token of the page shown now) replaces the colleague's save.
        response = save(
            client,
            a,
            a.student,
            term,
            ticked=["violence_bullying"],
            token=response.context["token"],
        )
        assert response.status_code == 302
        assert results_of(a.student, term)["drugs"].level == "normal"

    @pytest.mark.parametrize("hours", ["25", "-1", "two"])
    def test_bad_hours_keep_what_was_typed(self, world, login, term, hours):
        a = world.a
        client = login(a.users["homeroom"])
        response = save(client, a, a.student, term, ticked=["drugs_area"], fact_gaming_hours=hours)
        assert response.status_code == 200
        assertContains(response, th("Some values need fixing; see the marked fields."))
        assertContains(response, f'value="{hours}"')
        assert checked(response, "drugs_area")
        assert results_of(a.student, term) == {}

    def test_unknown_codes_are_ignored(self, world, login, term):
        a = world.a
        client = login(a.users["homeroom"])
        save(client, a, a.student, term, ticked=["nonsense", "<script>"])
        assert {r.level for r in results_of(a.student, term).values()} == {"normal"}

    def test_an_unknown_term_shows_the_current_one(self, world, login, term):
        a = world.a
        client = login(a.users["homeroom"])
        response = client.get(page_url(a, a.student) + "?term=2400-3")
        assert response.status_code == 200
        assert response.context["term"] == term

    def test_the_school_criteria_apply_and_their_version_is_kept(self, world, login, term):
        a = world.a
        with scopes_disabled():
            ScreeningPolicy.objects.create(
                district=a.district,
                aspect_criteria={"aspects": {"learning": {"off": ["learning_reading"]}}},
            )
            ScreeningPolicy.objects.create(
                school=a.school,
                aspect_criteria={
                    "aspects": {
                        "learning": {
                            "thresholds": {"learning_gpa_low": 1.5},
                            "extra": [{"code": "s-abc123", "label": "ลอกการบ้าน", "level": "risk"}],
                        }
                    }
                },
            )
        give_record(a.student, a.users["coordinator"], gpa="1.60")
        client = login(a.users["homeroom"])
        response = client.get(page_url(a, a.student, term))
        assertContains(response, "ลอกการบ้าน")
        assertNotContains(response, 'value="learning_reading"')
        assert not checked(response, "learning_gpa_low")
        save(client, a, a.student, term, ticked=["s-abc123"])
        learning = results_of(a.student, term)["learning"]
        assert learning.level == "risk"
        assert learning.indicators[0]["label"] == "ลอกการบ้าน"
        assert learning.criteria_version.startswith("aspects-obec-1+D")
        assert "+S" in learning.criteria_version

    def test_an_indicator_switched_off_later_stays_until_unticked(self, world, login, term):
        a = world.a
        client = login(a.users["homeroom"])
        save(client, a, a.student, term, ticked=["drugs_area"])
        with scopes_disabled():
            ScreeningPolicy.objects.create(
                school=a.school, aspect_criteria={"aspects": {"drugs": {"off": ["drugs_area"]}}}
            )
        response = client.get(page_url(a, a.student, term))
        assert checked(response, "drugs_area")
        assertContains(response, th("no longer in the criteria"))
        token = response.context["token"]
        save(client, a, a.student, term, ticked=["drugs_area"], token=token)
        assert results_of(a.student, term)["drugs"].level == "risk"
        token = aspects.results_token(results_of(a.student, term).values())
        save(client, a, a.student, term, ticked=[], token=token)
        assert results_of(a.student, term)["drugs"].level == "normal"

    def test_the_student_page_explains_an_aspect_reason(self, world, login, term):
        a = world.a
        client = login(a.users["homeroom"])
        save(client, a, a.student, term, ticked=["violence_fights"])
        from screening.selectors import reason_text

        (reason,) = group_of(a.student, term).reasons
        with translation.override("en"):
            text = reason_text(reason)
        assert "Violence" in text and "Fights or hurts others" in text


class TestAspectPagePermissions:
    @pytest.mark.parametrize(
        ("role", "status"),
        [
            ("homeroom", 200),
            ("counsellor", 200),
            ("coordinator", 200),
            ("homeroom_other", 404),
            ("director", 403),
            ("nurse", 403),
            ("discipline", 403),
            ("district_admin", 403),
        ],
    )
    def test_who_may_open_it(self, world, login, term, role, status):
        a = world.a
        client = login(a.users[role])
        assert client.get(page_url(a, a.student, term)).status_code == status

    @pytest.mark.parametrize("role", ["homeroom_other", "director"])
    def test_who_may_not_may_not_save_either(self, world, login, term, role):
        a = world.a
        client = login(a.users[role])
        response = save(client, a, a.student, term, ticked=["drugs_use"])
        assert response.status_code in (403, 404)
        assert results_of(a.student, term) == {}

    def test_another_schools_student_does_not_exist(self, world, login, term):
        a, b = world.a, world.b
        # A's coordinator, B's student under A's address.
        client = login(a.users["coordinator"])
        url = reverse(
            "screening:aspects", kwargs={"school_code": a.school.code, "student_id": b.student.pk}
        )
        assert client.get(url).status_code == 404
        # B's homeroom teacher at A's address.
        client = login(b.users["homeroom"])
        assert client.get(page_url(a, a.student, term)).status_code == 404


class TestAspectPageQueries:
    def test_the_page_costs_the_same_with_results_and_a_record(
        self, world, login, term, django_assert_num_queries
    ):
        a = world.a
        client = login(a.users["homeroom"])
        url = page_url(a, a.student, term)
        client.get(url)
        with CaptureQueriesContext(connection) as empty:
            assert client.get(url).status_code == 200
        give_record(a.student, a.users["coordinator"], gpa="1.45", income=4500, risks=["neglect"])
        save(client, a, a.student, term, ticked=["drugs_use", "needs_autism"])
        # Session, user; school, memberships, academic year, own classrooms (access); student;
        # term; enrolment; criteria policies; saved results; the record's facts (grades, health,
        # family, protection, ability); the audit event; the term chooser.
        with django_assert_num_queries(18):
            assert client.get(url).status_code == 200
        assert len(empty) == 18


# --- the criteria pages ------------------------------------------------------------------------
def criteria_data(criteria, *, off=(), **extra) -> dict:
    """The criteria form as it comes, with ``off`` unticked and ``extra`` typed over it."""
    data = {}
    for aspect in criteria.aspects:
        for indicator in aspect.indicators:
            if indicator.active and indicator.code not in off:
                data[f"on_{indicator.code}"] = "on"
    data.update(extra)
    return data


def school_criteria_url(side) -> str:
    return reverse("screening:aspect_criteria", kwargs={"school_code": side.school.code})


def district_criteria_url(side) -> str:
    return reverse("screening_district:criteria", kwargs={"district_code": side.district.code})


def policy_of(**lookup):
    with scopes_disabled():
        return ScreeningPolicy.objects.filter(**lookup).first()


class TestSchoolCriteria:
    def test_the_coordinator_changes_the_schools_criteria(self, world, login, term):
        a = world.a
        client = login(a.users["coordinator"])
        response = client.get(school_criteria_url(a))
        assert response.status_code == 200
        assertContains(response, "aspects-obec-1")
        data = criteria_data(
            aspects.default_criteria(),
            off=["learning_reading"],
            value_learning_gpa_low="2.50",
            new_label_learning="ไม่ส่งการบ้านเกินครึ่ง",
            new_level_learning="problem",
            new_label_special_ability="ชนะเลิศระดับประเทศ",
            sdq_criteria="woerner-2011",
        )
        response = client.post(school_criteria_url(a), data)
        assert response.status_code == 302
        policy = policy_of(school=a.school)
        assert policy.sdq_criteria == "woerner-2011"
        assert policy.updated_by == a.users["coordinator"]
        learning = policy.aspect_criteria["aspects"]["learning"]
        assert learning["off"] == ["learning_reading"]
        assert learning["thresholds"] == {"learning_gpa_low": 2.5}
        (extra,) = learning["extra"]
        assert (extra["label"], extra["level"]) == ("ไม่ส่งการบ้านเกินครึ่ง", "problem")
        assert extra["code"].startswith("s-")
        ability = policy.aspect_criteria["aspects"]["special_ability"]["extra"]
        assert ability[0]["level"] == "special"
        # Only what was changed is stored.
        assert set(policy.aspect_criteria["aspects"]) == {"learning", "special_ability"}
        with scopes_disabled():
            criteria = aspects.criteria_for_school(a.school)
        assert not criteria.indicator("learning_reading").active
        assert criteria.indicator("learning_gpa_low").threshold == Decimal("2.5")
        assert AuditEvent.objects.filter(
            action="change", school_id=a.school.pk, object_type="screeningpolicy"
        ).exists()
        # The SDQ forms of the school are scored with the criteria chosen.
        from screening.services import sdq_criteria_version

        with scopes_disabled():
            assert sdq_criteria_version(school=a.school) == "woerner-2011"

    def test_own_indicators_can_be_renamed_switched_off_and_removed(self, world, login):
        a = world.a
        with scopes_disabled():
            ScreeningPolicy.objects.create(
                school=a.school,
                aspect_criteria={
                    "aspects": {
                        "drugs": {
                            "extra": [
                                {"code": "s-000001", "label": "สูบบุหรี่ไฟฟ้า", "level": "risk"},
                                {"code": "s-000002", "label": "ขายบุหรี่", "level": "risk"},
                                {"code": "s-000003", "label": "ดื่มเบียร์", "level": "risk"},
                            ]
                        }
                    }
                },
            )
        client = login(a.users["coordinator"])
        data = criteria_data(
            aspects.default_criteria(),
            **{
                "label_s-000001": "สูบบุหรี่ไฟฟ้าในโรงเรียน",
                "level_s-000001": "problem",
                "on_s-000001": "on",
                "label_s-000002": "ขายบุหรี่",
                "level_s-000002": "risk",
                "delete_s-000002": "on",
                "label_s-000003": "ดื่มเบียร์",
                "level_s-000003": "risk",
            },
        )
        assert client.post(school_criteria_url(a), data).status_code == 302
        drugs = policy_of(school=a.school).aspect_criteria["aspects"]["drugs"]
        assert drugs["extra"] == [
            {"code": "s-000001", "label": "สูบบุหรี่ไฟฟ้าในโรงเรียน", "level": "problem"},
            {"code": "s-000003", "label": "ดื่มเบียร์", "level": "risk"},
        ]
        assert drugs["off"] == ["s-000003"]

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("value_learning_gpa_low", "5"),
            ("value_economy_income_low", "-1"),
            ("sdq_criteria", "x"),
        ],
    )
    def test_bad_values_are_refused_and_kept(self, world, login, field, value):
        a = world.a
        client = login(a.users["coordinator"])
        data = criteria_data(aspects.default_criteria(), **{field: value})
        response = client.post(school_criteria_url(a), data)
        assert response.status_code == 200
        assertContains(response, th("Some values need fixing; see the marked fields."))
        assert policy_of(school=a.school) is None

    def test_the_district_s_choices_are_shown_and_can_be_undone_by_the_school(self, world, login):
        a = world.a
        with scopes_disabled():
            ScreeningPolicy.objects.create(
                district=a.district,
                sdq_criteria="woerner-2011",
                aspect_criteria={
                    "aspects": {
                        "drugs": {"off": ["drugs_area"], "thresholds": {}},
                        "gaming": {"thresholds": {"gaming_hours_risk": 1.5}},
                    }
                },
            )
        client = login(a.users["coordinator"])
        response = client.get(school_criteria_url(a))
        assertContains(response, th("Switched off by the district; tick to use it at this school."))
        assertContains(response, th("District: %(value)s", value="1.5"))
        # Unchanged, the school stores nothing of its own; the district's choice still applies.
        data = criteria_data(
            aspects.apply_changes(
                aspects.default_criteria(),
                policy_of(district=a.district).aspect_criteria,
                "district",
            )
        )
        assert client.post(school_criteria_url(a), data).status_code == 302
        assert policy_of(school=a.school).aspect_criteria == {}
        # Ticking what the district switched off uses it at this school.
        data["on_drugs_area"] = "on"
        client.post(school_criteria_url(a), data)
        assert policy_of(school=a.school).aspect_criteria == {
            "aspects": {"drugs": {"on": ["drugs_area"]}}
        }
        with scopes_disabled():
            assert aspects.criteria_for_school(a.school).indicator("drugs_area").active

    @pytest.mark.parametrize(
        ("role", "status"),
        [
            ("coordinator", 200),
            ("homeroom", 403),
            ("counsellor", 403),
            ("director", 403),
            ("district_admin", 403),
        ],
    )
    def test_who_may_open_it(self, world, login, role, status):
        client = login(world.a.users[role])
        assert client.get(school_criteria_url(world.a)).status_code == status

    def test_another_schools_coordinator_gets_404(self, world, login):
        client = login(world.b.users["coordinator"])
        assert client.get(school_criteria_url(world.a)).status_code == 404
        response = client.post(school_criteria_url(world.a), {"sdq_criteria": ""})
        assert response.status_code == 404
        assert policy_of(school=world.a.school) is None


class TestDistrictCriteria:
    def test_the_district_admin_sets_the_criteria_of_every_school(self, world, login):
        a = world.a
        client = login(a.users["district_admin"])
        response = client.get(district_criteria_url(a))
        assert response.status_code == 200
        data = criteria_data(
            aspects.default_criteria(),
            off=["gaming_money"],
            value_gaming_hours_risk="1.5",
            new_label_safety="ผู้ปกครองติดการพนัน",
            new_level_safety="risk",
            sdq_criteria="woerner-2011",
        )
        assert client.post(district_criteria_url(a), data).status_code == 302
        policy = policy_of(district=a.district)
        assert policy.sdq_criteria == "woerner-2011"
        assert policy.aspect_criteria["aspects"]["gaming"] == {
            "off": ["gaming_money"],
            "thresholds": {"gaming_hours_risk": 1.5},
        }
        assert AuditEvent.objects.filter(
            action="change", district_id=a.district.pk, object_type="screeningpolicy"
        ).exists()
        # The district's schools screen with it; another district's schools do not.
        with scopes_disabled():
            mine = aspects.criteria_for_school(a.school)
            other = aspects.criteria_for_school(world.b.school)
        assert not mine.indicator("gaming_money").active
        assert mine.indicator("gaming_hours_risk").threshold == Decimal("1.5")
        assert mine.version.startswith("aspects-obec-1+D")
        assert other.version == "aspects-obec-1"
        assert other.indicator("gaming_money").active

    @pytest.mark.parametrize(
        ("role", "status"),
        [("district_admin", 200), ("district_supervisor", 403), ("network", 404)],
    )
    def test_who_may_open_it(self, world, login, role, status):
        client = login(world.a.users[role])
        assert client.get(district_criteria_url(world.a)).status_code == status

    @pytest.mark.parametrize("role", ["coordinator", "director", "homeroom"])
    def test_school_staff_do_not_see_it(self, world, login, role):
        client = login(world.a.users[role])
        assert client.get(district_criteria_url(world.a)).status_code == 404

    def test_another_districts_admin_gets_404(self, world, login):
        client = login(world.b.users["district_admin"])
        assert client.get(district_criteria_url(world.a)).status_code == 404
        client.post(district_criteria_url(world.a), {"sdq_criteria": "woerner-2011"})
        assert policy_of(district=world.a.district) is None


@translation.override("en")
def test_the_row_for_the_students_page(world, login, term):
    """The partial the student's screening page includes: the aspects not normal, and a link."""
    from django.template.loader import render_to_string

    a = world.a
    client = login(a.users["homeroom"])
    context = {"school": a.school, "student": a.student, "term_code": term_code(term)}
    with translation.override("en"):
        before = render_to_string(
            "screening/aspects/_student_row.html",
            {**context, "can_enter": True, "aspect_summary": aspects.result_summary([])},
        )
    assert page_url(a, a.student, term) in before
    assert "Enter" in before
    save(client, a, a.student, term, ticked=["violence_fights", "needs_autism"])
    summary = aspects.result_summary(results_of(a.student, term).values())
    assert [(f["aspect"], f["level"]) for f in summary["flagged"]] == [
        ("violence", "problem"),
        ("special_needs", "special"),
    ]
    with translation.override("en"):
        after = render_to_string(
            "screening/aspects/_student_row.html",
            {**context, "can_enter": False, "aspect_summary": summary},
        )
    assert "Violence" in after and "Special needs" in after
    assert "/aspects/" not in after

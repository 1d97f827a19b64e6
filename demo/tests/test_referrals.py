"""The demo's agencies and referrals (demo/referrals.py): every state, the directory, and what
the browser journeys of teacher1 and counsellor1 need."""

import datetime
import time

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from carecore.models import Membership, Notification, Role
from demo import world
from demo.world import demo_build
from referrals.models import Agency, Referral, ReferralUpdate
from screening.models import CareGroup

TODAY = datetime.date(2025, 11, 20)  # term 2 of 2568 has begun


@pytest.fixture
def seeded(monkeypatch):
    timings = []
    original = world.seed_referrals

    def timed(**kwargs):
        began = time.perf_counter()
        result = original(**kwargs)
        timings.append(time.perf_counter() - began)
        return result

    monkeypatch.setattr(world, "seed_referrals", timed)
    result = demo_build(schools=4, students=600, today=TODAY)
    with scopes_disabled():
        yield result, timings


@pytest.mark.django_db
class TestDemoReferrals:
    def test_the_directory(self, seeded):
        result, _timings = seeded
        agencies = list(Agency.objects.filter(district=result.district))
        assert len(agencies) >= 12
        assert sum(a.mou_signed for a in agencies) > len(agencies) / 2
        assert all(a.mou_date for a in agencies if a.mou_signed)
        kinds = {a.kind for a in agencies}
        assert {"hospital", "psychiatry", "health_promoting_hospital", "police"} <= kinds
        assert {"social_development", "childrens_home", "foundation"} <= kinds
        retired = [a for a in agencies if not a.active]
        assert retired and Referral.objects.filter(agency__in=retired).exists()
        from referrals.agency_forms import normalize_thai_phone

        for agency in agencies:  # every phone is a well-formed Thai number
            assert normalize_thai_phone(agency.phone) == agency.phone

    def test_every_state_of_both_kinds(self, seeded):
        seen = set(Referral.objects.values_list("kind", "status").distinct())
        for kind in Referral.Kind.values:
            for status in Referral.Status.values:
                assert (kind, status) in seen, (kind, status)
        referrals = list(Referral.objects.all())
        assert any(r.is_overdue(TODAY) and r.status == "sent" for r in referrals)
        assert any(r.is_overdue(TODAY) and r.status != "sent" for r in referrals)
        assert any(not r.is_overdue(TODAY) and r.status == "sent" for r in referrals)
        assert {r.to_role for r in referrals if r.kind == "internal"} >= {
            Role.COUNSELLOR,
            Role.DISCIPLINE,
            Role.NURSE,
        }
        assert Referral.objects.filter(consent=Referral.Consent.NOT_ASKED).exists()

    def test_the_states_are_consistent(self, seeded):
        updates = {}
        for referral_id, kind in ReferralUpdate.objects.values_list("referral_id", "kind"):
            updates.setdefault(referral_id, set()).add(kind)
        for r in Referral.objects.all():
            assert r.sent_on <= TODAY and r.answer_due >= r.sent_on
            log = updates[r.pk]
            assert "sent" in log
            if r.status != "sent":
                assert r.accepted_at and "accepted" in log
            if r.kind == "external":
                assert r.agency_id and r.consent
                if r.status in ("in_progress", "closed"):
                    assert r.agency_result and r.result_received_on and "agency_result" in log
            if r.status == "closed":
                assert r.outcome and r.closed_at and "closed" in log
                assert "follow_up" in log
                assert timezone.localtime(r.closed_at).date() <= TODAY
            assert r.sender_id is not None

    def test_mostly_students_with_problems(self, seeded):
        levels = dict(CareGroup.objects.values_list("student_id", "level"))
        referred = list(Referral.objects.values_list("student_id", flat=True))
        in_need = [s for s in referred if levels.get(s) in ("problem", "risk")]
        assert len(in_need) > 0.8 * len(referred)

    def test_what_teacher1_and_counsellor1_need(self, seeded):
        mine = Referral.objects.filter(sender__username="teacher1")
        assert mine.filter(status="sent").exists()
        assert mine.filter(status="closed").exists()
        school = Membership.objects.get(user__username="counsellor1").school
        waiting = Referral.objects.filter(school=school, to_role="counsellor", status="sent")
        assert waiting.count() >= 2
        assert any(r.is_overdue(TODAY) for r in waiting)
        assert Notification.objects.filter(
            user__username="counsellor1", kind=Notification.Kind.REFERRAL_RECEIVED, read=None
        ).exists()
        # teacher1 and teacher2 keep their one role (their journeys start at "My classrooms").
        for username in ("teacher1", "teacher2"):
            assert Membership.objects.filter(user__username=username).count() == 1

    def test_discipline_and_nurse_have_holders(self, seeded):
        result, _timings = seeded
        for school in result.district.schools.all():
            for role in (Role.DISCIPLINE, Role.NURSE):
                assert Membership.objects.filter(school=school, role=role).count() == 1

    def test_fast(self, seeded):
        _result, timings = seeded
        assert len(timings) == 1
        assert timings[0] < 1.0

    def test_a_demo_letter_prints(self, seeded):
        from carecore.tests.test_pdf import comparable, pdf_text
        from referrals.documents import referral_letter_pdf

        referral = (
            Referral.objects.filter(kind="external", status="closed")
            .select_related("school__district", "student", "sender", "agency")
            .first()
        )
        text = comparable(pdf_text(referral_letter_pdf(referral=referral)))
        assert comparable(referral.agency.name) in text
        assert referral.number in text
        if referral.sensitive_notes:
            assert comparable(referral.sensitive_notes) not in text

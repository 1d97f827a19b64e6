"""Guardian consent (PDPA): recorded, withdrawn with its history kept, and what withdrawal does
to home-visit photos and to external referrals; the pages and who may use them."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled
from PIL import Image

from carecore.models import AuditEvent
from conftest import th
from referrals.models import Agency, AgencyKind, Referral, ReferralUpdate
from referrals.services import referral_close, referral_create
from students.consent_models import GuardianConsent
from students.consent_selectors import consent_states, has_photo_consent
from students.consent_services import consent_give, consent_withdraw
from visits.models import HomeVisit, VisitPhoto
from visits.services import PhotoConsentMissing, photo_add, visit_save

pytestmark = pytest.mark.django_db

PHOTOS = GuardianConsent.Purpose.HOME_VISIT_PHOTOS
AGENCIES = GuardianConsent.Purpose.EXTERNAL_REFERRAL


def today() -> datetime.date:
    return timezone.localdate()


def be(day: datetime.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def give(world, purpose=PHOTOS, user="homeroom", **extra) -> GuardianConsent:
    values = {"guardian": world.a.guardian, "given_on": today(), "method": "paper", **extra}
    with scope(school=world.a.school.pk):
        return consent_give(
            student=world.a.student, purpose=purpose, user=world.a.users[user], **values
        )


def withdraw(world, consent, user="homeroom", **extra):
    with scope(school=world.a.school.pk):
        return consent_withdraw(
            consent=consent,
            withdrawn_on=extra.pop("withdrawn_on", today()),
            user=world.a.users[user],
            **extra,
        )


def jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), "orange").save(out, "JPEG")
    return SimpleUploadedFile("IMG_0001.jpg", out.getvalue(), "image/jpeg")


def visit_of(world) -> HomeVisit:
    with scopes_disabled():
        return visit_save(
            student=world.a.student,
            data={"date": today(), "visitors": "ครูสมศรี", "mode": "home"},
            done=True,
            user=world.a.users["homeroom"],
            academic_year=world.year,
            classroom=world.a.classroom,
        ).visit


def add_photo(world, visit) -> VisitPhoto:
    with scopes_disabled():
        return photo_add(visit=visit, upload=jpeg(), kind="outside", user=world.a.users["homeroom"])


def audit_rows(world, **filters):
    return list(
        AuditEvent.objects.filter(student_id=world.a.student.pk, **filters).order_by("at", "id")
    )


def url(name, world, side=None, **kwargs) -> str:
    side = side or world.a
    return reverse(
        f"students:{name}",
        kwargs={"school_code": side.school.code, "student_id": side.student.pk, **kwargs},
    )


# --- services ----------------------------------------------------------------------------------
class TestConsentServices:
    def test_given_then_withdrawn_keeps_the_history_and_can_be_given_again(self, world):
        first = give(world)
        with scopes_disabled():
            assert has_photo_consent(student=world.a.student)
        assert first.given_by == str(world.a.guardian)

        result = withdraw(world, first, reason="ไม่สะดวกให้ถ่ายภาพบ้าน")
        assert result.consent.withdrawn_on == today()
        with scopes_disabled():
            assert not has_photo_consent(student=world.a.student)
            [state, _agencies] = consent_states(student=world.a.student)
        assert state.status == "withdrawn"

        second = give(world, method="phone", guardian=None, given_by="นายสมชาย (บิดา)")
        with scopes_disabled():
            rows = list(GuardianConsent.objects.filter(student=world.a.student))
            [state, agencies] = consent_states(student=world.a.student)
        # Withdrawal never deletes: both consents are there, the old one withdrawn.
        assert {r.pk for r in rows} == {first.pk, second.pk}
        assert state.status == "given" and state.current.pk == second.pk
        assert agencies.status == "none"

    def test_a_second_current_consent_is_refused(self, world):
        give(world)
        with pytest.raises(ValidationError):
            give(world)

    def test_dates_are_checked(self, world):
        with pytest.raises(ValidationError) as error:
            give(world, given_on=today() + datetime.timedelta(days=1))
        assert "given_on" in error.value.error_dict
        consent = give(world, given_on=today() - datetime.timedelta(days=10))
        with pytest.raises(ValidationError) as error:
            withdraw(world, consent, withdrawn_on=today() - datetime.timedelta(days=11))
        assert "withdrawn_on" in error.value.error_dict
        withdraw(world, consent)
        with pytest.raises(ValidationError):
            withdraw(world, consent)

    def test_a_guardian_of_another_student_is_refused(self, world):
        with pytest.raises(ValidationError) as error:
            give(world, guardian=world.b.guardian)
        assert "guardian" in error.value.error_dict

    def test_every_change_is_audited(self, world):
        consent = give(world, purpose=AGENCIES)
        withdraw(world, consent, reason="ย้ายไปอยู่กับญาติ")
        created, changed = audit_rows(world, object_type="guardianconsent")
        assert created.action == AuditEvent.Action.CREATE
        assert created.user_id == world.a.users["homeroom"].pk
        assert created.changes["purpose"] == ["", AGENCIES]
        assert changed.action == AuditEvent.Action.CHANGE
        assert changed.changes["withdrawn_on"] == ["", today().isoformat()]
        assert changed.changes["withdrawn_reason"] == ["", "ย้ายไปอยู่กับญาติ"]


# --- home-visit photos -------------------------------------------------------------------------
class TestPhotoConsent:
    def test_the_service_refuses_a_photo_without_consent(self, world):
        visit = visit_of(world)
        with pytest.raises(PhotoConsentMissing):
            add_photo(world, visit)
        with scopes_disabled():
            assert not VisitPhoto.objects.exists()

    def test_the_form_refuses_new_photos_and_links_to_consent(self, world, login):
        client = login(world.a.users["homeroom"])
        new = reverse(
            "visits:visit_new",
            kwargs={"school_code": world.a.school.code, "student_id": world.a.student.pk},
        )
        page = client.get(new)
        assert 'id="photo-consent-missing"' in page.content.decode()
        assert url("consents", world) in page.content.decode()
        assert 'name="outside"' not in page.content.decode()

        data = {
            "date": be(today()),
            "mode": "home",
            "visitors": "ครูสมศรี",
            "met": ["mother"],
            "summary": "บ้านสะอาด",
            "action": "done",
            "outside": jpeg(),
        }
        response = client.post(new, data)
        assert response.status_code == 400
        assert (
            th(
                "The guardian has not given consent to photos at home visits (or has "
                "withdrawn it), so no photo can be added. Record the guardian's consent first."
            )
            in response.content.decode()
        )
        with scopes_disabled():
            assert not HomeVisit.objects.filter(student=world.a.student).exists()
            assert not VisitPhoto.objects.exists()

        give(world)
        page = client.get(new)
        assert 'name="outside"' in page.content.decode()
        data["outside"] = jpeg()
        assert client.post(new, data).status_code == 302
        with scopes_disabled():
            assert VisitPhoto.objects.filter(visit__student=world.a.student).count() == 1

    def test_withdrawal_deletes_the_photos_after_confirmation_and_keeps_the_visits(
        self, world, login
    ):
        consent = give(world)
        visit = visit_of(world)
        photos = [add_photo(world, visit), add_photo(world, visit)]
        names = [p.image.name for p in photos]
        assert all(default_storage.exists(n) for n in names)

        client = login(world.a.users["coordinator"])
        target = url("consent_withdraw", world, consent_id=consent.pk)
        page = client.get(target)
        assert page.status_code == 200
        effects = page.content.decode()
        assert 'id="withdrawal-effects"' in effects
        with translation.override("th"):
            expected = translation.ngettext(
                "%(n)s home-visit photo (of %(visits)s visits) will be deleted for good. The "
                "visits themselves stay.",
                "%(n)s home-visit photos (of %(visits)s visits) will be deleted for good. The "
                "visits themselves stay.",
                2,
            ) % {"n": 2, "visits": 1}
        assert expected in effects

        # Without ticking the box nothing happens, with a message.
        response = client.post(target, {"withdrawn_on": be(today())})
        assert response.status_code == 400
        assert th("Tick the box to confirm.") in response.content.decode()
        with scopes_disabled():
            assert VisitPhoto.objects.count() == 2

        response = client.post(target, {"withdrawn_on": be(today()), "reason": "", "confirm": "on"})
        assert response.status_code == 302
        with scopes_disabled():
            assert not VisitPhoto.objects.exists()
            assert HomeVisit.objects.filter(pk=visit.pk).exists()
            assert not GuardianConsent.objects.get(pk=consent.pk).is_current
        assert not any(default_storage.exists(n) for n in names)
        deleted = audit_rows(world, action=AuditEvent.Action.DELETE, object_type="visitphoto")
        assert len(deleted) == 2
        assert all(e.user_id == world.a.users["coordinator"].pk for e in deleted)

        # And no new photo until the guardian consents again.
        with pytest.raises(PhotoConsentMissing):
            add_photo(world, visit)


# --- external referrals ------------------------------------------------------------------------
@pytest.fixture
def agency(world):
    return Agency.objects.create(
        district=world.a.district, name="โรงพยาบาลขอนแก่น", kind=AgencyKind.HOSPITAL
    )


def external(world, agency) -> Referral:
    with scope(school=world.a.school.pk):
        return referral_create(
            student=world.a.student,
            kind=Referral.Kind.EXTERNAL,
            sender=world.a.users["counsellor"],
            agency=agency,
            reason="ซึมเศร้า ไม่มาเรียนบ่อย",
            what_is_asked="ประเมินและบำบัด",
            consent=Referral.Consent.GIVEN,
            consent_by="นางสมศรี ทดสอบ (มารดา)",
            consent_on=today(),
        )


class TestExternalReferralConsent:
    def test_withdrawal_marks_open_external_referrals_for_the_sender(self, world, login, agency):
        consent = give(world, purpose=AGENCIES, user="coordinator")
        open_one = external(world, agency)
        closed_one = external(world, agency)
        with scope(school=world.a.school.pk):
            referral_close(referral=closed_one, user=world.a.users["counsellor"], outcome="other")

        client = login(world.a.users["coordinator"])
        target = url("consent_withdraw", world, consent_id=consent.pk)
        page = client.get(target).content.decode()
        assert open_one.number in page and closed_one.number not in page
        response = client.post(target, {"withdrawn_on": be(today()), "confirm": "on"})
        assert response.status_code == 302

        with scopes_disabled():
            notes = list(ReferralUpdate.objects.filter(kind=ReferralUpdate.Kind.PROGRESS))
            # What was sent stays as it was.
            kept = Referral.objects.get(pk=open_one.pk)
        assert [n.referral_id for n in notes] == [open_one.pk]
        assert kept.consent == Referral.Consent.GIVEN and kept.reason == "ซึมเศร้า ไม่มาเรียนบ่อย"
        marked = audit_rows(world, object_type="referral", action=AuditEvent.Action.CHANGE)
        # Closing the other one was audited too; the withdrawal marked only the open one.
        assert [e.object_id for e in marked if e.path == target] == [str(open_one.pk)]

        # The sender sees it on the referral.
        sender = login(world.a.users["counsellor"])
        detail = reverse(
            "referrals:referral_detail",
            kwargs={"school_code": world.a.school.code, "referral_id": open_one.pk},
        )
        body = sender.get(detail).content.decode()
        assert 'id="consent-withdrawn"' in body
        assert th("Consent withdrawn") in body
        closed = reverse(
            "referrals:referral_detail",
            kwargs={"school_code": world.a.school.code, "referral_id": closed_one.pk},
        )
        assert 'id="consent-withdrawn"' not in sender.get(closed).content.decode()

        # A new external referral's form says the consent was withdrawn.
        form = reverse(
            "referrals:referral_create_external",
            kwargs={"school_code": world.a.school.code, "student_id": world.a.student.pk},
        )
        body = sender.get(form).content.decode()
        assert 'class="alert alert-danger small" id="standing-consent"' in body

        # Consent given again: the referral is no longer marked.
        give(world, purpose=AGENCIES, user="coordinator")
        assert 'id="consent-withdrawn"' not in sender.get(detail).content.decode()


# --- pages and permissions ---------------------------------------------------------------------
class TestConsentPages:
    def test_everyone_who_sees_the_student_sees_the_state(self, world, login):
        give(world)
        for key in ("homeroom", "counsellor", "coordinator", "director"):
            response = login(world.a.users[key]).get(url("consents", world))
            assert response.status_code == 200, key
            assert th("Consent given") in response.content.decode()
        # The counsellor reads only.
        body = login(world.a.users["counsellor"]).get(url("consents", world)).content.decode()
        assert "/withdraw/" not in body
        assert login(world.a.users["discipline"]).get(url("consents", world)).status_code == 404
        assert login(world.a.users["homeroom_other"]).get(url("consents", world)).status_code == 404
        other_school = url("consents", world, side=world.b).replace(
            world.b.school.code, world.a.school.code
        )
        assert login(world.b.users["homeroom"]).get(url("consents", world)).status_code == 404
        assert login(world.a.users["coordinator"]).get(other_school).status_code == 404

    def test_the_student_page_shows_the_card_and_the_director_the_who_has_seen_link(
        self, world, login
    ):
        detail = url("student_detail", world)
        body = login(world.a.users["homeroom"]).get(detail).content.decode()
        assert 'id="consent-card"' in body and th("No consent recorded") in body
        assert 'id="seen-by-link"' not in body
        body = login(world.a.users["director"]).get(detail).content.decode()
        assert url("seen_by", world) in body

    def test_the_homeroom_teacher_records_consent(self, world, login):
        client = login(world.a.users["homeroom"])
        target = url("consent_new", world, purpose=PHOTOS)
        assert client.get(target).status_code == 200
        response = client.post(
            target,
            {"guardian": world.a.guardian.pk, "given_on": be(today()), "method": "in_person"},
        )
        assert response.status_code == 302
        with scopes_disabled():
            consent = GuardianConsent.objects.get()
        assert consent.recorded_by == world.a.users["homeroom"]
        assert consent.method == "in_person" and consent.given_by == str(world.a.guardian)
        # Recorded already: the page sends back to the list.
        assert client.get(target).status_code == 302

    def test_bad_input_gets_thai_messages_and_no_500(self, world, login):
        client = login(world.a.users["director"])
        target = url("consent_new", world, purpose=AGENCIES)
        response = client.post(
            target, {"guardian": "", "given_by": "", "given_on": "31/02/2568", "method": "x"}
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert th("Write who gave consent (name and relation to the student).") in body
        assert (
            th("Enter a date as day/month/year in the Buddhist Era, for example 15/06/2568.")
            in body
        )
        future = be(today() + datetime.timedelta(days=3))
        response = client.post(
            target, {"given_by": "ป้า\x00", "given_on": future, "method": "phone"}
        )
        assert response.status_code == 400
        response = client.post(
            target, {"given_by": "ป้าสมใจ", "given_on": future, "method": "phone"}
        )
        assert response.status_code == 400
        assert th("Consent cannot be dated in the future.") in response.content.decode()
        # A guardian of another school's student is not a choice.
        response = client.post(
            target,
            {"guardian": world.b.guardian.pk, "given_on": be(today()), "method": "phone"},
        )
        assert response.status_code == 400
        assert th("Choose one of this student's guardians.") in response.content.decode()
        assert client.get(url("consent_new", world, purpose="anything")).status_code == 404
        with scopes_disabled():
            assert not GuardianConsent.objects.exists()

    def test_who_may_record_and_withdraw(self, world, login):
        consent = give(world)
        new = url("consent_new", world, purpose=AGENCIES)
        out = url("consent_withdraw", world, consent_id=consent.pk)
        for key in ("counsellor",):
            assert login(world.a.users[key]).get(new).status_code == 403
            assert login(world.a.users[key]).post(out, {"confirm": "on"}).status_code == 403
        for key in ("discipline", "nurse", "homeroom_other", "network"):
            assert login(world.a.users[key]).get(new).status_code == 404, key
            assert login(world.a.users[key]).get(out).status_code == 404, key
        b = login(world.b.users["director"])
        assert b.get(new).status_code == 404
        assert b.post(out, {"withdrawn_on": be(today()), "confirm": "on"}).status_code == 404
        # Another school's consent under this school's address does not exist.
        with scopes_disabled():
            other = consent_give(
                student=world.b.student,
                purpose=PHOTOS,
                given_by="ผู้ปกครอง",
                given_on=today(),
                method="paper",
                user=world.b.users["director"],
            )
        wrong = url("consent_withdraw", world, consent_id=other.pk)
        assert login(world.a.users["director"]).get(wrong).status_code == 404
        with scopes_disabled():
            assert GuardianConsent.objects.get(pk=consent.pk).is_current
            assert GuardianConsent.objects.get(pk=other.pk).is_current


# --- who has seen this record ------------------------------------------------------------------
class TestWhoHasSeen:
    def test_the_director_sees_who_viewed_changed_and_printed_the_record(self, world, login):
        a = world.a
        login(a.users["homeroom"]).get(url("student_detail", world))
        with scopes_disabled():
            AuditEvent.objects.create(
                action=AuditEvent.Action.EXPORT,
                user_id=a.users["coordinator"].pk,
                user_name="ครูประสานงาน",
                school_id=a.school.pk,
                district_id=a.district.pk,
                student_id=a.student.pk,
                student_name=a.student.full_name,
                summary="Printed the information sheet",
            )
            # Another student's row is not listed.
            AuditEvent.objects.create(
                action=AuditEvent.Action.VIEW,
                user_id=a.users["counsellor"].pk,
                user_name="ครูแนะแนวคนอื่น",
                school_id=a.school.pk,
                student_id=a.other_student.pk,
                student_name=a.other_student.full_name,
            )
        response = login(a.users["director"]).get(url("seen_by", world))
        assert response.status_code == 200
        body = response.content.decode()
        assert a.users["homeroom"].display_name in body
        assert "ครูประสานงาน" in body and "Printed the information sheet" in body
        assert "ครูแนะแนวคนอื่น" not in body
        # Roles today, and dates in the Buddhist Era.
        assert th("Homeroom teacher") in body or "ครูประจำชั้น" in body
        assert str(timezone.localdate().year + 543) in body
        # Opening this page is itself logged.
        assert audit_rows(world, user_id=a.users["director"].pk, action="view")

    def test_filters_and_pages(self, world, login):
        a = world.a
        with scopes_disabled():
            AuditEvent.objects.bulk_create(
                [
                    AuditEvent(
                        action=AuditEvent.Action.VIEW,
                        user_id=a.users["homeroom"].pk,
                        user_name=f"ครู {i}",
                        school_id=a.school.pk,
                        student_id=a.student.pk,
                        student_name=a.student.full_name,
                    )
                    for i in range(60)
                ]
            )
        client = login(a.users["director"])
        first = client.get(url("seen_by", world)).content.decode()
        assert th("Older") in first
        second = client.get(url("seen_by", world) + "?page=2")
        assert second.status_code == 200
        changes = client.get(url("seen_by", world) + "?action=change").content.decode()
        assert "ครู 1" not in changes
        # A date that cannot be read is ignored with a message, not a 500.
        bad = client.get(url("seen_by", world) + "?date_from=99/99/9999&user=%00")
        assert bad.status_code in (200, 400)

    def test_only_the_director(self, world, login):
        target = url("seen_by", world)
        for key in ("coordinator", "counsellor", "homeroom"):
            assert login(world.a.users[key]).get(target).status_code == 403, key
        assert login(world.a.users["district_admin"]).get(target).status_code == 404
        assert login(world.b.users["director"]).get(target).status_code == 404
        other = url("seen_by", world, side=world.b).replace(
            world.b.school.code, world.a.school.code
        )
        assert login(world.a.users["director"]).get(other).status_code == 404

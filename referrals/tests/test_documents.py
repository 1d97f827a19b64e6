"""Referral papers: the referral letter with its tear-off acknowledgement slip, and the result
report, printed by jobs and read back with pdftotext."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled

from carecore.models import AuditEvent, GeneratedFile
from carecore.pdf import Paper
from carecore.tests.test_pdf import comparable, pdf_pages, pdf_text
from referrals import documents, services
from referrals.models import Agency, AgencyKind, Referral
from schools.models import HomeroomAssignment

SECRET = "ข้อมูลลับห้ามพิมพ์"
AGENCY = "โรงพยาบาลจิตเวชขอนแก่นราชนครินทร์"


def th_text(message: str) -> str:
    with translation.override("th"):
        return comparable(translation.gettext(message))


@pytest.fixture
def agency(world):
    return Agency.objects.create(
        district=world.a.district,
        name=AGENCY,
        kind=AgencyKind.PSYCHIATRY,
        phone="043-209-999",
        address="169 ถนนชาตะผดุง ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000",
        mou_signed=True,
    )


def external(world, agency, **extra) -> Referral:
    values = {
        "reason": "นักเรียนซึมเศร้า แยกตัวจากเพื่อน ร้องไห้ในห้องเรียนบ่อยครั้ง",
        "what_is_asked": "ขอให้ประเมินและบำบัดตามความเหมาะสม",
        "help_given": "ให้คำปรึกษาเบื้องต้น 3 ครั้ง และเยี่ยมบ้าน",
        "sensitive_notes": SECRET,
        "consent": Referral.Consent.GIVEN,
        "consent_by": "นางสมศรี ทดสอบ (มารดา)",
        "consent_on": timezone.localdate(),
        **extra,
    }
    with scope(school=world.a.school.pk):
        return services.referral_create(
            student=world.a.student,
            kind=Referral.Kind.EXTERNAL,
            sender=world.a.users["counsellor"],
            agency=agency,
            **values,
        )


def internal(world) -> Referral:
    with scope(school=world.a.school.pk):
        return services.referral_create(
            student=world.a.student,
            kind=Referral.Kind.INTERNAL,
            sender=world.a.users["homeroom"],
            to_role="nurse",
            reason="ปวดท้องบ่อย",
            what_is_asked="ตรวจสุขภาพเบื้องต้น",
            sensitive_notes=SECRET,
        )


def print_url(world, referral, which: str) -> str:
    return reverse(
        f"referrals:referral_{which}_print",
        kwargs={"school_code": world.a.school.code, "referral_id": referral.pk},
    )


def printed(client, url, capture) -> tuple[GeneratedFile, bytes]:
    with capture(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    generated = GeneratedFile.objects.order_by("-created").first()
    assert generated.status == GeneratedFile.Status.DONE, generated.error
    return generated, generated.file.read()


def direct(referral, which: str) -> bytes:
    with scope(school=referral.school_id), translation.override("th"):
        fresh = Referral.objects.select_related(
            "school__district", "student", "sender", "to_user", "agency", "accepted_by"
        ).get(pk=referral.pk)
        if which == "letter":
            return documents.referral_letter_pdf(referral=fresh)
        return documents.referral_result_pdf(referral=fresh)


class TestReferralLetter:
    def test_the_letter_prints_with_the_slip_and_without_the_notes(
        self, world, login, agency, django_capture_on_commit_callbacks
    ):
        referral = external(world, agency)
        client = login(world.a.users["homeroom"])
        generated, pdf = printed(
            client, print_url(world, referral, "letter"), django_capture_on_commit_callbacks
        )
        assert generated.filename.endswith(".pdf") and "/" not in generated.filename
        text = comparable(pdf_text(pdf))
        assert comparable(AGENCY) in text
        assert comparable(world.a.student.last_name) in text
        assert comparable(world.a.student.first_name) in text
        assert th_text("Referral acknowledgement slip") in text
        assert th_text("cut here") in text
        assert referral.number in text
        assert comparable("นางสมศรี ทดสอบ (มารดา)") in text  # the consent
        assert comparable(SECRET) not in text
        with scopes_disabled():
            assert AuditEvent.objects.filter(
                action=AuditEvent.Action.EXPORT, student_id=world.a.student.pk
            ).exists()

    def test_the_slip_stays_in_one_piece_on_the_last_page(self, world, agency):
        long_text = "\n".join(
            f"{i}. นักเรียนมาสายและขาดเรียนบ่อยในช่วงเดือนที่ผ่านมา ครูสังเกตเห็นรอยช้ำที่แขน" for i in range(1, 9)
        )
        referral = external(world, agency, reason=long_text, help_given=long_text)
        pdf = direct(referral, "letter")
        pages = pdf_pages(pdf)
        assert pages >= 2
        last = comparable(pdf_text(pdf, page=pages))
        heading = th_text("Referral acknowledgement slip")
        assert heading in last
        assert th_text("We will refer the student on to") in last  # the slip's end too
        for page in range(1, pages):
            assert heading not in comparable(pdf_text(pdf, page=page))

    def test_consent_not_asked_prints_the_reason(self, world, agency):
        referral = external(
            world,
            agency,
            consent=Referral.Consent.NOT_ASKED,
            consent_by="",
            consent_on=None,
            consent_not_asked_reason="เหตุฉุกเฉิน ติดต่อผู้ปกครองไม่ได้",
        )
        text = comparable(pdf_text(direct(referral, "letter")))
        assert comparable("เหตุฉุกเฉิน ติดต่อผู้ปกครองไม่ได้") in text

    def test_an_internal_letter_has_no_slip(self, world):
        referral = internal(world)
        text = comparable(pdf_text(direct(referral, "letter")))
        assert comparable(world.a.student.last_name) in text
        assert th_text("Referral acknowledgement slip") not in text
        assert comparable(SECRET) not in text

    def test_thai_digits_when_the_school_asks(self, world, agency):
        world.a.school.document_thai_digits = True
        world.a.school.save()
        referral = external(world, agency)
        text = pdf_text(direct(referral, "letter"))
        assert Paper(world.a.school).num(referral.number) in text

    def test_someone_who_may_not_see_the_referral_gets_404(self, world, login, agency):
        referral = external(world, agency)
        for key in ("homeroom_other", "nurse", "district_admin"):
            response = login(world.a.users[key]).post(print_url(world, referral, "letter"))
            assert response.status_code == 404, key
        assert not GeneratedFile.objects.exists()

    def test_get_is_refused(self, world, login, agency):
        referral = external(world, agency)
        client = login(world.a.users["counsellor"])
        assert client.get(print_url(world, referral, "letter")).status_code == 405

    def test_the_file_is_gone_once_the_referral_cannot_be_seen(
        self, world, login, agency, django_capture_on_commit_callbacks
    ):
        referral = external(world, agency)
        client = login(world.a.users["homeroom"])
        generated, _pdf = printed(
            client, print_url(world, referral, "letter"), django_capture_on_commit_callbacks
        )
        download = reverse("generated_file_download", kwargs={"file_id": generated.pk})
        assert client.get(download).status_code == 200
        with scopes_disabled():
            HomeroomAssignment.objects.filter(teacher=world.a.users["homeroom"]).delete()
        assert client.get(download).status_code == 404


class TestResultReport:
    def test_a_blank_form_for_the_agency_until_its_result_is_recorded(
        self, world, login, agency, django_capture_on_commit_callbacks
    ):
        referral = external(world, agency)
        client = login(world.a.users["counsellor"])
        _generated, pdf = printed(
            client, print_url(world, referral, "result"), django_capture_on_commit_callbacks
        )
        text = comparable(pdf_text(pdf))
        assert comparable(AGENCY) in text
        assert comparable(world.a.student.last_name) in text
        assert th_text("Head of the agency") in text
        assert referral.number in text
        assert comparable(SECRET) not in text

    def test_filled_with_the_agencys_result_and_the_follow_ups(self, world, agency):
        referral = external(world, agency)
        today = timezone.localdate()
        counsellor = world.a.users["counsellor"]
        with scope(school=world.a.school.pk):
            referral = services.agency_result_record(
                referral=referral,
                user=counsellor,
                received_on=today,
                agency_person="นางสาวพรทิพย์ ศรีสุข นักจิตวิทยาคลินิก",
                agency_result="บำบัดด้วยการพูดคุย 4 ครั้ง",
                recommendations="ครูติดตามการมาเรียนทุกสัปดาห์",
            )
            services.referral_follow_up(
                referral=referral, user=counsellor, date=today, text="โทรคุยกับมารดา"
            )
            referral = services.referral_close(
                referral=Referral.objects.get(pk=referral.pk), user=counsellor, outcome="improved"
            )
        text = comparable(pdf_text(direct(referral, "result")))
        for expected in (
            "นางสาวพรทิพย์ ศรีสุข",
            "บำบัดด้วยการพูดคุย 4 ครั้ง",
            "ครูติดตามการมาเรียนทุกสัปดาห์",
            "โทรคุยกับมารดา",
        ):
            assert comparable(expected) in text
        assert comparable(SECRET) not in text

    def test_an_internal_referrals_result(self, world):
        referral = internal(world)
        with scope(school=world.a.school.pk):
            referral = services.referral_accept(referral=referral, user=world.a.users["nurse"])
            referral = services.referral_result(
                referral=referral,
                user=world.a.users["nurse"],
                result="ตรวจแล้ว ไม่พบความผิดปกติ",
                outcome="improved",
            )
        text = comparable(pdf_text(direct(referral, "result")))
        assert comparable("ตรวจแล้ว ไม่พบความผิดปกติ") in text


def test_the_letter_context_never_holds_the_notes(world, agency):
    referral = external(world, agency, sent_on=timezone.localdate() - datetime.timedelta(days=2))
    with scope(school=world.a.school.pk):
        context = documents.referral_letter_context(referral, Paper(world.a.school))
        result = documents.referral_result_context(referral, Paper(world.a.school))
    assert SECRET not in repr(context)
    assert SECRET not in repr(result)
    assert context["student"]["age"]

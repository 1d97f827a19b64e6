"""The student's care summary (dashboards/care_summary.py): what the paper says, that it stays on
two pages however long the student's history, that it never prints confidential notes, and who
may print it. PDFs are read back with poppler, as a person opening them would read them."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled

from care.models import (
    Activity,
    ActivityParticipant,
    CarePlan,
    CarePlanAction,
    CarePlanFollowUp,
    Support,
)
from carecore.dates import format_date
from carecore.models import AuditEvent, GeneratedFile
from carecore.tests.test_pdf import comparable, pdf_pages, pdf_text
from dashboards.care_summary import care_summary_load, care_summary_pdf
from referrals.models import Agency, Referral
from schools.models import AcademicYear, Term
from schools.services import academic_year_create
from screening.models import CareGroup, SdqResponse
from students.models import AbilityRecord, FamilyRecord, Guardian, HealthRecord, TermResult
from visits.models import HomeVisit

REFERRAL_SECRET = "บันทึกลับของการส่งต่อ"
COUNSELLING_SECRET = "บันทึกการให้คำปรึกษาที่เป็นความลับ"


def term_of(world, number=1, year=None):
    return Term.objects.get(academic_year__year=year or world.year.year, number=number)


def day_in(term: Term, days: int) -> datetime.date:
    return term.start + datetime.timedelta(days=days)


def fill(world, student, *, many: int = 1):
    """A student with every section of the summary; ``many`` > 1 repeats the history (plans,
    follow-ups, activities, support, referrals, earlier years' screening) that many times."""
    a = world.a
    teacher, counsellor = a.users["homeroom"], a.users["counsellor"]
    # A long history also has long texts: every free text longer than the paper keeps.
    long = 8 if many > 1 else 1
    with scopes_disabled():
        for back in range(1, many):
            if not AcademicYear.objects.filter(year=world.year.year - back).exists():
                academic_year_create(year=world.year.year - back)
        term1 = term_of(world, 1)
        Guardian.objects.filter(student=student).update(phone="0812345678")
        FamilyRecord.objects.create(
            student=student,
            lives_with=FamilyRecord.LivesWith.GRANDPARENTS,
            parents_status=FamilyRecord.ParentsStatus.WORKING_AWAY,
            household_size=4,
            income_per_month=6000,
            welfare_card=True,
        )
        TermResult.objects.create(student=student, year=world.year.year, term=1, gpa="2.75")
        if many > 1:
            for relation in (Guardian.Relation.GRANDMOTHER, Guardian.Relation.FATHER):
                Guardian.objects.create(
                    student=student,
                    prefix="นาง",
                    first_name="บุญเรือน",
                    last_name="ศรีสวัสดิ์วงศ์",
                    relation=relation,
                    phone="0898765432",
                )
            AbilityRecord.objects.create(student=student, talents="วาดภาพ ร้องเพลง " * long)
            HealthRecord.objects.create(
                student=student,
                eyesight=HealthRecord.Eyesight.GLASSES,
                has_chronic_illness=True,
                disabilities=["learning", "adhd"],
            )
        HomeVisit.objects.create(
            school=a.school,
            student=student,
            academic_year=world.year,
            status=HomeVisit.Status.DONE,
            date=day_in(term1, 20),
            visitors="นางสาวครู ประจำชั้น",
            met=["grandparent"],
            problems=["poverty"],
            help_needed=["scholarship"],
            summary="บ้านอยู่ไกลโรงเรียน ยายดูแลหลานสองคน " * long,
            recommendation="เสนอชื่อรับทุนเสมอภาค " * long,
            family_requests="ขอให้ครูช่วยดูแลเรื่องการบ้าน " * long,
        )
        terms = list(
            Term.objects.filter(academic_year__year__lte=world.year.year).order_by(
                "-academic_year__year", "-number"
            )
        )
        for term in terms[: 2 * many]:
            CareGroup.objects.create(
                student=student,
                term=term,
                school=a.school,
                derived_level="problem",
                level="problem",
                special=True,
                reasons=[
                    {
                        "source": "sdq",
                        "rater": "teacher",
                        "scale": "total",
                        "score": 19,
                        "band": "problem",
                    }
                ],
            )
            for rater, total in (("teacher", 19), ("parent", 14)):
                SdqResponse.objects.create(
                    student=student,
                    term=term,
                    rater=rater,
                    status="complete",
                    total=total,
                    total_band="problem" if total >= 18 else "normal",
                    source="form",
                )
        agency, _ = Agency.objects.get_or_create(
            district=a.district, name="โรงพยาบาลชุมแพ", defaults={"kind": "hospital"}
        )
        for i in range(many):
            opened = day_in(term1, 5 + i)
            plan = CarePlan.objects.create(
                school=a.school,
                student=student,
                term=term1,
                opened_on=opened,
                problem="ขาดเรียนบ่อย ไม่ส่งการบ้าน " * long,
                goals="มาเรียนสม่ำเสมอ " * long,
                status=CarePlan.Status.IN_PROGRESS,
                next_review=opened + datetime.timedelta(days=30),
                opened_by=teacher,
            )
            for j in range(2 * many):
                CarePlanAction.objects.create(
                    plan=plan,
                    school=a.school,
                    action=f"โทรคุยกับยาย ครั้งที่ {j + 1} " * long,
                    who="ครูประจำชั้น",
                )
                CarePlanFollowUp.objects.create(
                    plan=plan,
                    school=a.school,
                    date=opened + datetime.timedelta(days=j + 1),
                    what_was_done="ครูเยี่ยมบ้านและคุยกับยายเรื่องการมาเรียน " * long,
                    result="partly",
                    next_step="ติดตามต่อทุกสัปดาห์ " * long,
                )
            CarePlan.objects.create(
                school=a.school,
                student=student,
                term=term1,
                opened_on=opened - datetime.timedelta(days=3),
                problem="ปัญหาเดิมที่แก้ไขแล้ว",
                goals="goals",
                status=CarePlan.Status.CLOSED,
                outcome=CarePlan.Outcome.IMPROVED,
                closed_on=opened,
            )
            for kind, category, secret in (
                ("homeroom", "promotion", ""),
                ("counselling", "prevention", COUNSELLING_SECRET),
            ):
                activity = Activity.objects.create(
                    school=a.school,
                    term=term1,
                    kind=kind,
                    category=category,
                    date=day_in(term1, 10 + i),
                    topic="การวางแผนการเรียน " * long,
                    sensitive_notes=secret,
                    recorded_by=teacher,
                )
                ActivityParticipant.objects.create(
                    activity=activity, school=a.school, student=student
                )
            Support.objects.create(
                school=a.school,
                student=student,
                term=term1,
                kind="equity",
                source="กองทุนเพื่อความเสมอภาคทางการศึกษา",
                amount=Decimal("1500"),
                date=day_in(term1, 30 + i),
            )
            Referral.objects.create(
                school=a.school,
                student=student,
                kind=Referral.Kind.EXTERNAL,
                sender=counsellor,
                agency=agency,
                sent_on=day_in(term1, 40 + i),
                reason="น้ำหนักต่ำกว่าเกณฑ์มาก " * long,
                request="ตรวจสุขภาพ",
                sensitive_notes=REFERRAL_SECRET,
                answer_due=day_in(term1, 47 + i),
                consent=Referral.Consent.GIVEN,
                consent_by="ยาย",
                status=Referral.Status.CLOSED,
                agency_result="ตรวจพบภาวะโลหิตจาง ให้ยาเสริมธาตุเหล็ก " * long,
                outcome=Referral.Outcome.IMPROVED,
            )
    return student


def squashed(text: str) -> str:
    """Comparable text without spaces or line breaks (a table cell wraps long names)."""
    return "".join(comparable(text).split())


def printed(world, student, language="th", **kwargs) -> str:
    with translation.override(language):
        return squashed(pdf_text(care_summary_pdf(student=student, **kwargs)))


def post_print(client, world, student):
    return client.post(f"/s/{world.a.school.code}/students/{student.pk}/care-summary/print/")


class TestCareSummaryPdf:
    def test_prints_every_section_with_be_dates_and_no_confidential_notes(self, world):
        student = fill(world, world.a.student)
        text = printed(world, student)
        with translation.override("th"), scopes_disabled():
            visit_date = format_date(HomeVisit.objects.get(student=student).date, "long")
            referred_on = format_date(Referral.objects.get(student=student).sent_on, "short")
        for expected in (
            student.full_name,
            student.student_code,
            "ป.4/1",  # the classroom this year
            "0812345678",  # the guardian's phone
            "2.75",  # the GPA of the record
            visit_date,  # 23 มิถุนายน 2569: the Buddhist Era year
            "นางสาวครู ประจำชั้น",
            "เสนอชื่อรับทุนเสมอภาค",
            "มีปัญหา",  # the care group
            "ขาดเรียนบ่อย",  # the plan's problem
            "ครูเยี่ยมบ้านและคุยกับยาย",  # its follow-up
            "ปัญหาเดิมที่แก้ไขแล้ว",  # the closed plan, in one line
            "การวางแผนการเรียน",  # an activity
            "กองทุนเพื่อความเสมอภาคทางการศึกษา",
            "1,500",
            "โรงพยาบาลชุมแพ",
            referred_on,
            "ตรวจพบภาวะโลหิตจาง",  # the agency's result
            world.a.users["homeroom"].display_name,  # the signature lines
            world.a.users["counsellor"].display_name,
        ):
            assert squashed(expected) in text, expected
        assert str(world.year.year - 543) not in text  # never the Christian Era year
        assert squashed(REFERRAL_SECRET) not in text
        assert squashed(COUNSELLING_SECRET) not in text

    def test_headings_and_what_is_missing_in_english(self, world):
        text = printed(world, world.a.other_student, "en")
        for expected in (
            "Student care summary",
            "Not visited yet this academic year.",
            "Not screened yet.",
            "No care plan.",
            "No care activity recorded this academic year.",
            "No support recorded.",
            "No referral.",
            "Homeroom teacher",
            "Guidance counsellor",
        ):
            assert squashed(expected) in text, expected

    def test_years_of_history_stay_on_two_pages_and_say_what_was_left_out(self, world):
        student = fill(world, world.a.student, many=6)
        with translation.override("th"):
            assert pdf_pages(care_summary_pdf(student=student)) <= 2
        with translation.override("en"):  # English labels are longer
            pdf = care_summary_pdf(student=student)
        assert pdf_pages(pdf) <= 2
        text = " ".join(pdf_text(pdf).split())
        for left_out in (
            "and 9 earlier terms",
            "and 9 more actions",
            "10 earlier follow-ups not shown",
            "and 3 more open plans",
            "and 4 more closed plans",
            "and 3 earlier support records",
            "and 3 earlier referrals",
        ):
            assert left_out in text, left_out
        assert "Took part 12 times" in text
        assert squashed(REFERRAL_SECRET) not in squashed(text)
        assert squashed(COUNSELLING_SECRET) not in squashed(text)

    def test_only_the_referrals_given_are_printed(self, world):
        student = fill(world, world.a.student)
        assert squashed("โรงพยาบาลชุมแพ") not in printed(world, student, referral_ids=[])

    def test_a_fixed_number_of_queries_however_long_the_history(
        self, world, django_assert_num_queries
    ):
        light = fill(world, world.a.student)
        heavy = fill(world, world.a.other_student, many=4)
        for student in (light, heavy):
            with scope(school=world.a.school), django_assert_num_queries(20):
                # The student with school and district; the academic year; the classroom; its
                # teachers; the counsellor; groups; SDQ forms; plans, their actions and their
                # follow-ups (3); activities; guardians; the record's facts (5: grades, health,
                # family, protection, ability); the latest visit; support; referrals.
                care_summary_load(student=student)


class TestCareSummaryPrint:
    def test_the_homeroom_teacher_prints_it_through_a_job_and_it_is_audited(
        self, world, login, django_capture_on_commit_callbacks
    ):
        student = fill(world, world.a.student)
        client = login(world.a.users["homeroom"])
        with django_capture_on_commit_callbacks(execute=True):
            response = post_print(client, world, student)
        assert response.status_code == 302
        generated = GeneratedFile.objects.get(kind="student_care_summary")
        assert generated.status == GeneratedFile.Status.DONE
        assert student.full_name.replace("/", "-") in generated.filename
        download = client.get(f"/files/{generated.pk}/download/")
        assert download.status_code == 200
        text = squashed(pdf_text(b"".join(download.streaming_content)))
        assert squashed("โรงพยาบาลชุมแพ") in text
        assert squashed(REFERRAL_SECRET) not in text
        with scopes_disabled():
            # Asking for the summary, then downloading it (carecore/file_views.py): both logged.
            event = AuditEvent.objects.exclude(object_type="generatedfile").get(
                action=AuditEvent.Action.EXPORT
            )
            downloaded = AuditEvent.objects.get(
                action=AuditEvent.Action.EXPORT, object_type="generatedfile"
            )
        assert downloaded.student_id == student.pk and downloaded.object_id == str(generated.pk)
        assert event.student_id == student.pk
        assert event.user_id == world.a.users["homeroom"].pk

    @pytest.mark.parametrize("who", ["homeroom_other", "nurse", "network"])
    def test_who_may_not_see_the_student_gets_404(self, world, login, who):
        client = login(world.a.users[who])
        assert post_print(client, world, world.a.student).status_code == 404

    def test_another_schools_staff_get_404(self, world, login):
        for key in ("coordinator", "director", "counsellor"):
            client = login(world.b.users[key])
            assert post_print(client, world, world.a.student).status_code == 404
        assert not GeneratedFile.objects.exists()

    def test_a_recipient_prints_it_while_the_referral_is_open_with_their_referrals_only(
        self, world, login, django_capture_on_commit_callbacks
    ):
        student = fill(world, world.a.student)
        with scopes_disabled():
            to_nurse = Referral.objects.create(
                school=world.a.school,
                student=student,
                kind=Referral.Kind.INTERNAL,
                sender=world.a.users["homeroom"],
                to_role="nurse",
                reason="ปวดท้องบ่อย",
                request="ตรวจอาการ",
                answer_due=timezone.localdate(),
            )
        client = login(world.a.users["nurse"])
        with django_capture_on_commit_callbacks(execute=True):
            assert post_print(client, world, student).status_code == 302
        generated = GeneratedFile.objects.get(kind="student_care_summary")
        download = client.get(f"/files/{generated.pk}/download/")
        text = squashed(pdf_text(b"".join(download.streaming_content)))
        assert squashed("ปวดท้องบ่อย") in text
        # The counsellor's referral to the hospital is not the nurse's to see.
        assert squashed("โรงพยาบาลชุมแพ") not in text
        # Once the referral is closed, the student and the file are gone for the nurse.
        with scopes_disabled():
            Referral.objects.filter(pk=to_nurse.pk).update(
                status=Referral.Status.CLOSED, outcome=Referral.Outcome.IMPROVED
            )
        assert client.get(f"/files/{generated.pk}/download/").status_code == 404
        assert post_print(client, world, student).status_code == 404

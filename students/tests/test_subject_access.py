"""The subject-access export (students/subject_access.py): every section of the student's file
in the PDF and the ZIP, confidential notes for those who may read them, the photos, the job and
its audit row, and who may start it."""

import csv
import datetime
import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.utils import translation
from django_scopes import scope, scopes_disabled
from PIL import Image

from carecore.models import AuditEvent, GeneratedFile
from carecore.tests.test_pdf import pdf_text
from conftest import th
from dashboards.tests.test_care_summary import (
    COUNSELLING_SECRET,
    REFERRAL_SECRET,
    fill,
    squashed,
)
from dropouts.models import CaseLogEntry, DropoutCase
from students.subject_access import export_pdf, export_zip, subject_access_collect
from visits.models import HomeVisit, VisitPhoto

SECTIONS = {
    "student",
    "guardians",
    "enrolments",
    "record_ability",
    "record_health",
    "record_family",
    "record_protection",
    "term_results",
    "record_history",
    "home_visits",
    "visit_photos",
    "sdq_responses",
    "eq_responses",
    "aspect_results",
    "care_groups",
    "care_group_changes",
    "care_activities",
    "care_plans",
    "care_plan_actions",
    "care_plan_follow_ups",
    "support",
    "referrals",
    "referral_updates",
    "dropout_cases",
    "dropout_case_log",
    "dropout_case_observations",
    "audit_log",
}
CASE_NOTE = "ครูไปพบยายที่บ้านเรื่องการกลับมาเรียน"


def jpeg(colour="green") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG")
    return out.getvalue()


def full_file(world):
    """School A's student with every kind of record, two home-visit photos and a dropout case."""
    a = world.a
    student = fill(world, a.student)
    with scopes_disabled():
        visit = HomeVisit.objects.get(student=student)
        # Stored as the photo service stores them (the service itself is tested in visits/).
        for colour in ("green", "blue"):
            photo = VisitPhoto(visit=visit, school=a.school, kind="outside", width=64, height=48)
            photo.image.save("p.jpg", ContentFile(jpeg(colour)), save=False)
            photo.save()
        today = datetime.date.today()
        case = DropoutCase.objects.create(
            district=a.district,
            school=a.school,
            student=student,
            situation="at_risk",
            reported_on=today,
            reporter_kind="school",
            step="report",
            step_started=today,
            guardian_phone="0899999999",
        )
        CaseLogEntry.objects.create(
            case=case, date=today, kind="note", text=CASE_NOTE, by=a.users["director"]
        )
        AuditEvent.objects.create(
            action="view",
            user_id=a.users["counsellor"].pk,
            user_name="ครูแนะแนว ใจดี",
            school_id=a.school.pk,
            district_id=a.district.pk,
            student_id=student.pk,
            student_name=student.full_name,
            summary="เปิดระเบียน",
            ip="10.1.2.3",
        )
    return student


def collect(world, student, **kwargs):
    kwargs.setdefault("counselling_notes", True)
    with scope(school=world.a.school.pk):
        return subject_access_collect(student=student, **kwargs)


class TestContents:
    def test_every_section_is_in_the_zip_as_json_and_csv_with_the_photos(self, world):
        student = full_file(world)
        with scopes_disabled():
            referral_ids = list(student.referrals.values_list("pk", flat=True))
        export = collect(world, student, referral_note_ids=referral_ids)
        archive = zipfile.ZipFile(io.BytesIO(export_zip(export)))
        names = set(archive.namelist())
        data = json.loads(archive.read("data.json"))
        assert data["format"] == "carecare-subject-access/1"
        assert set(data["sections"]) >= SECTIONS
        assert {f"csv/{key}.csv" for key in SECTIONS} <= names
        sections = data["sections"]
        # The profile in full (the national ID is the data subject's own).
        assert sections["student"]["rows"][0]["national_id"] == student.national_id
        assert sections["guardians"]["rows"][0]["first_name"] == "สมศรี"
        # Screening with the versions that scored it; the care plans, referrals, dropout case.
        assert {r["total"] for r in sections["sdq_responses"]["rows"]} == {14, 19}
        assert "key_version" in sections["sdq_responses"]["fields"]
        assert sections["care_plans"]["rows"]
        assert sections["care_plan_follow_ups"]["rows"]
        assert sections["dropout_case_log"]["rows"][0]["text"] == CASE_NOTE
        # Confidential notes, for someone who may read them.
        notes = [r["sensitive_notes"] for r in sections["care_activities"]["rows"]]
        assert COUNSELLING_SECRET in notes
        assert sections["referrals"]["rows"][0]["sensitive_notes"] == REFERRAL_SECRET
        # Who saw the record, without the staff member's address.
        audit = sections["audit_log"]["rows"]
        assert [r["user_name"] for r in audit] == ["ครูแนะแนว ใจดี"]
        assert "ip" not in sections["audit_log"]["fields"]
        # The photos as files, named in their section.
        photos = sorted(n for n in names if n.startswith("photos/"))
        assert len(photos) == 2
        assert sorted(r["file_in_zip"] for r in sections["visit_photos"]["rows"]) == photos
        assert archive.read(photos[0])[:3] == b"\xff\xd8\xff"
        # The CSV of a section has its columns and rows.
        rows = list(
            csv.DictReader(io.StringIO(archive.read("csv/guardians.csv").decode("utf-8-sig")))
        )
        assert rows[0]["first_name"] == "สมศรี"

    def test_csv_cells_never_start_a_formula(self, world):
        student = world.a.student
        with scopes_disabled():
            student.nickname = '=HYPERLINK("http://x")'
            student.save()
        archive = zipfile.ZipFile(io.BytesIO(export_zip(collect(world, student))))
        text = archive.read("csv/student.csv").decode("utf-8-sig")
        assert "'=HYPERLINK" in text

    def test_confidential_notes_are_left_out_for_who_may_not_read_them(self, world):
        student = full_file(world)
        export = collect(world, student, counselling_notes=False, referral_note_ids=[])
        data = json.loads(zipfile.ZipFile(io.BytesIO(export_zip(export))).read("data.json"))
        text = json.dumps(data, ensure_ascii=False)
        assert COUNSELLING_SECRET not in text
        assert REFERRAL_SECRET not in text

    def test_the_pdf_has_every_section_in_thai_with_be_dates_and_the_photos(self, world):
        student = full_file(world)
        with scopes_disabled():
            referral_ids = list(student.referrals.values_list("pk", flat=True))
            visit = HomeVisit.objects.get(student=student)
        export = collect(world, student, referral_note_ids=referral_ids, reference="หนังสือของมารดา")
        with translation.override("th"):
            pdf = export_pdf(export)
        text = squashed(pdf_text(pdf))
        for heading in (
            "ผู้ปกครอง",
            "การเยี่ยมบ้าน",
            "แผนช่วยเหลือ",
            "การส่งต่อ",
            "ผู้ที่เปิดดูหรือแก้ไขระเบียน",
        ):
            assert squashed(heading) in text, heading
        assert squashed(COUNSELLING_SECRET) in text
        assert squashed(REFERRAL_SECRET) in text
        assert squashed(CASE_NOTE) in text
        assert squashed("หนังสือของมารดา") in text
        # Buddhist Era dates.
        assert str(visit.date.year + 543) in text
        # Two photos drawn as images.
        assert pdf.count(b"/Subtype /Image") >= 2


def start(client, world, student, fmt="pdf", reference="หนังสือของมารดา ลงวันที่ 1 ธ.ค. 2569"):
    return client.post(
        f"/s/{world.a.school.code}/students/{student.pk}/subject-access/{fmt}/",
        {"reference": reference},
    )


class TestExportJob:
    @pytest.mark.parametrize("fmt", ["pdf", "zip"])
    def test_the_director_gets_the_file_through_a_job_and_it_is_audited(
        self, world, login, django_capture_on_commit_callbacks, fmt
    ):
        student = full_file(world)
        client = login(world.a.users["director"])
        page = client.get(f"/s/{world.a.school.code}/students/{student.pk}/subject-access/")
        assert page.status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            response = start(client, world, student, fmt)
        assert response.status_code == 302
        generated = GeneratedFile.objects.get(kind=f"subject_access_{fmt}")
        assert generated.status == GeneratedFile.Status.DONE, generated.error
        download = client.get(f"/files/{generated.pk}/download/")
        assert download.status_code == 200
        content = b"".join(download.streaming_content)
        if fmt == "zip":
            data = json.loads(zipfile.ZipFile(io.BytesIO(content)).read("data.json"))
            assert data["request_reference"] == "หนังสือของมารดา ลงวันที่ 1 ธ.ค. 2569"
            assert COUNSELLING_SECRET in json.dumps(data, ensure_ascii=False)
        else:
            assert squashed(REFERRAL_SECRET) in squashed(pdf_text(content))
        with scopes_disabled():
            event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).earliest("pk")
        assert event.student_id == student.pk
        assert event.user_id == world.a.users["director"].pk
        assert "หนังสือของมารดา" in event.summary

    def test_the_director_sees_the_button_and_others_do_not(self, world, login):
        url = f"/s/{world.a.school.code}/students/{world.a.student.pk}/"
        assert "subject-access-card" in login(world.a.users["director"]).get(url).text
        assert "subject-access-card" not in login(world.a.users["coordinator"]).get(url).text

    def test_a_request_without_its_reference_is_refused_with_a_message(self, world, login):
        client = login(world.a.users["director"])
        response = start(client, world, world.a.student, reference="  ")
        assert response.status_code == 400
        assert th("Write who asked and when.") in response.text
        assert not GeneratedFile.objects.exists()
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()

    def test_an_unknown_format_is_404(self, world, login):
        client = login(world.a.users["director"])
        assert start(client, world, world.a.student, fmt="exe").status_code == 404

    @pytest.mark.parametrize("who", ["homeroom", "counsellor", "coordinator", "district_admin"])
    def test_other_roles_get_403(self, world, login, who):
        client = login(world.a.users[who])
        assert start(client, world, world.a.student).status_code == 403
        url = f"/s/{world.a.school.code}/students/{world.a.student.pk}/subject-access/"
        assert client.get(url).status_code == 403
        assert not GeneratedFile.objects.exists()

    def test_another_schools_director_gets_404(self, world, login):
        client = login(world.b.users["director"])
        assert start(client, world, world.a.student).status_code == 404
        # Their own school's address with A's student: not theirs either.
        url = f"/s/{world.b.school.code}/students/{world.a.student.pk}/subject-access/pdf/"
        assert client.post(url, {"reference": "x"}).status_code == 404

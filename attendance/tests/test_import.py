"""The import of an attendance export: every bad row listed in Thai and nothing written; a good
file writes the days (BE or CE dates, national IDs or codes), keeps the history of a replaced
mark and raises the flags the days make."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django_scopes import scopes_disabled

from attendance.imports import SCHEMA
from attendance.models import AttendanceFlag, AttendanceImport, Mark, MarkChange, Roll
from attendance.services import roll_save
from attendance.tests.factories import weekdays_from

pytestmark = pytest.mark.django_db


def be(day):
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def csv(rows):
    return ("\ufeffstudent,date,status\n" + "\n".join(",".join(r) for r in rows)).encode()


def test_every_bad_row_is_listed_in_thai_and_nothing_is_written(world, term1):
    a = world.a
    monday = weekdays_from(term1.start, 1)[0]
    saturday = monday + datetime.timedelta(days=(5 - monday.weekday()) % 7)
    data = csv(
        [
            [a.student.student_code, be(monday), "ขาด"],  # good
            ["99999", be(monday), "ขาด"],  # no such student
            [a.student.student_code, "31/02/2569", "ขาด"],  # no such date
            [a.student.student_code, be(saturday), "ขาด"],  # a weekend
            [a.other_student.student_code, be(monday), "หนีเรียน"],  # unknown status
            [a.student.student_code, be(monday), "มา"],  # the same day twice
            [world.b.student.student_code, be(monday), "ขาด"],  # another school's student
        ]
    )
    with scopes_disabled():
        report = SCHEMA.apply(
            data=data, filename="a.csv", school=a.school, academic_year=world.year
        )
        assert not Roll.objects.exists() and not Mark.objects.exists()
    assert sorted({e["row"] for e in report.errors}) == [3, 4, 5, 6, 7, 8]
    with translation.override("th"):
        messages = [SCHEMA.error_message(e) for e in report.errors]
    assert "ไม่มีนักเรียนของโรงเรียนที่มีเลขประจำตัวนักเรียนหรือเลขประจำตัวประชาชนนี้" in messages
    assert any(m.startswith("ไม่ใช่วันที่") for m in messages)
    assert any("วันหยุดตามปฏิทินของโรงเรียน" in m for m in messages)
    assert any(m.startswith("ไม่รู้จักสถานะนี้") for m in messages)
    assert any("แถวที่ 2" in m for m in messages)


def test_a_good_file_writes_the_days_keeps_history_and_flags(world, term1):
    a = world.a
    days = weekdays_from(term1.start, 3)
    with scopes_disabled():
        roll_save(classroom=a.classroom, day=days[0], marks={}, user=a.users["homeroom"])
    rows = [
        [a.student.national_id, be(days[0]), "ขาด"],  # replaces "present"
        [a.student.student_code, days[1].isoformat(), "absent"],  # CE
        [a.student.student_code, be(days[2]), "ข"],
        [a.other_student.student_code, be(days[2]), "ลาป่วย"],
    ]
    with scopes_disabled():
        report = SCHEMA.apply(
            data=csv(rows), filename="a.csv", school=a.school, academic_year=world.year
        )
        assert report.ok, report.errors
        assert report.summary["replaced"] == 1 and report.summary["new"] == 3
        assert Mark.objects.filter(student=a.student, status="absent").count() == 3
        assert MarkChange.objects.get().new_status == "absent"
        assert Mark.objects.get(student=a.other_student).leave_kind == "sick"
        assert AttendanceFlag.objects.get().kind == "streak"


def test_the_coordinator_imports_through_the_pages(
    world, login, term1, django_capture_on_commit_callbacks
):
    a = world.a
    day = weekdays_from(term1.start, 1)[0]
    client = login(a.users["coordinator"])
    base = f"/s/{a.school.code}/attendance/import/"
    assert client.get(base).status_code == 200
    assert client.get(base + "template.xlsx/").status_code == 200
    upload = SimpleUploadedFile("att.csv", csv([[a.student.student_code, be(day), "สาย"]]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(base, {"file": upload, "academic_year": world.year.pk})
    assert response.status_code == 302
    with scopes_disabled():
        record = AttendanceImport.objects.get()
    assert record.status == "ready"
    page = client.get(response["Location"]).content.decode()
    assert "import-preview" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{base}{record.pk}/confirm/")
    with scopes_disabled():
        assert Mark.objects.get().status == "late"

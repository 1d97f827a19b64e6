"""The appointment order (PDF), built by its job: the official layout read back from its text
layer (pdftotext): คำสั่ง<the office>, ที่ <number>/<B.E. year> in Thai digits, เรื่อง แต่งตั้ง...,
the members with their roles, the duties, สั่ง ณ วันที่ ... and who signs."""

import os

import pytest
from django.utils import translation

from carecore.dates import THAI_MONTHS, to_thai_digits
from carecore.jobs import JOB_KINDS, JobFailed
from carecore.models import GeneratedFile
from carecore.tests.test_pdf import pdf_text
from districts.committees.tests.factories import make_committee


def build(generated):
    with translation.override("th"):
        return JOB_KINDS["committee_order"].build(generated, lambda p: None)


@pytest.mark.django_db
def test_the_order_reads_back_in_the_official_layout(world):
    a = world.a
    committee = make_committee(a, level="district")
    generated = GeneratedFile(
        kind="committee_order", title="t", district=a.district,
        params={"committee_id": committee.pk},
    )  # fmt: skip
    built = build(generated)
    assert built.content.startswith(b"%PDF") and built.filename.endswith(".pdf")
    if os.environ.get("COMMITTEE_PDF_OUT"):
        with open(os.environ["COMMITTEE_PDF_OUT"], "wb") as out:
            out.write(built.content)
    text = "".join(pdf_text(built.content).split())
    date = committee.order_date
    for expected in (
        f"คำสั่ง{a.district.name}".replace(" ", ""),
        "ที่๑๒๕/" + to_thai_digits(date.year + 543),
        "เรื่องแต่งตั้งคณะกรรมการดำเนินงานระบบการดูแลช่วยเหลือนักเรียน",
        "นางสาวมาลีชุมชนดีผู้แทนผู้ปกครองชุมชนบ้านหนองบัว",
        "ประธานกรรมการ",
        "กรรมการและเลขานุการ",
        "วางแผนการดำเนินงาน",
        "สั่งณวันที่" + to_thai_digits(date.day) + THAI_MONTHS[date.month - 1],
        "พ.ศ." + to_thai_digits(date.year + 543),
        "(นายสมชายใจดี)",
    ):
        assert expected in text, expected
    assert a.student.first_name not in text


@pytest.mark.django_db
def test_a_committee_of_another_place_is_not_printed(world):
    theirs = make_committee(world.b, level="district")
    school_committee = make_committee(world.a)
    for committee in (theirs, school_committee):
        generated = GeneratedFile(
            kind="committee_order", title="t", district=world.a.district,
            params={"committee_id": committee.pk},
        )  # fmt: skip
        with pytest.raises(JobFailed):
            build(generated)


@pytest.mark.django_db
def test_the_minutes_read_back_with_attendance_agenda_and_resolutions(world):
    from districts.committees.tests.factories import make_meeting, make_resolution

    a = world.a
    committee = make_committee(a)
    meeting = make_meeting(a, committee)
    make_resolution(a, meeting, text="จัดอบรมครูที่ปรึกษาเรื่องการคัดกรอง")
    generated = GeneratedFile(
        kind="committee_minutes", title="t", school=a.school,
        params={"committee_id": committee.pk, "meeting_id": meeting.pk},
    )  # fmt: skip
    with translation.override("th"):
        built = JOB_KINDS["committee_minutes"].build(generated, lambda p: None)
    text = "".join(pdf_text(built.content).split())
    for expected in (
        "รายงานการประชุมคณะกรรมการดำเนินงานระบบการดูแลช่วยเหลือนักเรียน",
        "ครั้งที่๑/" + to_thai_digits(meeting.held_on.year + 543),
        "ผู้มาประชุม",
        "นางสาวมาลีชุมชนดี",
        "ระเบียบวาระที่๔เรื่องเพื่อพิจารณา",
        "มติที่ประชุมจัดอบรมครูที่ปรึกษาเรื่องการคัดกรอง",
        "ผู้จดรายงานการประชุม",
    ):
        assert expected in text, expected
    # A meeting of another committee is not printed under this one.
    other = make_meeting(a, make_committee(a, title="อีกคณะ"))
    generated.params = {"committee_id": committee.pk, "meeting_id": other.pk}
    with pytest.raises(JobFailed):
        JOB_KINDS["committee_minutes"].build(generated, lambda p: None)

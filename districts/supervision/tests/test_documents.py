"""The supervision report (PDF): built by its job for the district, the Thai read back from its
text layer (pdftotext): the round, the summary, each school with its findings, recommendations
and the school's actions."""

import os

import pytest
from django.utils import translation
from django_scopes import scopes_disabled

from carecore.jobs import JOB_KINDS
from carecore.models import GeneratedFile
from carecore.tests.test_pdf import pdf_text
from districts.supervision import services
from districts.supervision.tests.factories import make_round, make_visit


@pytest.mark.django_db
def test_the_report_reads_back_in_thai(world):
    a = world.a
    round_ = make_round(a)
    visit = make_visit(
        a,
        round_,
        findings_2="เกณฑ์การคัดกรองกลุ่มเสี่ยงแต่ละชั้นไม่ตรงกัน",
        recommendations_2="ประชุมครูกำหนดเกณฑ์การคัดกรองร่วมกัน",
    )
    with scopes_disabled():
        services.visit_answer(
            visit=visit, actions={2: "ประชุมครูวันที่ 15 กำหนดเกณฑ์ร่วมกัน"}, user=None, revision=None
        )
    generated = GeneratedFile(
        kind="supervision_report",
        title="t",
        created_by=a.users["district_supervisor"],
        district=a.district,
        params={"round_id": round_.pk},
    )
    with translation.override("th"), scopes_disabled():
        built = JOB_KINDS["supervision_report"].build(generated, lambda p: None)
    assert built.content.startswith(b"%PDF") and built.filename.endswith(".pdf")
    if os.environ.get("SUPERVISION_PDF_OUT"):
        with open(os.environ["SUPERVISION_PDF_OUT"], "wb") as out:
            out.write(built.content)
    text = "".join(pdf_text(built.content).split())
    for expected in (
        "รายงานผลการนิเทศ",
        "สรุปผลการนิเทศทุกโรงเรียน",
        a.school.name.replace(" ", ""),
        "เกณฑ์การคัดกรองกลุ่มเสี่ยงแต่ละชั้นไม่ตรงกัน",
        "ประชุมครูกำหนดเกณฑ์การคัดกรองร่วมกัน",
        "ประชุมครูวันที่15กำหนดเกณฑ์ร่วมกัน",
        "ระดับ2จาก4",
    ):
        assert expected in text, expected
    assert a.student.first_name not in text


@pytest.mark.django_db
def test_a_round_of_another_district_is_not_printed(world):
    from carecore.jobs import JobFailed

    round_ = make_round(world.b)
    generated = GeneratedFile(
        kind="supervision_report", title="t", district=world.a.district,
        params={"round_id": round_.pk},
    )  # fmt: skip
    with pytest.raises(JobFailed):
        JOB_KINDS["supervision_report"].build(generated, lambda p: None)

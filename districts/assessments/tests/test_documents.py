"""The certificates (PDF): built by their job, one A4 landscape page per school given the award,
the Thai read back from the text layer (pdftotext): the district office, เกียรติบัตร, the
school, the award and its level, the date in Thai digits, the signer."""

import os
import re
import subprocess

import pytest
from django.utils import translation
from django_scopes import scopes_disabled

from carecore.jobs import JOB_KINDS, JobFailed
from carecore.models import GeneratedFile
from carecore.tests.test_pdf import pdf_text
from districts.assessments import services
from districts.assessments.tests.factories import make_round, release, score, submit

AWARD = "สถานศึกษาต้นแบบระบบการดูแลช่วยเหลือนักเรียน"


def _category(side, *, give=True):
    round_ = make_round(side)
    score(submit(side, round_), side.users["district_supervisor"], (5, 5, 5))
    release(round_)
    with scopes_disabled():
        round_.refresh_from_db()
        category = services.category_create(round_=round_, title=AWARD, min_mean=None)
        if give:
            services.awards_set(
                category=category,
                schools=[side.school],
                levels={side.school.pk: "ดีเยี่ยม"},
                user=None,
            )
    return round_, category


def _build(side, round_, category):
    generated = GeneratedFile(
        kind="assessment_certificates",
        title="t",
        created_by=side.users["district_supervisor"],
        district=side.district,
        params={"round_id": round_.pk, "category_id": category.pk},
    )
    with translation.override("th"), scopes_disabled():
        return JOB_KINDS["assessment_certificates"].build(generated, lambda p: None)


@pytest.mark.django_db
def test_the_certificate_reads_back_in_thai_on_a_landscape_page(world, tmp_path):
    a = world.a
    round_, category = _category(a)
    built = _build(a, round_, category)
    assert built.content.startswith(b"%PDF") and built.filename.endswith(".pdf")
    out = os.environ.get("ASSESSMENT_PDF_OUT") or str(tmp_path / "certificates.pdf")
    with open(out, "wb") as handle:
        handle.write(built.content)
    info = subprocess.run(["pdfinfo", out], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M)
    assert re.search(r"^Page size:\s+841.89 x 595.27\d? pts", info, re.M)  # A4 landscape
    text = "".join(pdf_text(built.content).split())
    for expected in (
        "เกียรติบัตร",
        a.school.name.replace(" ", ""),
        AWARD,
        "ระดับ“ดีเยี่ยม”",
        "ปีการศึกษา๒๕๖๘",  # the title's year, in Thai digits
        "ให้ไว้ณวันที่",
        "นายสมชายใจดี",
    ):
        assert expected in text, expected
    assert a.student.first_name not in text


@pytest.mark.django_db
def test_no_certificate_without_an_award_nor_of_another_district(world):
    a, b = world.a, world.b
    round_, category = _category(a, give=False)
    with pytest.raises(JobFailed):
        _build(a, round_, category)
    with pytest.raises(JobFailed):
        _build(b, round_, category)

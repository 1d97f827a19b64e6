"""The plan as PDF: built by its job for the district (targets and actuals) and for a school
(targets alone, a published plan only), the Thai read back from its text layer with Thai
digits."""

import os

import pytest
from django.utils import translation
from django_scopes import scopes_disabled

from carecore.jobs import JOB_KINDS, JobFailed
from carecore.models import GeneratedFile
from carecore.tests.test_pdf import pdf_text
from districts.plans.tests.factories import make_plan


def build(plan, **place):
    generated = GeneratedFile(kind="district_plan", title="t", params={"plan_id": plan.pk}, **place)
    with translation.override("th"), scopes_disabled():
        return JOB_KINDS["district_plan"].build(generated, lambda p: None)


@pytest.mark.django_db
def test_the_plan_reads_back_in_thai_with_thai_digits(world):
    a = world.a
    plan = make_plan(a, world.year)
    built = build(plan, district=a.district)
    assert built.content.startswith(b"%PDF") and built.filename.endswith(".pdf")
    if os.environ.get("PLAN_PDF_OUT"):
        with open(os.environ["PLAN_PDF_OUT"], "wb") as out:
            out.write(built.content)
    text = "".join(pdf_text(built.content).split())
    for expected in (
        "แผนปฏิบัติการขับเคลื่อนระบบการดูแลช่วยเหลือนักเรียน",
        "กลยุทธ์ที่๑",
        "พัฒนาครูและบุคลากรด้านการดูแลช่วยเหลือนักเรียน",
        "โครงการนิเทศติดตามระบบดูแลช่วยเหลือนักเรียน",
        "๔๕,๐๐๐.๐๐",
        "๗๕,๕๐๐.๕๐",  # the total
        "ผลการดำเนินงาน",
    ):
        assert expected in text, expected
    assert a.student.first_name not in text


@pytest.mark.django_db
def test_a_school_prints_a_published_plan_of_its_district_only(world):
    a = world.a
    plan = make_plan(a, world.year)
    with pytest.raises(JobFailed):
        build(plan, school=a.school)  # a draft
    with pytest.raises(JobFailed):
        build(plan, district=world.b.district)
    from districts.plans import services

    with scopes_disabled():
        services.plan_publish(plan=plan, user=None)
    text = "".join(pdf_text(build(plan, school=a.school).content).split())
    assert "กลยุทธ์ที่๒" in text and "ผลการดำเนินงาน" not in text

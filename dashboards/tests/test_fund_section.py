"""The district fund in the district report (dashboards.reports.fund_section, districts/fund):
its budget, selected, paid and the counts per school that nominated; no student's name."""

import subprocess

import pytest
from django_scopes import scopes_disabled

from dashboards import reports
from districts.fund import services
from districts.fund.tests.factories import make_fund, make_need, make_nomination


@pytest.mark.django_db
def test_the_district_report_has_the_funds_figures_and_no_name(world, term):
    a = world.a
    with scopes_disabled():
        a.student.first_name, a.student.last_name = "ลับเฉพาะ", "ไม่ควรปรากฏ"
        a.student.save()
    fund = make_fund(a, world.year, title="กองทุนทดสอบรายงาน")
    make_need(a.student, world.year)
    nomination = make_nomination(a, fund)
    with scopes_disabled():
        services.nomination_decide(
            nomination=nomination, selected=True, reason="", user=None, revision=None
        )
        services.payment_record(
            nomination=nomination, paid_on=fund.opens_on, amount=fund.amount_per_student,
            reference="", user=None,
        )  # fmt: skip
        section = reports.fund_section(district=a.district, term=term, paper=reports.Paper())
        content = reports.district_report_pdf(district=a.district, term=term)
        assert (
            reports.fund_section(district=world.b.district, term=term, paper=reports.Paper())
            is None
        )
    assert section["total"]["cells"] == ["1", "0", "1", "0", "1", "2,000"]
    assert [row["label"] for row in section["rows"]] == [a.school.name]
    text = " ".join(
        subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True)
        .stdout.decode()
        .split()
    )
    assert "กองทุนทดสอบรายงาน" in text and "10,000" in text
    assert "ลับเฉพาะ" not in text and "ไม่ควรปรากฏ" not in text

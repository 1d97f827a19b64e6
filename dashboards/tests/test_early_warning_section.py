"""The early warning in the district report (dashboards.reports.early_warning_section,
docs/early-warning.md): students at high risk and on watch, per school with any, the warning
against the district's own reported cases; figures only, never a name."""

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from carecore.tests.test_pdf import pdf_text
from dashboards import reports
from dropouts.tests.helpers import open_student_case
from earlywarning.tests.test_views import HIGH, SLIPPING, flag, weeks


@pytest.mark.django_db
def test_the_district_report_has_the_early_warnings_figures_and_no_name(world, term):
    a = world.a
    with scopes_disabled():
        a.student.first_name, a.student.last_name = "ลับเฉพาะ", "ไม่ควรปรากฏ"
        a.student.save()
    flag(a.student, HIGH)
    flag(a.other_student, SLIPPING)
    weeks(a.student, [("watch", 3), ("high", 7), ("high", 7)])
    open_student_case(world, reported_ago=0)
    today = timezone.localdate()
    with scopes_disabled():
        section = reports.early_warning_section(
            district=a.district, schools=[a.school], today=today, paper=reports.Paper()
        )
        content = reports.district_report_pdf(district=a.district, term=term)
    assert section["total"]["cells"] == ["1", "1"]
    assert [row["label"] for row in section["rows"]] == [a.school.name]
    key = dict(section["key"])
    assert key[reports._("Flagged before the report")] == "1 (100.0%)"
    assert key[reports._("Weeks ahead (median)")] == "2"
    text = " ".join(pdf_text(content).split())
    assert "สัญญาณเตือนการออกกลางคัน" in text and "นักเรียนกลุ่มเสี่ยงสูง" in text
    assert "ลับเฉพาะ" not in text and "ไม่ควรปรากฏ" not in text

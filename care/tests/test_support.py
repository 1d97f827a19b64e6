"""Support students received (scholarships, funds, lunch, uniforms, transport): recording it,
the student's list, and the school's totals per kind and source."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from care.models import Support
from care.support.services import support_create
from carecore.dates import format_date
from carecore.models import AuditEvent
from schools.models import Term
from schools.selectors import current_term

TODAY = timezone.localdate


# Pages in English (the text the tests look for).
pytestmark = pytest.mark.usefixtures("english")


def url(world, name, **kwargs):
    return reverse(name, kwargs={"school_code": world.a.school.code, **kwargs})


def record(world, student, *, kind="equity", source="กสศ.", amount="1500", date=None):
    with scope(school=student.school_id):
        return support_create(
            student=student,
            kind=kind,
            source=source,
            amount=None if amount is None else Decimal(amount),
            date=date or TODAY(),
            user=world.a.users["coordinator"],
        )


class TestRecordSupport:
    def test_coordinator_records_support_the_term_comes_from_the_date(self, world, login, term):
        client = login(world.a.users["coordinator"])
        target = url(world, "care:support_create", student_id=world.a.student.pk)
        assert client.get(target).status_code == 200
        response = client.post(
            target,
            {
                "kind": "equity",
                "source": "กองทุนเพื่อความเสมอภาคทางการศึกษา (กสศ.)",
                "amount": "3,000",
                "date": format_date(TODAY(), "numeric"),
                "note": "ภาคเรียนละ 3,000 บาท",
            },
        )
        assert response.status_code == 302
        with scopes_disabled():
            support = Support.objects.get()
            assert support.term == current_term(TODAY())
            assert AuditEvent.objects.filter(
                action=AuditEvent.Action.CREATE, object_type="support"
            ).exists()
        assert support.amount == Decimal("3000")
        page = client.get(url(world, "care:student_support", student_id=world.a.student.pk))
        assert "3,000 baht" in page.content.decode()

    def test_a_date_between_terms_belongs_to_the_term_that_just_ended(self, world, term):
        with scopes_disabled():
            term1 = Term.objects.get(academic_year=world.year, number=1)
        in_break = term1.end + datetime.timedelta(days=5)
        if in_break > TODAY():
            pytest.skip("the October break is still ahead")
        support = record(world, world.a.student, date=in_break)
        assert support.term == term1

    @pytest.mark.parametrize(
        ("amount", "message"),
        [("-50", "The amount cannot be negative."), ("สามพัน", "Enter a number.")],
    )
    def test_a_bad_amount_keeps_what_was_typed(self, world, login, term, amount, message):
        response = login(world.a.users["coordinator"]).post(
            url(world, "care:support_create", student_id=world.a.student.pk),
            {"kind": "lunch", "source": "อบต.บ้านโนน", "amount": amount, "date": "1/1/2500"},
        )
        content = response.content.decode()
        assert response.status_code == 200
        assert message in content
        assert "อบต.บ้านโนน" in content
        with scopes_disabled():
            assert not Support.objects.exists()

    def test_a_future_date_is_refused(self, world, login, term):
        response = login(world.a.users["coordinator"]).post(
            url(world, "care:support_create", student_id=world.a.student.pk),
            {
                "kind": "uniform",
                "source": "มูลนิธิ",
                "amount": "",
                "date": format_date(TODAY() + datetime.timedelta(days=2), "numeric"),
            },
        )
        assert response.status_code == 200
        assert "cannot be recorded for a day in the future" in response.content.decode()

    def test_only_the_coordinator_records_and_never_another_schools_student(
        self, world, login, term
    ):
        target = url(world, "care:support_create", student_id=world.a.student.pk)
        for role in ("homeroom", "counsellor", "director"):
            assert login(world.a.users[role]).get(target).status_code == 403
        b_student = url(world, "care:support_create", student_id=world.b.student.pk)
        assert login(world.a.users["coordinator"]).get(b_student).status_code == 404


class TestStudentSupport:
    def test_the_students_page_lists_support_with_thousands_separators(self, world, login, term):
        record(world, world.a.student, amount="12500.50")
        record(world, world.a.student, kind="lunch", source="โครงการอาหารกลางวัน", amount=None)
        student_url = reverse(
            "students:student_detail",
            kwargs={"school_code": world.a.school.code, "student_id": world.a.student.pk},
        )
        content = login(world.a.users["homeroom"]).get(student_url).content.decode()
        assert "12,500.50 baht" in content
        assert "โครงการอาหารกลางวัน" in content
        assert url(world, "care:support_create", student_id=world.a.student.pk) not in content
        content = login(world.a.users["coordinator"]).get(student_url).content.decode()
        assert url(world, "care:support_create", student_id=world.a.student.pk) in content

    def test_another_teachers_student_does_not_exist(self, world, login, term):
        target = url(world, "care:student_support", student_id=world.a.student.pk)
        assert login(world.a.users["homeroom_other"]).get(target).status_code == 404


class TestSupportSummary:
    def test_totals_per_kind_and_source_for_a_term_and_the_year(self, world, login, term):
        with scopes_disabled():
            terms = list(Term.objects.filter(academic_year=world.year).order_by("number"))
        record(world, world.a.student, amount="3000")
        record(world, world.a.other_student, amount="3000")
        record(world, world.a.student, kind="foundation", source="มูลนิธิครูกาญจนบุรี", amount="1500")
        record(world, world.a.student, kind="lunch", source="อบต.", amount=None)
        record(world, world.b.student, amount="9999")  # another school: never counted
        client = login(world.a.users["director"])
        response = client.get(url(world, "care:support_summary"))
        totals = response.context["totals"]
        assert totals.total_amount == Decimal("7500")
        assert totals.students == 2
        assert totals.records == 4
        equity = next(r for r in totals.by_kind if r["kind"] == "equity")
        assert (equity["students"], equity["amount"]) == (2, Decimal("6000"))
        assert "7,500" in response.content.decode()
        # The whole year counts the same records; the other term none of them.
        year = client.get(url(world, "care:support_summary") + f"?year={world.year.year}")
        assert year.context["totals"].records == 4
        other = [t for t in terms if t.pk != term.pk][0]
        response = client.get(
            url(world, "care:support_summary") + f"?year={world.year.year}&term={other.number}"
        )
        assert response.context["totals"].records == 0
        # Nonsense: a message and the current term.
        assert client.get(url(world, "care:support_summary") + "?year=abc").status_code == 200

    def test_only_those_who_see_every_student(self, world, login, term):
        target = url(world, "care:support_summary")
        assert login(world.a.users["homeroom"]).get(target).status_code == 403
        assert login(world.a.users["counsellor"]).get(target).status_code == 200

    @pytest.mark.parametrize("records", [1, 8])
    def test_query_count_is_fixed(self, world, login, term, records, django_assert_num_queries):
        for n in range(records):
            record(world, world.a.student, source=f"แหล่ง {n}", amount=str(100 + n))
        client = login(world.a.users["coordinator"])
        client.get(url(world, "care:support_summary"))
        # 1. django_session  2. carecore_user  3. schools_school  4. carecore_membership
        # 5. schools_academicyear: the current year (access)
        # 6. schools_academicyear: the years to choose from  7. schools_term: the current term
        # 8. care_support per kind  9. care_support per source  10. care_support overall
        # 11. care_support COUNT: the paginator  12. care_support + students: the page
        # 13. carecore_auditevent: the view is logged
        with django_assert_num_queries(13):
            response = client.get(url(world, "care:support_summary"))
        assert response.context["totals"].records == records

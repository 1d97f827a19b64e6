"""The printed cumulative record, read back with poppler as a person opening it would read it."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_scopes import scope, scopes_disabled

from carecore.dates import format_date, to_thai_digits
from carecore.tests.test_pdf import comparable, pdf_pages, pdf_text
from students.documents import cumulative_record_pdf
from students.models import Student
from students.record.services import record_section_update, term_result_save


def th(message: str) -> str:
    with translation.override("th"):
        return gettext(message)


def fill(world, student=None):
    a = world.a
    student = student or a.student
    user = a.users["homeroom"]
    with scope(school=a.school.pk):
        for section, data in (
            ("ability", {"talents": "รำไทย", "awards": "เหรียญทองศิลปหัตถกรรม"}),
            (
                "health",
                {
                    "weight_kg": Decimal("45.0"),
                    "height_cm": Decimal("140"),
                    "measured_on": datetime.date(2025, 6, 10),
                    "eyesight": "normal",
                    "hearing": "normal",
                    "has_chronic_illness": True,
                    "chronic_illness": "หอบหืด",
                    "disabilities": ["learning"],
                },
            ),
            (
                "family",
                {
                    "lives_with": "grandparents",
                    "parents_status": "working_away",
                    "working_away_place": "กรุงเทพมหานคร",
                    "household_size": 4,
                    "income_per_month": 6000,
                    "welfare_card": True,
                    "household_members": [
                        {"relation": "ยาย", "age": 66, "occupation": "ทำนา"},
                    ],
                },
            ),
        ):
            record_section_update(student=student, section=section, data=data, user=user)
        term_result_save(
            student=student,
            year=2567,
            term=2,
            gpa=Decimal("3.45"),
            failed_subjects=[],
            incomplete_subjects=["ภาษาอังกฤษ"],
            user=user,
        )


def render(student) -> bytes:
    with scopes_disabled():
        student = Student.objects.get(pk=student.pk)
    with translation.override("th"):
        return cumulative_record_pdf(student=student)


class TestCumulativeRecordPdf:
    def test_prints_the_student_the_four_aspects_and_be_dates(self, world):
        fill(world)
        pdf = render(world.a.student)
        text = comparable(pdf_text(pdf))

        student = world.a.student
        assert comparable(student.full_name) in text
        assert comparable(student.masked_national_id) in text
        assert student.national_id not in text
        for label in ("Ability", "Health", "Family", "Protection and other"):
            assert comparable(th(label)) in text
        assert "3.45" in text and "2/2567" in text
        assert comparable("ภาษาอังกฤษ") in text
        assert comparable("หอบหืด") in text
        assert comparable("ยาย") in text
        assert "1,500" in text  # income per person: 6,000 baht for 4 people
        # BMI 45 / 1.4² = 23.0, with its band.
        assert "23.0" in text
        # Buddhist Era: birth date, day of measuring, date printed.
        with translation.override("th"):
            assert comparable(format_date(student.birth_date, "long")) in text
            assert comparable(format_date(datetime.date(2025, 6, 10))) in text
            assert comparable(format_date(timezone.localdate(), "long")) in text
        assert "2025" not in text
        # The homeroom teacher signs.
        assert comparable(world.a.users["homeroom"].display_name) in text
        assert pdf_pages(pdf) <= 2

    def test_an_empty_record_still_prints_and_says_what_is_missing(self, world):
        pdf = render(world.a.student)
        text = comparable(pdf_text(pdf))
        assert comparable(world.a.student.full_name) in text
        assert comparable(th("Incomplete")) in text
        assert comparable(th("No grades recorded yet.")) in text

    def test_thai_digits_when_the_school_asks(self, world):
        fill(world)
        with scopes_disabled():
            world.a.school.document_thai_digits = True
            world.a.school.save()
        text = comparable(pdf_text(render(world.a.student)))
        assert to_thai_digits("3.45") in text
        assert to_thai_digits("2/2567") in text

    def test_a_fixed_number_of_queries(self, world):
        fill(world)
        with scopes_disabled():
            student = Student.objects.get(pk=world.a.student.pk)
        with CaptureQueriesContext(connection) as queries, translation.override("th"):
            cumulative_record_pdf(student=student)
        # The year; the student with the four sections; the term results; the enrolment; the
        # school with its district; the classroom and its teachers; the guardians.
        assert len(queries) == 8

"""The summary pages, their PDFs and XLSX files: who may see them, what they show, what the
audit log records, and how many queries they make."""

import io
import re

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled

from carecore.dates import format_date
from carecore.models import AuditEvent, GeneratedFile, Membership, Role
from carecore.tests.test_pdf import comparable, pdf_text
from conftest import make_student, make_user
from schools.models import Grade
from schools.selectors import term_code
from schools.tests.factories import ClassroomFactory
from screening import documents, services
from screening.tests.test_summaries import build, calm, emotional

# Roles of school A and what they get (the same roles at school B get 404: another school).
ALL_STUDENTS = ("counsellor", "coordinator", "director")
NO_STUDENTS = ("discipline", "nurse", "network", "district_supervisor", "district_admin")


@pytest.fixture
def built(world, term1):
    return build(world, term1)


def english(client, user=None):
    """Pages in English (the language cookie); files made by jobs follow the user's language."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        user.language = "en"
        user.save(update_fields=["language"])
    return client


P5 = ("normal", "risk", "problem", "none", "override")


def url(world, name, school=None, **kwargs):
    school = school or world.a.school
    return reverse(f"screening:{name}", kwargs={"school_code": school.code, **kwargs})


def get(client, address, for_term=None):
    return client.get(address, {"term": term_code(for_term)} if for_term else {})


def xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


def rows_of(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --- the school summary ---------------------------------------------------------------------------
class TestSchoolSummary:
    @pytest.mark.parametrize("role", ALL_STUDENTS)
    def test_roles_that_see_every_student_see_every_classroom(self, world, login, built, role):
        client = login(world.a.users[role])
        english(client)
        response = get(client, url(world, "summary_school"), built.term)
        assert response.status_code == 200
        rows = response.context["summary"].rows
        assert {row.classroom for row in rows} == {
            world.a.classroom,
            world.a.other_classroom,
            built.p2,
            built.p5,
        }
        assert response.context["summary"].total.students == 9

    def test_no_student_names_on_the_page(self, world, login, built):
        client = login(world.a.users["director"])
        page = get(client, url(world, "summary_school"), built.term).content.decode()
        for student in built.students.values():
            assert student.first_name not in page
        assert world.a.student.first_name not in page

    def test_figures_on_the_page(self, world, login, built):
        client = login(world.a.users["coordinator"])
        english(client)
        response = get(client, url(world, "summary_school"), built.term)
        page = response.content.decode()
        # ป.5/3: 3 of 5 teacher forms; risk 2 of 5 = 40%.
        row = page[page.index("P.5/3") : page.index("</tr>", page.index("P.5/3"))]
        assert "3/5" in row and "(40.00%)" in row
        assert "Whole school" in page

    def test_homeroom_teacher_sees_only_their_classrooms(self, world, login, built):
        client = login(world.a.users["homeroom"])
        response = get(client, url(world, "summary_school"), built.term)
        assert response.status_code == 200
        summary = response.context["summary"]
        assert [row.classroom for row in summary.rows] == [world.a.classroom]
        assert summary.total.students == 1 and not summary.whole_school

    @pytest.mark.parametrize("role", NO_STUDENTS)
    def test_roles_without_students_are_refused(self, world, login, built, role):
        client = login(world.a.users[role])
        assert get(client, url(world, "summary_school")).status_code == 403
        assert client.post(url(world, "summary_school_print")).status_code == 403
        assert get(client, url(world, "summary_school_xlsx")).status_code == 403

    def test_another_school_is_not_found(self, world, login, built):
        client = login(world.b.users["director"])
        assert get(client, url(world, "summary_school")).status_code == 404
        assert get(client, url(world, "summary_school_xlsx")).status_code == 404

    def test_an_unknown_term_shows_the_current_one_with_a_message(self, world, login, built):
        client = login(world.a.users["director"])
        response = client.get(url(world, "summary_school"), {"term": "2400-9"})
        assert response.status_code == 200
        assert "2400-9" in response.content.decode()  # in the message

    def test_xlsx_has_classrooms_and_grades_with_totals(self, world, login, built):
        client = login(world.a.users["director"])
        english(client)
        response = get(client, url(world, "summary_school_xlsx"), built.term)
        assert response.status_code == 200
        assert response["Content-Type"] == documents.XLSX_TYPE
        book = xlsx(response)
        classrooms, grades = book.worksheets
        rows = rows_of(classrooms)
        header = rows[3]
        assert header[:4] == ["Classroom", "Students", "Normal", "%"]
        p5 = next(r for r in rows if r[0] == "P.5/3")
        # Students 5; normal 1 (20%), risk 2 (40%), problem 1, special 1, not screened 1.
        assert p5[1:11] == [5, 1, 20.0, 2, 40.0, 1, 20.0, 1, 20.0, 1][:10]
        teacher = header.index("SDQ teacher form: complete")
        assert p5[teacher : teacher + 4] == [3, 5, 1, 60.0]
        p2 = next(r for r in rows if r[0] == "P.2/3")
        parent = header.index("SDQ parent form: complete")
        assert p2[parent : parent + 4] == [None, None, None, None]  # not used in ป.2
        assert rows[-1][0] == "Whole school" and rows[-1][1] == 9
        assert [r[0] for r in rows_of(grades)[4:]] == ["P.2", "P.4", "P.5", "Whole school"]
        assert AuditEvent.objects.filter(
            action=AuditEvent.Action.EXPORT, school_id=world.a.school.pk
        ).exists()

    def test_pdf_has_the_school_the_figures_and_no_names(
        self, world, login, built, django_capture_on_commit_callbacks
    ):
        client = login(world.a.users["director"])
        english(client, world.a.users["director"])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url(world, "summary_school_print"), {"term": term_code(built.term)}
            )
        assert response.status_code == 302
        generated = GeneratedFile.objects.get(kind="screening_school_summary")
        assert generated.status == GeneratedFile.Status.DONE, generated.error
        text = comparable(pdf_text(generated.file.read()))
        assert comparable(world.a.school.name) in text
        assert "3/5 60.00" in text  # ป.5/3, teacher forms
        assert "Whole school" in text
        assert format_date(timezone.localdate(), "long", lang="en") in text  # B.E. year
        for student in built.students.values():
            assert comparable(student.first_name) not in text


# --- the classroom summary ------------------------------------------------------------------------
class TestClassroomSummary:
    def test_the_homeroom_teacher_sees_their_classroom(self, world, login, built):
        client = login(world.a.users["homeroom"])
        address = url(world, "summary_classroom", classroom_id=world.a.classroom.pk)
        assert get(client, address, built.term).status_code == 200

    def test_page_lists_students_groups_and_counts(self, world, login, built):
        client = login(world.a.users["counsellor"])
        address = url(world, "summary_classroom", classroom_id=built.p5.pk)
        english(client)
        response = get(client, address, built.term)
        page = response.content.decode()
        for key in P5:
            assert built.students[key].first_name in page
        assert "Total 4 (Normal)" in page and "Emotional symptoms (At risk)" in page
        assert response.context["summary"].counts.groups == {"normal": 1, "risk": 2, "problem": 1}
        assert AuditEvent.objects.filter(
            action=AuditEvent.Action.VIEW, object_id=str(built.p5.pk), object_type="classroom"
        ).exists()

    @pytest.mark.parametrize(
        ("role", "status"),
        [
            ("homeroom_other", 403),
            ("discipline", 403),
            ("nurse", 403),
            ("network", 403),
            ("district_admin", 403),
            ("director", 200),
        ],
    )
    def test_who_may_open_another_teachers_classroom(self, world, login, built, role, status):
        client = login(world.a.users[role])
        address = url(world, "summary_classroom", classroom_id=world.a.classroom.pk)
        assert get(client, address).status_code == status
        assert get(client, address + "xlsx/").status_code == status

    def test_another_schools_classroom_is_not_found(self, world, login, built):
        client = login(world.a.users["coordinator"])
        address = url(world, "summary_classroom", classroom_id=world.b.classroom.pk)
        assert get(client, address).status_code == 404
        assert client.post(address + "pdf/").status_code == 404
        assert get(client, address + "xlsx/").status_code == 404

    def test_a_term_of_another_year_shows_the_classrooms_own_term(self, world, login, built):
        from schools.services import academic_year_create

        with scopes_disabled():
            old = academic_year_create(year=world.year.year - 1)
        client = login(world.a.users["coordinator"])
        address = url(world, "summary_classroom", classroom_id=built.p5.pk)
        response = client.get(address, {"term": f"{old.year}-1"})
        assert response.status_code == 200
        assert response.context["term"].academic_year == world.year

    def test_xlsx_one_sheet_of_students_one_of_counts(self, world, login, built):
        client = login(world.a.users["coordinator"])
        address = url(world, "summary_classroom_xlsx", classroom_id=built.p5.pk)
        english(client)
        response = get(client, address, built.term)
        assert response.status_code == 200
        assert ".xlsx" in response["Content-Disposition"]
        students, counts = xlsx(response).worksheets
        rows = rows_of(students)
        header = rows[3]
        assert header[:6] == ["No.", "Student code", "Name", "Group", "Set by a teacher", "Special"]
        by_number = {r[0]: r for r in rows[4:]}
        risk = by_number[2]
        assert risk[2] == built.students["risk"].full_name
        assert risk[3] == "At risk"
        teacher = header.index("SDQ Teacher: total")
        assert risk[teacher : teacher + 3] == [4, "Normal", "Emotional symptoms (At risk)"]
        assert by_number[3][5] == "yes"  # special
        assert by_number[5][4] == "yes"  # set by a teacher
        count_rows = {r[0]: r[1:] for r in rows_of(counts) if r and r[0]}
        assert list(count_rows["At risk"][:2]) == [2, 40.0]
        assert list(count_rows["SDQ parent form"][:4]) == [1, 5, 1, 20.0]
        exported = AuditEvent.objects.filter(
            action=AuditEvent.Action.EXPORT, object_id=str(built.p5.pk)
        )
        assert exported.count() == 5  # one per student on the sheet

    def test_pdf_job_has_the_names_and_a_buddhist_era_date(
        self, world, login, built, django_capture_on_commit_callbacks
    ):
        client = login(world.a.users["coordinator"])
        address = url(world, "summary_classroom_print", classroom_id=built.p5.pk)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(address, {"term": term_code(built.term)})
        assert response.status_code == 302
        generated = GeneratedFile.objects.get(kind="screening_classroom_summary")
        assert generated.status == GeneratedFile.Status.DONE, generated.error
        assert generated.params == {"classroom_id": built.p5.pk, "term_id": built.term.pk}
        text = comparable(pdf_text(generated.file.read()))
        assert comparable(built.students["risk"].first_name) in text
        be_date = format_date(timezone.localdate(), "long", lang="th")
        assert str(timezone.localdate().year + 543) in be_date
        assert comparable(be_date) in text
        assert (
            AuditEvent.objects.filter(
                action=AuditEvent.Action.EXPORT, object_id=str(built.p5.pk)
            ).count()
            == 5
        )

    def test_the_pdf_is_gone_once_the_teacher_no_longer_teaches_the_room(
        self, world, login, built, django_capture_on_commit_callbacks
    ):
        teacher = world.a.users["homeroom"]
        client = login(teacher)
        address = url(world, "summary_classroom_print", classroom_id=world.a.classroom.pk)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(address)
        generated = GeneratedFile.objects.get(kind="screening_classroom_summary")
        download = reverse("generated_file_download", kwargs={"file_id": generated.pk})
        assert client.get(download).status_code == 200
        with scopes_disabled():
            world.a.classroom.assignments.all().delete()
        assert client.get(download).status_code == 404

    def test_same_number_of_queries_for_5_and_30_students(
        self,
        world,
        login,
        term1,
    ):
        client = login(world.a.users["coordinator"])

        def room_with(count: int):
            with scopes_disabled():
                room = ClassroomFactory(school=world.a.school, grade=Grade.M3, room=count)
                for i in range(count):
                    student = make_student(world.a.school, room, 5000 + count * 40 + i, i + 1)
                    services.sdq_response_save(
                        student=student, term=term1, rater="teacher", answers=emotional(i % 7)
                    )
                    services.sdq_response_save(
                        student=student, term=term1, rater="student", answers=calm()
                    )
            return url(world, "summary_classroom", classroom_id=room.pk)

        small, large = room_with(5), room_with(30)
        get(client, small, term1)  # warm the session and the instrument caches
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as five:
            assert get(client, small, term1).status_code == 200
        with CaptureQueriesContext(connection) as thirty:
            assert get(client, large, term1).status_code == 200
        assert len(five.captured_queries) == len(thirty.captured_queries)
        assert len(thirty.captured_queries) <= 20


# --- the individual summary -----------------------------------------------------------------------
class TestStudentSummary:
    def test_page_shows_group_reasons_override_and_forms(self, world, login, built):
        client = login(world.a.users["coordinator"])
        english(client)
        risk = get(
            client,
            url(world, "summary_student", student_id=built.students["risk"].pk),
            built.term,
        ).content.decode()
        override = get(
            client,
            url(world, "summary_student", student_id=built.students["override"].pk),
            built.term,
        ).content.decode()
        assert "SDQ, Teacher form: Emotional symptoms 4 (At risk)" in risk
        assert "พ่อแม่แยกทางกัน" in override  # the reason for the change

    @pytest.mark.parametrize(
        ("role", "status"),
        [
            ("homeroom", 200),
            ("counsellor", 200),
            ("director", 200),
            ("homeroom_other", 404),
            ("discipline", 404),
            ("network", 404),
            ("district_supervisor", 404),
        ],
    )
    def test_who_may_see_a_student(self, world, login, built, role, status):
        client = login(world.a.users[role])
        address = url(world, "summary_student", student_id=world.a.student.pk)
        assert get(client, address).status_code == status
        assert get(client, address + "xlsx/").status_code == status

    def test_another_schools_student_is_not_found(self, world, login, built):
        client = login(world.a.users["director"])
        address = url(world, "summary_student", student_id=world.b.student.pk)
        assert get(client, address).status_code == 404
        assert client.post(address + "pdf/").status_code == 404

    def test_print_gives_a_pdf_with_the_name_the_group_and_a_buddhist_era_date(
        self, world, login, built, django_capture_on_commit_callbacks
    ):
        student = built.students["problem"]
        client = login(world.a.users["homeroom"])
        # The homeroom teacher of ป.4/1 does not teach ป.5/3: the student does not exist for them.
        address = url(world, "summary_student_print", student_id=student.pk)
        assert client.post(address).status_code == 404
        teacher = make_user("teacher_p53")
        with scopes_disabled():
            Membership.objects.create(user=teacher, role=Role.HOMEROOM, school=world.a.school)
            built.p5.assignments.create(teacher=teacher)
        client = login(teacher)
        english(client, teacher)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(address, {"term": term_code(built.term)}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200  # the progress fragment, for htmx
        generated = GeneratedFile.objects.get(kind="screening_student_summary")
        assert generated.status == GeneratedFile.Status.DONE, generated.error
        text = comparable(pdf_text(generated.file.read()))
        assert comparable(student.full_name) in text
        assert "Has problems" in text and "Talent in sports" in text
        today = timezone.localdate()
        assert comparable(format_date(today, "long", lang="en")) in text
        assert f"B.E. {today.year + 543}" in text
        assert teacher.display_name in text  # the homeroom teacher's signature line
        assert AuditEvent.objects.filter(
            action=AuditEvent.Action.EXPORT, student_id=student.pk
        ).exists()

    def test_xlsx_lists_the_scales_of_each_form(self, world, login, built):
        client = login(world.a.users["coordinator"])
        address = url(world, "summary_student_xlsx", student_id=built.students["risk"].pk)
        english(client)
        response = get(client, address, built.term)
        (sheet,) = xlsx(response).worksheets
        rows = rows_of(sheet)
        assert ["Group", "At risk"] in [list(r[:2]) for r in rows]
        assert ["Emotional symptoms", "Teacher", 4, "At risk"] in [list(r[:4]) for r in rows]
        assert ["SDQ", "Parent", None, "incomplete"] in [list(r[:4]) for r in rows]

    def test_eq_6_11_shows_t_scores_and_thai_levels(self, world, login, built):
        from screening.tests.test_scoring import EQ6_REVERSE, EQ6_SCALES, eq_answers

        student = world.a.student
        student.birth_date = built.term.start.replace(year=built.term.start.year - 8)
        student.save(update_fields=["birth_date"])
        # perseverance raw 18 -> T 39, emotion_control 17 -> T 40, assertiveness 19 -> T 50
        targets = {"perseverance": 18, "emotion_control": 17, "assertiveness": 19}
        with scopes_disabled():
            saved = services.eq_response_save(
                student=student,
                term=built.term,
                instrument="eq6",
                rater="teacher",
                answers=eq_answers(EQ6_SCALES, EQ6_REVERSE, targets, default=3),
            )
        assert (saved.version, saved.level) == ("dmh-eq-6-11-2", "risk")
        client = login(world.a.users["coordinator"])
        page = get(client, url(world, "summary_student", student_id=student.pk), built.term)
        text = " ".join(re.sub(r"<[^>]+>", " ", page.content.decode()).split())
        for cells in (
            "มุ่งมั่นพยายาม 18 39 ต้องพัฒนา",
            "ควบคุมอารมณ์ 17 40 ควรพัฒนา",
            "กล้าแสดงออก 19 50 ดี",
            "ความฉลาดทางอารมณ์โดยรวม",
            "ไม่มีเกณฑ์ปกติ แสดงเฉพาะคะแนนดิบ",  # the domains and total have no T table
            # the norm table is a public transcription, not yet checked (eq-6-11.toml)
            "ยังไม่ได้ตรวจทานกับคู่มือของกรมสุขภาพจิต",
        ):
            assert cells in text, cells

    def test_eq_12_17_says_nothing_of_unchecked_norms(self, world, login, built):
        from screening.tests.test_scoring import EQ12_REVERSE, EQ12_SCALES, eq_answers

        student = world.a.student
        student.birth_date = built.term.start.replace(year=built.term.start.year - 14)
        student.save(update_fields=["birth_date"])
        with scopes_disabled():
            services.eq_response_save(
                student=student,
                term=built.term,
                instrument="eq12",
                rater="teacher",
                answers=eq_answers(EQ12_SCALES, EQ12_REVERSE, {}, default=3),
            )
        client = login(world.a.users["coordinator"])
        page = get(client, url(world, "summary_student", student_id=student.pk), built.term)
        assert "ความฉลาดทางอารมณ์" in page.content.decode()
        assert "ยังไม่ได้ตรวจทานกับคู่มือ" not in page.content.decode()


def test_thai_digits_on_paper_when_the_school_asks(world, built):
    with scopes_disabled():
        school = world.a.school
        school.document_thai_digits = True
        school.save()
    with scope(school=school.pk), translation.override("th"):
        from screening import summaries

        summary = summaries.classroom_summary(classroom=built.p5, term=built.term)
        context = documents.classroom_summary_context(summary, documents.Paper(school))
    assert context["counts"]["students"] == "๕"
    assert context["rows"][1]["number"] == "๒"

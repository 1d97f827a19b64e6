"""Importing SDQ answers: reading CSV and XLSX, every kind of bad row listed with nothing imported,
good files scored exactly, replacing forms, the command, and the coordinator's pages.

Scores are checked against ``hand_score`` below, written from DESIGN.md §4 without the app's
scoring code, so that a mistake in either shows up.
"""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from django_scopes import scope, scopes_disabled
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from carecore.models import AuditEvent
from conftest import make_national_id, make_student
from schools.models import AcademicYear, Classroom, Grade, Term
from screening import imports, services
from screening.imports import import_apply, import_check
from screening.models import (
    AspectResult,
    CareGroup,
    ScreeningImport,
    SdqResponse,
    Source,
    Status,
)
from students.models import Student

# The files hold self-reports of the world's ป.4 students: make them of the self-report's age.
pytestmark = pytest.mark.usefixtures("of_self_report_age")

# --- an independent scorer (DESIGN.md §4) ------------------------------------------------------
SUBSCALES = {
    "emotional": (3, 8, 13, 16, 24),
    "conduct": (5, 7, 12, 18, 22),
    "hyperactivity": (2, 10, 15, 21, 25),
    "peer": (6, 11, 14, 19, 23),
    "prosocial": (1, 4, 9, 17, 20),
}
REVERSE = {7, 11, 14, 21, 25}
# OBEC cut-offs: (last normal, last risk) per scale; teacher and parent, then self-report.
CUTS = {
    "teacher": {
        "total": (15, 17),
        "emotional": (3, 4),
        "conduct": (3, 4),
        "hyperactivity": (5, 6),
        "peer": (5, 6),
    },
    "student": {
        "total": (16, 18),
        "emotional": (5, 6),
        "conduct": (4, 5),
        "hyperactivity": (5, 6),
        "peer": (3, 4),
    },
}
CUTS["parent"] = CUTS["teacher"]


def hand_score(answers: list[int], rater: str) -> dict:
    """Scores and bands as the export writes them, computed by hand."""
    scores = {
        name: sum((2 - answers[i - 1]) if i in REVERSE else answers[i - 1] for i in items)
        for name, items in SUBSCALES.items()
    }
    scores["total"] = sum(scores[s] for s in ("emotional", "conduct", "hyperactivity", "peer"))
    bands = {}
    for scale, (normal, risk) in CUTS[rater].items():
        value = scores[scale]
        bands[f"{scale}_band"] = (
            "normal" if value <= normal else "risk" if value <= risk else "problem"
        )
    bands["prosocial_band"] = "strength" if scores["prosocial"] >= 4 else "no_strength"
    return scores | bands


def answers_for(seed: int) -> list[int]:
    """A varied but reproducible answer vector."""
    return [(seed * 7 + item * (seed % 5 + 1)) % 3 for item in range(1, 26)]


# --- files -------------------------------------------------------------------------------------
HEADER = ["student_code", "rater", *[f"q{i}" for i in range(1, 26)]]


def form_row(code: str, rater: str, answers=None, **impact) -> dict:
    row = {"student_code": code, "rater": rater}
    for i, value in enumerate(answers if answers is not None else answers_for(1), start=1):
        row[f"q{i}"] = value
    row.update(impact)  # impact_difficulties=2, ...: the columns as named in the file
    return row


def csv_bytes(rows: list[dict], header=None, encoding="utf-8") -> bytes:
    header = header or HEADER + sorted({k for r in rows for k in r} - set(HEADER))
    lines = [",".join(header)]
    lines += [",".join("" if r.get(k) is None else str(r.get(k)) for k in header) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[dict], header=None) -> bytes:
    header = header or HEADER + sorted({k for r in rows for k in r} - set(HEADER))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for r in rows:
        sheet.append([r.get(k) for k in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def term(world):
    with scopes_disabled():
        return Term.objects.select_related("academic_year").get(academic_year=world.year, number=1)


@pytest.fixture
def term2(world):
    with scopes_disabled():
        return Term.objects.select_related("academic_year").get(academic_year=world.year, number=2)


@pytest.fixture
def small(world):
    """A ป.2 classroom (teacher form only) with one student, code 00077."""
    with scopes_disabled():
        room = Classroom.objects.create(
            school=world.a.school, academic_year=world.year, grade=Grade.P2, room=1
        )
        # Eight on the year's first day, as in ป.2: too young for the self-report (11-17).
        born = world.year.start.replace(year=world.year.start.year - 8, month=1, day=1)
        return make_student(world.a.school, room, 77, 1, birth_date=born)


def check(world, term, data, filename="answers.csv"):
    with scope(school=world.a.school.pk):
        return import_check(data=data, filename=filename, school=world.a.school, term=term)


def apply(world, term, data, filename="answers.csv", user=None):
    with scope(school=world.a.school.pk):
        return import_apply(
            data=data, filename=filename, school=world.a.school, term=term, user=user
        )


def problems(report) -> list[tuple]:
    return [(e["row"], e["column"], e["code"]) for e in report.errors]


def forms_of(world, term) -> dict[tuple[str, str], SdqResponse]:
    with scopes_disabled():
        return {
            (r.student.student_code, r.rater): r
            for r in SdqResponse.objects.filter(
                student__school=world.a.school, term=term
            ).select_related("student")
        }


def th(message: str, **params) -> str:
    with translation.override("th"):
        text = gettext(message)
    return escape(text % params if params else text)


# --- reading and scoring -----------------------------------------------------------------------
class TestGoodFiles:
    def test_three_forms_are_scored_exactly_and_the_group_follows(self, world, term):
        a = world.a
        code = a.student.student_code
        rows = [
            form_row(code, "teacher", answers_for(2)),
            form_row(code, "parent", answers_for(3)),
            form_row(code, "student", answers_for(4)),
        ]
        report = apply(world, term, csv_bytes(rows), user=a.users["coordinator"])
        assert report.ok, report.errors
        assert report.summary["new"] == 3 and report.summary["replaced"] == 0
        saved = forms_of(world, term)
        for row, seed in zip(rows, (2, 3, 4), strict=True):
            form = saved[(code, row["rater"])]
            assert form.status == Status.COMPLETE
            assert form.source == Source.IMPORT
            assert form.entered_by == a.users["coordinator"]
            assert form.answers == answers_for(seed)
            expected = hand_score(answers_for(seed), row["rater"])
            for name, value in expected.items():
                assert getattr(form, name) == value, (row["rater"], name)
        with scopes_disabled():
            group = CareGroup.objects.get(student=a.student, term=term)
        worst = max((f.level for f in saved.values()), key=["normal", "risk", "problem"].index)
        assert group.derived_level == worst
        event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
        assert event.school_id == a.school.pk
        assert event.changes["new"] == 3

    def test_hand_worked_example(self, world, term):
        """Teacher form, all answers 1: every subscale is 5 (reverse items also score 1), so
        total = 5 × 4 = 20 (problem, 18–40); emotional 5 problem, conduct 5 problem,
        hyperactivity 5 normal, peer 5 normal; prosocial 5 strength."""
        apply(world, term, csv_bytes([form_row(world.a.student.student_code, "teacher", [1] * 25)]))
        form = forms_of(world, term)[(world.a.student.student_code, "teacher")]
        assert (form.emotional, form.conduct, form.hyperactivity, form.peer) == (5, 5, 5, 5)
        assert form.total == 20 and form.total_band == "problem"
        assert form.emotional_band == "problem" and form.hyperactivity_band == "normal"
        assert form.prosocial == 5 and form.prosocial_band == "strength"
        assert form.level == "problem"

    def test_impact_columns(self, world, term):
        """Parent form: distress 2 (scores 1), home 3 (2), friendships 0, classroom 1 (0),
        leisure 2 (1): impact 1 + 2 + 0 + 0 + 1 = 4, problem (3–10)."""
        row = form_row(
            world.a.student.student_code,
            "parent",
            impact_difficulties=2,
            impact_chronicity=3,
            impact_distress=2,
            impact_home=3,
            impact_friendships=0,
            impact_classroom=1,
            impact_leisure=2,
            impact_burden=1,
        )
        report = apply(world, term, csv_bytes([row]))
        assert report.ok, report.errors
        form = forms_of(world, term)[(world.a.student.student_code, "parent")]
        assert form.impact == 4 and form.impact_band == "problem"
        assert form.impact_answers["chronicity"] == 3 and form.impact_answers["burden"] == 1
        assert form.level == "problem"

    def test_no_difficulties_gives_impact_zero(self, world, term):
        row = form_row(world.a.student.student_code, "teacher", impact_difficulties=0)
        apply(world, term, csv_bytes([row]))
        form = forms_of(world, term)[(world.a.student.student_code, "teacher")]
        assert form.impact == 0 and form.impact_band == "normal"

    def test_csv_with_bom_and_in_tis620_with_thai_raters_and_headers(self, world, term):
        code = world.a.student.student_code
        bom = "\ufeff".encode() + csv_bytes([form_row(code, "teacher")])
        assert check(world, term, bom).ok
        header = ["เลขประจำตัวนักเรียน", "ผู้ประเมิน", *[f"ข้อ {i}" for i in range(1, 26)]]
        rows = [form_row(code, "ครู"), form_row(code, "ผู้ปกครอง"), form_row(code, "นักเรียน")]
        lines = [",".join(header)] + [",".join(str(r[k]) for k in HEADER) for r in rows]
        report = apply(world, term, "\r\n".join(lines).encode("cp874"))
        assert report.ok, report.errors
        assert set(forms_of(world, term)) == {
            (code, "teacher"),
            (code, "parent"),
            (code, "student"),
        }

    def test_xlsx_with_numbers_and_thai_digits(self, world, term):
        """Excel keeps numbers as numbers: 00011 becomes 11, answers 1.0; Thai digits too."""
        code = world.a.student.student_code
        assert code.startswith("0")
        answers = answers_for(5)
        row = form_row(int(code), "teacher", answers)
        row["q1"] = "๐๑๒"[answers[0]]
        row["q2"] = float(answers[1])
        report = apply(world, term, xlsx_bytes([row]), filename="answers.xlsx")
        assert report.ok, report.errors
        assert forms_of(world, term)[(code, "teacher")].answers == answers

    def test_the_same_student_written_two_ways_is_one_form(self, world, term):
        code = world.a.student.student_code
        rows = [form_row(code, "teacher"), form_row(str(int(code)), "teacher")]
        report = check(world, term, csv_bytes(rows))
        assert problems(report) == [(3, "student_code", "duplicate_form")]

    def test_replaces_the_form_entered_before(self, world, term):
        a = world.a
        with scope(school=a.school.pk):
            services.sdq_response_save(
                student=a.student, term=term, rater="teacher", answers=[0] * 25, user=None
            )
            services.sdq_response_save(
                student=a.student, term=term, rater="parent", answers=[1] * 10, user=None
            )  # a draft
        rows = [
            form_row(a.student.student_code, "teacher", answers_for(7)),
            form_row(a.student.student_code, "parent", answers_for(8)),
            form_row(a.other_student.student_code, "teacher", answers_for(9)),
        ]
        report = check(world, term, csv_bytes(rows))
        assert report.summary["new"] == 1 and report.summary["replaced"] == 2
        assert [p["action"] for p in report.preview] == ["replace", "replace", "new"]
        assert forms_of(world, term)[(a.student.student_code, "teacher")].answers == [0] * 25

        apply(world, term, csv_bytes(rows))
        saved = forms_of(world, term)
        teacher = saved[(a.student.student_code, "teacher")]
        assert teacher.answers == answers_for(7)
        assert teacher.source == Source.IMPORT and teacher.revision == 2
        assert saved[(a.student.student_code, "parent")].status == Status.COMPLETE
        assert len(saved) == 3

    def test_export_score_columns_are_ignored(self, world, term):
        row = form_row(world.a.student.student_code, "teacher", [0] * 25)
        row |= {"total": 40, "total_band": "problem", "criteria_version": "x"}
        report = apply(world, term, csv_bytes([row]))
        assert report.ok
        form = forms_of(world, term)[(world.a.student.student_code, "teacher")]
        assert form.total == 10  # the reverse items answered 0 score 2 each


# --- bad files ---------------------------------------------------------------------------------
class TestBadRows:
    def test_every_bad_row_is_listed_and_nothing_is_imported(self, world, term, small):
        a = world.a
        code = a.student.student_code
        with scopes_disabled():
            # A student of the school with no classroom this year.
            Student.objects.create(
                school=a.school,
                student_code="00099",
                national_id=make_national_id(99),
                prefix=Student.Prefix.BOY,
                first_name="ไม่มีห้อง",
                last_name="ทดสอบ",
                gender=Student.Gender.MALE,
            )
        missing = form_row(a.other_student.student_code, "teacher")
        missing["q3"] = missing["q7"] = ""
        rows = [
            form_row(code, "teacher"),  # 2: good
            form_row("99999", "teacher"),  # 3: nobody
            form_row(world.b.student.student_code, "teacher"),  # 4: another school's student
            form_row("00099", "teacher"),  # 5: not in a classroom this year
            form_row(code, "parent", [0] * 4 + [3] + [0] * 20),  # 6: 3 is not an answer
            missing,  # 7: items 3 and 7 missing
            form_row(small.student_code, "student"),  # 8: no self-report at 8 (by age)
            form_row(small.student_code, "parent"),  # 9: no parent form in ป.2
            form_row(code, "grandmother"),  # 10
            form_row(code, "teacher"),  # 11: the same form as row 2
            form_row(code, "student", impact_difficulties=5),  # 12: impact 0..3
            form_row(a.other_student.student_code, "student", impact_burden=1),  # 13
            form_row(a.other_student.student_code, "parent", impact_home=2),  # 14: no gate
            form_row("", ""),  # 15: no code, no rater
        ]
        rows.append(form_row(small.student_code, "teacher", impact_difficulties=1))  # 16
        data = csv_bytes(rows)
        report = check(world, term, data)
        assert problems(report) == [
            (3, "student_code", "student_unknown"),
            (4, "student_code", "student_unknown"),
            (5, "student_code", "not_enrolled"),
            (6, "q5", "answer_invalid"),
            (7, "q3, q7", "answers_missing"),
            (8, "rater", "self_report_not_for_age"),
            (9, "rater", "form_not_for_grade"),
            (10, "rater", "rater_unknown"),
            (11, "student_code", "duplicate_form"),
            (12, "impact_difficulties", "impact_invalid"),
            (13, "impact_burden", "impact_not_on_form"),
            (14, "impact_difficulties", "impact_gate_missing"),
            (15, "student_code", "required"),
            (15, "rater", "required"),
            (16, "impact_distress, impact_peers, impact_classroom", "impact_incomplete"),
        ]
        by_row = {e["row"]: e for e in report.errors}
        with translation.override("en"):
            assert imports.error_message(by_row[7]) == "Answers are missing for items 3, 7."
            assert imports.error_message(by_row[8]) == (
                "The self-report form is for students aged 11 to 17 on the first day of the "
                "term; this student's age is 8 (no age: no birth date recorded)."
            )
            assert imports.error_message(by_row[11]) == (
                "The Teacher form of this student is also on row 2."
            )
            assert str(world.year.year) in imports.error_message(by_row[5])
        assert report.bad_rows == 14

        applied = apply(world, term, data)
        assert not applied.ok and problems(applied) == problems(report)
        assert forms_of(world, term) == {}
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).exists()

    def test_one_bad_row_among_many_imports_nothing(self, world, term):
        code = world.a.student.student_code
        rows = [form_row(code, "teacher"), form_row(code, "parent", [2] * 24 + [7])]
        report = apply(world, term, csv_bytes(rows))
        assert problems(report) == [(3, "q25", "answer_invalid")]
        assert report.errors[0]["value"] == "7"
        assert forms_of(world, term) == {}

    def test_unknown_and_missing_columns(self, world, term):
        code = world.a.student.student_code
        header = [h for h in HEADER if h != "q25"] + ["Timestamp", "ชื่อ"]
        report = check(world, term, csv_bytes([form_row(code, "teacher")], header=header))
        assert problems(report) == [
            (None, "", "missing_columns"),
            (None, "", "unknown_columns"),
        ]
        with translation.override("en"):
            assert imports.error_message(report.errors[0]) == ("Required columns are missing: q25.")
            assert "Timestamp, ชื่อ" in imports.error_message(report.errors[1])

    def test_the_same_column_twice(self, world, term):
        header = [*HEADER, "Q1"]
        report = check(world, term, csv_bytes([form_row("1", "teacher")], header=header))
        assert problems(report) == [(None, "", "duplicate_column")]

    @pytest.mark.parametrize("content", [b"", "\ufeff".encode(), ",".join(HEADER).encode()])
    def test_empty_file(self, world, term, content):
        report = check(world, term, content)
        assert problems(report) == [(None, "", "empty")]

    def test_file_that_is_not_text(self, world, term):
        assert problems(check(world, term, b"\x00\x01\x02")) == [(None, "", "encoding")]
        assert problems(check(world, term, b"PK\x03\x04junk", "a.xlsx")) == [
            (None, "", "xlsx_unreadable")
        ]


# --- the command -------------------------------------------------------------------------------
class TestCommand:
    def write(self, tmp_path, rows, name="answers.csv") -> str:
        path = tmp_path / name
        path.write_bytes(csv_bytes(rows))
        return str(path)

    def test_imports_a_good_file(self, world, term, tmp_path):
        path = self.write(tmp_path, [form_row(world.a.student.student_code, "teacher")])
        out = io.StringIO()
        call_command(
            "import_screening",
            path,
            school=world.a.school.code,
            term=f"{world.year.year}-1",
            stdout=out,
        )
        assert "Imported 1 forms" in out.getvalue()
        assert "1 new, 0 replacing" in out.getvalue()
        assert forms_of(world, term)[(world.a.student.student_code, "teacher")].source == "import"

    def test_dry_run_changes_nothing(self, world, term, tmp_path):
        path = self.write(tmp_path, [form_row(world.a.student.student_code, "teacher")])
        out = io.StringIO()
        call_command(
            "import_screening",
            path,
            school=world.a.school.code,
            term=f"1/{world.year.year}",
            dry_run=True,
            stdout=out,
        )
        assert "Would import 1 forms" in out.getvalue()
        assert forms_of(world, term) == {}

    def test_bad_file_prints_every_problem(self, world, term, tmp_path):
        rows = [form_row("99999", "teacher"), form_row(world.a.student.student_code, "x")]
        path = self.write(tmp_path, rows)
        err = io.StringIO()
        with pytest.raises(CommandError, match="Nothing imported: 2 problem"):
            call_command(
                "import_screening",
                path,
                school=world.a.school.code,
                term=f"{world.year.year}-1",
                stderr=err,
            )
        assert "row 2, student_code '99999'" in err.getvalue()
        assert "row 3, rater 'x'" in err.getvalue()
        assert forms_of(world, term) == {}

    def test_unknown_school_or_term(self, world, tmp_path):
        path = self.write(tmp_path, [form_row("1", "teacher")])
        with pytest.raises(CommandError, match="No school"):
            call_command("import_screening", path, school="0000000000", term="2568-1")
        with pytest.raises(CommandError, match="No term '2400-1'"):
            call_command("import_screening", path, school=world.a.school.code, term="2400-1")


# --- the pages ---------------------------------------------------------------------------------
def url(name, side, **kwargs) -> str:
    return reverse(f"screening:{name}", kwargs={"school_code": side.school.code, **kwargs})


def upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def post_file(client, side, term, name, content, callbacks):
    with callbacks(execute=True):
        return client.post(
            url("import_start", side),
            {"file": upload(name, content), "term": f"{term.academic_year.year}-{term.number}"},
        )


def latest_import() -> ScreeningImport:
    with scopes_disabled():
        return ScreeningImport.objects.latest("created")


class TestImportPages:
    def test_coordinator_uploads_previews_and_confirms(
        self, world, term, login, django_capture_on_commit_callbacks
    ):
        a = world.a
        client = login(a.users["coordinator"])
        start = client.get(url("import_start", a))
        assert start.status_code == 200
        assertContains(start, url("import_template_xlsx", a))
        assertContains(start, "q1 … q25")
        with scope(school=a.school.pk):
            services.sdq_response_save(
                student=a.student, term=term, rater="teacher", answers=[0] * 25
            )

        rows = [
            form_row(a.student.student_code, "teacher", [2] * 25),
            form_row(a.student.student_code, "student", answers_for(3)),
            form_row(a.other_student.student_code, "teacher", answers_for(4)),
        ]
        response = post_file(
            client, a, term, "answers.xlsx", xlsx_bytes(rows), django_capture_on_commit_callbacks
        )
        record = latest_import()
        detail = url("import_detail", a, screening_import_id=record.pk)
        assertRedirects(response, detail)
        assert record.status == ScreeningImport.Status.READY
        assert record.term == term and record.uploaded_by == a.users["coordinator"]
        assert record.file.name.startswith("screening-imports/")

        preview = client.get(detail)
        assertContains(preview, '<div class="value" id="count-new">2</div>', html=True)
        assertContains(preview, '<div class="value" id="count-replaced">1</div>', html=True)
        assertContains(preview, a.student.first_name)
        assertContains(preview, url("import_confirm", a, screening_import_id=record.pk))
        assert forms_of(world, term)[(a.student.student_code, "teacher")].answers == [0] * 25

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url("import_confirm", a, screening_import_id=record.pk))
        assertRedirects(response, detail)
        record = latest_import()
        assert record.status == ScreeningImport.Status.DONE
        assert record.confirmed_by == a.users["coordinator"]
        saved = forms_of(world, term)
        assert saved[(a.student.student_code, "teacher")].answers == [2] * 25
        assert len(saved) == 3
        done = client.get(detail)
        assertNotContains(done, url("import_confirm", a, screening_import_id=record.pk))
        # Confirming twice does nothing more.
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url("import_confirm", a, screening_import_id=record.pk))
        assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).count() == 1

    def test_bad_file_lists_every_bad_row_in_thai(
        self, world, term, login, django_capture_on_commit_callbacks
    ):
        a = world.a
        client = login(a.users["coordinator"])
        missing = form_row(a.student.student_code, "teacher")
        missing["q10"] = ""
        rows = [missing, form_row("99999", "parent")]
        post_file(client, a, term, "bad.csv", csv_bytes(rows), django_capture_on_commit_callbacks)
        record = latest_import()
        assert record.status == ScreeningImport.Status.INVALID
        page = client.get(url("import_detail", a, screening_import_id=record.pk))
        table = page.content.decode().split('id="import-errors"')[1]
        assert "<td>2</td><td>q10</td>" in table
        assert th(str(imports.MESSAGES["answers_missing"]), items="10") in table
        assert "<td>3</td><td>student_code</td>" in table
        assert th(str(imports.MESSAGES["student_unknown"])) in table
        assertNotContains(page, url("import_confirm", a, screening_import_id=record.pk))
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url("import_confirm", a, screening_import_id=record.pk))
        assert latest_import().status == ScreeningImport.Status.INVALID
        assert forms_of(world, term) == {}

    def test_running_import_polls(self, world, term, login):
        a = world.a
        with scope(school=a.school.pk):
            record = ScreeningImport.objects.create(
                school=a.school,
                term=term,
                original_name="a.csv",
                file="screening-imports/x/upload.csv",
                status=ScreeningImport.Status.IMPORTING,
                progress=40,
            )
        client = login(a.users["coordinator"])
        status_url = url("import_status", a, screening_import_id=record.pk)
        page = client.get(url("import_detail", a, screening_import_id=record.pk))
        assertContains(page, f'hx-get="{status_url}"')
        assertContains(page, '<meta http-equiv="refresh" content="2">')
        assertContains(page, "40%")
        with scopes_disabled():
            ScreeningImport.objects.filter(pk=record.pk).update(
                status=ScreeningImport.Status.FAILED,
                errors=[{"row": None, "field": "", "column": "", "code": "job_failed"}],
            )
        fragment = client.get(status_url, headers={"HX-Request": "true"})
        assert fragment["HX-Redirect"] == url("import_detail", a, screening_import_id=record.pk)
        page = client.get(url("import_detail", a, screening_import_id=record.pk))
        assertContains(page, th(str(imports.MESSAGES["job_failed"])))
        assertContains(page, url("import_retry", a, screening_import_id=record.pk))

    def test_failed_job_is_marked_and_can_be_retried(
        self, world, term, login, django_capture_on_commit_callbacks, monkeypatch
    ):
        a = world.a
        client = login(a.users["coordinator"])

        def broken(**kwargs):
            raise RuntimeError("boom")

        monkeypatch.setattr(imports, "import_check", broken)
        rows = [form_row(a.student.student_code, "teacher")]
        post_file(client, a, term, "a.csv", csv_bytes(rows), django_capture_on_commit_callbacks)
        record = latest_import()
        assert record.status == ScreeningImport.Status.FAILED
        monkeypatch.undo()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url("import_retry", a, screening_import_id=record.pk))
        assert latest_import().status == ScreeningImport.Status.READY

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_template_files_have_the_headers_and_an_example_row(self, world, term, login, fmt):
        response = login(world.a.users["coordinator"]).get(url(f"import_template_{fmt}", world.a))
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        # The example row is read as a good row of a student who is not in the school.
        report = check(world, term, response.content, filename=f"answers.{fmt}")
        assert problems(report) == [(2, "student_code", "student_unknown")]
        # With a real student code it imports: total difficulties 10 (normal).
        example = list(imports.TEMPLATE_EXAMPLE)
        example[0] = world.a.student.student_code
        answers = example[2:27]
        assert hand_score(answers, "teacher")["total"] == 10

    @pytest.mark.parametrize("role", ["homeroom", "director", "counsellor"])
    def test_other_roles_get_403(self, world, login, role):
        client = login(world.a.users[role])
        assert client.get(url("import_start", world.a)).status_code == 403
        assert client.get(url("import_template_csv", world.a)).status_code == 403

    def test_other_schools_coordinator_gets_404(self, world, login):
        client = login(world.b.users["coordinator"])
        assert client.get(url("import_start", world.a)).status_code == 404

    def test_another_schools_import_is_not_found(
        self, world, term, login, django_capture_on_commit_callbacks
    ):
        b = world.b
        client_b = login(b.users["coordinator"])
        rows = [form_row(b.student.student_code, "teacher")]
        post_file(client_b, b, term, "b.csv", csv_bytes(rows), django_capture_on_commit_callbacks)
        b_import = latest_import()
        assert b_import.status == ScreeningImport.Status.READY
        client = login(world.a.users["coordinator"])
        for name in ("import_detail", "import_status"):
            response = client.get(url(name, world.a, screening_import_id=b_import.pk))
            assert response.status_code == 404
        for name in ("import_confirm", "import_retry"):
            response = client.post(url(name, world.a, screening_import_id=b_import.pk))
            assert response.status_code == 404
        assert latest_import().status == ScreeningImport.Status.READY

    def test_upload_page_queries_do_not_grow_with_imports(
        self, world, term, login, django_assert_max_num_queries
    ):
        a = world.a
        client = login(a.users["coordinator"])
        with scopes_disabled():
            for i in range(8):
                ScreeningImport.objects.create(
                    school=a.school,
                    term=term,
                    original_name=f"{i}.csv",
                    file="screening-imports/x/upload.csv",
                    uploaded_by=a.users["coordinator"],
                )
        with django_assert_max_num_queries(10):
            assert client.get(url("import_start", a)).status_code == 200

    def test_term_defaults_from_the_address(self, world, term2, login):
        client = login(world.a.users["coordinator"])
        page = client.get(url("import_start", world.a) + f"?term={world.year.year}-2")
        assertContains(page, f'<option value="{world.year.year}-2" selected>', html=False)

    def test_upload_without_a_term_keeps_the_form(self, world, login):
        client = login(world.a.users["coordinator"])
        response = client.post(
            url("import_start", world.a),
            {"file": upload("a.csv", b"x"), "term": "1999-9"},
        )
        assert response.status_code == 200
        with scopes_disabled():
            assert not ScreeningImport.objects.exists()


def test_students_of_another_year_are_not_enrolled(world, term):
    """A student placed only in another academic year's classroom is refused."""
    with scopes_disabled():
        other_year = AcademicYear.objects.create(
            year=world.year.year - 1,
            start=world.year.start.replace(year=world.year.start.year - 1),
            end=world.year.end.replace(year=world.year.end.year - 1),
        )
        old_room = Classroom.objects.create(
            school=world.a.school, academic_year=other_year, grade=Grade.P3, room=1
        )
        old = make_student(world.a.school, old_room, 55, 1)
    report = check(world, term, csv_bytes([form_row(old.student_code, "teacher")]))
    assert problems(report) == [(2, "student_code", "not_enrolled")]


def test_bulk_write_equals_the_services_one_by_one(world, term, term2, small):
    """The import writes forms and groups in bulk; the result is what saving each form with
    ``sdq_response_save`` and refreshing each group with ``care_group_refresh`` gives, with a
    form replaced, an EQ form, an aspect result and a group set by hand."""
    a = world.a
    for t in (term, term2):
        with scope(school=a.school.pk):
            services.sdq_response_save(student=a.student, term=t, rater="teacher", answers=[0] * 25)
            services.eq_response_save(
                student=a.student, term=t, instrument="eq12", rater="student", answers=[2] * 52
            )
            services.care_group_override(
                student=a.other_student,
                term=t,
                level="problem",
                reason="ครูเห็นว่าควรดูแล",
                user=a.users["coordinator"],
            )
            AspectResult.objects.create(
                student=small, term=t, aspect="learning", level="risk", indicators=["gpa"]
            )
            services.care_group_refresh(student=small, term=t)
    rows = [
        form_row(a.student.student_code, "teacher", answers_for(21)),
        form_row(a.student.student_code, "parent", answers_for(22), impact_difficulties=0),
        form_row(a.other_student.student_code, "teacher", [0] * 25),
        form_row(
            a.other_student.student_code,
            "student",
            answers_for(23),
            impact_difficulties=2,
            impact_distress=3,
            impact_home=1,
            impact_friendships=2,
            impact_classroom=3,
            impact_leisure=0,
        ),
        form_row(small.student_code, "teacher", answers_for(24)),
    ]
    user = a.users["coordinator"]
    assert apply(world, term, csv_bytes(rows), user=user).ok
    with scope(school=a.school.pk):
        parsed = imports.parse_file(csv_bytes(rows), "x.csv")
        codes = {s.student_code: s for s in (a.student, a.other_student, small)}
        for row in parsed.rows:
            services.sdq_response_save(
                student=codes[row.student_code],
                term=term2,
                rater=row.rater,
                answers=row.answers,
                impact=row.impact or None,
                user=user,
                source=Source.IMPORT,
                refresh_group=False,
            )
        for student in codes.values():
            services.care_group_refresh(student=student, term=term2)

    def state(t):
        skip = {"id", "term", "created", "modified", "computed", "overridden_at"}
        with scopes_disabled():
            forms = {
                (r.student_id, r.rater): {
                    f.attname: getattr(r, f.attname)
                    for f in SdqResponse._meta.concrete_fields
                    if f.name not in skip
                }
                for r in SdqResponse.objects.filter(term=t)
            }
            groups = {
                g.student_id: {
                    f.attname: getattr(g, f.attname)
                    for f in CareGroup._meta.concrete_fields
                    if f.name not in skip
                }
                for g in CareGroup.objects.filter(term=t)
            }
        return forms, groups

    bulk_forms, bulk_groups = state(term)
    one_forms, one_groups = state(term2)
    assert bulk_forms == one_forms
    assert bulk_groups == one_groups
    assert bulk_groups[a.other_student.pk]["level"] == "problem"  # the override stays
    assert bulk_forms[(a.student.pk, "teacher")]["revision"] == 2

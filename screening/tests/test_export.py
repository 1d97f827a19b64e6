"""Exporting SDQ results: the columns and values, the order, the command, the download page with
its permissions and audit, a bounded number of queries, and the round trip import → export →
import into another term."""

import csv
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from carecore.models import AuditEvent, GeneratedFile
from conftest import make_student
from schools.models import Classroom, Grade
from screening import exports, services
from screening.imports import import_apply
from screening.models import SdqResponse
from screening.tests.test_import import (
    answers_for,
    csv_bytes,
    form_row,
    hand_score,
)

# The round trips carry self-reports of the world's ป.4 students: make them of its age.
pytestmark = pytest.mark.usefixtures("of_self_report_age")

COLUMNS = ["student_code", "rater", "emotional", "conduct", "hyperactivity", "peer"]
COLUMNS += ["prosocial", "total", "emotional_band", "conduct_band", "hyperactivity_band"]
COLUMNS += ["peer_band", "total_band", "prosocial_band", "criteria_version"]


def save(student, term, rater, answers, impact=None):
    with scope(school=student.school_id):
        return services.sdq_response_save(
            student=student, term=term, rater=rater, answers=answers, impact=impact
        )


def read_csv(content: bytes) -> list[dict]:
    assert content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def export(world, term, fmt="csv", answers=False):
    with scope(school=world.a.school.pk):
        return exports.export_file(school=world.a.school, term=term, fmt=fmt, answers=answers)


@pytest.fixture
def screened(world, term1):
    """Room P.4/2's student (teacher form), room P.4/1's student (three forms, one a draft
    for another term), a draft, and school B's forms, which never appear."""
    a = world.a
    save(a.other_student, term1, "teacher", answers_for(11))
    save(a.student, term1, "student", answers_for(12))
    save(a.student, term1, "teacher", answers_for(13))
    save(a.student, term1, "parent", answers_for(14))
    with scopes_disabled():
        room = Classroom.objects.get(
            school=a.school, academic_year=world.year, grade=Grade.P4, room=1
        )
        late = make_student(a.school, room, 66, 2)
    save(late, term1, "teacher", [1] * 10)  # a draft: not exported
    save(world.b.student, term1, "teacher", answers_for(15))
    return late


class TestExportFile:
    def test_columns_values_and_order(self, world, term1, screened):
        a = world.a
        content, content_type, filename, count = export(world, term1)
        assert content_type.startswith("text/csv")
        assert filename == f"sdq-{a.school.code}-{world.year.year}-1.csv"
        rows = read_csv(content)
        assert count == len(rows) == 4
        assert list(rows[0]) == COLUMNS
        # Room 1 (number 1: teacher, parent, student), then room 2.
        assert [(r["student_code"], r["rater"]) for r in rows] == [
            (a.student.student_code, "teacher"),
            (a.student.student_code, "parent"),
            (a.student.student_code, "student"),
            (a.other_student.student_code, "teacher"),
        ]
        seeds = [13, 14, 12, 11]
        for row, seed in zip(rows, seeds, strict=True):
            expected = hand_score(answers_for(seed), row["rater"])
            for name, value in expected.items():
                assert row[name] == str(value), (row["rater"], name)
            assert row["criteria_version"] == "obec-1"
        bands = {
            r[c] for r in rows for c in COLUMNS if c.endswith("_band") and c != "prosocial_band"
        }
        assert bands <= {"normal", "risk", "problem"}
        assert {r["prosocial_band"] for r in rows} <= {"strength", "no_strength"}

    def test_xlsx_has_the_same_rows(self, world, term1, screened):
        csv_rows = read_csv(export(world, term1)[0])
        content, content_type, filename, _count = export(world, term1, fmt="xlsx")
        assert filename.endswith(".xlsx") and "spreadsheetml" in content_type
        sheet = read_xlsx(content)
        assert sheet[0] == COLUMNS
        assert [[("" if v is None else str(v)) for v in row] for row in sheet[1:]] == [
            list(r.values()) for r in csv_rows
        ]
        # Student codes stay text, leading zeros and all.
        assert sheet[1][0] == world.a.student.student_code

    def test_answers_option_adds_the_answers_after_the_columns(self, world, term1, screened):
        impact = {"difficulties": 1, "distress": 1, "peers": 2, "classroom": 3, "burden": 0}
        save(world.a.other_student, term1, "teacher", answers_for(11), impact=impact)
        rows = read_csv(export(world, term1, answers=True)[0])
        header = list(rows[0])
        assert header[:15] == COLUMNS
        assert header[15:40] == [f"q{i}" for i in range(1, 26)]
        assert header[40:] == [
            "impact_difficulties",
            "impact_chronicity",
            "impact_distress",
            "impact_home",
            "impact_friendships",
            "impact_classroom",
            "impact_leisure",
            "impact_peers",
            "impact_burden",
        ]
        last = rows[-1]
        assert [int(last[f"q{i}"]) for i in range(1, 26)] == answers_for(11)
        assert last["impact_peers"] == "2" and last["impact_home"] == ""

    def test_two_queries_whatever_the_number_of_forms(
        self,
        world,
        term1,
        screened,
        django_assert_num_queries,
    ):
        with django_assert_num_queries(2):  # the forms; the classrooms of their students
            export(world, term1, answers=True)
        with scopes_disabled():
            room = Classroom.objects.get(pk=world.a.classroom.pk)
            for n in range(20):
                student = make_student(world.a.school, room, 200 + n, 10 + n)
                save(student, term1, "teacher", answers_for(n))
        with django_assert_num_queries(2):
            assert export(world, term1)[3] == 24

    def test_empty_term_has_the_header_only(self, world, term2):
        rows = read_xlsx(export(world, term2, fmt="xlsx")[0])
        assert rows == [COLUMNS]


class TestExportCommand:
    def test_csv_to_standard_output(self, world, term1, screened):
        out = io.StringIO()
        call_command(
            "export_screening", school=world.a.school.code, term=f"{world.year.year}-1", stdout=out
        )
        rows = list(csv.reader(io.StringIO(out.getvalue())))
        assert rows[0] == COLUMNS
        assert len(rows) == 5
        event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
        assert event.school_id == world.a.school.pk and event.changes["rows"] == 4

    def test_xlsx_needs_an_output_file(self, world, term1, screened, tmp_path):
        with pytest.raises(CommandError, match="--output"):
            call_command(
                "export_screening",
                school=world.a.school.code,
                term="1/" + str(world.year.year),
                format="xlsx",
            )
        path = tmp_path / "out.xlsx"
        call_command(
            "export_screening",
            school=world.a.school.code,
            term=f"{world.year.year}-1",
            format="xlsx",
            output=str(path),
            answers=True,
            stderr=io.StringIO(),
        )
        rows = read_xlsx(path.read_bytes())
        assert rows[0][:15] == COLUMNS and len(rows[0]) == 49 and len(rows) == 5

    def test_unknown_term(self, world):
        with pytest.raises(CommandError, match="No term"):
            call_command("export_screening", school=world.a.school.code, term="soon")


class TestRoundTrip:
    def test_import_export_reimport(self, world, term1, term2):
        """Answers imported from a file are exported with the scores a hand computation gives;
        the export with answers, imported into another term, gives the same results."""
        a = world.a
        with scopes_disabled():
            room = Classroom.objects.get(pk=a.classroom.pk)
            born = a.student.birth_date  # of the self-report's age (the module's fixture)
            students = [a.student, a.other_student] + [
                make_student(a.school, room, 300 + n, 20 + n, birth_date=born) for n in range(10)
            ]
        rows = []
        for i, student in enumerate(students):
            for rater in ("teacher", "parent", "student"):
                impact = {}
                if i % 3 == 0:
                    impact = {"impact_difficulties": i % 4, "impact_distress": 2}
                    impact |= {"impact_classroom": 1, "impact_peers": 3, "impact_home": 2}
                    impact |= {"impact_friendships": 0, "impact_leisure": 1}
                    if rater == "teacher":
                        del impact["impact_home"], impact["impact_friendships"]
                        del impact["impact_leisure"]
                    else:
                        del impact["impact_peers"]
                rows.append(
                    form_row(student.student_code, rater, answers_for(i * 3 + len(rater)), **impact)
                )
        with scope(school=a.school.pk):
            report = import_apply(
                data=csv_bytes(rows), filename="in.csv", school=a.school, term=term1
            )
        assert report.ok, report.errors

        exported = read_csv(export(world, term1)[0])
        assert len(exported) == len(rows)
        by_key = {(r["student_code"], r["rater"]): r for r in rows}
        for line in exported:
            source = by_key[(line["student_code"], line["rater"])]
            answers = [source[f"q{i}"] for i in range(1, 26)]
            for name, value in hand_score(answers, line["rater"]).items():
                assert line[name] == str(value)

        with_answers = export(world, term1, answers=True)[0]
        with scope(school=a.school.pk):
            again = import_apply(
                data=with_answers, filename="again.csv", school=a.school, term=term2
            )
        assert again.ok, again.errors
        assert again.summary["new"] == len(rows)
        # The same rows, scores and answers, byte for byte.
        assert export(world, term2, answers=True)[0] == with_answers
        with scopes_disabled():
            first = {
                (r.student_id, r.rater): (r.impact, r.impact_band, r.level)
                for r in SdqResponse.objects.filter(term=term1)
            }
            second = {
                (r.student_id, r.rater): (r.impact, r.impact_band, r.level)
                for r in SdqResponse.objects.filter(term=term2)
            }
        assert first == second
        assert any(value[0] for value in first.values())  # some impact scores were exported


# --- the pages ---------------------------------------------------------------------------------
def url(name, side) -> str:
    return reverse(f"screening:{name}", kwargs={"school_code": side.school.code})


def file_of(client, response) -> bytes:
    """The file a job made, from the page the export answered with."""
    assert response.status_code == 302
    generated = GeneratedFile.objects.latest("created")
    assert response["Location"] == reverse("generated_file", kwargs={"file_id": generated.pk})
    assert generated.status == GeneratedFile.Status.DONE, generated.error
    download = client.get(reverse("generated_file_download", kwargs={"file_id": generated.pk}))
    assert download.status_code == 200
    return b"".join(download.streaming_content)


class TestExportPages:
    @pytest.mark.parametrize("role", ["coordinator", "director", "counsellor"])
    def test_download_by_those_who_see_every_student(
        self, world, term1, screened, login, role, django_capture_on_commit_callbacks
    ):
        client = login(world.a.users[role])
        page = client.get(url("export", world.a) + f"?term={world.year.year}-1")
        assert page.status_code == 200
        assert url("export_file", world.a) in page.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url("export_file", world.a), {"term": f"{world.year.year}-1", "format": "csv"}
            )
        rows = read_csv(file_of(client, response))
        assert len(rows) == 4 and list(rows[0]) == COLUMNS
        generated = GeneratedFile.objects.latest("created")
        assert generated.filename == f"sdq-{world.a.school.code}-{world.year.year}-1.csv"
        # One entry when the export was asked for, one for the download (carecore/file_views.py).
        event = AuditEvent.objects.exclude(object_type="generatedfile").get(
            action=AuditEvent.Action.EXPORT
        )
        assert AuditEvent.objects.filter(
            action=AuditEvent.Action.EXPORT,
            object_type="generatedfile",
            object_id=str(generated.pk),
        ).exists()
        assert event.user_id == world.a.users[role].pk
        assert event.school_id == world.a.school.pk
        assert event.path == url("export_file", world.a)
        assert event.changes["term"] == f"{world.year.year}-1"

    def test_xlsx_with_answers(
        self, world, term1, screened, login, django_capture_on_commit_callbacks
    ):
        client = login(world.a.users["coordinator"])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url("export_file", world.a),
                {"term": f"{world.year.year}-1", "format": "xlsx", "answers": "on"},
            )
        rows = read_xlsx(file_of(client, response))
        assert rows[0][15] == "q1" and len(rows) == 5

    def test_without_choices_the_current_term_as_xlsx(
        self, world, login, django_capture_on_commit_callbacks
    ):
        client = login(world.a.users["director"])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url("export_file", world.a))
        rows = read_xlsx(file_of(client, response))
        assert rows == [COLUMNS]

    @pytest.mark.parametrize("role", ["homeroom", "nurse", "discipline"])
    def test_other_roles_get_403(self, world, login, role):
        client = login(world.a.users[role])
        assert client.get(url("export", world.a)).status_code == 403
        assert client.post(url("export_file", world.a)).status_code == 403
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
        assert not GeneratedFile.objects.exists()

    def test_other_schools_staff_get_404(self, world, login):
        client = login(world.b.users["coordinator"])
        assert client.post(url("export_file", world.a)).status_code == 404

    def test_the_file_is_refused_to_one_who_lost_the_right(
        self, world, term1, screened, login, django_capture_on_commit_callbacks
    ):
        from carecore.models import Membership, Role

        user = world.a.users["counsellor"]
        client = login(user)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url("export_file", world.a), {"term": f"{world.year.year}-1"})
        generated = GeneratedFile.objects.latest("created")
        Membership.objects.filter(user=user).update(role=Role.NURSE)
        response = client.get(reverse("generated_file_download", kwargs={"file_id": generated.pk}))
        assert response.status_code == 404

    def test_unknown_term_goes_back_to_the_page_with_a_message(self, world, login):
        client = login(world.a.users["director"])
        response = client.post(url("export_file", world.a), {"term": "2400-3"}, follow=True)
        assert response.redirect_chain[-1][0].startswith(url("export", world.a))
        assert len(list(response.context["messages"])) == 1
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
        assert not GeneratedFile.objects.exists()


def test_an_unknown_term_in_the_address_gives_a_message_and_the_current_term(world, login):
    client = login(world.a.users["coordinator"])
    for name in ("export", "import_start"):
        page = client.get(url(name, world.a) + "?term=2400-9")
        assert page.status_code == 200
        assert len(list(page.context["messages"])) == 1

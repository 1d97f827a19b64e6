"""The reports by job: the district report (PDF and XLSX) and the school report (PDF), started
from the dashboards, built by the job, downloaded by the person who asked while they keep the
role; figures only, never a student's name."""

import io
import subprocess

import openpyxl
import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from care.tests.test_coverage import group
from carecore.models import GeneratedFile, Membership, Role
from dashboards import reports
from dashboards.models import DistrictTargets, SchoolFigures
from schools.models import School
from schools.selectors import term_code
from visits.models import HomeVisit

SECRET_FIRST, SECRET_LAST = "ลับเฉพาะ", "ไม่ควรปรากฏ"


@pytest.fixture
def figures_world(world, term):
    """School A: its student screened (risk) and visited; the other student not screened; a
    second school in the district, with no students, in no network. Readers in English."""
    with scopes_disabled():
        for side in (world.a, world.b):
            for user in side.users.values():
                user.language = "en"
                user.save(update_fields=["language"])
        world.a.student.first_name, world.a.student.last_name = SECRET_FIRST, SECRET_LAST
        world.a.student.save()
        group(world.a.student, term, "risk")
        HomeVisit.objects.create(
            school_id=world.a.school.pk,
            student=world.a.student,
            academic_year=world.year,
            status=HomeVisit.Status.DONE,
            date=term.start,
            visitors="ครูประจำชั้น",
        )
        School.objects.create(code="1040000099", name="โรงเรียนบ้านเล็ก", district=world.a.district)
        DistrictTargets.objects.create(district=world.a.district, cared=75)
    return world


def pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


def start(client, url: str, term, capture) -> GeneratedFile:
    """POST the page's term, run the job (eager), and return the file row."""
    with capture(execute=True):
        response = client.post(url, {"term": term_code(term)})
    assert response.status_code == 302
    with scopes_disabled():
        generated = GeneratedFile.objects.latest("created")
    assert response["Location"] == reverse("generated_file", kwargs={"file_id": generated.pk})
    return generated


def download(client, generated) -> bytes:
    response = client.get(reverse("generated_file_download", kwargs={"file_id": generated.pk}))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


class TestDistrictReportPdf:
    def test_the_supervisor_gets_the_district_its_networks_and_schools_without_names(
        self, figures_world, term, login, django_capture_on_commit_callbacks
    ):
        world = figures_world
        client = login(world.a.users["district_supervisor"])
        url = reverse("dash_district_reports:pdf", kwargs={"district_code": world.a.district.code})
        generated = start(client, url, term, django_capture_on_commit_callbacks)
        assert generated.status == GeneratedFile.Status.DONE
        assert generated.district_id == world.a.district.pk
        assert generated.filename.endswith(".pdf")
        text = pdf_text(download(client, generated))
        flat = " ".join(text.split())
        assert "District A" in flat
        assert f"Term {term.number}/{world.year.year}" in flat
        assert f"B.E. {world.year.year}" in flat  # the date printed, Buddhist Era
        assert "Network A" in flat and "Schools outside any network" in flat
        assert "โรงเรียน A" in flat and "โรงเรียนบ้านเล็ก" in flat
        # The summary in words: 2 students in 2 schools, 1 of 2 screened and visited (50.0%),
        # the one screened student at risk (100.0%); helped: none of the screened (target 75%).
        assert "Of 2 students in 2 schools, 50.0% were screened and 50.0% were visited" in flat
        assert "0.0% of the screened students were suitably helped (target 75%)" in flat
        assert "0 schools of 2 met every target." in flat
        assert SECRET_FIRST not in text and SECRET_LAST not in text
        assert "Page 2/" in flat

    def test_the_builder_as_the_bench_calls_it(self, figures_world, term):
        """``district_report_pdf`` (what the bench times) reads the rollups: one row a school."""
        with scopes_disabled():
            content = reports.district_report_pdf(district=figures_world.a.district, term=term)
            assert SchoolFigures.objects.filter(term=term).count() == 2
        assert content.startswith(b"%PDF")


class TestDistrictReportXlsx:
    def test_sheets_hold_every_school_and_network_equal_to_the_rollups(
        self, figures_world, term, login, django_capture_on_commit_callbacks
    ):
        from earlywarning.tests.test_views import HIGH, flag

        world = figures_world
        flag(world.a.student, HIGH)
        client = login(world.a.users["district_admin"])
        url = reverse("dash_district_reports:xlsx", kwargs={"district_code": world.a.district.code})
        generated = start(client, url, term, django_capture_on_commit_callbacks)
        assert generated.filename.endswith(".xlsx")
        book = openpyxl.load_workbook(io.BytesIO(download(client, generated)))
        summary, schools, networks, warning = book.worksheets

        with scopes_disabled():
            counts = SchoolFigures.objects.get(school=world.a.school, term=term).counts
        header = [c.value for c in schools[1]]
        assert header[:5] == ["School code", "School", "Network", "Size", "Students"]
        rows = {row[0]: row for row in schools.iter_rows(min_row=2, values_only=True)}
        assert set(rows) == {world.a.school.code, "1040000099"}
        row = dict(zip(header, rows[world.a.school.code], strict=True))
        assert row["School"] == "โรงเรียน A" and row["Network"] == "Network A"
        assert row["Students"] == counts["students"] == 2
        assert row["Screened"] == counts["screened"] == 1
        assert row["Screened (%)"] == pytest.approx(0.5)
        assert row["Home visits"] == counts["visited"] == 1
        assert row["At risk"] == counts["risk"] == 1
        assert row["Not screened"] == 1
        empty = dict(zip(header, rows["1040000099"], strict=True))
        assert empty["Students"] == 0 and empty["Screened (%)"] is None
        # Percent cells show as percents; the header stays in view and can filter.
        assert schools.cell(row=2, column=header.index("Screened (%)") + 1).number_format == "0.0%"
        assert schools.freeze_panes == "A2"
        assert schools.auto_filter.ref.startswith("A1:")

        network_rows = [r for r in networks.iter_rows(min_row=2, values_only=True)]
        assert [r[0] for r in network_rows] == [
            "Network A",
            "Schools outside any network",
            "Whole district",
        ]
        assert [r[1] for r in network_rows] == [1, 1, 2]  # schools
        assert network_rows[-1][2] == 2  # students of the district

        # The early warning per school, today: figures only.
        assert [c.value for c in warning[1]] == [
            "School code",
            "School",
            "Network",
            "High risk",
            "Watch",
        ]
        warning_rows = list(warning.iter_rows(min_row=2, values_only=True))
        by_code = {r[0]: r[3:] for r in warning_rows[:-1]}
        assert by_code == {world.a.school.code: (1, 0), "1040000099": (0, 0)}
        assert warning_rows[-1][1:] == ("Whole district", None, 1, 0)

        key = {r[0]: r for r in summary.iter_rows(min_row=2, max_row=6, values_only=True)}
        assert key["Suitably helped"][2] == pytest.approx(0.75)  # the district's target
        assert key["Screened"][1] == pytest.approx(0.5)


class TestSchoolReportPdf:
    def test_the_director_gets_grades_and_classrooms_without_names(
        self, figures_world, term, login, django_capture_on_commit_callbacks
    ):
        world = figures_world
        client = login(world.a.users["director"])
        url = reverse("dash_school_reports:pdf", kwargs={"school_code": world.a.school.code})
        generated = start(client, url, term, django_capture_on_commit_callbacks)
        assert generated.school_id == world.a.school.pk
        text = pdf_text(download(client, generated))
        flat = " ".join(text.split())
        assert "โรงเรียน A" in flat
        assert f"B.E. {world.year.year}" in flat
        assert "Of 2 students, 50.0% were screened" in flat
        assert "P.4/1" in flat and "P.4/2" in flat  # the classrooms
        assert SECRET_FIRST not in text and SECRET_LAST not in text

    def test_a_homeroom_teacher_may_not_start_it(self, figures_world, login):
        client = login(figures_world.a.users["homeroom"])
        url = reverse(
            "dash_school_reports:pdf", kwargs={"school_code": figures_world.a.school.code}
        )
        assert client.post(url).status_code == 403


class TestStartViews:
    @pytest.mark.parametrize("name", ["dash_district_reports:pdf", "dash_district_reports:xlsx"])
    def test_only_the_districts_staff(self, world, login, name):
        url = reverse(name, kwargs={"district_code": world.a.district.code})
        assert login(world.a.users["district_supervisor"]).post(url).status_code == 302
        assert login(world.b.users["district_supervisor"]).post(url).status_code == 404
        assert login(world.a.users["director"]).post(url).status_code == 404
        assert login(world.a.users["network"]).post(url).status_code == 404
        # A page that only starts a job: nothing to GET.
        assert login(world.a.users["district_supervisor"]).get(url).status_code == 405

    def test_an_unknown_term_falls_back_to_the_current_one(self, world, term, login):
        client = login(world.a.users["district_admin"])
        url = reverse("dash_district_reports:pdf", kwargs={"district_code": world.a.district.code})
        client.post(url, {"term": "nonsense"})
        with scopes_disabled():
            generated = GeneratedFile.objects.latest("created")
        assert generated.params == {"term_id": term.pk}
        assert generated.permission == "view_district"

    def test_the_buttons_carry_the_pages_term(self, rf, world, term):
        from django.template.loader import render_to_string

        request = rf.get("/")
        request.districtperms = frozenset({"view_district"})
        request.schoolperms = frozenset({"view_school_dashboard"})
        html = render_to_string(
            "dashboards/_district_report_buttons.html",
            {"district": world.a.district, "term": term},
            request=request,
        )
        assert html.count('method="post"') == 2 and "csrfmiddlewaretoken" in html
        assert f'value="{term_code(term)}"' in html
        html = render_to_string(
            "dashboards/_school_report_button.html",
            {"school": world.a.school, "term": term},
            request=request,
        )
        assert reverse("dash_school_reports:pdf", args=[world.a.school.code]) in html
        assert f'value="{term_code(term)}"' in html


class TestLostRole:
    def test_the_file_is_gone_once_the_supervisor_leaves_the_district(
        self, figures_world, term, login, django_capture_on_commit_callbacks
    ):
        world = figures_world
        user = world.a.users["district_supervisor"]
        client = login(user)
        url = reverse("dash_district_reports:xlsx", kwargs={"district_code": world.a.district.code})
        generated = start(client, url, term, django_capture_on_commit_callbacks)
        page = reverse("generated_file", kwargs={"file_id": generated.pk})
        assert client.get(page).status_code == 200
        # Another district's supervisor with the address: nothing.
        assert login(world.b.users["district_supervisor"]).get(page).status_code == 404
        Membership.objects.filter(user=user, role=Role.DISTRICT_SUPERVISOR).delete()
        client = login(user)
        assert client.get(page).status_code == 404
        assert client.get(page.replace("/files/", "/files/") + "download/").status_code == 404

    def test_the_school_report_check_refuses_a_director_who_left(
        self, figures_world, term, login, django_capture_on_commit_callbacks
    ):
        world = figures_world
        user = world.a.users["director"]
        client = login(user)
        url = reverse("dash_school_reports:pdf", kwargs={"school_code": world.a.school.code})
        generated = start(client, url, term, django_capture_on_commit_callbacks)
        # Now only a homeroom teacher there: still in the school, but without the dashboard.
        Membership.objects.filter(user=user).update(role=Role.HOMEROOM)
        client = login(user)
        assert client.get(reverse("generated_file", args=[generated.pk])).status_code == 404

"""The surveys' files, made by jobs and read back: the results as PDF (pdftotext -raw reads the
Thai back) and XLSX, the slips as PDF (codes only on paper, their hashes stored)."""

import io
import re
import subprocess

import openpyxl
import pytest
from django.urls import reverse

from carecore.models import GeneratedFile
from districts.surveys.models import SurveySlip, slip_code_hash
from districts.surveys.tests.factories import answer, make_survey

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def made_file(django_capture_on_commit_callbacks):
    """Start a file's job by its page (a POST) and run it, as the worker would."""

    def make(client, url, data=None) -> GeneratedFile:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data or {})
        return _done(response)

    return make


def _done(response) -> GeneratedFile:
    assert response.status_code == 302, response.content[:500]
    generated = GeneratedFile.objects.filter(created_by=response.wsgi_request.user).latest(
        "created"
    )
    assert generated.status == GeneratedFile.Status.DONE, generated.error
    return generated


def d_url(world, name, survey):
    return reverse(
        f"surveys:{name}", kwargs={"district_code": world.a.district.code, "survey_id": survey.pk}
    )


@pytest.fixture
def answered(world):
    survey = make_survey(world.a.district, title="ความพึงพอใจของผู้ปกครองต่อระบบการดูแลช่วยเหลือนักเรียน")
    answer(survey, [5, 4], ["ครูประจำชั้นใส่ใจนักเรียนดีมาก"], school=world.a.school)
    answer(survey, [4, 4], ['=HYPERLINK("http://x","y")'], school=world.a.school)
    answer(survey, [3, 5], [""], school=world.a.school)
    return survey


def test_the_results_pdf_reads_back_in_thai(world, login, answered, made_file):
    client = login(world.a.users["district_supervisor"])
    generated = made_file(client, d_url(world, "survey_results_pdf", answered))
    assert generated.district == world.a.district and generated.filename.endswith(".pdf")
    text = pdf_text(generated.file.read())
    # The title wraps: read it across the line break.
    assert "ความพึงพอใจของผู้ปกครองต่อระบบการดูแลช่วยเหลือนักเรียน" in text.replace("\n", "")
    assert "ด้านการดูแล" in text and "ครูรู้จักบุตรหลาน" in text
    assert "ครูประจำชั้นใส่ใจนักเรียนดีมาก" in text
    # Question 1: 5, 4, 3 → 4.00, S.D. 1.00, มาก; the whole survey 4.17.
    assert re.search(r"1 ครูรู้จักบุตรหลาน 3 4\.00 1\.00 มาก", text), text
    assert "4.17" in text
    assert world.a.school.name in text  # the answers per school


def test_the_results_xlsx(world, login, answered, made_file):
    client = login(world.a.users["district_admin"])
    generated = made_file(client, d_url(world, "survey_results_xlsx", answered))
    workbook = openpyxl.load_workbook(io.BytesIO(generated.file.read()))
    assert len(workbook.sheetnames) == 4
    figures = workbook.worksheets[0]
    rows = list(figures.iter_rows(min_row=2, values_only=True))
    assert rows[0][:7] == ("ด้านการดูแล", 1, "ครูรู้จักบุตรหลาน", 3, 4.0, 1.0, "มาก")
    assert rows[0][7:12] == (1, 1, 1, 0, 0)
    written = workbook.worksheets[2]
    texts = [row[2] for row in written.iter_rows(min_row=2, values_only=True)]
    assert "ครูประจำชั้นใส่ใจนักเรียนดีมาก" in texts
    # A written answer that looks like a formula stays text.
    cell = next(c for c in written["C"] if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"
    every = workbook.worksheets[3]
    assert every.max_row == 4  # a header and three answers


def test_slips_print_codes_that_answer(world, login, made_file):
    survey = make_survey(world.a.district, mode="slips")
    client = login(world.a.users["district_supervisor"])
    url = d_url(world, "survey_slips", survey)
    assert client.get(url).status_code == 200
    generated = made_file(client, url, {"count": 10, "school": world.a.school.pk})
    text = pdf_text(generated.file.read())
    codes = re.findall(r"\b([A-Z0-9]{5}-[A-Z0-9]{5})\b", text)
    assert len(set(codes)) == 10
    assert survey.title in text and world.a.school.name in text
    slips = SurveySlip.objects.filter(survey=survey)
    assert slips.count() == 10 and {s.school for s in slips} == {world.a.school}
    stored = set(slips.values_list("code_hash", flat=True))
    assert {slip_code_hash(c.replace("-", "")) for c in codes} == stored


def test_a_school_prints_its_own_answers_to_the_district_survey(world, login, answered, made_file):
    from schools.models import School

    other = School.objects.create(
        code="1040000055", name="โรงเรียนบ้านไกล", district=world.a.district
    )
    answer(answered, [1, 1], ["คำตอบของโรงเรียนอื่น"], school=other)
    client = login(world.a.users["coordinator"])
    url = reverse(
        "surveys_school:survey_results_pdf",
        kwargs={"school_code": world.a.school.code, "survey_id": answered.pk},
    )
    generated = made_file(client, url)
    assert generated.school == world.a.school
    text = pdf_text(generated.file.read())
    assert "ครูประจำชั้นใส่ใจนักเรียนดีมาก" in text
    assert "คำตอบของโรงเรียนอื่น" not in text and other.name not in text
    # The download is the coordinator's alone, while they may manage the school's surveys.
    download = reverse("generated_file_download", kwargs={"file_id": generated.pk})
    assert client.get(download).status_code == 200
    assert login(world.a.users["director"]).get(download).status_code == 404

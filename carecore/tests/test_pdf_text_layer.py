"""The PDF text layer gives back the Thai that was rendered, for every PDF document kind, and Thai
compounds are not split across lines.

Each kind of the job registry (carecore.jobs.JOB_KINDS) that makes a PDF is built by its own
builder from a small demo district (demo.world.demo_build), as the Celery job builds it. The HTML
handed to WeasyPrint is kept; every run of Thai letters in its visible text must be found in
what pdftotext reads back (white space aside: lines break between words). Before the SARA AM fix
(carecore.pdf_fonts) the text layer read สำนักงำน, กำร or นำ for น้ำ.
"""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.db import transaction
from django.utils import translation
from django_scopes import scopes_disabled

import carecore.pdf
from carecore.jobs import JOB_KINDS
from carecore.pdf import html_to_pdf
from carecore.pdf_thai import THAI_COMPOUNDS
from carecore.tests.test_pdf import _poppler, pdf_text

# Kinds whose file is not a PDF.
NOT_PDF = {
    "district_report_xlsx",
    "screening_export",
    "subject_access_zip",
    "survey_results_xlsx",
}

# Words with SARA AA, SARA AM, SARA AM under a tone mark, and tone marks over vowels; the
# fixture puts them in the school's and the student's names, which the documents print.
SCHOOL_NAME = "โรงเรียนบ้านน้ำคำ"
STUDENT_LAST_NAME = "กำลังดี"
WORDS = ("สำนักงาน", "การ", "กำลัง", "น้ำ", "คำ", "ที่", "ผู้")

THAI_RUN = re.compile(r"[\u0e01-\u0e5b]+")


def visible_text(document: str) -> str:
    """The text of an HTML document a reader sees (not its head, styles, scripts or SVG)."""
    document = re.sub(r"(?is)<(head|style|script|title|svg)\b.*?</\1\s*>", " ", document)
    document = re.sub(r"(?s)<!--.*?-->", " ", document)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", document))


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _params(kind, objects) -> tuple[object, dict]:
    """(school, params) of a job of ``kind``, as the views that start the jobs give them."""
    school, classroom, student, term = (
        objects["school"],
        objects["classroom"],
        objects["student"],
        objects["term"],
    )
    meeting, award = objects["meeting"], objects["award_category"]
    by_kind = {
        "assessment_certificates": (
            None,
            {"round_id": award.round_id, "category_id": award.pk},
        ),
        "committee_minutes": (
            meeting.committee.school,
            {"committee_id": meeting.committee_id, "meeting_id": meeting.pk},
        ),
        "committee_order": (None, {"committee_id": objects["committee"].pk}),
        "district_plan": (None, {"plan_id": objects["district_plan"].pk}),
        "care_plan": (objects["plan"].school, {"plan_id": objects["plan"].pk}),
        "classroom_list": (school, {"classroom_id": classroom.pk}),
        "classroom_sheets": (school, {"classroom_id": classroom.pk}),
        "classroom_visits": (school, {"classroom_id": classroom.pk}),
        "cumulative_record": (school, {"student_id": student.pk}),
        "district_report": (None, {"term_id": term.pk}),
        "family_slips": (
            school,
            {
                "classroom_id": classroom.pk,
                "kind": "parent",
                "portal_url": "https://example.org/family/start/",
            },
        ),
        "home_visit": (school, {"visit_id": objects["visit"].pk}),
        "referral_letter": (objects["referral"].school, {"referral_id": objects["referral"].pk}),
        "referral_result": (objects["referral"].school, {"referral_id": objects["referral"].pk}),
        "school_report": (school, {"term_id": term.pk}),
        "screening_classroom_summary": (school, {"classroom_id": classroom.pk, "term_id": term.pk}),
        "screening_school_summary": (school, {"term_id": term.pk}),
        "screening_slips": (
            school,
            {
                "classroom_id": classroom.pk,
                "term_id": term.pk,
                "form_base_url": "https://example.org/screening/",
            },
        ),
        "screening_student_summary": (school, {"student_id": student.pk, "term_id": term.pk}),
        "student_care_summary": (school, {"student_id": student.pk}),
        "student_sheet": (school, {"student_id": student.pk}),
        "subject_access_pdf": (school, {"student_id": student.pk, "counselling_notes": True}),
        "supervision_report": (None, {"round_id": objects["round"].pk}),
        "survey_results": (None, {"survey_id": objects["survey"].pk}),
        "survey_slips": (
            None,
            {
                "survey_id": objects["slip_survey"].pk,
                "count": 8,
                "base_url": "https://example.org/survey/",
            },
        ),
    }
    return by_kind[kind]


# The product's kinds: other test modules register kinds of their own (test_generated_files), and
# whether they are imported first depends on what the run collects.
PDF_KINDS = sorted(
    name
    for name, kind in JOB_KINDS.items()
    if name not in NOT_PDF and ".tests." not in kind.build.__module__
)


@pytest.fixture(scope="module")
def documents(django_db_setup, django_db_blocker):
    """{kind: (html, pdf bytes)} for every PDF kind, built once from one small demo district."""
    from care.models import CarePlan
    from carecore.models import GeneratedFile, User
    from demo.world import demo_build
    from districts.assessments.models import AwardCategory
    from districts.committees.models import Committee, Meeting
    from districts.plans.models import Plan
    from districts.supervision.models import Round
    from districts.surveys.models import Survey
    from referrals.models import Referral
    from schools.selectors import current_term
    from students.models import Student
    from visits.models import HomeVisit

    _poppler("pdftotext")
    built: dict[str, tuple[str, bytes]] = {}
    seen: list[str] = []
    real_html = carecore.pdf.HTML

    def keeping_html(*args, **kwargs):
        seen.append(kwargs["string"])
        return real_html(*args, **kwargs)

    with django_db_blocker.unblock(), transaction.atomic(), scopes_disabled():
        demo_build(schools=2, students=120, seed=7)
        visit = (
            HomeVisit.objects.filter(photos__isnull=False)
            .select_related("student", "school")
            .first()
        )
        student, school = visit.student, visit.school
        school.name = SCHOOL_NAME
        school.save(update_fields=["name"])
        Student.objects.filter(pk=student.pk).update(last_name=STUDENT_LAST_NAME)
        student.refresh_from_db()
        objects = {
            "school": school,
            "student": student,
            "classroom": student.enrolments.order_by("-academic_year__year").first().classroom,
            "term": current_term(),
            "visit": visit,
            "plan": CarePlan.objects.filter(student=student).first()
            or CarePlan.objects.filter(school=school).first(),
            "referral": Referral.objects.filter(status="closed").first(),
            "round": Round.objects.filter(district=school.district).first(),
            # The district's own work: its plan, its committee's order, a school committee's
            # minutes, and the certificates of an award given last year.
            "district_plan": Plan.objects.filter(district=school.district).first(),
            "committee": Committee.objects.filter(
                district=school.district, network=None, school=None
            ).first(),
            "meeting": Meeting.objects.filter(committee__district=school.district)
            .select_related("committee__school")
            .first(),
            "award_category": AwardCategory.objects.filter(
                round__district=school.district, awards__isnull=False
            ).first(),
            # The demo's answered parents' survey, and its community survey answered by slips
            # (closed in the demo: open again here, as slips are printed for an open survey).
            "survey": Survey.objects.filter(
                district=school.district, school=None, mode=Survey.Mode.OPEN
            )
            .exclude(status=Survey.Status.DRAFT)
            .first(),
            "slip_survey": Survey.objects.filter(
                district=school.district, mode=Survey.Mode.SLIPS
            ).first(),
        }
        Survey.objects.filter(pk=objects["slip_survey"].pk).update(status=Survey.Status.OPEN)
        user = User.objects.get(username="counsellor1")
        carecore.pdf.HTML = keeping_html
        try:
            for kind in PDF_KINDS:
                seen.clear()
                job_school, params = _params(kind, objects)
                generated = GeneratedFile(
                    kind=kind,
                    title=kind,
                    created_by=user,
                    school=job_school,
                    district=school.district,
                    params=params,
                )
                with translation.override("th"):
                    content = JOB_KINDS[kind].build(generated, lambda percent: None).content
                built[kind] = ("\n".join(seen), content)
        finally:
            carecore.pdf.HTML = real_html
            transaction.set_rollback(True)
    return built


def test_every_pdf_kind_is_covered():
    # A new document kind must be added to _params (and so to the round trip below).
    objects = dict.fromkeys(
        (
            "school",
            "classroom",
            "student",
            "term",
            "visit",
            "plan",
            "referral",
            "round",
            "survey",
            "slip_survey",
            "district_plan",
            "committee",
            "meeting",
            "award_category",
        ),
        type("Row", (), {"pk": 1, "school": None, "round_id": 1, "committee_id": 1})(),
    )
    objects["meeting"].committee = objects["committee"]
    for kind in PDF_KINDS:
        _params(kind, objects)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", PDF_KINDS)
def test_the_text_layer_gives_back_the_thai_rendered(documents, kind):
    html, pdf = documents[kind]
    assert pdf.startswith(b"%PDF")
    shown = visible_text(html)
    runs = set(THAI_RUN.findall(shown))
    assert runs, "no Thai in the document"
    # The test content has the letters that went wrong: SARA AA, SARA AM, tone marks.
    assert {"า", "ำ", "่"} <= set(shown) or {"า", "ำ", "้"} <= set(shown)
    text = pdf_text(pdf)
    assert "\u2060" not in text and "\ufffd" not in text
    read_back = squashed(text)
    missing = sorted(run for run in runs if run not in read_back)
    assert not missing, f"{kind}: not in the text layer: {missing[:10]}"
    for word in WORDS:
        if word in shown:
            assert word in read_back


@pytest.mark.django_db
def test_the_words_that_went_wrong_are_in_the_documents(documents):
    everything = "".join(visible_text(html) for html, _pdf in documents.values())
    for word in WORDS:
        assert word in everything


# --- line breaking ------------------------------------------------------------------------------
def narrow_column(words: str, width_cm: float) -> bytes:
    return html_to_pdf(
        f'<html lang="th"><body><div style="width: {width_cm}cm">{words}</div></body></html>'
    )


SENTENCE = (
    "ผลการประเมินตัวชี้วัดของครอบครัวใช้เวลาไม่กี่นาทีเท่านั้น "
    "ครูประจำชั้นไปเยี่ยมบ้านของนักเรียนกับผู้ปกครองและส่งต่อผลการคัดกรอง"
)


# From 3 cm: the longest word here (ครูประจำชั้น, 16pt) is about 2.6 cm wide; a word wider than its
# whole column still breaks inside rather than overflow it.
@pytest.mark.parametrize("width_cm", [3.1, 3.7, 4.3, 5.5])
def test_thai_compounds_are_not_split_across_lines(width_cm):
    _poppler("pdftotext")
    pdf = narrow_column(SENTENCE, width_cm)
    lines = [squashed(line) for line in pdf_text(pdf).splitlines() if line.strip()]
    assert len(lines) > 2  # the column is narrow: the sentence takes several lines
    assert "".join(lines) == squashed(SENTENCE)  # and reads back whole
    for compound in ("ตัวชี้วัด", "ครอบครัว", "ไม่กี่นาที", "ครูประจำชั้น", "ผู้ปกครอง"):
        assert compound in THAI_COMPOUNDS
        assert any(compound in line for line in lines), f"{compound} split: {lines}"


def test_without_the_dictionary_libthai_splits_them():
    """What the dictionary is for: the same columns rendered without it break inside them."""
    _poppler("pdftotext")
    from carecore import pdf_thai

    split = 0
    for width_cm in (3.1, 3.7, 4.3, 5.5):
        original = pdf_thai._WORDS
        try:
            pdf_thai._WORDS = re.compile("(?!)")  # matches nothing
            pdf = narrow_column(SENTENCE, width_cm)
        finally:
            pdf_thai._WORDS = original
        lines = [squashed(line) for line in pdf_text(pdf).splitlines() if line.strip()]
        split += sum(
            not any(compound in line for line in lines)
            for compound in ("ตัวชี้วัด", "ครอบครัว", "ไม่กี่นาที")
        )
    assert split > 0


def test_only_body_text_is_wrapped():
    from carecore.pdf_thai import keep_thai_words

    document = (
        "<html><head><title>ตัวชี้วัด</title><style>.x::after{content:'ครอบครัว'}</style></head>"
        '<body><p title="ตัวชี้วัด">ตัวชี้วัดของครอบครัว</p><svg><text>ครอบครัว</text></svg>'
        "<p>ผู้ปกครอง</p></body></html>"
    )
    out = keep_thai_words(document)
    assert "<title>ตัวชี้วัด</title>" in out
    assert "content:'ครอบครัว'" in out
    assert 'title="ตัวชี้วัด"' in out
    assert "<text>ครอบครัว</text>" in out
    assert (
        '<p title="ตัวชี้วัด"><span class="th-word">ตัวชี้วัด</span>ของ'
        '<span class="th-word">ครอบครัว</span></p>'
    ) in out
    assert '<p><span class="th-word">ผู้ปกครอง</span></p>' in out

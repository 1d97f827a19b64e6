"""Surveys for tests, built through the services."""

from __future__ import annotations

from districts.surveys import services
from districts.surveys.models import Section, Survey

RATING, OPEN = Section.Kind.RATING, Section.Kind.OPEN


def make_survey(
    district,
    *,
    school=None,
    mode: str = Survey.Mode.OPEN,
    ask_school: bool = True,
    sections=None,
    publish: bool = True,
    title: str = "ความพึงพอใจของผู้ปกครอง",
) -> Survey:
    """A survey of ``district`` (``school``: the school's), with ``sections`` (title, kind,
    questions), by default two rating questions and one open question; published."""
    survey = services.survey_create(
        district=district,
        school=school,
        audience="parents",
        mode=mode,
        from_starter=False,
        ask_school=ask_school,
    )
    rows = sections or [
        ("ด้านการดูแล", RATING, ["ครูรู้จักบุตรหลาน", "ครูเยี่ยมบ้าน"]),
        ("ข้อเสนอแนะ", OPEN, ["ข้อเสนอแนะอื่น ๆ"]),
    ]
    services.survey_update(
        survey=survey,
        data={
            "title": title,
            "intro": "",
            "mode": mode,
            "audience": "parents",
            "ask_school": ask_school,
        },
        sections=[services.SectionRow(t, k, list(q)) for t, k, q in rows],
    )
    if publish:
        survey = services.survey_publish(survey=survey)
    survey.refresh_from_db()
    return survey


def answer(survey: Survey, levels: list[int], texts: list[str] = (), *, school=None, slip=None):
    """One response: ``levels`` for the rating questions in order, ``texts`` for the open ones."""
    questions = list(survey.questions.select_related("section").order_by("position"))
    rating = [q for q in questions if q.section.kind == RATING]
    open_ = [q for q in questions if q.section.kind == OPEN]
    return services.response_save(
        survey=survey,
        values={q.pk: v for q, v in zip(rating, levels, strict=False)},
        texts={q.pk: t for q, t in zip(open_, texts, strict=False)},
        school=school,
        slip=slip,
    )

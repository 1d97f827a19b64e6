"""Writing surveys: create one (from a starting survey), change it, publish, close or reopen,
delete a draft; print slips; save an answer.

The questions are fixed once a survey is published (what was answered keeps meaning what it
meant); its title and introduction can still be corrected. Nothing here is about a child, so
nothing goes to the audit log but the exports (views).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.surveys.models import (
    Answer,
    Question,
    Section,
    Survey,
    SurveyResponse,
    SurveySlip,
    slip_code_hash,
)
from districts.surveys.starters import STARTERS
from students.family_models import slip_code_new

# The most slips one printing makes (a big school's parents, on 125 pages).
MAX_SLIPS = 1000


@dataclass
class SectionRow:
    """A section as a form gives it: its title, kind and questions (one per line)."""

    title: str
    kind: str
    questions: list[str] = field(default_factory=list)


def _sections_save(survey: Survey, rows: list[SectionRow]) -> None:
    """Replace the survey's sections and questions with ``rows`` (a draft's); empty sections go,
    questions are numbered through the survey."""
    survey.sections.all().delete()
    rows = [r for r in rows if r.questions]
    sections = Section.objects.bulk_create(
        [
            Section(survey=survey, position=i, title=row.title, kind=row.kind)
            for i, row in enumerate(rows, start=1)
        ]
    )
    number = 0
    questions = []
    for section, row in zip(sections, rows, strict=True):
        for text in row.questions:
            number += 1
            questions.append(Question(survey=survey, section=section, position=number, text=text))
    Question.objects.bulk_create(questions)


def starter_rows(audience: str) -> list[SectionRow]:
    starter = STARTERS.get(audience)
    if starter is None:
        return []
    return [SectionRow(s.title, s.kind, list(s.questions)) for s in starter.sections]


@transaction.atomic
def survey_create(
    *,
    district,
    school=None,
    audience: str,
    mode: str,
    title: str = "",
    from_starter: bool = True,
    ask_school: bool = True,
    user=None,
) -> Survey:
    """A draft survey of ``district`` (``school``: the school's own), with the starting
    survey's title, introduction and questions for ``audience`` when ``from_starter``."""
    starter = STARTERS.get(audience) if from_starter else None
    survey = Survey.objects.create(
        district=district,
        school=school,
        audience=audience,
        mode=mode,
        ask_school=ask_school and school is None,
        title=title or (starter.title if starter else _("Satisfaction survey")),
        intro=starter.intro if starter else "",
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    if starter is not None:
        _sections_save(survey, starter_rows(audience))
    return survey


@transaction.atomic
def survey_update(
    *, survey: Survey, data: dict, sections: list[SectionRow] | None = None
) -> Survey:
    """Save the form's fields; a draft also takes ``mode``, ``audience``, ``ask_school`` and its
    ``sections``; a published survey only its title and introduction."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    survey.title = data["title"]
    survey.intro = data.get("intro", "")
    fields = ["title", "intro"]
    if survey.is_draft:
        survey.audience = data.get("audience", survey.audience)
        survey.mode = data.get("mode", survey.mode)
        survey.ask_school = bool(data.get("ask_school")) and survey.school_id is None
        fields += ["audience", "mode", "ask_school"]
        if sections is not None:
            _sections_save(survey, sections)
    survey.save(update_fields=fields)
    return survey


@transaction.atomic
def survey_publish(*, survey: Survey) -> Survey:
    """Open a draft for answers: its public link works from now on."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey.is_draft:
        return survey
    if not survey.questions.exists():
        raise ValidationError(_("Add at least one question before publishing the survey."))
    survey.status = Survey.Status.OPEN
    survey.opened_at = timezone.now()
    survey.save(update_fields=["status", "opened_at"])
    return survey


@transaction.atomic
def survey_close(*, survey: Survey, reopen: bool = False) -> Survey:
    """Stop taking answers (the link then says the survey has closed), or take them again."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if reopen and survey.status == Survey.Status.CLOSED:
        survey.status = Survey.Status.OPEN
        survey.closed_at = None
    elif not reopen and survey.is_open:
        survey.status = Survey.Status.CLOSED
        survey.closed_at = timezone.now()
    else:
        return survey
    survey.save(update_fields=["status", "closed_at"])
    return survey


def survey_delete(*, survey: Survey) -> None:
    """Delete a draft (a published survey has answers, or may get some: it is closed)."""
    if not survey.is_draft:
        raise ValidationError(_("Only a draft can be deleted; close a published survey instead."))
    survey.delete()


# --- slips ---------------------------------------------------------------------------------
@transaction.atomic
def slips_issue(*, survey: Survey, count: int, school=None, batch: str = "") -> list[str]:
    """``count`` new codes for ``survey`` (about ``school`` when given), stored as hashes only.
    A batch printed again (a retried job) first loses its own unused slips."""
    if batch:
        SurveySlip.objects.filter(batch=batch, used_at__isnull=True).delete()
    codes = [slip_code_new() for _ in range(max(0, min(count, MAX_SLIPS)))]
    SurveySlip.objects.bulk_create(
        [
            SurveySlip(survey=survey, school=school, code_hash=slip_code_hash(code), batch=batch)
            for code in codes
        ]
    )
    return codes


# --- answers -------------------------------------------------------------------------------
class SlipUsed(Exception):
    """The slip's code answered the survey already (perhaps a moment ago, on another phone)."""


@transaction.atomic
def response_save(
    *, survey: Survey, values: dict[int, int], texts: dict[int, str], school=None, slip=None
) -> SurveyResponse:
    """One person's answers: ``values`` the levels of the rating questions, ``texts`` the open
    answers (empty ones are left out), by question id. With a slip, the slip is used up under
    a lock: a code answers once even when sent twice at the same moment."""
    if slip is not None:
        locked = SurveySlip.objects.select_for_update().get(pk=slip.pk)
        if locked.used_at is not None:
            raise SlipUsed
        locked.used_at = timezone.now()
        locked.save(update_fields=["used_at"])
        school = locked.school or school
    if survey.school_id:
        school = survey.school
    response = SurveyResponse.objects.create(survey=survey, school=school, slip=slip)
    answers = [
        Answer(response=response, question_id=qid, value=value) for qid, value in values.items()
    ]
    answers += [
        Answer(response=response, question_id=qid, text=text.strip())
        for qid, text in texts.items()
        if text and text.strip()
    ]
    Answer.objects.bulk_create(answers)
    return response

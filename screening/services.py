"""Saving screening answers, scoring them, and deriving each student's care group.

The group rule (docs/screening.md, "The care group"):
- every complete result gives a level: an SDQ form the worst band of its four difficulty scales,
  its total and its impact score (prosocial is a strength and never counts); an EQ form "risk" when
  its total is below the normal range; an aspect the level of its worst ticked indicator;
- the student's group is the worst of those levels; the scales at that level are kept as the
  reasons, so the student's page can say which scale put the child there;
- "special" (special ability or special needs) is a flag shown beside the group;
- a teacher may set another group with a reason; the override and its reason are kept, the
  derived group is still shown beside it, and each change is logged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from carecore.writes import acting_user
from screening import scoring
from screening.models import (
    LEVEL_ORDER,
    AspectResult,
    CareGroup,
    CareGroupChange,
    EqResponse,
    Level,
    Rater,
    ScreeningPolicy,
    SdqResponse,
    Source,
    Status,
)

SPECIAL_ASPECTS = ("special_ability", "special_needs")
SDQ_BANDED = ("emotional", "conduct", "hyperactivity", "peer", "total")


class StaleForm(Exception):
    """Someone saved the form after this person opened it; nothing was written."""

    def __init__(self, current):
        super().__init__("stale form")
        self.current = current


# --- criteria ---------------------------------------------------------------------------------
def sdq_criteria_version(*, school) -> str:
    """The SDQ criteria the school scores with: its own choice, else its district's, else the
    default shipped with the instruments."""
    policies = {
        ("school" if p.school_id else "district"): p
        for p in ScreeningPolicy.objects.filter(
            Q(school_id=school.pk) | Q(district_id=school.district_id)
        )
    }
    for key in ("school", "district"):
        policy = policies.get(key)
        if policy and policy.sdq_criteria:
            return policy.sdq_criteria
    return scoring.DEFAULT_SDQ_CRITERIA


def sdq_forms_for_student(*, student, classroom, term) -> tuple[str, ...]:
    """The raters whose SDQ forms apply in the term: the teacher's and parent's by grade (ป.1–3:
    the teacher's only; no classroom: the teacher's), the self-report by age on the term's first
    day (11–17; no birth date: not offered)."""
    grade = classroom.grade if classroom is not None else None
    return scoring.sdq_forms(grade, student.age_on(term.start))


# --- SDQ ---------------------------------------------------------------------------------------
def _clean_answers(answers: Sequence, count: int, allowed: range) -> list[int | None]:
    cleaned: list[int | None] = []
    for number, value in enumerate(list(answers)[:count], start=1):
        if value is None or value == "":
            cleaned.append(None)
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise ValidationError(
                _("Item %(item)s: %(value)s is not an answer.") % {"item": number, "value": value}
            ) from None
        if value not in allowed:
            raise ValidationError(
                _("Item %(item)s: %(value)s is not an answer (%(low)s–%(high)s).")
                % {"item": number, "value": value, "low": allowed[0], "high": allowed[-1]}
            )
        cleaned.append(value)
    cleaned += [None] * (count - len(cleaned))
    return cleaned


def _form_to_save(model, key: dict, answers: list, user, source: str, revision: int | None):
    """The form ``key`` names, locked for the save (a new one when there is none) and holding the
    new answers; StaleForm when someone saved it after ``revision`` was opened."""
    response = model.objects.select_for_update().filter(**key).first()
    if response is None:
        response = model(**key, source=source)
    elif revision is not None and response.revision != revision:
        raise StaleForm(response)
    else:
        response.revision += 1
        response.source = source
    response.answers = answers
    response.entered_by = acting_user(user)
    return response


def _apply_sdq_result(response: SdqResponse, result) -> None:
    for scale in SdqResponse.SCALES:
        setattr(response, scale, getattr(result, scale))
    for scale in (*SDQ_BANDED, "prosocial"):
        setattr(response, f"{scale}_band", result.bands[scale])
    response.impact = result.impact
    response.impact_band = result.impact_band or ""
    response.level = result.level
    response.key_version = result.key_version
    response.criteria_version = result.criteria_version
    response.status = Status.COMPLETE


def _clear_sdq_result(response: SdqResponse) -> None:
    for scale in SdqResponse.SCALES:
        setattr(response, scale, None)
    for scale in (*SDQ_BANDED, "prosocial"):
        setattr(response, f"{scale}_band", "")
    response.impact = None
    response.impact_band = ""
    response.level = ""
    response.criteria_version = ""
    response.status = Status.DRAFT


@transaction.atomic
def sdq_response_save(
    *,
    student,
    term,
    rater: str,
    answers: Sequence,
    impact: Mapping[str, int | None] | None = None,
    user=None,
    source: str = Source.FORM,
    revision: int | None = None,
    criteria: str | None = None,
    refresh_group: bool = True,
) -> SdqResponse:
    """Save one SDQ form: scored when all 25 items are answered, a draft otherwise.

    ``revision`` is the revision the form was opened at; when someone saved since, StaleForm is
    raised and nothing is written."""
    if rater not in Rater.values:
        raise ValidationError(_("Unknown rater."))
    cleaned = _clean_answers(answers, 25, range(0, 3))
    impact_clean = {
        key: (None if value in (None, "") else int(value)) for key, value in (impact or {}).items()
    }
    key = {"student": student, "term": term, "rater": rater}
    response = _form_to_save(SdqResponse, key, cleaned, user, source, revision)
    response.impact_answers = impact_clean
    if None in cleaned:
        _clear_sdq_result(response)
    else:
        result = scoring.sdq_score(
            cleaned,
            rater,
            impact=impact_clean or None,
            criteria=criteria or sdq_criteria_version(school=student.school),
        )
        _apply_sdq_result(response, result)
    response.save()
    if refresh_group:
        care_group_refresh(student=student, term=term)
    return response


# --- EQ ----------------------------------------------------------------------------------------
@transaction.atomic
def eq_response_save(
    *,
    student,
    term,
    instrument: str,
    rater: str,
    answers: Sequence,
    user=None,
    source: str = Source.FORM,
    revision: int | None = None,
) -> EqResponse:
    if instrument not in EqResponse.Instrument.values:
        raise ValidationError(_("Unknown form."))
    count = 52 if instrument == EqResponse.Instrument.EQ12 else 60
    cleaned = _clean_answers(answers, count, range(1, 5))
    key = {"student": student, "term": term, "instrument": instrument}
    response = _form_to_save(EqResponse, key, cleaned, user, source, revision)
    response.rater = rater
    if None in cleaned:
        response.status = Status.DRAFT
        response.scores, response.total, response.total_level, response.level = {}, None, "", ""
    else:
        result = scoring.eq_score(instrument, cleaned)
        response.status = Status.COMPLETE
        response.scores = {
            "scales": result.scales,
            "domains": result.domains,
            "t_scores": result.t_scores,
            "levels": result.levels,
            "norms_missing": result.norms_missing,
        }
        response.total = result.total
        response.total_level = result.levels.get("total") or ""
        response.level = result.care_level
        response.version = result.version
    response.save()
    care_group_refresh(student=student, term=term)
    return response


# --- the care group ---------------------------------------------------------------------------
def _worse(a: str, b: str) -> str:
    return a if LEVEL_ORDER[a] >= LEVEL_ORDER[b] else b


def care_group_derive(*, sdq: Sequence[SdqResponse], eq: Sequence[EqResponse], aspects):
    """(level, reasons, special, special_reasons) from complete results, or None without any."""
    candidates: list[tuple[str, dict]] = []
    special_reasons: list[dict] = []
    for response in sdq:
        if response.status != Status.COMPLETE:
            continue
        for scale in SDQ_BANDED:
            candidates.append(
                (
                    getattr(response, f"{scale}_band"),
                    {
                        "source": "sdq",
                        "rater": response.rater,
                        "scale": scale,
                        "score": getattr(response, scale),
                        "band": getattr(response, f"{scale}_band"),
                    },
                )
            )
        if response.impact_band:
            candidates.append(
                (
                    response.impact_band,
                    {
                        "source": "sdq",
                        "rater": response.rater,
                        "scale": "impact",
                        "score": response.impact,
                        "band": response.impact_band,
                    },
                )
            )
    for response in eq:
        if response.status != Status.COMPLETE or not response.level:
            continue
        candidates.append(
            (
                response.level,
                {
                    "source": "eq",
                    "rater": response.rater,
                    "scale": response.instrument,
                    "score": response.total,
                    "band": response.total_level,
                },
            )
        )
    for result in aspects:
        if result.aspect in SPECIAL_ASPECTS:
            if result.level == "special":
                special_reasons.append(
                    {"source": "aspect", "scale": result.aspect, "indicators": result.indicators}
                )
            continue
        if result.level in LEVEL_ORDER:
            candidates.append(
                (
                    result.level,
                    {
                        "source": "aspect",
                        "scale": result.aspect,
                        "band": result.level,
                        "indicators": result.indicators,
                    },
                )
            )
    if not candidates and not special_reasons:
        return None
    level = Level.NORMAL
    for band, _reason in candidates:
        level = _worse(band, level)
    reasons = [reason for band, reason in candidates if band == level and level != Level.NORMAL]
    return level, reasons, bool(special_reasons), special_reasons


def care_group_refresh(*, student, term) -> CareGroup | None:
    """Derive the student's group for the term again from every result (after any change)."""
    derived = care_group_derive(
        sdq=list(SdqResponse.objects.filter(student=student, term=term)),
        eq=list(EqResponse.objects.filter(student=student, term=term)),
        aspects=list(AspectResult.objects.filter(student=student, term=term)),
    )
    group = CareGroup.objects.filter(student=student, term=term).first()
    if derived is None:
        if group is not None and not group.is_overridden:
            group.delete()
            return None
        return group
    level, reasons, special, special_reasons = derived
    if group is None:
        group = CareGroup(student=student, term=term, school_id=student.school_id)
    group.derived_level = level
    group.reasons = reasons
    group.special = special
    group.special_reasons = special_reasons
    group.level = group.override_level or level
    group.save()
    return group


@transaction.atomic
def care_group_override(*, student, term, level: str, reason: str, user) -> CareGroup:
    """Set the student's group by hand; ``level`` equal to the derived group withdraws the
    override. The reason is required and kept with every change."""
    reason = (reason or "").strip()
    if level not in Level.values:
        raise ValidationError(_("Choose a group."))
    if not reason:
        raise ValidationError(_("Write why the group is changed."))
    group = CareGroup.objects.select_for_update().filter(student=student, term=term).first()
    if group is None:
        group = CareGroup(
            student=student,
            term=term,
            school_id=student.school_id,
            derived_level=Level.NORMAL,
            level=Level.NORMAL,
        )
        # Not screened yet: the override is the only source; the derived group says "normal"
        # until results arrive.
    before = group.level
    if level == group.derived_level and group.pk and group.derived_level is not None:
        group.override_level = ""
    else:
        group.override_level = level
    group.override_reason = reason
    group.overridden_by = user
    group.overridden_at = timezone.now()
    group.level = group.override_level or group.derived_level
    group.save()
    CareGroupChange.objects.create(
        group=group, from_level=before, to_level=group.level, reason=reason, changed_by=user
    )
    return group

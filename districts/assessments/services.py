"""Writes of self-assessment and evaluation (docs/district-work.md, "Self-assessment,
evaluation and awards"): the district's round, its rubric and raters, publishing and releasing;
the school's self-assessment inside the window; a rater's scores; the awards. Nothing here is
about a child, so nothing writes to the audit log; who did what is on the rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carecore.access import ROLE_PERMISSIONS, Perm
from carecore.dates import format_date
from carecore.models import Membership, Notification, Role, User
from carecore.notifications import notify
from carecore.writes import StaleRevision, bump_revision, refuse_stale
from districts.assessments.models import (
    AssessmentRound,
    Award,
    AwardCategory,
    Evaluation,
    Indicator,
    Rater,
    Score,
    SelfAssessment,
    SelfEntry,
)

LEVEL_CHOICES = (3, 4, 5)
MAX_INDICATORS = 30
# The usual reading of a mean on five levels (the survey's, docs/district-work.md).
DEFAULT_BANDS = [
    {"min": 4.51, "title": "ดีเยี่ยม"},
    {"min": 3.51, "title": "ดีมาก"},
    {"min": 2.51, "title": "ดี"},
    {"min": 1.51, "title": "พอใช้"},
    {"min": 0, "title": "ปรับปรุง"},
]


class StaleRound(StaleRevision):
    """Someone changed the round after this page was opened."""


class StaleAssessment(StaleRevision):
    """Someone saved the school's self-assessment after this form was opened."""


class StaleEvaluation(StaleRevision):
    """The rater's scores were saved (in another tab) after this form was opened."""


def default_bands(levels: int) -> list[dict]:
    """The five bands, their thresholds scaled from five levels to ``levels``."""
    scale = (levels - 1) / 4
    return [
        {"min": round(1 + (b["min"] - 1) * scale, 2) if b["min"] else 0, "title": b["title"]}
        for b in DEFAULT_BANDS
    ]


# --- the round ----------------------------------------------------------------------------------
def _check_round(*, district, opens_on, closes_on, levels, schools, bands) -> None:
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("The window closes before it opens.")})
    if levels not in LEVEL_CHOICES:
        raise ValidationError({"levels": _("A round is rated on 3, 4 or 5 levels.")})
    if not schools:
        raise ValidationError({"schools": _("Choose the schools that assess themselves.")})
    if any(s.district_id != district.pk for s in schools):
        raise ValidationError({"schools": _("Choose schools of this district.")})
    if not bands:
        raise ValidationError({"bands": _("Give at least one level of the results.")})


def round_create(
    *,
    district,
    title: str,
    year: int,
    opens_on: datetime.date,
    closes_on: datetime.date,
    levels: int = 5,
    schools,
    description: str = "",
    bands: list[dict] | None = None,
    signer_name: str = "",
    signer_position: str = "",
    user,
) -> AssessmentRound:
    schools = list(schools)
    bands = bands or default_bands(levels)
    _check_round(
        district=district,
        opens_on=opens_on,
        closes_on=closes_on,
        levels=levels,
        schools=schools,
        bands=bands,
    )
    with transaction.atomic():
        round_ = AssessmentRound.objects.create(
            district=district,
            title=title,
            year=year,
            description=description,
            levels=levels,
            opens_on=opens_on,
            closes_on=closes_on,
            bands=bands,
            signer_name=signer_name,
            signer_position=signer_position,
            created_by=user,
        )
        round_.schools.set(schools)
    return round_


def round_update(*, round_: AssessmentRound, revision: int | None, schools, **fields):
    """Change the round: its title, window, schools, bands, signer. Its number of levels only
    while it is being prepared (the rubric's descriptors follow it)."""
    schools = list(schools)
    with transaction.atomic():
        locked = refuse_stale(
            AssessmentRound.objects.select_for_update().get(pk=round_.pk), revision, StaleRound
        )
        levels = fields.get("levels", locked.levels)
        if levels != locked.levels and locked.status != AssessmentRound.Status.DRAFT:
            raise ValidationError(
                {"levels": _("The round is published: its number of levels is fixed.")}
            )
        _check_round(
            district=locked.district,
            opens_on=fields["opens_on"],
            closes_on=fields["closes_on"],
            levels=levels,
            schools=schools,
            bands=fields["bands"],
        )
        for name, value in fields.items():
            setattr(locked, name, value)
        bump_revision(locked, *fields)
        locked.schools.set(schools)
        if levels != round_.levels:
            for indicator in locked.indicators.all():
                indicator.descriptors = (indicator.descriptors + [""] * levels)[:levels]
                indicator.save(update_fields=["descriptors"])
    return locked


@dataclass
class IndicatorRow:
    title: str
    description: str = ""
    descriptors: list[str] | None = None
    weight: Decimal = Decimal(1)


def rubric_save(*, round_: AssessmentRound, rows: list[IndicatorRow], revision: int | None):
    """Replace the round's indicators (numbered in order); only while it is being prepared."""
    rows = [r for r in rows if r.title.strip()]
    if not rows:
        raise ValidationError(_("The rubric needs at least one indicator."))
    if len(rows) > MAX_INDICATORS:
        raise ValidationError(_("At most %(n)s indicators in a round.") % {"n": MAX_INDICATORS})
    if any(r.weight is None or r.weight <= 0 for r in rows):
        raise ValidationError(_("Every indicator's weight is more than 0."))
    with transaction.atomic():
        locked = refuse_stale(
            AssessmentRound.objects.select_for_update().get(pk=round_.pk), revision, StaleRound
        )
        if locked.status != AssessmentRound.Status.DRAFT:
            raise ValidationError(_("The round is published: its rubric is fixed."))
        locked.indicators.all().delete()
        Indicator.objects.bulk_create(
            Indicator(
                round=locked,
                number=n,
                title=row.title.strip()[:300],
                description=row.description.strip(),
                descriptors=[d.strip() for d in ((row.descriptors or []) + [""] * locked.levels)][
                    : locked.levels
                ],
                weight=row.weight,
            )
            for n, row in enumerate(rows, start=1)
        )
        bump_revision(locked)
    return locked


def rater_eligible(district):
    """The district's users who may rate: its district staff and its networks' supervisors
    (those holding EVALUATE_SCHOOLS there), one row each."""
    roles = [r for r, perms in ROLE_PERMISSIONS.items() if Perm.EVALUATE_SCHOOLS in perms]
    members = Membership.objects.filter(role__in=roles).filter(
        Q(district=district) | Q(network__district=district)
    )
    return User.objects.filter(pk__in=members.values("user_id"), is_active=True).order_by(
        "first_name", "last_name", "username"
    )


def rater_set(*, round_: AssessmentRound, user, schools) -> Rater:
    """Name ``user`` on the round's committee, with the schools given to them (none: all)."""
    schools = list(schools)
    if not rater_eligible(round_.district).filter(pk=user.pk).exists():
        raise ValidationError(
            {"user": _("Choose a staff member of the district office or of one of its networks.")}
        )
    round_ids = set(round_.schools.values_list("pk", flat=True))
    if any(s.pk not in round_ids for s in schools):
        raise ValidationError({"schools": _("Choose schools of the round.")})
    with transaction.atomic():
        rater, _created = Rater.objects.get_or_create(round=round_, user=user)
        rater.schools.set(schools)
    return rater


def rater_remove(*, round_: AssessmentRound, rater_id: int) -> bool:
    """Take a rater off the round; their scores stay (and count) if they scored."""
    return Rater.objects.filter(round=round_, pk=rater_id).delete()[0] > 0


def round_publish(*, round_: AssessmentRound) -> AssessmentRound:
    with transaction.atomic():
        locked = AssessmentRound.objects.select_for_update().get(pk=round_.pk)
        if locked.status != AssessmentRound.Status.DRAFT:
            raise ValidationError(_("The round is already published."))
        if not locked.indicators.exists():
            raise ValidationError(_("Write the rubric's indicators before publishing."))
        locked.status = AssessmentRound.Status.PUBLISHED
        bump_revision(locked, "status")
        directors = Membership.objects.filter(
            school__in=locked.schools.all(), role=Role.DIRECTOR
        ).select_related("user", "school")
        _notify_schools(locked, Notification.Kind.ASSESSMENT_OPENED, directors)
    return locked


def _notify_schools(round_: AssessmentRound, kind: str, memberships) -> None:
    """One notification per school (its page of the round), to its people in ``memberships``:
    the school's name only."""
    by_school: dict = {}
    for m in memberships:
        by_school.setdefault(m.school, []).append(m.user)
    for school, users in by_school.items():
        notify(
            users=users,
            kind=kind,
            url=reverse(
                "assessments_school:assessment",
                kwargs={"school_code": school.code, "assessment_round_id": round_.pk},
            ),
            place=school.name,
        )


def round_release(*, round_: AssessmentRound) -> AssessmentRound:
    """Send the results back to the schools: each reads its means, level and comments. The
    scores are fixed from then on."""
    with transaction.atomic():
        locked = AssessmentRound.objects.select_for_update().get(pk=round_.pk)
        if locked.status != AssessmentRound.Status.PUBLISHED:
            raise ValidationError(_("Only a published round's results can be released."))
        if not Evaluation.objects.filter(
            assessment__round=locked, status=Evaluation.Status.DONE
        ).exists():
            raise ValidationError(_("No school has been scored yet."))
        locked.status = AssessmentRound.Status.RELEASED
        locked.released_at = timezone.now()
        bump_revision(locked, "status", "released_at")
        assessed = SelfAssessment.objects.filter(
            round=locked, status=SelfAssessment.Status.SUBMITTED
        ).values("school_id")
        leaders = Membership.objects.filter(
            school__in=assessed, role__in=(Role.DIRECTOR, Role.COORDINATOR)
        ).select_related("user", "school")
        _notify_schools(locked, Notification.Kind.ASSESSMENT_RELEASED, leaders)
    return locked


# --- the school's self-assessment ----------------------------------------------------------------
def window_refusal(round_: AssessmentRound, today: datetime.date) -> str | None:
    """Why the school cannot write its assessment today, or None."""
    if round_.status != AssessmentRound.Status.PUBLISHED:
        return _("This round is closed: the results have been released.")
    if today < round_.opens_on:
        return _("The self-assessment opens on %(date)s.") % {
            "date": format_date(round_.opens_on, "long")
        }
    if today > round_.closes_on:
        return _("The self-assessment closed on %(date)s: it can no longer be changed.") % {
            "date": format_date(round_.closes_on, "long")
        }
    return None


def _check_levels(round_, indicators, levels: dict[int, int | None], missing: str | None):
    """Every level on the round's scale; ``missing``: the message for an indicator without one
    (None: a draft may leave some out). All the errors at once, by field."""
    errors = {}
    for indicator in indicators:
        level = levels.get(indicator.pk)
        if level is not None and not 1 <= level <= round_.levels:
            errors[f"level_{indicator.pk}"] = _("Choose a level from 1 to %(n)s.") % {
                "n": round_.levels
            }
        elif level is None and missing:
            errors[f"level_{indicator.pk}"] = missing
    if errors:
        raise ValidationError(errors)


@dataclass
class EntryInput:
    level: int | None
    notes: str = ""
    link: str = ""
    upload: object = None  # an uploaded file, replacing the one kept
    remove_file: bool = False


def assessment_save(
    *,
    round_: AssessmentRound,
    school,
    entries: dict[int, EntryInput],
    user,
    submit: bool = False,
    revision: int | None = None,
    today: datetime.date | None = None,
) -> SelfAssessment:
    """Save the school's self-assessment (``entries`` by indicator id); ``submit``: and hand it
    to the district's committee (every indicator rated; not changed afterwards)."""
    refusal = window_refusal(round_, today or timezone.localdate())
    if refusal:
        raise ValidationError(refusal)
    if not round_.schools.filter(pk=school.pk).exists():
        raise ValidationError(_("This school is not among the round's schools."))
    indicators = list(round_.indicators.all())
    _check_levels(
        round_,
        indicators,
        {i: e.level for i, e in entries.items()},
        _("Choose a level for every indicator before submitting.") if submit else None,
    )
    with transaction.atomic():
        assessment = (
            SelfAssessment.objects.select_for_update().filter(round=round_, school=school).first()
        )
        if assessment is None:
            assessment = SelfAssessment(round=round_, school=school)
        else:
            refuse_stale(assessment, revision, StaleAssessment)
            if assessment.status == SelfAssessment.Status.SUBMITTED:
                raise ValidationError(_("The self-assessment was submitted: it is not changed."))
            assessment.revision += 1
        assessment.changed_by = user
        if submit:
            assessment.status = SelfAssessment.Status.SUBMITTED
            assessment.submitted_at = timezone.now()
            assessment.submitted_by = user
        assessment.save()
        kept = {e.indicator_id: e for e in SelfEntry.objects.filter(assessment=assessment)}
        for indicator in indicators:
            given = entries.get(indicator.pk) or EntryInput(level=None)
            row = kept.get(indicator.pk) or SelfEntry(assessment=assessment, indicator=indicator)
            row.level = given.level
            row.notes = given.notes
            row.link = given.link
            if given.upload is not None:
                row.file.save(given.upload.name, given.upload, save=False)
                row.file_name = given.upload.name[-200:]
            elif given.remove_file and row.file:
                row.file.delete(save=False)
                row.file_name = ""
            row.save()
    return assessment


# --- a rater's scores ----------------------------------------------------------------------------
@dataclass
class ScoreInput:
    level: int | None
    comment: str = ""


def evaluation_save(
    *,
    assessment: SelfAssessment,
    rater,
    scores: dict[int, ScoreInput],
    comment: str = "",
    done: bool = False,
    revision: int | None = None,
) -> Evaluation:
    """The rater's scores of a submitted self-assessment (``scores`` by indicator id);
    ``done``: every indicator scored, counted in the means. A rater may correct their scores
    until the results are released."""
    round_ = AssessmentRound.objects.get(pk=assessment.round_id)
    if round_.status != AssessmentRound.Status.PUBLISHED:
        raise ValidationError(_("The results are released: the scores are fixed."))
    if assessment.status != SelfAssessment.Status.SUBMITTED:
        raise ValidationError(_("The school has not submitted its self-assessment yet."))
    indicators = list(round_.indicators.all())
    _check_levels(
        round_,
        indicators,
        {i: s.level for i, s in scores.items()},
        _("Score every indicator before marking it done.") if done else None,
    )
    with transaction.atomic():
        evaluation = (
            Evaluation.objects.select_for_update()
            .filter(assessment=assessment, rater=rater)
            .first()
        )
        if evaluation is None:
            evaluation = Evaluation(assessment=assessment, rater=rater)
        else:
            refuse_stale(evaluation, revision, StaleEvaluation)
            evaluation.revision += 1
        evaluation.comment = comment
        if done:
            evaluation.status = Evaluation.Status.DONE
            evaluation.done_at = timezone.now()
        evaluation.save()
        Score.objects.filter(evaluation=evaluation).delete()
        Score.objects.bulk_create(
            Score(
                evaluation=evaluation,
                indicator=indicator,
                level=(scores.get(indicator.pk) or ScoreInput(None)).level,
                comment=(scores.get(indicator.pk) or ScoreInput(None)).comment,
            )
            for indicator in indicators
        )
    return evaluation


# --- awards --------------------------------------------------------------------------------------
def category_create(*, round_: AssessmentRound, title: str, min_mean) -> AwardCategory:
    if min_mean is not None and not 0 <= min_mean <= round_.levels:
        raise ValidationError({"min_mean": _("A mean from 0 to %(n)s.") % {"n": round_.levels}})
    return AwardCategory.objects.create(round=round_, title=title.strip(), min_mean=min_mean)


def awards_set(*, category: AwardCategory, schools, levels: dict[int, str], user) -> int:
    """Give the category's award to ``schools`` (and take it from the others); ``levels``: the
    level of each school's results, printed on its certificate. Only once the results are
    released."""
    round_ = category.round
    if round_.status != AssessmentRound.Status.RELEASED:
        raise ValidationError(_("Give awards once the results are released."))
    schools = list(schools)
    round_ids = set(round_.schools.values_list("pk", flat=True))
    if any(s.pk not in round_ids for s in schools):
        raise ValidationError({"schools": _("Choose schools of the round.")})
    today = timezone.localdate()
    with transaction.atomic():
        category.awards.exclude(school__in=schools).delete()
        kept = set(category.awards.values_list("school_id", flat=True))
        Award.objects.bulk_create(
            Award(
                category=category,
                school=school,
                level=levels.get(school.pk, ""),
                given_on=today,
                given_by=user,
            )
            for school in schools
            if school.pk not in kept
        )
    return len(schools)

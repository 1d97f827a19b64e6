"""Reads of self-assessment and evaluation, each in a fixed number of queries whatever the number
of schools: the district's rounds, a round's schools with their state and means, one school's
results (its own levels, each rater's scores, the mean per indicator and overall, the level).

The means: per indicator, the mean of the levels given by the raters who marked their scoring
done; overall, the mean of the indicators' means weighted by their weights; the level (ดีเยี่ยม,
...) from the round's bands on the overall mean rounded to two decimals."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Q

from carecore.thai import thai_sort_key
from districts.assessments.models import (
    AssessmentRound,
    Evaluation,
    Indicator,
    Rater,
    Score,
    SelfAssessment,
)
from schools.models import School

DONE = Evaluation.Status.DONE


def rounds_of_district(district) -> list[AssessmentRound]:
    """The district's rounds, newest first, with ``n_schools`` and ``n_submitted`` (one
    query)."""
    return list(
        AssessmentRound.objects.filter(district=district).annotate(
            n_schools=Count("schools", distinct=True),
            n_submitted=Count(
                "assessments",
                filter=Q(assessments__status=SelfAssessment.Status.SUBMITTED),
                distinct=True,
            ),
        )
    )


def weighted_mean(means: dict[int, float], weights: dict[int, Decimal]) -> float | None:
    """The overall mean of the indicators' means (``{indicator id: mean}``), by weight."""
    total = sum(float(weights[i]) for i in means)
    if not means or not total:
        return None
    return round(sum(m * float(weights[i]) for i, m in means.items()) / total, 2)


@dataclass
class SchoolRow:
    school: School
    assessment: SelfAssessment | None
    raters_done: int = 0
    mean: float | None = None
    band: str = ""
    given: bool = False  # given to the user who reads the page, as a rater


def round_schools(round_: AssessmentRound, *, rater_user=None) -> list[SchoolRow]:
    """The round's schools by network and name, each with its self-assessment, how many raters
    scored it and its overall mean (five queries; ``rater_user``: mark the schools given to
    them, one more)."""
    schools = list(round_.schools.select_related("network"))
    schools.sort(
        key=lambda s: (thai_sort_key(s.network.name if s.network else ""), thai_sort_key(s.name))
    )
    assessments = {
        a.school_id: a
        for a in SelfAssessment.objects.filter(round=round_).annotate(
            raters_done=Count("evaluations", filter=Q(evaluations__status=DONE))
        )
    }
    weights = dict(Indicator.objects.filter(round=round_).values_list("pk", "weight"))
    means: dict[int, dict[int, float]] = {}
    for row in (
        Score.objects.filter(
            evaluation__assessment__round=round_,
            evaluation__status=DONE,
            level__isnull=False,
        )
        .values("evaluation__assessment__school_id", "indicator_id")
        .annotate(mean=Avg("level"))
        .order_by()
    ):
        school_means = means.setdefault(row["evaluation__assessment__school_id"], {})
        school_means[row["indicator_id"]] = float(row["mean"])
    given = given_school_ids(round_, rater_user) if rater_user is not None else set()
    rows = []
    for school in schools:
        assessment = assessments.get(school.pk)
        mean = weighted_mean(means.get(school.pk, {}), weights)
        rows.append(
            SchoolRow(
                school=school,
                assessment=assessment,
                raters_done=assessment.raters_done if assessment else 0,
                mean=mean,
                band=round_.band(mean),
                given=school.pk in given,
            )
        )
    return rows


def given_school_ids(round_: AssessmentRound, user) -> set[int]:
    """The round's schools given to ``user`` as a rater (every school when none was ticked;
    none when they are not a rater); one query."""
    rows = list(Rater.objects.filter(round=round_, user=user).values_list("pk", "schools__pk"))
    if not rows:
        return set()
    ticked = {school_id for _pk, school_id in rows if school_id is not None}
    return ticked or set(round_.schools.values_list("pk", flat=True))


@dataclass
class IndicatorResult:
    indicator: Indicator
    own: object = None  # the school's SelfEntry
    scores: list = field(default_factory=list)  # the Score of each rater, in raters' order
    mean: float | None = None


@dataclass
class Results:
    indicators: list[IndicatorResult]
    evaluations: list[Evaluation]
    mean: float | None
    band: str


def results(round_: AssessmentRound, assessment: SelfAssessment | None) -> Results:
    """One school's results: per indicator its own entry, each rater's score (done or not:
    ``evaluation.status`` says) and the mean of the done ones; overall and level (four
    queries)."""
    indicators = list(Indicator.objects.filter(round=round_))
    if assessment is None:
        return Results([IndicatorResult(i) for i in indicators], [], None, "")
    entries = {e.indicator_id: e for e in assessment.entries.all()}
    evaluations = list(
        Evaluation.objects.filter(assessment=assessment)
        .select_related("rater")
        .prefetch_related("scores")
        .order_by("rater__first_name", "rater__username")
    )
    by_rater = [({s.indicator_id: s for s in e.scores.all()}, e) for e in evaluations]
    rows, means = [], {}
    for indicator in indicators:
        row = IndicatorResult(indicator, entries.get(indicator.pk))
        done = []
        for scores, evaluation in by_rater:
            score = scores.get(indicator.pk)
            row.scores.append(score)
            if evaluation.status == DONE and score is not None and score.level is not None:
                done.append(score.level)
        if done:
            row.mean = round(sum(done) / len(done), 2)
            means[indicator.pk] = sum(done) / len(done)
        rows.append(row)
    mean = weighted_mean(means, {i.pk: i.weight for i in indicators})
    return Results(rows, evaluations, mean, round_.band(mean))

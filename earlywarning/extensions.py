"""What early warning adds to the pages of lower apps, registered when the app is ready
(earlywarning/apps.py imports this module):

- the class list (students.extensions ``register_roster_annotation``): each row's level, score
  and reasons (``selectors.annotate_warning``) and what its next step depends on
  (``step_facts``), all subqueries of the roster's one query: the column costs no query
  (earlywarning/tests/test_views.py pins the class list's count with and without results);
- the student's page (``register_student_facts``): the card (result, next step, trend), for
  those who hold Perm.VIEW_EARLY_WARNING;
- the new care plan and the dropout-risk report opened from a next-step button
  (``?reason=early_warning``, students.extensions ``register_form_prefill``): the level and the
  reasons written out, for the teacher to edit.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from care.models import CarePlan
from carecore.access import Perm
from dropouts.models import DropoutCase, Step
from earlywarning.model import LEVEL_LABELS, LEVEL_NONE, reason_text
from earlywarning.models import WarningResult
from earlywarning.selectors import annotate_warning, student_trend
from earlywarning.trend import TREND_WEEKS, trend_bars
from students.extensions import (
    register_form_prefill,
    register_roster_annotation,
    register_student_facts,
)
from visits.models import HomeVisit

# The ?reason= of the next-step buttons to the new care plan and the dropout-risk report.
PREFILL_REASON = "early_warning"


def step_facts(academic_year, *, student: str, district: str) -> dict:
    """Annotations of what the next step depends on (``model.suggest_next_step``), for rows
    whose field ``student`` is a student's id and ``district`` their school's district:
    ``warning_visited`` (a home visit done in ``academic_year``), ``warning_planned`` (a care
    plan not closed), ``warning_case`` (a dropout case not closed). Subqueries: no query of
    their own. Dropout cases are scoped by district: the subquery's scope is the student's."""
    return {
        "warning_visited": Exists(
            HomeVisit.objects.filter(
                student_id=OuterRef(student),
                academic_year=academic_year,
                status=HomeVisit.Status.DONE,
            )
        ),
        "warning_planned": Exists(
            CarePlan.objects.filter(student_id=OuterRef(student)).exclude(
                status=CarePlan.Status.CLOSED
            )
        ),
        "warning_case": Exists(
            DropoutCase.objects.with_scope(district=OuterRef(district))
            .filter(student_id=OuterRef(student))
            .exclude(step=Step.CLOSED)
        ),
    }


def with_warning(enrolments: QuerySet, academic_year) -> QuerySet:
    """The class list's rows with their student's warning and step facts."""
    return annotate_warning(enrolments, student_ref="student_id").annotate(
        **step_facts(academic_year, student="student_id", district="student__school__district_id")
    )


def warning_card(request, student) -> dict:
    """The student page's card (``early_warning``: the result with its step facts, None when
    none is computed yet, and the trend), for those who hold Perm.VIEW_EARLY_WARNING; nothing
    for anyone else. Two queries: the result, the weeks."""
    if Perm.VIEW_EARLY_WARNING not in getattr(request, "schoolperms", ()):
        return {}
    result = (
        WarningResult.objects.filter(student=student)
        .annotate(
            **step_facts(
                request.academic_year, student="student_id", district="school__district_id"
            )
        )
        .first()
    )
    weeks = student_trend(student=student, weeks=TREND_WEEKS)
    return {
        "early_warning": {
            "result": result,
            "trend": trend_bars(weeks, today=result.computed_at if result else None),
        }
    }


def warning_prefill(request, student) -> str:
    """What a next-step form opened from the early warning starts with: the level, the score
    and each reason ("" without the permission or without a flag)."""
    if Perm.VIEW_EARLY_WARNING not in getattr(request, "schoolperms", ()):
        return ""
    result = WarningResult.objects.filter(student=student).first()
    if result is None or result.level == LEVEL_NONE:
        return ""
    lines = [
        _("Early warning: %(level)s (score %(score)s)")
        % {"level": LEVEL_LABELS[result.level], "score": result.score}
    ]
    lines += [f"- {reason_text(reason)}" for reason in result.reasons]
    return "\n".join(lines)


register_roster_annotation(with_warning)
register_student_facts(warning_card)
register_form_prefill(PREFILL_REASON, warning_prefill)

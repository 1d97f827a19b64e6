"""The early warning on a page: a reason's sentence, and the next step a row's user can take.

``{% warning_step row as step %}`` reads a row annotated with the warning
(``selectors.annotate_warning``: ``warning_level``, ``warning_reasons``) and its step facts
(``extensions.step_facts``: ``warning_visited``, ``warning_planned``, ``warning_case``), or a
``WarningResult`` annotated with the step facts, and gives a ``NextStep``: the step the
school's rules suggest (``model.suggest_next_step``), and the one this user can take with a
button (its address prefilled). A homeroom teacher does not report a dropout risk (the
coordinator, the counsellor and the director do): for them the rules go on as if the case were
reported (a care plan, a home visit), and the page says who reports it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import reverse

from carecore.access import Perm
from earlywarning.extensions import PREFILL_REASON
from earlywarning.model import (
    STEP_CARE_PLAN,
    STEP_DROPOUT_CASE,
    STEP_LABELS,
    STEP_VISIT,
    Reason,
    Result,
    reason_text,
    suggest_next_step,
)

register = template.Library()

# What a user needs to take each step.
STEP_PERMISSIONS = {
    STEP_VISIT: Perm.RECORD_VISITS,
    STEP_CARE_PLAN: Perm.RECORD_CARE,
    STEP_DROPOUT_CASE: Perm.OPEN_DROPOUT_CASE,
}


@dataclass(frozen=True)
class NextStep:
    suggested: str | None  # the rules' step
    step: str | None  # the step this user takes (a button), None when none
    url: str = ""

    @property
    def label(self) -> str:
        return str(STEP_LABELS[self.step]) if self.step else ""

    @property
    def suggested_label(self) -> str:
        return str(STEP_LABELS[self.suggested]) if self.suggested else ""

    @property
    def someone_else(self) -> bool:
        """The suggested step is not this user's to take (the page says so)."""
        return self.suggested is not None and self.suggested != self.step


def step_url(step: str, school_code: str, student_id: int) -> str:
    kwargs = {"school_code": school_code, "student_id": student_id}
    if step == STEP_VISIT:
        return reverse("visits:visit_new", kwargs=kwargs)
    name = "care:plan_create" if step == STEP_CARE_PLAN else "dropouts:case_report"
    return f"{reverse(name, kwargs=kwargs)}?reason={PREFILL_REASON}"


def next_step(row, perms, school_code: str) -> NextStep:
    level = getattr(row, "warning_level", None) or getattr(row, "level", None)
    reasons = getattr(row, "warning_reasons", None)
    if reasons is None:
        reasons = getattr(row, "reasons", None) or ()
    if not level:
        return NextStep(None, None)
    result = Result(level=level, score=0, reasons=tuple(Reason.from_dict(r) for r in reasons))
    facts = {
        "has_visit_this_year": bool(row.warning_visited),
        "has_open_plan": bool(row.warning_planned),
    }
    suggested = suggest_next_step(result, has_dropout_case=bool(row.warning_case), **facts)
    step = suggested
    if step == STEP_DROPOUT_CASE and Perm.OPEN_DROPOUT_CASE not in perms:
        # Someone else reports it: the user's own step is what comes after a reported case.
        step = suggest_next_step(result, has_dropout_case=True, **facts)
    if step is not None and STEP_PERMISSIONS[step] not in perms:
        step = None
    url = step_url(step, school_code, row.student_id) if step else ""
    return NextStep(suggested, step, url)


@register.simple_tag(takes_context=True)
def warning_step(context, row) -> NextStep:
    request = context["request"]
    return next_step(row, request.schoolperms, request.school.code)


@register.filter
def warning_reason(reason) -> str:
    """A stored reason (a dict of the result's ``reasons``) as its sentence."""
    return reason_text(reason)

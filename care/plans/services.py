"""Writes to individual care plans (แผนช่วยเหลือรายบุคคล, ICP): open, edit, follow up, mark
actions done, close. Every write bumps the plan's revision (so a co-advisor's stale edit form is
refused instead of overwriting) and leaves an event in the audit log.

Statuses: a plan opens as "open"; the first follow-up makes it "in progress"; closing needs an
outcome (improved, referred, moved school, left school) and the day it was closed. A closed plan
takes no more follow-ups.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from care.models import CarePlan, CarePlanAction, CarePlanFollowUp
from carecore.audit import audit_row, model_changes
from carecore.dates import format_date
from carecore.models import AuditEvent
from carecore.writes import StaleRevision, acting_user, bump_revision, refuse_stale
from schools.selectors import current_term

PLAN_FIELDS = ("opened_on", "problem", "goals", "next_review")


class StaleForm(StaleRevision):
    """Someone saved the plan after this person opened the form; nothing was written."""


@dataclass(frozen=True)
class ActionRow:
    """One row of the actions table as typed: ``pk`` None for a new action."""

    action: str
    who: str
    due: datetime.date | None = None
    done: bool = False
    pk: int | None = None
    remove: bool = False


def _locked(plan: CarePlan) -> CarePlan:
    return CarePlan.objects.select_for_update().select_related("school", "student").get(pk=plan.pk)


def _term_for(date: datetime.date):
    term = current_term(date)
    if term is None:
        raise ValidationError(
            _("No term of the school calendar contains %(date)s.") % {"date": format_date(date)}
        )
    return term


def _check_dates(*, opened_on, next_review, today) -> None:
    errors = {}
    if opened_on > today:
        errors["opened_on"] = _("A plan cannot be opened in the future.")
    if next_review is not None and next_review < opened_on:
        errors["next_review"] = _("The next review cannot be before the plan was opened.")
    if errors:
        raise ValidationError(errors)


def _save_actions(*, plan: CarePlan, rows: Iterable[ActionRow]) -> list[str]:
    """Create, change or remove the plan's actions; returns a line per change for the log."""
    existing = {a.pk: a for a in plan.actions.all()}
    lines = []
    for row in rows:
        current = existing.get(row.pk) if row.pk else None
        if row.pk and current is None:
            continue  # removed meanwhile, or not this plan's
        text = (row.action or "").strip()
        if current is not None and (row.remove or not text):
            current.delete()
            lines.append(_("removed: %(action)s") % {"action": current.action[:80]})
            continue
        if not text:
            continue
        values = {"action": text, "who": (row.who or "").strip(), "due": row.due, "done": row.done}
        if current is None:
            CarePlanAction.objects.create(plan=plan, school_id=plan.school_id, **values)
            lines.append(_("added: %(action)s") % {"action": text[:80]})
        elif any(getattr(current, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(current, key, value)
            current.save()
            lines.append(_("changed: %(action)s") % {"action": text[:80]})
    return lines


class PlanValues(TypedDict):
    """The plan's own fields, as its form sets them (``PLAN_FIELDS``)."""

    opened_on: datetime.date
    problem: str
    goals: str
    next_review: datetime.date | None


def _set_values(plan: CarePlan, values: PlanValues) -> None:
    plan.opened_on = values["opened_on"]
    plan.problem = values["problem"].strip()
    plan.goals = values["goals"].strip()
    plan.next_review = values["next_review"]


@transaction.atomic
def care_plan_open(
    *,
    student,
    actions: Iterable[ActionRow] = (),
    user,
    request=None,
    **values: Unpack[PlanValues],
) -> CarePlan:
    """Open a plan for the student; the term is the one containing ``opened_on``."""
    today = timezone.localdate()
    opened_on, next_review = values["opened_on"], values["next_review"]
    _check_dates(opened_on=opened_on, next_review=next_review, today=today)
    if next_review is not None and next_review < today:
        raise ValidationError({"next_review": _("The next review cannot be in the past.")})
    plan = CarePlan(
        school_id=student.school_id,
        student=student,
        term=_term_for(opened_on),
        opened_by=acting_user(user),
    )
    _set_values(plan, values)
    plan.full_clean(exclude=["school", "student", "term", "opened_by"])
    plan.save()
    _save_actions(plan=plan, rows=actions)
    summary = _("Opened an individual care plan")
    audit_row(plan, summary, action=AuditEvent.Action.CREATE, user=user, request=request)
    return plan


@transaction.atomic
def care_plan_update(
    *,
    plan: CarePlan,
    revision: int | None,
    actions: Iterable[ActionRow] = (),
    user,
    request=None,
    **values: Unpack[PlanValues],
) -> CarePlan:
    """Change the plan and its actions. ``revision`` is the one the form was opened at: when
    someone saved since, ``StaleForm`` is raised and nothing is written."""
    locked = refuse_stale(_locked(plan), revision, StaleForm)
    before = copy.copy(locked)
    today = timezone.localdate()
    opened_on, next_review = values["opened_on"], values["next_review"]
    _check_dates(opened_on=opened_on, next_review=next_review, today=today)
    if next_review != before.next_review and next_review is not None and next_review < today:
        raise ValidationError({"next_review": _("The next review cannot be in the past.")})
    _set_values(locked, values)
    if opened_on != before.opened_on:
        locked.term = _term_for(opened_on)
    locked.full_clean(exclude=["school", "student", "term", "opened_by"])
    action_lines = _save_actions(plan=locked, rows=actions)
    changes = model_changes(before, locked, list(PLAN_FIELDS))
    if not changes and not action_lines:
        return before
    locked.revision = before.revision + 1
    locked.save()
    if action_lines:
        changes["actions"] = ["", "; ".join(action_lines)[:500]]
    audit_row(
        locked, _("Changed an individual care plan"), user=user, changes=changes, request=request
    )
    return locked


def _open_or_refuse(plan: CarePlan) -> CarePlan:
    locked = _locked(plan)
    if locked.status == CarePlan.Status.CLOSED:
        raise ValidationError(_("This plan is closed."))
    return locked


@transaction.atomic
def care_plan_follow_up_add(
    *,
    plan: CarePlan,
    date: datetime.date,
    what_was_done: str,
    result: str,
    next_step: str = "",
    next_review: datetime.date | None = None,
    user,
    request=None,
) -> CarePlanFollowUp:
    """Add a follow-up to the log. The first one moves the plan to "in progress"; a
    ``next_review`` given here becomes the plan's next review date."""
    locked = _open_or_refuse(plan)
    today = timezone.localdate()
    errors = {}
    if date > today:
        errors["date"] = _("A follow-up cannot be recorded for a day in the future.")
    elif date < locked.opened_on:
        errors["date"] = _("The follow-up is dated before the plan was opened (%(date)s).") % {
            "date": format_date(locked.opened_on)
        }
    if next_review is not None and next_review < today:
        errors["next_review"] = _("The next review cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    follow_up = CarePlanFollowUp(
        plan=locked,
        school_id=locked.school_id,
        date=date,
        what_was_done=what_was_done.strip(),
        result=result,
        next_step=next_step.strip(),
        recorded_by=acting_user(user),
    )
    follow_up.full_clean(exclude=["plan", "school", "recorded_by"])
    follow_up.save()
    fields = []
    if locked.status == CarePlan.Status.OPEN:
        locked.status = CarePlan.Status.IN_PROGRESS
        fields.append("status")
    if next_review is not None:
        locked.next_review = next_review
        fields.append("next_review")
    bump_revision(locked, *fields)
    summary = _("Added a follow-up to an individual care plan (%(date)s)") % {
        "date": format_date(date)
    }
    audit_row(locked, summary, action=AuditEvent.Action.CREATE, user=user, request=request)
    return follow_up


@transaction.atomic
def care_plan_action_set_done(
    *, plan: CarePlan, action_id: int, done: bool, user, request=None
) -> CarePlanAction:
    """Mark one action of the plan done (or not done again)."""
    locked = _open_or_refuse(plan)
    action = CarePlanAction.objects.filter(plan=locked, pk=action_id).first()
    if action is None:
        raise ValidationError(_("That action is not part of this plan any more."))
    if action.done == done:
        return action
    action.done = done
    action.save(update_fields=["done"])
    bump_revision(locked)
    audit_row(
        locked,
        (
            _("Marked an action of a care plan done: %(action)s")
            if done
            else _("Marked an action of a care plan not done: %(action)s")
        )
        % {"action": action.action[:100]},
        user=user,
        request=request,
    )
    return action


@transaction.atomic
def care_plan_close(
    *,
    plan: CarePlan,
    outcome: str,
    closed_on: datetime.date,
    outcome_note: str = "",
    user,
    request=None,
) -> CarePlan:
    """Close the plan with its outcome."""
    locked = _open_or_refuse(plan)
    errors = {}
    if outcome not in CarePlan.Outcome.values:
        errors["outcome"] = _("Choose the outcome.")
    if closed_on > timezone.localdate():
        errors["closed_on"] = _("A plan cannot be closed in the future.")
    elif closed_on < locked.opened_on:
        errors["closed_on"] = _("The plan cannot be closed before it was opened (%(date)s).") % {
            "date": format_date(locked.opened_on)
        }
    if errors:
        raise ValidationError(errors)
    locked.status = CarePlan.Status.CLOSED
    locked.outcome = outcome
    locked.closed_on = closed_on
    locked.outcome_note = outcome_note.strip()
    bump_revision(locked, "status", "outcome", "closed_on", "outcome_note")
    audit_row(
        locked,
        _("Closed an individual care plan: %(outcome)s")
        % {"outcome": locked.get_outcome_display()},
        user=user,
        request=request,
    )
    return locked

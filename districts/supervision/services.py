"""Writes of supervision (docs/district-work.md, "Supervision"): the district's form, a round,
a visit recorded and sent to the school, the school's answer. Nothing here names a student, so
nothing writes to the audit log (as the deadlines); who did what is on the rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carecore.access import Perm
from carecore.models import Notification
from carecore.notifications import notify, school_staff_with
from carecore.writes import StaleRevision, bump_revision, refuse_stale
from districts.supervision.defaults import DEFAULT_STEPS, LEVEL_CHOICES, MAX_ITEMS, STEPS
from districts.supervision.models import Round, SupervisionForm, Visit, VisitStep


class StaleVisit(StaleRevision):
    """Someone saved the visit after this form was opened."""


class StaleForm(StaleRevision):
    """Someone changed the district's supervision form after this page was opened."""


# --- the district's form ------------------------------------------------------------------------
def form_steps(district) -> list[dict]:
    """The district's form (its steps), or the default one."""
    form = SupervisionForm.objects.filter(district=district).first()
    return form.steps if form is not None else DEFAULT_STEPS


def _clean_steps(steps: list[dict]) -> list[dict]:
    if len(steps) != STEPS:
        raise ValidationError(_("The form has five steps."))
    cleaned = []
    for step in steps:
        title = (step.get("title") or "").strip()
        items = [i.strip() for i in step.get("items", []) if i and i.strip()]
        if not title:
            raise ValidationError(_("Every step needs a title."))
        if step.get("levels") not in LEVEL_CHOICES:
            raise ValidationError(_("A step is rated on 4 or 5 levels."))
        if len(items) > MAX_ITEMS:
            raise ValidationError(
                _("At most %(count)s checklist items per step.") % {"count": MAX_ITEMS}
            )
        cleaned.append({"title": title[:200], "levels": step["levels"], "items": items})
    return cleaned


def form_save(*, district, steps: list[dict], user, revision: int | None) -> SupervisionForm:
    """Save the district's form. Rounds planned before keep the form they were planned with."""
    steps = _clean_steps(steps)
    with transaction.atomic():
        form = SupervisionForm.objects.select_for_update().filter(district=district).first()
        if form is None:
            return SupervisionForm.objects.create(district=district, steps=steps, updated_by=user)
        refuse_stale(form, revision, StaleForm)
        form.steps = steps
        form.updated_by = user
        bump_revision(form, "steps", "updated_by")
    return form


# --- rounds -------------------------------------------------------------------------------------
def round_create(
    *,
    district,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    supervisors: str,
    schools,
    network=None,
    user,
) -> Round:
    """Plan a round on the district's form as it is now (copied onto the round)."""
    schools = list(schools)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The round ends before it starts.")})
    if network is not None and network.district_id != district.pk:
        raise ValidationError({"network": _("Choose a network of this district.")})
    if not schools:
        raise ValidationError({"schools": _("Choose the schools to supervise.")})
    if any(s.district_id != district.pk for s in schools):
        raise ValidationError({"schools": _("Choose schools of this district.")})
    if network is not None and any(s.network_id != network.pk for s in schools):
        raise ValidationError({"schools": _("A network's team supervises its network's schools.")})
    with transaction.atomic():
        round_ = Round.objects.create(
            district=district,
            network=network,
            title=title,
            starts_on=starts_on,
            ends_on=ends_on,
            supervisors=supervisors,
            form=form_steps(district),
            created_by=user,
        )
        round_.schools.set(schools)
    return round_


# --- visits -------------------------------------------------------------------------------------
@dataclass
class StepEntry:
    """What the supervisors recorded for one step."""

    level: int | None
    ticks: list[bool]
    findings: str = ""
    recommendations: str = ""


def _check_entries(round_: Round, entries: list[StepEntry], *, send: bool) -> None:
    if len(entries) != len(round_.form):
        raise ValidationError(_("The visit has one entry per step of the round's form."))
    for number, (step, entry) in enumerate(zip(round_.form, entries, strict=True), start=1):
        if entry.level is not None and not 1 <= entry.level <= step["levels"]:
            raise ValidationError(
                {f"level_{number}": _("Choose a level from 1 to %(n)s.") % {"n": step["levels"]}}
            )
        if send and entry.level is None:
            raise ValidationError(
                {f"level_{number}": _("Rate every step before sending the visit to the school.")}
            )


def visit_save(
    *,
    round_: Round,
    school,
    visited_on: datetime.date,
    overall: str,
    entries: list[StepEntry],
    user,
    send: bool = False,
    revision: int | None = None,
) -> Visit:
    """Record (or change) the round's visit to ``school``; ``send``: and send it to the school,
    which reads it from then on (a sent visit is no longer changed)."""
    if not round_.schools.filter(pk=school.pk).exists():
        raise ValidationError(_("This school is not in the round."))
    _check_entries(round_, entries, send=send)
    with transaction.atomic():
        visit = Visit.objects.select_for_update().filter(round=round_, school=school).first()
        if visit is None:
            visit = Visit(round=round_, school=school, visited_on=visited_on, recorded_by=user)
        else:
            refuse_stale(visit, revision, StaleVisit)
            if visit.status != Visit.Status.DRAFT:
                raise ValidationError(_("This visit was sent to the school: it is not changed."))
            visit.revision += 1
        visit.visited_on = visited_on
        visit.overall = overall
        visit.recorded_by = user
        if send:
            visit.status = Visit.Status.SENT
            visit.sent_at = timezone.now()
        visit.save()
        if send:
            _notify_sent(visit)
        VisitStep.objects.filter(visit=visit).delete()
        VisitStep.objects.bulk_create(
            VisitStep(
                visit=visit,
                number=number,
                level=entry.level,
                ticks=[bool(t) for t in entry.ticks][: len(step["items"])],
                findings=entry.findings,
                recommendations=entry.recommendations,
            )
            for number, (step, entry) in enumerate(zip(round_.form, entries, strict=True), 1)
        )
    return visit


def visit_answer(*, visit: Visit, actions: dict[int, str], user, revision: int | None) -> Visit:
    """The school answers the visit: its actions per step (``{step number: text}``) for every
    step with a recommendation."""
    with transaction.atomic():
        locked = refuse_stale(
            Visit.objects.select_for_update().get(pk=visit.pk), revision, StaleVisit
        )
        if locked.status == Visit.Status.DRAFT:
            raise ValidationError(_("This visit has not been sent to the school yet."))
        steps = list(VisitStep.objects.filter(visit=locked))
        missing = [
            s.number
            for s in steps
            if s.recommendations.strip() and not (actions.get(s.number) or "").strip()
        ]
        if missing:
            raise ValidationError(
                {f"actions_{n}": _("Write what the school does about this.") for n in missing}
            )
        for step in steps:
            step.actions = (actions.get(step.number) or "").strip()
        VisitStep.objects.bulk_update(steps, ["actions"])
        locked.status = Visit.Status.ANSWERED
        locked.answered_by = user
        locked.answered_at = timezone.now()
        bump_revision(locked, "status", "answered_by", "answered_at")
        _notify_answered(locked, user)
    return locked


# --- notifications (the school's name only: the findings stay on the pages) ---------------------
def _notify_sent(visit: Visit) -> None:
    """A visit sent: the school's director and coordinator (who answer it)."""
    school = visit.school
    notify(
        users=school_staff_with(Perm.ANSWER_SUPERVISION, [school.pk]).get(school.pk, []),
        kind=Notification.Kind.SUPERVISION_SENT,
        url=reverse(
            "supervision_school:visit",
            kwargs={"school_code": school.code, "supervision_visit_id": visit.pk},
        ),
        place=school.name,
    )


def _notify_answered(visit: Visit, answered_by) -> None:
    """A school answered: who planned the round and who recorded the visit (the district's or
    the network's staff), on the round's own pages."""
    round_ = visit.round
    if round_.network_id is not None:
        here = ("supervision_network:visit", {"network_id": round_.network_id})
    else:
        here = ("supervision:visit", {"district_code": round_.district.code})
    name, kwargs = here
    notify(
        users=[u for u in (round_.created_by, visit.recorded_by) if u != answered_by],
        kind=Notification.Kind.SUPERVISION_ANSWERED,
        url=reverse(
            name, kwargs={**kwargs, "round_id": round_.pk, "school_code": visit.school.code}
        ),
        place=visit.school.name,
    )

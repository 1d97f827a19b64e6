"""Writes of the deadlines: the district sets, changes and removes them; a school marks one done
(or takes the mark back); the morning check records the measured ones met and sends the
reminders, each once (docs/district-work.md, "Deadlines").

Deadlines name no student, so nothing here writes to the audit log (as the district's directory
of agencies); who set, changed or marked what is on the rows themselves.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carecore.access import ROLE_PERMISSIONS, Perm
from carecore.models import SCHOOL_ROLES, Membership, Notification
from carecore.notifications import notify
from carecore.writes import StaleRevision, bump_revision, refuse_stale
from districts.deadlines import selectors
from districts.deadlines.models import (
    MAX_REMIND_DAYS,
    MEASURED_KINDS,
    Completion,
    Deadline,
    Reminder,
)
from schools.models import School

# The fields of a deadline the district's form sets (the kind only when it is made).
DEADLINE_FIELDS = ("network", "title", "details", "opens_on", "due_on", "target_percent")
DEADLINE_FIELDS += ("remind_days",)
# A late deadline is reminded of once, if the morning check finds it late within this many days
# of its due date (a deadline set long after its date sends no reminder); measured deadlines are
# checked for this long after their due date too (met late).
LATE_REMINDER_DAYS = 30
FOLLOW_DAYS = 90
# The school roles that meet deadlines and are reminded of them (director, coordinator).
MEET_ROLES = sorted(role for role in SCHOOL_ROLES if Perm.MEET_DEADLINES in ROLE_PERMISSIONS[role])


class StaleDeadline(StaleRevision):
    """Someone changed the deadline after this form was opened."""


def _check(deadline: Deadline) -> None:
    if deadline.network_id and deadline.network.district_id != deadline.district_id:
        raise ValidationError({"network": _("Choose a network of this district.")})
    if deadline.due_on < deadline.opens_on:
        raise ValidationError({"due_on": _("The due date comes before the opening date.")})
    if deadline.kind in MEASURED_KINDS:
        if deadline.target_percent is None:
            raise ValidationError({"target_percent": _("Give the share of students to reach.")})
    else:
        deadline.target_percent = None


def deadline_create(*, district, kind: str, data: dict, user) -> Deadline:
    deadline = Deadline(
        district=district,
        kind=kind,
        created_by=user,
        updated_by=user,
        **{name: data[name] for name in DEADLINE_FIELDS},
    )
    _check(deadline)
    deadline.save()
    return deadline


def deadline_update(*, deadline: Deadline, data: dict, user, revision: int | None) -> Deadline:
    """Change a deadline (not its kind). Measured completions that the new target or due date
    no longer allows are taken back: the morning check records them again when met."""
    with transaction.atomic():
        locked = refuse_stale(
            Deadline.objects.select_for_update().get(pk=deadline.pk), revision, StaleDeadline
        )
        for name in DEADLINE_FIELDS:
            setattr(locked, name, data[name])
        _check(locked)
        locked.updated_by = user
        bump_revision(locked, "updated_by", *DEADLINE_FIELDS)
        if locked.kind in MEASURED_KINDS:
            _recheck_measured(locked)
    return locked


def _recheck_measured(deadline: Deadline) -> None:
    completions = list(
        Completion.objects.filter(deadline=deadline, source=Completion.Source.MEASURED)
    )
    if not completions:
        return
    shares = selectors.measure(school_ids=[c.school_id for c in completions], deadlines=[deadline])
    gone = [
        c.pk
        for c in completions
        if c.done_on < deadline.opens_on
        or not selectors.reached(deadline, *shares.get((deadline.pk, c.school_id), (0, 0)))
    ]
    Completion.objects.filter(pk__in=gone).delete()


def deadline_delete(*, deadline: Deadline) -> None:
    """Remove a deadline set by mistake. One that a school has met is kept (its completions are
    the schools' record): change its dates instead."""
    with transaction.atomic():
        met = Completion.objects.filter(deadline=deadline).count()
        if met:
            raise ValidationError(
                _(
                    "%(count)s schools have met this deadline, so it stays: change its dates "
                    "instead."
                )
                % {"count": met},
                code="met",
            )
        deadline.delete()


# --- the school ---------------------------------------------------------------------------------
def completion_mark(
    *, deadline: Deadline, school: School, note: str, upload=None, user
) -> Completion:
    """The school marks a report (or other task) done, with a note and a file if it likes."""
    if deadline.kind in MEASURED_KINDS:
        raise ValidationError(
            _("This deadline is met from the school's data: it cannot be marked done."),
            code="measured",
        )
    with transaction.atomic():
        Deadline.objects.select_for_update().filter(pk=deadline.pk).first()
        if Completion.objects.filter(deadline=deadline, school=school).exists():
            raise ValidationError(_("This deadline is already marked done."), code="done")
        completion = Completion(
            deadline=deadline,
            school=school,
            source=Completion.Source.MARKED,
            done_on=timezone.localdate(),
            done_by=user,
            note=note.strip(),
        )
        if upload:
            completion.file_name = upload.name[-200:]
            completion.file.save(upload.name, upload, save=False)
        completion.save()
    return completion


def completion_undo(*, deadline: Deadline, school: School) -> bool:
    """Take back a school's mark (its file goes with it). Whether there was one."""
    deleted, _rows = Completion.objects.filter(
        deadline=deadline, school=school, source=Completion.Source.MARKED
    ).delete()
    return bool(deleted)


# --- the morning check --------------------------------------------------------------------------
@dataclass
class CheckRun:
    recorded: int = 0  # measured deadlines found met
    soon: int = 0  # reminders sent: due soon
    late: int = 0  # reminders sent: late
    notified: int = 0  # notifications made


def deadline_url(deadline: Deadline, school: School) -> str:
    return reverse(
        "school_deadlines:detail",
        kwargs={"school_code": school.code, "deadline_id": deadline.pk},
    )


def deadlines_check(*, today: datetime.date | None = None) -> CheckRun:
    """Every morning (deadlines.tasks): record the measured deadlines that schools have met
    (dated the day before: the check finds what the previous day's work reached), then remind
    the schools that have not met a deadline: once when it is near (``remind_days`` before),
    once when it is late. One district at a time (its schools, completions, shares and leaders:
    a fixed number of queries each, plus a transaction per reminder sent). The caller disables
    the scopes (a task across every district)."""
    today = today or timezone.localdate()
    run = CheckRun()
    # Reminders go out at most 30 days (``remind_days``) before the due date, and a deadline
    # opens on or before it: nothing that opens later than that needs the check yet.
    by_district: dict[int, list[Deadline]] = defaultdict(list)
    for deadline in Deadline.objects.filter(
        due_on__gte=today - datetime.timedelta(days=FOLLOW_DAYS),
        opens_on__lte=today + datetime.timedelta(days=MAX_REMIND_DAYS),
    ).select_related("network"):
        if deadline.opens_on <= today or deadline.remind_on() <= today:
            by_district[deadline.district_id].append(deadline)
    for district_id, deadlines in sorted(by_district.items()):
        schools = list(School.objects.filter(district_id=district_id).select_related("network"))
        summaries = selectors.standings(deadlines=deadlines, schools=schools, today=today)
        run.recorded += _record_measured(summaries, today)
        _send_reminders(summaries, today, run)
    return run


def _record_measured(summaries: list[selectors.DeadlineSummary], today: datetime.date) -> int:
    """Measured deadlines newly met, once open: recorded, dated the day before (the check finds
    what the previous day's work reached), not before the deadline opened."""
    yesterday = today - datetime.timedelta(days=1)
    met = [
        Completion(
            deadline=s.deadline,
            school=s.school,
            source=Completion.Source.MEASURED,
            done_on=max(yesterday, s.deadline.opens_on),
        )
        for summary in summaries
        if summary.deadline.is_measured and summary.deadline.opens_on <= today
        for s in summary.standings
        if s.completion is None and s.is_done
    ]
    return len(Completion.objects.bulk_create(met, ignore_conflicts=True))


def _send_reminders(
    summaries: list[selectors.DeadlineSummary], today: datetime.date, run: CheckRun
) -> None:
    """Remind the schools that have not met a deadline near or late, each once."""
    due: list[tuple[Deadline, School, str]] = []
    for summary in summaries:
        deadline = summary.deadline
        if deadline.remind_on() <= today <= deadline.due_on:
            kind = Reminder.Kind.SOON
        elif (
            deadline.due_on < today <= deadline.due_on + datetime.timedelta(days=LATE_REMINDER_DAYS)
        ):
            kind = Reminder.Kind.LATE
        else:
            continue
        due += [(deadline, s.school, kind) for s in summary.standings if not s.is_done]
    if not due:
        return
    sent = set(
        Reminder.objects.filter(deadline__in={d for d, _s, _k in due}).values_list(
            "deadline_id", "school_id", "kind", "due_on"
        )
    )
    leaders: dict[int, list] = defaultdict(list)
    memberships = Membership.objects.filter(
        school_id__in={s.pk for _d, s, _k in due}, role__in=MEET_ROLES
    ).select_related("user")
    for membership in memberships:
        leaders[membership.school_id].append(membership.user)
    for deadline, school, kind in due:
        if (deadline.pk, school.pk, kind, deadline.due_on) in sent:
            continue
        run.notified += _remind(deadline, school, kind, leaders.get(school.pk, []))
        if kind == Reminder.Kind.SOON:
            run.soon += 1
        else:
            run.late += 1


def _remind(deadline: Deadline, school: School, kind: str, users: list) -> int:
    """One reminder, once: its row is written in the same transaction as the notifications (a
    second check meanwhile finds the row and sends nothing)."""
    with transaction.atomic():
        _row, created = Reminder.objects.get_or_create(
            deadline=deadline, school=school, kind=kind, due_on=deadline.due_on
        )
        if not created:
            return 0
        notifications = notify(
            users=users,
            kind=(
                Notification.Kind.DEADLINE_SOON
                if kind == Reminder.Kind.SOON
                else Notification.Kind.DEADLINE_LATE
            ),
            url=deadline_url(deadline, school),
            place=school.name,
        )
    return len(notifications)

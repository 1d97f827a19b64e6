"""Writes of attendance: the roll call, the school's settings and calendar, the flags.

Public names:
- ``roll_save(*, classroom, day, marks, user, period=0, subject="", request=None) -> RollSaved``:
  one roll in one transaction, a fixed number of queries for any class size; a changed mark keeps
  its history (``MarkChange``); the daily roll then checks the class's flags.
- ``flags_check(*, school, student_ids, upto, term=None) -> list[AttendanceFlag]``: raise the
  flags due (absent days in a row, the term's rate) and notify; also the nightly task's body.
- ``settings_save``, ``holiday_add``, ``holiday_delete``, ``flag_close``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance import rules, selectors
from attendance.models import (
    AttendanceFlag,
    AttendanceSettings,
    Mark,
    MarkChange,
    Roll,
    SchoolHoliday,
    Status,
)
from carecore.audit import audit_record, audit_row, model_changes
from carecore.models import AuditEvent, Membership, Notification, Role, User
from carecore.notifications import notify
from carecore.writes import acting_user
from schools.models import Classroom, HomeroomAssignment, School, Term
from students.models import Enrolment, Student
from students.parent_notices import tell_parents

# How far back the marks are read to find a streak (a streak longer than this many calendar
# days is still flagged: it reached the threshold long before).
STREAK_WINDOW = datetime.timedelta(days=45)


# --- the roll call -----------------------------------------------------------------------------
@dataclass
class RollSaved:
    roll: Roll
    created: bool
    changed: int = 0  # marks corrected
    flags: list[AttendanceFlag] = field(default_factory=list)


def _clean_mark(status: str, kind: str) -> tuple[str, str]:
    mark = rules.clean_mark(status, kind)
    if mark is not None:
        return mark
    if status not in Status.values:
        raise ValidationError(_("Unknown attendance status."))
    raise ValidationError(_("Choose the kind of leave."))


@transaction.atomic
def roll_save(
    *,
    classroom: Classroom,
    day: datetime.date,
    marks: dict[int, tuple[str, str]],
    user,
    period: int = 0,
    subject: str = "",
    source: str = Roll.Source.ROLL,
    strict: bool = True,
    request=None,
) -> RollSaved:
    """Save the roll of ``classroom`` on ``day``: ``marks`` is {student id: (status, leave
    kind)} for every student of the class (one missing is present). A saved mark that changes
    keeps its history. Students not enrolled in the classroom are refused (``strict``) or
    left out (an import keeping the day's other marks)."""
    enrolled = set(
        Enrolment.objects.filter(classroom=classroom).values_list("student_id", flat=True)
    )
    stranger = set(marks) - enrolled
    if stranger and strict:
        raise ValidationError(_("Some students are not in this classroom."))
    cleaned = {sid: _clean_mark(*marks.get(sid, (Status.PRESENT, ""))) for sid in enrolled}
    actor = acting_user(user)
    roll, created = Roll.objects.select_for_update().get_or_create(
        classroom=classroom,
        date=day,
        period=period,
        defaults={
            "school_id": classroom.school_id,
            "subject": subject,
            "taken_by": actor,
            "changed_by": actor,
            "source": source,
        },
    )
    existing = {m.student_id: m for m in Mark.objects.filter(roll=roll)}
    new, changed, history = [], [], []
    for student_id, (status, kind) in cleaned.items():
        mark = existing.get(student_id)
        if mark is None:
            new.append(
                Mark(
                    roll=roll,
                    student_id=student_id,
                    school_id=classroom.school_id,
                    date=day,
                    period=period,
                    status=status,
                    leave_kind=kind,
                )
            )
        elif (mark.status, mark.leave_kind) != (status, kind):
            history.append(
                MarkChange(
                    mark=mark,
                    school_id=classroom.school_id,
                    old_status=mark.status,
                    old_leave_kind=mark.leave_kind,
                    new_status=status,
                    new_leave_kind=kind,
                    changed_by=actor,
                )
            )
            mark.status, mark.leave_kind = status, kind
            changed.append(mark)
    Mark.objects.bulk_create(new)
    if changed:
        Mark.objects.bulk_update(changed, ["status", "leave_kind"])
        MarkChange.objects.bulk_create(history)
    if not created:
        roll.changed_by = actor
        if subject:
            roll.subject = subject
        roll.save(update_fields=["changed_by", "changed_at", "subject"])
    not_present = status_counts(cleaned.values())
    audit_record(
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
        user=actor,
        school=classroom.school,
        obj=roll,
        summary=(
            _("Took the roll of %(room)s on %(date)s")
            if created
            else _("Changed the roll of %(room)s on %(date)s")
        )
        % {"room": classroom, "date": day.isoformat()},
        changes={
            "period": period,
            **not_present,
            **{
                f"student {c.mark.student_id}": [
                    c.old_leave_kind or c.old_status,
                    c.new_leave_kind or c.new_status,
                ]
                for c in history
            },
        },
        request=request,
    )
    saved = RollSaved(roll=roll, created=created, changed=len(changed))
    if period == 0:
        saved.flags = flags_check(school=classroom.school, student_ids=sorted(enrolled), upto=day)
    return saved


def status_counts(values: Iterable[tuple[str, str]]) -> dict[str, int]:
    """How many of each status other than present (for the audit row)."""
    counts: dict[str, int] = {}
    for status, kind in values:
        if status != Status.PRESENT:
            counts[kind or status] = counts.get(kind or status, 0) + 1
    return counts


# --- flags -------------------------------------------------------------------------------------
def _staff_to_tell(school: School, student_ids: Iterable[int], year_id: int):
    """{student id: homeroom teachers of their classroom this year} and the coordinators."""
    teachers: dict[int, list[User]] = {}
    rooms = dict(
        Enrolment.objects.filter(student_id__in=student_ids, academic_year_id=year_id).values_list(
            "student_id", "classroom_id"
        )
    )
    by_room: dict[int, list[User]] = {}
    for a in HomeroomAssignment.objects.filter(classroom_id__in=set(rooms.values())).select_related(
        "teacher"
    ):
        by_room.setdefault(a.classroom_id, []).append(a.teacher)
    for student_id, room in rooms.items():
        teachers[student_id] = by_room.get(room, [])
    coordinators = [
        m.user
        for m in Membership.objects.filter(school=school, role=Role.COORDINATOR).select_related(
            "user"
        )
    ]
    return teachers, coordinators


def flags_check(
    *,
    school: School,
    student_ids: list[int],
    upto: datetime.date,
    term: Term | None = None,
) -> list[AttendanceFlag]:
    """Raise the flags due on ``upto`` for these students: ``absent_streak_days`` absent days in
    a row (each streak once), or the term's rate under the threshold (once a term, after
    ``rules.MIN_DAYS_FOR_RATE`` teaching days). Each new flag tells the homeroom teachers and
    the coordinators (ATTENDANCE_FLAG) and the parents (FAMILY_ABSENCE). A fixed number of
    queries for any number of students."""
    term = term or selectors.term_of(upto)
    if term is None or not student_ids:
        return []
    settings = selectors.school_settings(school)
    so_far, _whole = selectors.term_days(school, term, upto)
    if not so_far:
        return []
    days = set(so_far)
    statuses: dict[int, dict[datetime.date, str]] = {}
    missed: dict[int, int] = {}
    marks = Mark.objects.filter(
        student_id__in=student_ids, period=0, date__gte=term.start, date__lte=upto
    ).values_list("student_id", "date", "status", "leave_kind")
    window_start = upto - STREAK_WINDOW
    for student_id, day, status, kind in marks:
        if day not in days:
            continue
        if day >= window_start:
            statuses.setdefault(student_id, {})[day] = status
        if rules.misses_class(status, kind):
            missed[student_id] = missed.get(student_id, 0) + 1
    window = [d for d in so_far if d >= window_start]
    wanted: list[AttendanceFlag] = []

    def flag(student_id: int, kind: str, value: int, since: datetime.date | None = None):
        wanted.append(
            AttendanceFlag(
                school=school,
                student_id=student_id,
                term=term,
                kind=kind,
                since=since,
                raised_on=upto,
                value=value,
            )
        )

    for student_id in student_ids:
        count, first = rules.streak_ending(window, statuses.get(student_id, {}), upto)
        if count >= settings.absent_streak_days:
            flag(student_id, AttendanceFlag.Kind.STREAK, count, since=first)
        percent = rules.rate(len(so_far) - missed.get(student_id, 0), len(so_far))
        if len(so_far) >= rules.MIN_DAYS_FOR_RATE and percent < settings.threshold:
            flag(student_id, AttendanceFlag.Kind.RATE, int(percent))
    if not wanted:
        return []
    known = set(
        AttendanceFlag.objects.filter(student_id__in={f.student_id for f in wanted}).values_list(
            "student_id", "kind", "since", "term_id"
        )
    )
    fresh = [
        f
        for f in wanted
        if (f.student_id, f.kind, f.since, term.pk) not in known
        and (f.kind != AttendanceFlag.Kind.RATE or not _has_rate_flag(known, f.student_id, term))
    ]
    created = AttendanceFlag.objects.bulk_create(fresh, ignore_conflicts=True)
    if created:
        _tell(school, created, term)
    return created


def _has_rate_flag(known: set, student_id: int, term: Term) -> bool:
    return any(
        s == student_id and k == AttendanceFlag.Kind.RATE and t == term.pk
        for s, k, _since, t in known
    )


def _tell(school: School, flags: list[AttendanceFlag], term: Term) -> None:
    """Who is told of new flags; never the child's name or the reason in the notification."""
    ids = sorted({f.student_id for f in flags})
    teachers, coordinators = _staff_to_tell(school, ids, term.academic_year_id)
    staff_url = reverse("attendance:flags", kwargs={"school_code": school.code})
    for student_id in ids:
        notify(
            users=[*teachers.get(student_id, []), *coordinators],
            kind=Notification.Kind.ATTENDANCE_FLAG,
            url=staff_url,
            place=school.name,
        )
    for student in Student.objects.filter(pk__in=ids):
        tell_parents(
            student,
            kind=Notification.Kind.FAMILY_ABSENCE,
            page="portal:child_attendance",
            place=school.name,
        )


@transaction.atomic
def flag_close(*, flag: AttendanceFlag, user, request=None) -> AttendanceFlag:
    if flag.state == AttendanceFlag.State.CLOSED:
        return flag
    flag.state = AttendanceFlag.State.CLOSED
    flag.closed_by = user
    flag.closed_at = timezone.now()
    flag.save(update_fields=["state", "closed_by", "closed_at"])
    audit_row(flag, _("Closed an attendance flag"), user=user, request=request)
    return flag


def flags_nightly(today: datetime.date | None = None) -> int:
    """Every school's flags due today (the nightly task): the students enrolled this term."""
    today = today or timezone.localdate()
    term = selectors.term_of(today)
    if term is None:
        return 0
    raised = 0
    for school in School.objects.all():
        ids = list(
            Enrolment.objects.filter(
                classroom__school=school, academic_year_id=term.academic_year_id
            ).values_list("student_id", flat=True)
        )
        raised += len(flags_check(school=school, student_ids=ids, upto=today, term=term))
    return raised


# --- the school's settings and calendar --------------------------------------------------------
SETTINGS_FIELDS = ["absent_streak_days", "threshold", "period_attendance", "periods_per_day"]


@transaction.atomic
def settings_save(*, school: School, data: dict, user, request=None) -> AttendanceSettings:
    before = AttendanceSettings.objects.filter(school=school).first()
    after, _created = AttendanceSettings.objects.update_or_create(
        school=school, defaults={name: data[name] for name in SETTINGS_FIELDS}
    )
    changes = model_changes(before, after, SETTINGS_FIELDS)
    if changes:
        audit_record(
            action=AuditEvent.Action.CHANGE,
            user=user,
            school=school,
            obj=after,
            summary=_("Changed the attendance rules"),
            changes=changes,
            request=request,
        )
    return after


@transaction.atomic
def holiday_add(
    *, school: School, start: datetime.date, end: datetime.date, name: str, user, request=None
) -> SchoolHoliday:
    if end < start:
        raise ValidationError({"end": _("The last day comes on or after the first.")})
    holiday = SchoolHoliday.objects.create(
        school=school, start=start, end=end, name=name, created_by=user
    )
    audit_record(
        action=AuditEvent.Action.CREATE,
        user=user,
        school=school,
        obj=holiday,
        summary=_("Added days without school: %(name)s") % {"name": name},
        request=request,
    )
    return holiday


@transaction.atomic
def holiday_delete(*, holiday: SchoolHoliday, user, request=None) -> None:
    audit_record(
        action=AuditEvent.Action.DELETE,
        user=user,
        school=holiday.school,
        obj=holiday,
        summary=_("Removed days without school: %(name)s") % {"name": holiday.name},
        request=request,
    )
    holiday.delete()

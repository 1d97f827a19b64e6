"""Pages of attendance (docs/attendance.md): the school's day, a classroom's roll (phone first)
and month, a period's roll, a student's attendance, the flags, the school's rules and calendar.

Access (attendance/access.py): a classroom the user may not see answers 404, and so does the
roll of another teacher's classroom; the coordinator (MANAGE_ATTENDANCE) takes and corrects any
roll and keeps the calendar and the flags.
"""

from __future__ import annotations

import calendar
import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from django.views.decorators.http import require_POST

from attendance import access, rules, selectors, services
from attendance.forms import HolidayForm, PeriodForm, SettingsForm, parse_day, roll_marks
from attendance.models import AttendanceFlag, LeaveKind, Roll, SchoolHoliday, Status
from attendance.routes import pages
from carecore.access import Perm, school_view, visible_classroom_ids
from carecore.dates import format_date
from carecore.form_views import classroom_page, form_saved, student_page
from schools.models import Classroom
from schools.selectors import current_term, term_from_code
from students.access import student_get_for_user
from students.models import Enrolment

# Short labels of the month grid and the roll's buttons.
SHORT = {
    Status.ABSENT: pgettext_lazy("attendance", "Ab"),
    Status.LATE: pgettext_lazy("attendance", "La"),
    LeaveKind.SICK: pgettext_lazy("attendance", "Si"),
    LeaveKind.PERSONAL: pgettext_lazy("attendance", "Pe"),
    LeaveKind.ACTIVITY: pgettext_lazy("attendance", "Ac"),
}


def _short(code: str) -> str:
    return str(SHORT.get(code, ""))


# --- the day of a roll -------------------------------------------------------------------------
def _roll_day(request, classroom) -> datetime.date:
    """The day asked (?date=YYYY-MM-DD), today when none; a future day or one outside the
    classroom's academic year gives a message and today."""
    today = timezone.localdate()
    raw = request.POST.get("date") or request.GET.get("date")
    if not raw:
        return today
    day = parse_day(raw)
    year = classroom.academic_year
    if day is None:
        messages.warning(request, _("That is not a date; showing today."))
    elif day > today:
        messages.warning(request, _("A roll cannot be taken ahead of the day; showing today."))
    elif not year.start <= day <= year.end:
        messages.warning(request, _("That day is outside the classroom's academic year."))
    else:
        return day
    return today


def _neighbour_days(school, day: datetime.date) -> tuple[datetime.date | None, datetime.date]:
    """The teaching days before and after ``day`` (within three weeks), for the arrows."""
    span = datetime.timedelta(days=21)
    days = rules.teaching_days(
        day - span, day + span, selectors.holidays(school, day - span, day + span)
    )
    before = [d for d in days if d < day]
    after = [d for d in days if d > day and d <= timezone.localdate()]
    return (before[-1] if before else None), (after[0] if after else None)


def _roster(classroom) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(classroom=classroom).select_related("student").order_by("number")
    )


def _roll_page(request, classroom, *, period: int, template: str, extra: dict | None = None):
    """The roll of ``classroom`` on the asked day: GET shows it (everyone present unless
    saved otherwise); POST saves it in one go and comes back to it."""
    day = _roll_day(request, classroom)
    school = request.school
    teaching = selectors.is_teaching_day(school, day)
    enrolments = _roster(classroom)
    ids = [e.student_id for e in enrolments]
    extra = extra or {}
    subject = extra.get("subject", "")
    period = extra.get("period", period)
    bad: list[int] = []
    posted = None
    if request.method == "POST":
        if not teaching:
            messages.error(request, _("No roll on a day without school."))
            return redirect(request.path + f"?date={day.isoformat()}")
        posted, bad = roll_marks(request.POST, ids)
        if not bad:
            saved = services.roll_save(
                classroom=classroom,
                day=day,
                marks=posted,
                user=request.user,
                period=period,
                subject=subject,
                request=request,
            )
            counts = services.status_counts(posted.values())
            messages.success(
                request,
                _(
                    "The roll of %(date)s is saved: %(absent)s absent, %(late)s late, "
                    "%(leave)s on leave."
                )
                % {
                    "date": format_date(day),
                    "absent": counts.get(Status.ABSENT, 0),
                    "late": counts.get(Status.LATE, 0),
                    "leave": sum(counts.get(k, 0) for k in LeaveKind.values),
                },
            )
            if saved.flags:
                messages.warning(
                    request,
                    _("%(n)s student(s) flagged for their attendance: see the flags.")
                    % {"n": len({f.student_id for f in saved.flags})},
                )
            query = f"?date={day.isoformat()}"
            if period:
                query += "&" + urlencode({"period": period, "subject": subject})
            return redirect(request.path + query)
        messages.error(request, _("Some answers could not be read; check the marked students."))
    roll = selectors.roll_of(classroom, day, period)
    marks = selectors.marks_of(roll)
    flags = selectors.open_flags_by_student(ids) if period == 0 else {}
    rows = []
    for e in enrolments:
        mark = marks.get(e.student_id)
        status, kind = (
            posted[e.student_id]
            if posted and e.student_id in posted
            else ((mark.status, mark.leave_kind) if mark else (Status.PRESENT, ""))
        )
        if not kind and request.method == "POST":
            kind = request.POST.get(f"k{e.student_id}", "")
        rows.append(
            {
                "enrolment": e,
                "student": e.student,
                "status": status,
                "kind": kind or LeaveKind.SICK,
                "corrections": getattr(mark, "corrections", 0),
                "flagged": bool(flags.get(e.student_id)),
                "bad": e.student_id in bad,
            }
        )
    counts = [(Status(s).label, sum(1 for r in rows if r["status"] == s)) for s in Status.values]
    before, after = _neighbour_days(school, day)
    return classroom_page(
        request,
        template,
        classroom,
        audit=None if request.method == "POST" else _("Opened the roll of %(room)s"),
        day=day,
        today=timezone.localdate(),
        teaching=teaching,
        rows=rows,
        roll=roll,
        counts=counts,
        before=before,
        after=after,
        statuses=[(s, Status(s).label) for s in Status.values],
        kinds=[(k, LeaveKind(k).label) for k in LeaveKind.values],
        **extra,
    )


@pages("classrooms/<int:classroom_id>/roll/")
@school_view(Perm.VIEW_SCHOOL)
def roll(request, classroom_id):
    classroom = access.roll_classroom_get_for_user(request, classroom_id)
    return _roll_page(request, classroom, period=0, template="attendance/roll.html")


@pages("classrooms/<int:classroom_id>/periods/")
@school_view(Perm.VIEW_SCHOOL)
def period_roll(request, classroom_id):
    """A subject teacher's roll of one period (when the school switched it on)."""
    settings = selectors.school_settings(request.school)
    classroom = access.period_classroom_get_for_user(
        request, classroom_id, switched_on=settings.period_attendance
    )
    form = PeriodForm(
        request.POST if request.method == "POST" else (request.GET or None),
        periods=settings.periods_per_day,
    )
    if not form.is_bound or not form.is_valid():
        return classroom_page(
            request,
            "attendance/period_choose.html",
            classroom,
            form=form,
            day=_roll_day(request, classroom),
        )
    return _roll_page(
        request,
        classroom,
        period=form.cleaned_data["period"],
        template="attendance/roll.html",
        extra={
            "period": form.cleaned_data["period"],
            "subject": form.cleaned_data["subject"],
            "period_form": form,
        },
    )


# --- a classroom's month -----------------------------------------------------------------------
def _month(request, year) -> datetime.date:
    raw = (request.GET.get("month") or "")[:7]
    try:
        first = datetime.date.fromisoformat(raw + "-01")
    except ValueError:
        first = timezone.localdate().replace(day=1)
    if not year.start.replace(day=1) <= first <= year.end:
        first = min(max(timezone.localdate(), year.start), year.end).replace(day=1)
    return first


def _shift_month(first: datetime.date, months: int) -> datetime.date:
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@pages("classrooms/<int:classroom_id>/month/")
@school_view(Perm.VIEW_SCHOOL)
def classroom_month(request, classroom_id):
    """Who was absent when, in one month: a row per student, a column per weekday."""
    classroom = access.classroom_get_for_user(request, classroom_id)
    first = _month(request, classroom.academic_year)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    off = selectors.holidays(request.school, first, last)
    weekdays = rules.teaching_days(first, last, set())
    grid, rolled = selectors.month_grid(classroom, first, last)
    rows = []
    for e in _roster(classroom):
        marks = grid.get(e.student_id, {})
        cells = [{"code": marks.get(d, ""), "short": _short(marks.get(d, ""))} for d in weekdays]
        missed = sum(1 for d in weekdays if d not in off and marks.get(d) in MISSED_CODES)
        rows.append({"enrolment": e, "cells": cells, "missed": missed})
    year = classroom.academic_year
    previous, following = _shift_month(first, -1), _shift_month(first, 1)
    return classroom_page(
        request,
        "attendance/month.html",
        classroom,
        audit=_("Viewed the attendance of %(room)s by month"),
        first=first,
        days=[{"date": d, "off": d in off, "rolled": d in rolled} for d in weekdays],
        rows=rows,
        previous=previous if previous >= year.start.replace(day=1) else None,
        following=following if following <= min(year.end, timezone.localdate()) else None,
        can_take=access.can_take_roll(request, classroom),
        legend=[(code, _short(code), label) for code, label in LEGEND],
    )


MISSED_CODES = {Status.ABSENT, LeaveKind.SICK, LeaveKind.PERSONAL}
LEGEND = [
    (Status.ABSENT, Status.ABSENT.label),
    (Status.LATE, Status.LATE.label),
    (LeaveKind.SICK, LeaveKind.SICK.label),
    (LeaveKind.PERSONAL, LeaveKind.PERSONAL.label),
    (LeaveKind.ACTIVITY, LeaveKind.ACTIVITY.label),
]


# --- a student ---------------------------------------------------------------------------------
def _term(request):
    code = request.GET.get("term") or ""
    return (term_from_code(code) if code else None) or current_term()


@pages("students/<int:student_id>/")
@school_view(Perm.VIEW_SCHOOL)
def student_attendance(request, student_id):
    student = student_get_for_user(request, student_id)
    term = _term(request)
    summary = selectors.student_attendance_summary(student, term) if term else None
    since = term.start if term else timezone.localdate() - datetime.timedelta(days=180)
    flags = selectors.flags_for_student(student)
    return student_page(
        request,
        "attendance/student.html",
        student,
        audit=_("Viewed the attendance"),
        term=term,
        summary=summary,
        absences=selectors.student_absences(student, since),
        corrections=selectors.student_corrections(student),
        flags=flags,
        can_open_case=Perm.OPEN_DROPOUT_CASE in request.schoolperms,
    )


# --- the school --------------------------------------------------------------------------------
@pages("")
@school_view(Perm.VIEW_STUDENTS)
def school_attendance(request):
    """Today in the school: each classroom one sees, whether its roll is taken, its rate."""
    term = current_term()
    today = timezone.localdate()
    classroom_ids = visible_classroom_ids(request)
    rates = selectors.school_rates(request.school, term, today, classroom_ids) if term else None
    taken = set(
        Roll.objects.filter(school=request.school, date=today, period=0).values_list(
            "classroom_id", flat=True
        )
    )
    return render(
        request,
        "attendance/school.html",
        {
            "school": request.school,
            "term": term,
            "today": today,
            "teaching": selectors.is_teaching_day(request.school, today),
            "rates": rates,
            "taken": taken,
            "whole_school": classroom_ids is None,
            "manage": Perm.MANAGE_ATTENDANCE in request.schoolperms,
            "own": set(access.own_classroom_ids(request)),
            "open_flags": len(_visible_flags(request, AttendanceFlag.State.OPEN)),
        },
    )


def _visible_flags(request, state):
    flags = selectors.flags_for_school(request.school, state)
    visible = visible_classroom_ids(request)
    if visible is None:
        return flags
    ids = set(
        Enrolment.objects.filter(classroom_id__in=visible).values_list("student_id", flat=True)
    )
    return [f for f in flags if f.student_id in ids]


@pages("flags/")
@school_view(Perm.VIEW_STUDENTS)
def flags(request):
    """The flagged students one may see (the coordinator: the whole school), open by default."""
    state = request.GET.get("state", AttendanceFlag.State.OPEN)
    if state not in AttendanceFlag.State.values:
        state = None
    found = _visible_flags(request, state)
    rooms = dict(
        Enrolment.objects.filter(
            student_id__in=[f.student_id for f in found], academic_year=request.academic_year
        )
        .select_related("classroom")
        .values_list("student_id", "classroom")
    )
    classrooms = {c.pk: c for c in Classroom.objects.filter(pk__in=set(rooms.values()))}
    for flag in found:
        flag.classroom = classrooms.get(rooms.get(flag.student_id))
    return render(
        request,
        "attendance/flags.html",
        {
            "school": request.school,
            "flags": found,
            "state": state or "all",
            "states": [
                ("open", pgettext("attendance flag", "Open")),
                ("closed", pgettext("attendance flag", "Closed")),
                ("all", _("All")),
            ],
            "can_close": Perm.MANAGE_ATTENDANCE in request.schoolperms,
            "can_open_case": Perm.OPEN_DROPOUT_CASE in request.schoolperms,
        },
    )


@pages("flags/<int:flag_id>/close/")
@school_view(Perm.MANAGE_ATTENDANCE)
@require_POST
def flag_close(request, flag_id):
    flag = access.flag_get_for_user(request, flag_id)
    services.flag_close(flag=flag, user=request.user, request=request)
    messages.success(request, _("The flag is closed."))
    return redirect("attendance:flags", school_code=request.school.code)


# --- the school's rules and calendar -----------------------------------------------------------
@pages("calendar/")
@school_view(Perm.MANAGE_ATTENDANCE)
def school_calendar(request):
    """The rules (flags, threshold, periods) and the days without school of this year."""
    school = request.school
    current = selectors.school_settings(school)
    which = request.POST.get("form") if request.method == "POST" else None
    settings_form = SettingsForm(request.POST if which == "settings" else None, instance=current)
    holiday_form = HolidayForm(request.POST if which == "holiday" else None)
    then = reverse("attendance:school_calendar", kwargs={"school_code": school.code})
    saved = None
    if which == "settings":
        saved = form_saved(
            request,
            settings_form,
            lambda data: services.settings_save(
                school=school, data=data, user=request.user, request=request
            ),
            success=_("The attendance rules are saved."),
            then=then,
        )
    elif which == "holiday":
        saved = form_saved(
            request,
            holiday_form,
            lambda data: services.holiday_add(
                school=school,
                start=data["start"],
                end=data["end"],
                name=data["name"],
                user=request.user,
                request=request,
            ),
            success=_("The days without school are added."),
            then=then,
        )
    if saved:
        return saved
    year = request.academic_year
    holidays = SchoolHoliday.objects.filter(school=school)
    if year is not None:
        holidays = holidays.filter(end__gte=year.start, start__lte=year.end)
    term = current_term()
    so_far, whole = selectors.term_days(school, term) if term else ([], [])
    return render(
        request,
        "attendance/calendar.html",
        {
            "school": school,
            "settings_form": settings_form,
            "holiday_form": holiday_form,
            "holidays": list(holidays.select_related("created_by")),
            "term": term,
            "days_so_far": len(so_far),
            "term_days": len(whole),
        },
    )


@pages("calendar/<int:holiday_id>/delete/")
@school_view(Perm.MANAGE_ATTENDANCE)
@require_POST
def holiday_delete(request, holiday_id):
    holiday = access.holiday_get_for_user(request, holiday_id)
    services.holiday_delete(holiday=holiday, user=request.user, request=request)
    messages.success(request, _("The days without school are removed."))
    return redirect("attendance:school_calendar", school_code=request.school.code)

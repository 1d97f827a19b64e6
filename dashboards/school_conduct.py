"""Attendance and behaviour on the school dashboard (docs/dashboards.md): read from the figures
``figures.compute`` already counted (the term's rate per classroom, the flagged students, the
incidents and the students under the conduct bands), and two queries of the school's own: the
days missed per week of the term, and the term's incidents per category.

Sensitive categories (drugs, sexual behaviour, violence) are counted, never detailed (no student,
date or note on the dashboard), and shown by category only to the holders of
``SEE_SENSITIVE_BEHAVIOUR`` (docs/behaviour.md); to anyone else the incident counts leave them out.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from attendance.models import DEFAULT_THRESHOLD
from attendance.selectors import school_settings
from behaviour.models import Category
from behaviour.selectors import LOW_SCORE, WATCH_SCORE
from dashboards import charts
from dashboards.conduct_figures import (
    daily_marks_on_teaching_days,
    last_day,
    missed_q,
    school_days_so_far,
)
from dashboards.figures import View, share
from schools.models import Term

ABSENT = "#b71c1c"  # dark red (74 in grey)
LEAVE = "#ffcc80"  # light orange (211)


@dataclass
class Room:
    label: str
    classroom_id: int
    view: View

    @property
    def rate(self) -> float | None:
        return self.view.attendance_rate


@dataclass
class Week:
    start: datetime.date
    days: int  # teaching days of the week so far
    student_days: int
    absent: int = 0
    leave: int = 0

    @property
    def missed(self) -> int:
        return self.absent + self.leave

    @property
    def rate(self) -> float | None:
        return share(self.student_days - self.missed, self.student_days)


@dataclass
class Conduct:
    total: View
    see_sensitive: bool
    rooms: list[Room] = field(default_factory=list)  # worst attendance first
    weeks: list[Week] = field(default_factory=list)
    # (category name, kind, sensitive, incidents this term)
    categories: list[tuple[str, str, bool, int]] = field(default_factory=list)
    threshold: int = DEFAULT_THRESHOLD  # the school's attendance threshold (percent)
    low_score: int = LOW_SCORE
    watch_score: int = WATCH_SCORE

    @property
    def teaching_days(self) -> int:
        students = self.total.students
        return self.total["att_days"] // students if students else 0

    @property
    def bad(self) -> int:
        """Misconduct this term as the user may count it (sensitive ones only if they see them)."""
        t = self.total
        return t["beh_bad"] if self.see_sensitive else t["beh_bad"] - t["beh_sensitive"]

    @property
    def chart(self) -> str:
        if not any(w.student_days for w in self.weeks):
            return ""
        return week_chart(self.weeks)


def week_label(day: datetime.date) -> str:
    return f"{day.day}/{day.month}"


def week_chart(weeks: list[Week]) -> str:
    return charts.week_columns(
        [week_label(w.start) for w in weeks],
        [{"absent": w.absent, "leave": w.leave} for w in weeks],
        [
            charts.Segment("absent", _("Absent"), ABSENT),
            charts.Segment("leave", _("Sick or personal leave"), LEAVE),
        ],
        # The week's attendance rate under its date, without its sign (room for 20 weeks).
        notes=[f"{w.rate:.1f}" if w.rate is not None else "" for w in weeks],
        title=_("Days of school missed per week (attendance rate under each week, in %)"),
    )


def weeks_of(school_id: int, term: Term, today: datetime.date, students: int) -> list[Week]:
    """The term's weeks up to ``today``: days missed (absent, on leave) and the attendance rate of
    each (two queries: the school's days without school, the marks per week)."""
    days = school_days_so_far([school_id], term, today)[school_id]
    weeks: dict[datetime.date, Week] = {}
    for day in days:
        monday = day - datetime.timedelta(days=day.weekday())
        week = weeks.setdefault(monday, Week(start=monday, days=0, student_days=0))
        week.days += 1
        week.student_days += students
    rows = (
        daily_marks_on_teaching_days([school_id], term, today)
        .filter(missed_q())
        .annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(n=Count("pk"), absent=Count("pk", filter=Q(status="absent")))
    )
    for row in rows:
        monday = row["week"]
        if isinstance(monday, datetime.datetime):
            monday = monday.date()
        week = weeks.get(monday)
        if week is not None:
            week.absent += row["absent"]
            week.leave += row["n"] - row["absent"]
    # Every week of the term so far, a week without school days too (it shows as a gap).
    out, monday = [], term.start - datetime.timedelta(days=term.start.weekday())
    while monday <= last_day(term, today):
        out.append(weeks.get(monday) or Week(start=monday, days=0, student_days=0))
        monday += datetime.timedelta(days=7)
    return out


def school_conduct(
    *, school, term: Term, dash, see_sensitive: bool, today: datetime.date | None = None
) -> Conduct:
    """The dashboard's attendance and behaviour (``dash``: school_selectors.school_dashboard)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    total = dash.total
    conduct = Conduct(total=total, see_sensitive=see_sensitive)
    rooms = [Room(row.label, row.classroom_id, row.view) for row in dash.classrooms]
    # Worst first; a classroom without a rate (no student, no day yet) last.
    conduct.rooms = sorted(
        rooms, key=lambda r: (r.rate is None, r.rate if r.rate is not None else 0, r.label)
    )
    with scopes_disabled():  # the view's school: chosen by the access layer
        conduct.threshold = school_settings(school).threshold
        conduct.weeks = weeks_of(school.pk, term, today, total.students)
        categories = Category.objects.filter(school=school).annotate(
            n=Count(
                "incidents",
                filter=Q(incidents__term=term, incidents__cancelled_at__isnull=True),
            )
        )
        if not see_sensitive:
            categories = categories.filter(sensitive=False)
        conduct.categories = [
            (c.name, c.kind, c.sensitive, c.n)
            for c in sorted(categories, key=lambda c: (c.kind != "bad", -c.n, c.name))
            if c.n
        ]
    return conduct

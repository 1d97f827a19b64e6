"""Daily attendance (การเช็คชื่อ, docs/attendance.md).

- ``AttendanceSettings``: the school's rules (how many absent days in a row raise a flag, the
  rate under which a student may not sit the assessment, whether subject teachers take a roll
  per period). A school without a row has the defaults.
- ``SchoolHoliday``: the school's calendar, days without school (a holiday, a school event, the
  break); a term's teaching days are its weekdays minus these.
- ``Roll``: one roll call of a classroom on a date: period 0 is the homeroom teacher's daily roll
  (the rates count it alone); periods 1.. are subject teachers' rolls, with their subject, when
  the school switches them on. Who took it and when, who changed it last.
- ``Mark``: a student on a roll: present (the default), absent, late, or on leave with its kind.
  The date, period and school are copied from the roll so that rates read the marks alone.
- ``MarkChange``: a correction of a saved mark (old → new, who, when): the history is kept.
- ``AttendanceFlag``: a student flagged for absent days in a row or a term rate under the
  threshold; open until the coordinator closes it (or opens a dropout-risk case from it).
- ``AttendanceImport``: a file of an existing attendance export (attendance.imports).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carecore.imports.models import ImportRecord
from carecore.model_acts import CREATED, SAVED, act_fields
from carecore.model_fields import (
    SchoolScoped,
    academic_year_field,
    classroom_field,
    school_field,
    student_field,
    term_field,
)

DEFAULT_STREAK_DAYS = 3
DEFAULT_THRESHOLD = 80  # per cent of class time (Basic Education Core Curriculum B.E. 2551)
DEFAULT_PERIODS = 8


class Status(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    LATE = "late", pgettext_lazy("attendance", "Late")
    LEAVE = "leave", _("On leave")


class LeaveKind(models.TextChoices):
    SICK = "sick", _("Sick leave")
    PERSONAL = "personal", _("Personal leave")
    ACTIVITY = "activity", _("School activity")


class AttendanceSettings(SchoolScoped):
    school = school_field("attendance_settings", one_to_one=True)
    absent_streak_days = models.PositiveSmallIntegerField(
        _("absent days in a row that raise a flag"), default=DEFAULT_STREAK_DAYS
    )
    threshold = models.PositiveSmallIntegerField(
        _("lowest attendance rate to sit the assessment (%)"), default=DEFAULT_THRESHOLD
    )
    period_attendance = models.BooleanField(
        _("subject teachers take a roll per period"), default=False
    )
    periods_per_day = models.PositiveSmallIntegerField(
        _("periods in a day"), default=DEFAULT_PERIODS
    )
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance settings")
        verbose_name_plural = _("attendance settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(absent_streak_days__gte=1), name="att_settings_streak_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(threshold__gte=1, threshold__lte=100),
                name="att_settings_threshold_percent",
            ),
        ]

    def __str__(self):
        return str(self.school)


class SchoolHoliday(SchoolScoped):
    """Days without school (one day or a range): the term's teaching days skip them."""

    school = school_field("holidays")
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    name = models.CharField(_("name"), max_length=200)
    created_by, created = act_fields(_("added by"), None, when=CREATED)

    class Meta:
        verbose_name = _("day without school")
        verbose_name_plural = _("days without school")
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["school", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="holiday_end_not_before_start"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.start}–{self.end})"


class Roll(SchoolScoped):
    """One roll call of a classroom on a date (period 0: the homeroom teacher's daily roll)."""

    class Source(models.TextChoices):
        ROLL = "roll", _("Roll call")
        IMPORT = "import", _("Imported")

    school = school_field("rolls")
    classroom = classroom_field("rolls")
    date = models.DateField(_("date"))
    period = models.PositiveSmallIntegerField(_("period"), default=0)
    subject = models.CharField(_("subject"), max_length=100, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.ROLL)
    taken_by, taken_at = act_fields(_("taken by"), _("taken at"), when=CREATED)
    changed_by, changed_at = act_fields(_("last changed by"), _("last changed"), when=SAVED)

    class Meta:
        verbose_name = _("roll call")
        verbose_name_plural = _("roll calls")
        ordering = ["-date", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "date", "period"], name="roll_one_per_classroom_day_period"
            )
        ]
        indexes = [models.Index(fields=["school", "date"])]

    def __str__(self):
        return f"{self.classroom} · {self.date} · {self.period}"


class Mark(SchoolScoped):
    roll = models.ForeignKey(Roll, on_delete=models.CASCADE, related_name="marks")
    student = student_field("attendance_marks")
    date = models.DateField(_("date"))
    period = models.PositiveSmallIntegerField(_("period"), default=0)
    status = models.CharField(
        _("attendance"), max_length=8, choices=Status.choices, default=Status.PRESENT
    )
    leave_kind = models.CharField(
        _("kind of leave"), max_length=8, choices=LeaveKind.choices, blank=True
    )

    class Meta:
        verbose_name = _("attendance mark")
        verbose_name_plural = _("attendance marks")
        ordering = ["date", "period"]
        constraints = [
            models.UniqueConstraint(fields=["roll", "student"], name="mark_one_per_roll"),
            models.CheckConstraint(
                condition=(models.Q(status="leave") & ~models.Q(leave_kind=""))
                | (~models.Q(status="leave") & models.Q(leave_kind="")),
                name="mark_leave_has_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["student", "period", "date"]),
            models.Index(fields=["school", "period", "date", "status"]),
        ]

    def __str__(self):
        return f"{self.student_id} · {self.date} · {self.status}"


class MarkChange(SchoolScoped):
    """A saved mark changed (a correction): kept whatever happens next."""

    mark = models.ForeignKey(Mark, on_delete=models.CASCADE, related_name="changes")
    old_status = models.CharField(max_length=8, choices=Status.choices)
    old_leave_kind = models.CharField(max_length=8, choices=LeaveKind.choices, blank=True)
    new_status = models.CharField(max_length=8, choices=Status.choices)
    new_leave_kind = models.CharField(max_length=8, choices=LeaveKind.choices, blank=True)
    changed_by, changed_at = act_fields(_("changed by"), _("changed"), when=CREATED)

    class Meta:
        verbose_name = _("attendance correction")
        verbose_name_plural = _("attendance corrections")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.mark_id}: {self.old_status} → {self.new_status}"


class AttendanceFlag(SchoolScoped):
    class Kind(models.TextChoices):
        STREAK = "streak", _("Absent days in a row")
        RATE = "rate", _("Attendance rate under the threshold")

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("attendance flag", "Open")
        CLOSED = "closed", pgettext_lazy("attendance flag", "Closed")

    school = school_field("attendance_flags")
    student = student_field("attendance_flags")
    term = term_field()
    kind = models.CharField(_("flag"), max_length=8, choices=Kind.choices)
    # The first absent day of the streak (streak flags): a streak flags once.
    since = models.DateField(_("since"), null=True, blank=True)
    raised_on = models.DateField(_("raised on"))
    # Absent days in a row, or the rate in per cent, when raised.
    value = models.PositiveSmallIntegerField(_("value"))
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    closed_by, closed_at = act_fields(_("closed by"), _("closed"))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attendance flag")
        verbose_name_plural = _("attendance flags")
        ordering = ["-raised_on", "-pk"]
        constraints = [
            # A streak is flagged once (by its first day); a term's rate once.
            models.UniqueConstraint(
                fields=["student", "since"],
                condition=models.Q(kind="streak"),
                name="flag_one_per_streak",
            ),
            models.UniqueConstraint(
                fields=["student", "term"],
                condition=models.Q(kind="rate"),
                name="flag_one_rate_per_term",
            ),
        ]

    def __str__(self):
        return f"{self.student_id} · {self.kind} · {self.raised_on}"


class AttendanceImport(ImportRecord):
    """A file of an existing attendance export (attendance.imports)."""

    upload_folder = "attendance-imports"

    school = school_field("attendance_imports")
    academic_year = academic_year_field()

    class Meta(ImportRecord.Meta):
        verbose_name = _("attendance import")
        verbose_name_plural = _("attendance imports")

"""Importing an existing attendance export (CSV or XLSX): the row schema of the import engine
(carecore.imports).

One row is one student on one day: ``student`` (the student code or the 13-digit national ID),
``date`` (Buddhist Era or Christian Era, 15/06/2568, 2025-06-15, 15 มิ.ย. 2568), ``status``
(present, absent, late, sick, personal, activity, or the Thai มา, ขาด, สาย, ลาป่วย, ลากิจ,
กิจกรรม, and the one-letter codes ม ข ส ป ก). All or nothing: any problem and nothing is written,
every problem listed with its row. A row replaces the student's mark of that day (the change is
kept in the history); a day whose roll did not exist gets one (source "import").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext, gettext_lazy

from attendance import rules
from attendance.models import AttendanceImport, LeaveKind, Mark, Roll, SchoolHoliday, Status
from carecore.imports import engine
from carecore.imports.engine import ParsedFile, RowReader
from carecore.imports.reading import FILE_MESSAGES, header_aliases, parse_date_cell
from schools.models import AcademicYear, School
from students.models import Enrolment, Student

REQUIRED = ["student", "date", "status"]

# Statuses as written in files -> (status, leave kind).
STATUS_ALIASES = {
    **dict.fromkeys(["present", "p", "มา", "ม", "มาเรียน", "/"], (Status.PRESENT, "")),
    **dict.fromkeys(["absent", "a", "ขาด", "ข", "ขาดเรียน", "x"], (Status.ABSENT, "")),
    **dict.fromkeys(["late", "l", "สาย", "ส", "มาสาย"], (Status.LATE, "")),
    **dict.fromkeys(["sick", "ลาป่วย", "ป", "ลป"], (Status.LEAVE, LeaveKind.SICK)),
    **dict.fromkeys(["personal", "ลากิจ", "ก", "ลก"], (Status.LEAVE, LeaveKind.PERSONAL)),
    **dict.fromkeys(
        ["activity", "กิจกรรม", "กจ", "ไปราชการ", "กิจกรรมโรงเรียน"],
        (Status.LEAVE, LeaveKind.ACTIVITY),
    ),
}

HEADER_ALIASES = header_aliases(
    {
        "student": [
            "student_code",
            "เลขประจำตัวนักเรียน",
            "รหัสนักเรียน",
            "national_id",
            "เลขประจำตัวประชาชน",
            "student id",
        ],
        "date": ["วันที่"],
        "status": ["สถานะ", "การมาเรียน"],
    }
)

MESSAGES = {
    **FILE_MESSAGES,
    "empty": gettext_lazy("The file has no attendance in it."),
    "student_unknown": gettext_lazy(
        "No student of this school has this student code or national ID."
    ),
    "not_enrolled": gettext_lazy(
        "This student is not in a classroom of the school in academic year %(year)s."
    ),
    "date_invalid": gettext_lazy(
        "Not a date: write day/month/year, for example 15/06/2568 (B.E.) or 2025-06-15."
    ),
    "date_outside_year": gettext_lazy("This day is outside academic year %(year)s."),
    "date_future": gettext_lazy("This day has not come yet."),
    "not_school_day": gettext_lazy(
        "This day is a weekend or a day without school in the school's calendar."
    ),
    "status_unknown": gettext_lazy(
        "Unknown status: write มา, ขาด, สาย, ลาป่วย, ลากิจ or กิจกรรม (or present, absent, late, "
        "sick, personal, activity)."
    ),
    "duplicate_day": gettext_lazy("This student's day is also on row %(other_row)s."),
}


@dataclass
class Row:
    row: int
    student: str = ""
    date: object = None
    status: str = ""
    leave_kind: str = ""
    ok: bool = True


@dataclass
class Planned:
    row: Row
    student: Student
    enrolment: Enrolment
    replaces: bool


@dataclass
class Plan:
    marks: list[Planned] = field(default_factory=list)
    counts: dict = field(default_factory=dict)


class AttendanceSchema(engine.ImportSchema):
    required = REQUIRED
    header_aliases = HEADER_ALIASES
    messages = MESSAGES
    row_class = Row
    written_models = (Roll, Mark)
    preview_list = "marks"

    def is_header(self, columns: set[str]) -> bool:
        return {"student", "date"} <= columns

    def parse_row(self, parsed: ParsedFile, row: Row, cells: RowReader, state: dict) -> None:
        row.student = parsed.filled(
            row, "student", cells.text("student").replace("-", "").replace(" ", "")
        )
        raw_date = cells.raw("date")
        row.date = parsed.required(
            row, "date", cells.text("date"), lambda _text: parse_date_cell(raw_date), "date_invalid"
        )
        found = parsed.named(row, "status", cells, STATUS_ALIASES, "status_unknown")
        if found is not None:
            row.status, row.leave_kind = found

    def check_rows(self, parsed: ParsedFile) -> None:
        days = parsed.repeated(lambda r: (r.student, r.date) if r.student and r.date else None)
        for row, (code, _day), other_row in days:
            parsed.problem(row, "duplicate_day", "student", code, other_row=other_row)

    def plan(self, parsed: ParsedFile, *, school: School, academic_year: AcademicYear) -> Plan:
        """Four queries whatever the size of the file."""
        from django.utils import timezone

        students = list(Student.objects.filter(school=school))
        by_code = {s.student_code: s for s in students}
        by_national = {s.national_id: s for s in students}
        enrolments = {
            e.student_id: e
            for e in Enrolment.objects.filter(
                academic_year=academic_year, classroom__school=school
            ).select_related("classroom")
        }
        off = rules.expand_holidays(
            SchoolHoliday.objects.filter(
                school=school, start__lte=academic_year.end, end__gte=academic_year.start
            ).values_list("start", "end")
        )
        existing = {
            (student_id, day): (status, kind)
            for student_id, day, status, kind in Mark.objects.filter(
                school=school,
                period=0,
                date__gte=academic_year.start,
                date__lte=academic_year.end,
            ).values_list("student_id", "date", "status", "leave_kind")
        }
        today = timezone.localdate()
        plan = Plan()
        counts = {"new": 0, "replaced": 0, "unchanged": 0, "students": 0, "days": 0}
        counts |= dict.fromkeys(["present", "absent", "late", *LeaveKind.values], 0)
        seen: dict[tuple[int, object], int] = {}
        for row in parsed.rows:
            if not row.student:
                continue
            student = by_code.get(row.student)
            if student is None and len(row.student) == 13 and row.student.isdigit():
                student = by_national.get(row.student)
            if student is None and row.student.isdigit():
                matches = [
                    s for c, s in by_code.items() if c.isdigit() and int(c) == int(row.student)
                ]
                student = matches[0] if len(matches) == 1 else None
            if student is None:
                parsed.problem(row, "student_unknown", "student", row.student)
                continue
            enrolment = enrolments.get(student.pk)
            if enrolment is None:
                parsed.problem(row, "not_enrolled", "student", row.student, year=academic_year.year)
                continue
            if row.date is None:
                continue
            if not academic_year.start <= row.date <= academic_year.end:
                parsed.problem(
                    row, "date_outside_year", "date", row.date.isoformat(), year=academic_year.year
                )
                continue
            if row.date > today:
                parsed.problem(row, "date_future", "date", row.date.isoformat())
                continue
            if row.date.weekday() >= 5 or row.date in off:
                parsed.problem(row, "not_school_day", "date", row.date.isoformat())
                continue
            other = seen.setdefault((student.pk, row.date), row.row)
            if other != row.row:
                parsed.problem(row, "duplicate_day", "student", row.student, other_row=other)
                continue
            if not row.ok or not row.status:
                continue
            before = existing.get((student.pk, row.date))
            if before == (row.status, row.leave_kind):
                counts["unchanged"] += 1
            else:
                counts["replaced" if before else "new"] += 1
            counts[row.leave_kind or row.status] += 1
            plan.marks.append(Planned(row, student, enrolment, before is not None))
        counts["students"] = len({p.student.pk for p in plan.marks})
        counts["days"] = len({p.row.date for p in plan.marks})
        plan.counts = counts
        return plan

    def write(self, plan: Plan, *, school, user, progress, academic_year) -> None:
        """One roll save per classroom and day (the same path as the roll call: history kept,
        flags checked)."""
        from attendance.services import roll_save

        groups: dict[tuple, dict[int, tuple[str, str]]] = {}
        rooms = {}
        for p in plan.marks:
            key = (p.enrolment.classroom_id, p.row.date)
            rooms[p.enrolment.classroom_id] = p.enrolment.classroom
            groups.setdefault(key, {})[p.student.pk] = (p.row.status, p.row.leave_kind)
        # A student not in the file keeps their mark of that day (or present on a new roll).
        keep = {
            (m.roll.classroom_id, m.date, m.student_id): (m.status, m.leave_kind)
            for m in Mark.objects.filter(
                school=school, period=0, date__in={p.row.date for p in plan.marks}
            ).select_related("roll")
        }
        for number, ((classroom_id, day), marks) in enumerate(sorted(groups.items()), start=1):
            kept = {
                sid: value for (c, d, sid), value in keep.items() if c == classroom_id and d == day
            }
            roll_save(
                classroom=rooms[classroom_id],
                day=day,
                marks={**kept, **marks},
                user=user,
                source=Roll.Source.IMPORT,
                strict=False,
            )
            if progress:
                progress(number * 100 // len(groups))

    def preview_columns(self, p: Planned) -> dict:
        return {
            "date": p.row.date.isoformat(),
            "grade": p.enrolment.classroom.grade,
            "room": p.enrolment.classroom.room,
            "status": p.row.leave_kind or p.row.status,
            "action": "replace" if p.replaces else "new",
        }

    def audit(self, plan: Plan, *, academic_year) -> tuple[str, dict]:
        summary = gettext("Attendance for academic year %(year)s: %(n)s marks") % {
            "year": academic_year.year,
            "n": len(plan.marks),
        }
        return summary, {"academic_year": academic_year.year, **plan.counts}


SCHEMA = AttendanceSchema()
ATTENDANCE_IMPORTS = engine.Importer(
    SCHEMA,
    model=AttendanceImport,
    period="academic_year",
    tasks="attendance.tasks.attendance_import",
)


def template_file(fmt: str) -> tuple[bytes, str, str]:
    rows = [["student", "date", "status"], ["00123", "16/06/2568", "ขาด"]]
    return engine.template_file(
        fmt,
        rows,
        name="attendance-import",
        text_columns=[1, 2],
        text_rows=500,
        widths={1: 16, 2: 14, 3: 12},
    )

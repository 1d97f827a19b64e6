"""The figures of the screening summaries: per student (แบบสรุปผลการคัดกรองรายบุคคล), per
classroom (แบบสรุปผลการคัดกรองนักเรียนเป็นรายห้อง) and per school, and the completion of each form
per classroom.

Every function here reads with a fixed number of queries, however many students or classrooms:

- ``completion_by_classroom``: 2 (the classrooms, and one aggregate over their enrolments);
- ``classroom_summary``: 8 (classroom, teachers, enrolments, SDQ, EQ, groups, and the 2 above);
- ``student_summary``: 6 (enrolment, SDQ, EQ, aspects, group, teachers).

Callers run them inside the school's scope (the views and jobs do).

Counting rules (docs/screening.md, "Summaries"):
- the students of a classroom are its enrolments (the classroom's academic year is the term's);
- a form is *complete* when all its items are answered and scored, a *draft* otherwise; the SDQ
  parent and self-report forms apply from ป.4 (sdq-key.toml decides), the teacher form always;
  the EQ applies to students aged 6–17 on the first day of the term (as the EQ form itself
  decides; a student without a birth date is not counted);
- the groups count each student's group for the term (the teacher's override when there is
  one); special is a flag beside the group, so a special student is also counted in a group;
  students without a group yet are "not screened"; percentages are of all the students.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import CharField, Count, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from carecore.thai import thai_order
from schools.models import Classroom, Grade, HomeroomAssignment
from screening import scoring
from screening.labels import (
    BAND_LABELS,
    EQ_DOMAIN_LABELS,
    EQ_LEVEL_LABELS,
    EQ_SCALE_LABELS,
    INSTRUMENT_LABELS,
    LEVEL_LABELS,
    RATER_LABELS,
    SCALE_LABELS,
)
from screening.models import AspectResult, CareGroup, EqResponse, SdqResponse, Status
from students.models import Enrolment

RATERS = ("teacher", "parent", "student")
FORMS = (*RATERS, "eq")
GROUPS = ("normal", "risk", "problem")
# The SDQ scales a summary row names when they are at risk or a problem.
FLAGGED_SCALES = ("emotional", "conduct", "hyperactivity", "peer", "impact")
SCREEN_SCALES = ("emotional", "conduct", "hyperactivity", "peer", "total", "prosocial", "impact")


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in per cent, two decimals (as the district's reports write them)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def form_label(form: str) -> str:
    if form == "eq":
        return _("EQ")
    return {
        "teacher": _("SDQ teacher form"),
        "parent": _("SDQ parent form"),
        "student": _("SDQ self-report"),
    }[form]


# --- who the EQ applies to ----------------------------------------------------------------------
def eq_ages() -> tuple[int, int]:
    """The youngest and oldest age any EQ form is for (6 and 17, from the instrument files)."""
    ranges = [scoring.eq_instrument(code).ages for code in scoring.EQ_INSTRUMENTS]
    return min(low for low, _high in ranges), max(high for _low, high in ranges)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _aged(birth_date: datetime.date | None, on: datetime.date, ages: tuple[int, int]) -> bool:
    """Whether someone born on ``birth_date`` is ``ages[0]`` to ``ages[1]`` years old on ``on``
    (no birth date: no)."""
    if birth_date is None:
        return False
    low, high = ages
    return _years_before(on, high + 1) < birth_date <= _years_before(on, low)


def _aged_q(on: datetime.date, ages: tuple[int, int], prefix: str) -> Q:
    """``_aged`` as a filter on a student's birth date (``prefix`` leads to the student)."""
    low, high = ages
    return Q(
        **{
            f"{prefix}birth_date__gt": _years_before(on, high + 1),
            f"{prefix}birth_date__lte": _years_before(on, low),
        }
    )


def eq_applies(birth_date: datetime.date | None, on: datetime.date) -> bool:
    """Whether an EQ form exists for a student born on ``birth_date``, aged on ``on``."""
    return _aged(birth_date, on, eq_ages())


def _eq_applies_q(on: datetime.date, prefix: str = "") -> Q:
    """``eq_applies`` as a filter on a student's birth date (``prefix`` leads to the student)."""
    return _aged_q(on, eq_ages(), prefix)


def self_report_applies(birth_date: datetime.date | None, on: datetime.date) -> bool:
    """Whether a student born on ``birth_date`` is offered the SDQ self-report on ``on`` (the
    term's first day), by age; ``scoring.sdq_self_report_applies`` on the age in whole years."""
    return _aged(birth_date, on, scoring.sdq_key().self_report_ages)


def _self_report_applies_q(on: datetime.date, prefix: str = "") -> Q:
    """``self_report_applies`` as a filter on a student's birth date."""
    return _aged_q(on, scoring.sdq_key().self_report_ages, prefix)


# --- completion per classroom -------------------------------------------------------------------
@dataclass(frozen=True)
class FormCount:
    """One form's completion in a classroom (or a sum of classrooms)."""

    applies: bool  # False: the form is not used in this grade (shown as "—")
    applicable: int
    complete: int
    draft: int

    @property
    def not_started(self) -> int:
        return max(self.applicable - self.complete - self.draft, 0)

    @property
    def percent(self) -> Decimal | None:
        return percent(self.complete, self.applicable) if self.applies else None

    @property
    def done(self) -> bool:
        return self.applies and self.complete >= self.applicable

    def __add__(self, other: FormCount) -> FormCount:
        return FormCount(
            applies=self.applies or other.applies,
            applicable=self.applicable + other.applicable,
            complete=self.complete + other.complete,
            draft=self.draft + other.draft,
        )


NO_FORM = FormCount(applies=False, applicable=0, complete=0, draft=0)


@dataclass
class CompletionRow:
    """A classroom's students, the completion of each form and the count of each group; also
    used for sums (a grade, the school), where ``classroom`` is None and ``label`` says what."""

    classroom: Classroom | None
    label: str
    students: int
    forms: dict[str, FormCount]
    groups: dict[str, int]
    special: int
    classrooms: int = 1

    @property
    def screened(self) -> int:
        return sum(self.groups.values())

    @property
    def not_screened(self) -> int:
        return max(self.students - self.screened, 0)

    def group_percent(self, level: str) -> Decimal | None:
        return percent(self.groups.get(level, 0), self.students)

    @property
    def special_percent(self) -> Decimal | None:
        return percent(self.special, self.students)

    @property
    def not_screened_percent(self) -> Decimal | None:
        return percent(self.not_screened, self.students)

    @property
    def screened_percent(self) -> Decimal | None:
        return percent(self.screened, self.students)

    def group_cells(self) -> list[tuple[str, str, int, Decimal | None]]:
        """(code, label, n, %) for normal, risk, problem, special and not screened."""
        cells = [(level, str(LEVEL_LABELS[level]), self.groups[level]) for level in GROUPS]
        cells.append(("special", _("Special"), self.special))
        cells.append(("not_screened", _("Not screened"), self.not_screened))
        return [(code, label, n, percent(n, self.students)) for code, label, n in cells]

    def form_cells(self) -> list[tuple[str, str, FormCount]]:
        return [(form, form_label(form), self.forms[form]) for form in FORMS]


def _status_of(model, term, **filters) -> Subquery:
    """The status of the student's form (``complete`` wins over ``draft``), or NULL."""
    return Subquery(
        model.objects.filter(student_id=OuterRef("student_id"), term=term, **filters)
        .order_by("status")  # "complete" < "draft"
        .values("status")[:1],
        output_field=CharField(),
    )


def completion_by_classroom(
    *, school, term, classroom_ids: Iterable[int] | None = None
) -> list[CompletionRow]:
    """One row per classroom of the school in the term's academic year (in grade and room
    order; only ``classroom_ids`` when given), with per-form completion and per-group counts.

    Two queries, however many classrooms and students: the classrooms, and one aggregate over
    their enrolments, each enrolment looking up its forms and group for the term."""
    classrooms = Classroom.objects.filter(
        school=school, academic_year_id=term.academic_year_id
    ).order_by("grade", "room")
    if classroom_ids is not None:
        classrooms = classrooms.filter(pk__in=list(classroom_ids))
    classrooms = list(classrooms)
    if not classrooms:
        return []
    group = CareGroup.objects.filter(student_id=OuterRef("student_id"), term=term)
    counts: dict[str, Count] = {
        "students": Count("pk"),
        "eq_applicable": Count("pk", filter=_eq_applies_q(term.start, "student__")),
        "student_applicable": Count("pk", filter=_self_report_applies_q(term.start, "student__")),
        "special": Count("pk", filter=Q(group_special=True)),
    }
    for form in FORMS:
        counts[f"{form}_complete"] = Count("pk", filter=Q(**{f"{form}_status": Status.COMPLETE}))
        counts[f"{form}_draft"] = Count("pk", filter=Q(**{f"{form}_status": Status.DRAFT}))
    for level in GROUPS:
        counts[f"group_{level}"] = Count("pk", filter=Q(group_level=level))
    aggregates = {
        row["classroom_id"]: row
        for row in Enrolment.objects.filter(classroom__in=classrooms)
        .annotate(
            teacher_status=_status_of(SdqResponse, term, rater="teacher"),
            parent_status=_status_of(SdqResponse, term, rater="parent"),
            student_status=_status_of(SdqResponse, term, rater="student"),
            eq_status=_status_of(EqResponse, term),
            group_level=Subquery(group.values("level")[:1]),
            group_special=Subquery(group.values("special")[:1]),
        )
        .values("classroom_id")
        .annotate(**counts)
        .order_by()
    }
    rows = []
    for classroom in classrooms:
        data = aggregates.get(classroom.pk, {})
        students = data.get("students", 0)
        raters = scoring.sdq_forms_for_grade(classroom.grade)
        forms = {}
        for form in FORMS:
            if form == "eq":
                applies, applicable = True, data.get("eq_applicable", 0)
            elif form == "student":  # by age: "—" where nobody is of age and nothing was entered
                applicable = data.get("student_applicable", 0)
                applies = bool(
                    applicable or data.get("student_complete") or data.get("student_draft")
                )
            else:
                applies = form in raters
                applicable = students if applies else 0
            forms[form] = (
                FormCount(
                    applies=applies,
                    applicable=applicable,
                    complete=data.get(f"{form}_complete", 0),
                    draft=data.get(f"{form}_draft", 0),
                )
                if applies
                else NO_FORM
            )
        rows.append(
            CompletionRow(
                classroom=classroom,
                label=str(classroom),
                students=students,
                forms=forms,
                groups={level: data.get(f"group_{level}", 0) for level in GROUPS},
                special=data.get("special", 0),
            )
        )
    return rows


def completion_total(rows: Sequence[CompletionRow], label: str) -> CompletionRow:
    """The sum of several rows (a grade, the school)."""
    forms = {form: NO_FORM for form in FORMS}
    groups = dict.fromkeys(GROUPS, 0)
    students = special = 0
    for row in rows:
        students += row.students
        special += row.special
        for form in FORMS:
            forms[form] = forms[form] + row.forms[form]
        for level in GROUPS:
            groups[level] += row.groups[level]
    return CompletionRow(
        classroom=None,
        label=label,
        students=students,
        forms=forms,
        groups=groups,
        special=special,
        classrooms=len(rows),
    )


def completion_by_grade(rows: Sequence[CompletionRow]) -> list[CompletionRow]:
    """One sum per grade, in grade order."""
    by_grade: dict[int, list[CompletionRow]] = {}
    for row in rows:
        by_grade.setdefault(row.classroom.grade, []).append(row)
    return [
        completion_total(grade_rows, str(Grade(grade).label))
        for grade, grade_rows in sorted(by_grade.items())
    ]


@dataclass
class SchoolSummary:
    school: object
    term: object
    rows: list[CompletionRow]
    grades: list[CompletionRow]
    total: CompletionRow
    # False when the reader sees only some classrooms (a homeroom teacher: their own).
    whole_school: bool = True


def school_summary(*, school, term, classroom_ids: Iterable[int] | None = None) -> SchoolSummary:
    """Per classroom, per grade and school totals (2 queries). ``classroom_ids`` limits the
    rows (and so the totals) to those classrooms."""
    rows = completion_by_classroom(school=school, term=term, classroom_ids=classroom_ids)
    return SchoolSummary(
        school=school,
        term=term,
        rows=rows,
        grades=completion_by_grade(rows),
        total=completion_total(rows, _("Whole school") if classroom_ids is None else _("Total")),
        whole_school=classroom_ids is None,
    )


# --- one student's results, as text for the tables ------------------------------------------------
def band_label(band: str) -> str:
    return str(BAND_LABELS.get(band, band or ""))


def eq_level_label(level: str | None) -> str:
    return str(EQ_LEVEL_LABELS.get(level, level or ""))


def _unfinished_text(status: str) -> str:
    """A form's cell before the form is complete: not used for the grade, not done, or a
    draft."""
    if status == "":
        return "—"
    if status == "missing":
        return _("not done")
    return _("incomplete")


@dataclass
class SdqCell:
    """One SDQ form in a summary row."""

    rater: str
    applies: bool
    response: SdqResponse | None = None

    @property
    def status(self) -> str:
        """ "complete", "draft", "missing", or "" when the form is not used for the grade."""
        if not self.applies and self.response is None:
            return ""
        if self.response is None:
            return "missing"
        return self.response.status

    @property
    def complete(self) -> bool:
        return self.status == Status.COMPLETE

    @property
    def total_band(self) -> str:
        return self.response.total_band if self.complete else ""

    def flagged(self) -> list[tuple[str, str]]:
        """(scale, band) of the scales at risk or with a problem, worst first."""
        if not self.complete:
            return []
        found = []
        for scale in FLAGGED_SCALES:
            band = getattr(self.response, f"{scale}_band", "")
            if band in ("risk", "problem"):
                found.append((scale, band))
        return sorted(found, key=lambda pair: pair[1] != "problem")

    def total_text(self) -> str:
        """ "Total 16 (At risk)" for a complete form, else what is missing."""
        if self.status != Status.COMPLETE:
            return _unfinished_text(self.status)
        return _("Total %(score)s (%(band)s)") % {
            "score": self.response.total,
            "band": band_label(self.response.total_band),
        }

    def flagged_texts(self) -> list[str]:
        return [
            _("%(scale)s (%(band)s)") % {"scale": SCALE_LABELS[scale], "band": band_label(band)}
            for scale, band in self.flagged()
        ]

    def text(self) -> str:
        """The cell on one line: "Total 4 (Normal), Emotional symptoms (At risk)"."""
        return ", ".join([self.total_text(), *self.flagged_texts()])


@dataclass
class EqCell:
    response: EqResponse | None
    applies: bool

    @property
    def status(self) -> str:
        if self.response is None:
            return "missing" if self.applies else ""
        return self.response.status

    def text(self) -> str:
        if self.status != Status.COMPLETE:
            return _unfinished_text(self.status)
        response = self.response
        if response.total_level:
            return _("%(level)s (total %(score)s)") % {
                "level": eq_level_label(response.total_level),
                "score": response.total,
            }
        return _("Total %(score)s") % {"score": response.total}


@dataclass
class ClassroomStudentRow:
    enrolment: Enrolment
    sdq: list[SdqCell]
    eq: EqCell
    group: CareGroup | None

    @property
    def student(self):
        return self.enrolment.student

    @property
    def level(self) -> str:
        return self.group.level if self.group else ""

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[self.level]) if self.level else _("Not screened")

    @property
    def special(self) -> bool:
        return bool(self.group and self.group.special)

    @property
    def overridden(self) -> bool:
        return bool(self.group and self.group.is_overridden)


@dataclass
class ClassroomSummary:
    classroom: Classroom
    term: object
    teachers: list
    raters: tuple[str, ...]
    rows: list[ClassroomStudentRow]
    counts: CompletionRow


def _teachers(classroom) -> list:
    return [
        a.teacher
        for a in HomeroomAssignment.objects.filter(classroom=classroom)
        .select_related("teacher")
        .order_by(thai_order("teacher__first_name"), thai_order("teacher__last_name"))
    ]


def classroom_summary(*, classroom, term) -> ClassroomSummary:
    """A row per student (number order) and the classroom's counts: 8 queries."""
    classroom = Classroom.objects.select_related("school__district", "academic_year").get(
        pk=classroom.pk
    )
    teachers = _teachers(classroom)
    enrolments = list(
        Enrolment.objects.filter(classroom=classroom)
        .select_related("student")
        .order_by("number", "student__first_name")
    )
    ids = [e.student_id for e in enrolments]
    sdq: dict[tuple[int, str], SdqResponse] = {}
    eq: dict[int, EqResponse] = {}
    groups: dict[int, CareGroup] = {}
    for response in SdqResponse.objects.filter(student_id__in=ids, term=term):
        sdq[response.student_id, response.rater] = response
    # A complete form wins over a draft of the other EQ form (rare: a birthday mid-term).
    for response in EqResponse.objects.filter(student_id__in=ids, term=term).order_by(
        "-status", "instrument"
    ):
        eq[response.student_id] = response
    for group in CareGroup.objects.filter(student_id__in=ids, term=term):
        groups[group.student_id] = group

    def forms_of(student):
        return scoring.sdq_forms(classroom.grade, student.age_on(term.start))

    rows = [
        ClassroomStudentRow(
            enrolment=e,
            sdq=[SdqCell(r, r in forms_of(e.student), sdq.get((e.student_id, r))) for r in RATERS],
            eq=EqCell(eq.get(e.student_id), eq_applies(e.student.birth_date, term.start)),
            group=groups.get(e.student_id),
        )
        for e in enrolments
    ]
    # The columns: the grade's forms, and the self-report when anyone is of age or has one.
    raters = tuple(
        r
        for r in RATERS
        if r in scoring.sdq_forms_for_grade(classroom.grade)
        or any(
            cell.rater == r and (cell.applies or cell.response) for row in rows for cell in row.sdq
        )
    )
    counts = completion_by_classroom(
        school=classroom.school, term=term, classroom_ids=[classroom.pk]
    )
    return ClassroomSummary(
        classroom=classroom,
        term=term,
        teachers=teachers,
        raters=raters,
        rows=rows,
        counts=counts[0],
    )


# --- one student ----------------------------------------------------------------------------------
@dataclass
class ScaleLine:
    code: str
    label: str
    score: int | None
    band: str
    band_label: str
    t_score: int | None = None


@dataclass
class SdqForm:
    rater: str
    label: str
    response: SdqResponse
    lines: list[ScaleLine] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.response.status == Status.COMPLETE

    @property
    def missing(self) -> list[int]:
        return self.response.missing_items()


@dataclass
class EqForm:
    instrument: str
    label: str
    response: EqResponse
    lines: list[ScaleLine] = field(default_factory=list)
    norms_missing: bool = False
    # The T-scores come from a norm table the file marks as not yet checked against the
    # publisher's manual (EQ 6–11: a public transcription; docs/screening.md).
    norms_unverified: bool = False

    @property
    def complete(self) -> bool:
        return self.response.status == Status.COMPLETE

    @property
    def has_t_scores(self) -> bool:
        return bool((self.response.scores or {}).get("t_scores"))


@dataclass
class AspectLine:
    code: str
    label: str
    level: str
    level_label: str
    indicators: list[str]
    note: str


@dataclass
class StudentSummary:
    student: object
    term: object
    enrolment: Enrolment | None
    teachers: list
    raters: tuple[str, ...]
    sdq: list[SdqForm]
    sdq_not_done: list[str]  # labels of the forms that apply and have no answers yet
    eq: list[EqForm]
    aspects: list[AspectLine]
    group: CareGroup | None
    reasons: list[str]
    special_reasons: list[str]

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[self.group.level]) if self.group else _("Not screened")

    @property
    def derived_label(self) -> str:
        return str(LEVEL_LABELS.get(self.group.derived_level, "")) if self.group else ""


def _sdq_form(response: SdqResponse) -> SdqForm:
    form = SdqForm(rater=response.rater, label=str(RATER_LABELS[response.rater]), response=response)
    if form.complete:
        for scale in SCREEN_SCALES:
            score = getattr(response, scale)
            band = getattr(response, f"{scale}_band")
            if scale == "impact" and score is None:
                continue  # the back page was not filled in
            form.lines.append(
                ScaleLine(scale, str(SCALE_LABELS[scale]), score, band, band_label(band))
            )
    return form


def _norms_verified(instrument: str) -> bool:
    try:
        return scoring.eq_instrument(instrument).norms_verified
    except (scoring.InvalidAnswer, scoring.InstrumentDataError):
        return True  # an instrument no longer installed: nothing to say about its norms


def _eq_form(response: EqResponse) -> EqForm:
    form = EqForm(
        instrument=response.instrument,
        label=str(INSTRUMENT_LABELS.get(response.instrument, response.instrument)),
        response=response,
    )
    if not form.complete:
        return form
    scores = response.scores or {}
    levels = scores.get("levels") or {}
    t_scores = scores.get("t_scores") or {}
    form.norms_missing = bool(scores.get("norms_missing"))
    form.norms_unverified = bool(t_scores) and not _norms_verified(response.instrument)

    def line(code, label, score):
        level = levels.get(code) or ""
        # With T-scores, a line without one has no norm table (EQ 6–11's domains and total):
        # say so rather than leave the result blank.
        level_label = (
            eq_level_label(level) if level or not t_scores else _("No norms: raw score only")
        )
        form.lines.append(
            ScaleLine(code, str(label), score, level, str(level_label), t_scores.get(code))
        )

    # The database does not keep the order of JSON keys: follow the instrument's.
    scales, domains = scores.get("scales") or {}, scores.get("domains") or {}
    try:
        instrument = scoring.eq_instrument(response.instrument)
        scale_order = [s.code for s in instrument.scales]
        domain_order = [code for code, _normal in instrument.domains]
    except (LookupError, ValueError):
        scale_order, domain_order = [], []
    for code in _ordered(scales, scale_order):
        line(code, EQ_SCALE_LABELS.get(code, code), scales[code])
    for code in _ordered(domains, domain_order):
        line(code, EQ_DOMAIN_LABELS.get(code, code), domains[code])
    line("total", EQ_DOMAIN_LABELS["total"], response.total)
    return form


def _ordered(codes, order: list[str]) -> list[str]:
    """``codes`` in ``order``, then any others alphabetically."""
    known = [code for code in order if code in codes]
    return known + sorted(code for code in codes if code not in order)


def special_reason_text(reason: dict) -> str:
    from screening.aspects import aspect_label, indicator_labels

    aspect = reason.get("scale", "")
    indicators = indicator_labels(aspect, reason.get("indicators") or [])
    label = aspect_label(aspect)
    return f"{label}: {', '.join(indicators)}" if indicators else label


def student_summary(*, student, term) -> StudentSummary:
    """Everything the individual summary prints for the term: 6 queries."""
    from screening.aspects import aspect_label, indicator_labels
    from screening.selectors import reason_text

    enrolment = (
        Enrolment.objects.filter(student=student, academic_year_id=term.academic_year_id)
        .select_related("classroom__academic_year")
        .first()
    )
    raters = scoring.sdq_forms(
        enrolment.classroom.grade if enrolment else None, student.age_on(term.start)
    )
    responses = {r.rater: r for r in SdqResponse.objects.filter(student=student, term=term)}
    sdq = [_sdq_form(responses[r]) for r in RATERS if r in responses]
    not_done = [str(RATER_LABELS[r]) for r in raters if r not in responses]
    eq = [
        _eq_form(r)
        for r in EqResponse.objects.filter(student=student, term=term).order_by("instrument")
    ]
    aspects = []
    for result in AspectResult.objects.filter(student=student, term=term).order_by("pk"):
        level = result.level
        aspects.append(
            AspectLine(
                code=result.aspect,
                label=aspect_label(result.aspect),
                level=level,
                level_label=_("Special") if level == "special" else band_label(level),
                indicators=indicator_labels(result.aspect, result.indicators),
                note=result.note,
            )
        )
    aspects.sort(key=_aspect_order)
    group = (
        CareGroup.objects.filter(student=student, term=term).select_related("overridden_by").first()
    )
    return StudentSummary(
        student=student,
        term=term,
        enrolment=enrolment,
        teachers=_teachers(enrolment.classroom) if enrolment else [],
        raters=raters,
        sdq=sdq,
        sdq_not_done=not_done,
        eq=eq,
        aspects=aspects,
        group=group,
        reasons=[reason_text(r) for r in (group.reasons if group else [])],
        special_reasons=[special_reason_text(r) for r in (group.special_reasons if group else [])],
    )


def _aspect_order(line: AspectLine) -> int:
    from screening.aspects import ASPECT_LABELS

    order = list(ASPECT_LABELS)
    return order.index(line.code) if line.code in order else len(order)

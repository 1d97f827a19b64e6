"""The figures of the dashboards and reports (docs/dashboards.md): for a term, per classroom and
so per school, everything the seeds report — students in each care group and per aspect, the
share of each group cared for, profile, home-visit and screening completion, care plans for the
problem group, plans, referrals and dropout cases open and overdue, support given.

``compute(school_ids=..., term=...)`` runs eleven queries whatever the number of schools and
students (one aggregate per source, grouped by classroom or school), so a job can compute a
whole district at once and the school dashboard can compute one school live.

A figure set is a flat ``dict[str, int]`` (``Counts``), so that sets add up (classrooms into a
school, schools into a network, a district, the country) and a school's set can be stored as
JSON in a rollup row (dashboards.models.SchoolFigures).
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce

from django.db import connection
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.utils import timezone
from django_scopes import scopes_disabled

from care.coverage import annotate_coverage
from care.models import CarePlan, CarePlanAction, Support
from dashboards import conduct_figures
from dropouts.models import IN_EDUCATION, DropoutCase, Step
from referrals.models import Referral
from schools.models import Grade, Term
from screening import aspects, scoring
from screening.models import AspectResult, EqResponse, SdqResponse, Status
from screening.summaries import _eq_applies_q, _self_report_applies_q
from students.models import Enrolment, TermResult
from students.record.sections import LAST_GRADE_WITHOUT_GPA, SECTIONS, _filled
from visits.models import HomeVisit

Counts = dict[str, int]

LEVELS = ("normal", "risk", "problem")
GROUPS = ("normal", "risk", "problem", "special")
FORMS = ("teacher", "parent", "student", "eq")
# The aspects screened by level (the special ones only flag "special").
LEVEL_ASPECTS = tuple(a for a in aspects.ASPECT_LABELS if a not in aspects.SPECIAL_ASPECTS)
SPECIAL_ASPECTS = tuple(aspects.SPECIAL_ASPECTS)


@dataclass
class SchoolCounts:
    school_id: int
    total: Counts = field(default_factory=dict)
    # classroom id -> (grade, counts)
    classrooms: dict[int, Counts] = field(default_factory=dict)
    grades: dict[int, Counts] = field(default_factory=dict)


def add(into: Counts, other: Counts) -> Counts:
    for key, value in other.items():
        into[key] = into.get(key, 0) + value
    return into


def share(part: int | None, whole: int | None) -> float | None:
    """Percent, one decimal; None when there is nothing to count."""
    if not whole:
        return None
    return round(100 * (part or 0) / whole, 1)


# --- the queries --------------------------------------------------------------------------------
def _year_to(term: Term) -> Q:
    """Terms of ``term``'s academic year up to it: a school screens once a year (term 1) and
    the result holds for term 2, as the care group does (care/coverage.py)."""
    return Q(term__academic_year_id=term.academic_year_id, term__number__lte=term.number)


def _form_done(model, term, **filters) -> Exists:
    return Exists(
        model.objects.filter(
            _year_to(term), student_id=OuterRef("student_id"), status=Status.COMPLETE, **filters
        )
    )


def _section_filled(spec) -> Exists:
    q = Q(student_id=OuterRef("student_id"))
    for name in spec.required:
        q &= _filled(spec.model, name)
    return Exists(spec.model.objects.filter(q))


# The problem group's students with a care plan open during the term (on ``_enrolment_facts``).
PROBLEM_WITH_PLAN = Q(level="problem", plan_open=True)


def _enrolment_facts(term: Term) -> tuple[dict, Q, dict[str, Q]]:
    """The annotations on a term's enrolments (besides care/coverage.py's), and the conditions
    read from them: the profile done, and cared for as each group asks. The counts and the
    drill-down lists (``figure_student_ids``) share them."""
    visited = Exists(
        HomeVisit.objects.filter(
            student_id=OuterRef("student_id"),
            academic_year_id=term.academic_year_id,
            status=HomeVisit.Status.DONE,
        )
    )
    annotations = {
        "v_done": visited,
        "f_teacher": _form_done(SdqResponse, term, rater="teacher"),
        "f_parent": _form_done(SdqResponse, term, rater="parent"),
        "f_student": _form_done(SdqResponse, term, rater="student"),
        "f_eq": _form_done(EqResponse, term),
        "has_gpa": Exists(
            TermResult.objects.filter(student_id=OuterRef("student_id"), gpa__isnull=False)
        ),
    }
    for key, spec in SECTIONS.items():
        annotations[f"r_{key}"] = _section_filled(spec)
    profile = Q(**{f"r_{key}": True for key in SECTIONS}) & (
        Q(has_gpa=True) | Q(classroom__grade__lte=LAST_GRADE_WITHOUT_GPA)
    )
    cared = {
        "normal": Q(promoted=True),
        "risk": Q(prevented=True) | Q(plan_open=True),
        "problem": Q(followed=True) | Q(referred=True),
        "special": Q(promoted=True),
    }
    return annotations, profile, cared


# What each count counts, over one row per enrolment of ``_classroom_rows``'s inner query (SQL
# over its columns; the same rules as ``_enrolment_facts``'s Q objects, which the drill-down
# lists use: dashboards/tests/test_school_dashboard.py checks that every list counts what its
# figure counts).
_COUNTS = {
    "profile_done": "r_ability AND r_health AND r_family AND r_protection"
    " AND (has_gpa OR grade <= {last_grade_without_gpa})",
    "visited": "v_done",
    "screened": "level IS NOT NULL",
    "eq_due": "eq_applies",
    "eq_done": "f_eq AND eq_applies",
    "special": "special",
    "special_cared": "special AND promoted",
    "problem_with_plan": "level = 'problem' AND plan_open",
    "teacher_done": "f_teacher",
    "parent_done": "f_parent",
    "student_due": "self_report_applies",
    "student_done": "f_student AND self_report_applies",
    "normal": "level = 'normal'",
    "normal_cared": "level = 'normal' AND promoted",
    "risk": "level = 'risk'",
    "risk_cared": "level = 'risk' AND (prevented OR plan_open)",
    "problem": "level = 'problem'",
    "problem_cared": "level = 'problem' AND (followed OR referred)",
}
_FACTS = (
    "level",
    "special",
    "promoted",
    "prevented",
    "plan_open",
    "followed",
    "referred",
    "v_done",
    "f_teacher",
    "f_parent",
    "f_student",
    "f_eq",
    "has_gpa",
    *(f"r_{key}" for key in SECTIONS),
    "eq_applies",
    "self_report_applies",
)


def _classroom_rows(school_ids: list[int], term: Term) -> list[dict]:
    """One row per classroom: the enrolments' counts (one query).

    The facts of each enrolment (its group, and an EXISTS per form, visit, record section and
    kind of care) are worked out once per row in an inner query, materialised, and counted by
    the outer one: counting with Django's ``Count(filter=...)`` over the annotations would
    repeat each EXISTS in every FILTER that reads it (ten times over for the group)."""
    enrolments = Enrolment.objects.filter(
        classroom__school_id__in=school_ids, academic_year_id=term.academic_year_id
    )
    annotations, _profile, _cared = _enrolment_facts(term)
    inner = (
        annotate_coverage(enrolments.annotate(**annotations), term)
        .annotate(
            cid=F("classroom_id"),
            grade=F("classroom__grade"),
            sid=F("classroom__school_id"),
            eq_applies=ExpressionWrapper(
                _eq_applies_q(term.start, "student__"), output_field=BooleanField()
            ),
            self_report_applies=ExpressionWrapper(
                _self_report_applies_q(term.start, "student__"), output_field=BooleanField()
            ),
        )
        .values("cid", "grade", "sid", *_FACTS)
        .order_by()
    )
    sql, params = inner.query.sql_with_params()
    conditions = {
        key: condition.format(last_grade_without_gpa=int(LAST_GRADE_WITHOUT_GPA))
        for key, condition in _COUNTS.items()
    }
    counted = ", ".join(
        f'COUNT(*) FILTER (WHERE {condition}) AS "{key}"' for key, condition in conditions.items()
    )
    # Constant SQL around Django's compiled query; the values stay parameters.
    # MATERIALIZED keeps PostgreSQL from folding the inner query back into the FILTERs; SQLite
    # before 3.35 (the demo, on an older system) does not know the word.
    materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    query = "WITH e AS {}({}) SELECT cid, grade, sid, {} FROM e GROUP BY cid, grade, sid"
    query = query.format(materialized, sql, 'COUNT(*) AS "students", ' + counted)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return [
        {
            "classroom_id": row.pop("cid"),
            "classroom__grade": row.pop("grade"),
            "classroom__school_id": row.pop("sid"),
            **row,
        }
        for row in rows
    ]


def _per_school(qs, **counts) -> dict[int, dict]:
    return {
        row.pop("school_id"): row for row in qs.values("school_id").annotate(**counts).order_by()
    }


def compute(*, school_ids: Iterable[int], term: Term, today: datetime.date | None = None):
    """Per school, its counts (total, per classroom and per grade) for ``term``: eleven queries
    (six for the care figures, five for attendance and behaviour)."""
    school_ids = list(school_ids)
    today = today or timezone.localdate()
    result = {pk: SchoolCounts(school_id=pk) for pk in school_ids}

    for row in _classroom_rows(school_ids, term):
        school = result[row.pop("classroom__school_id")]
        classroom_id = row.pop("classroom_id")
        grade = row.pop("classroom__grade")
        forms = scoring.sdq_forms_for_grade(grade)
        counts: Counts = {}
        for key, value in row.items():
            counts[key] = value
        for rater in ("teacher", "parent"):  # by grade; the self-report by age (counted above)
            applies = rater in forms
            counts[f"{rater}_due"] = row["students"] if applies else 0
            counts[f"{rater}_done"] = row[f"{rater}_done"] if applies else 0
        counts["cared"] = sum(counts[f"{level}_cared"] for level in LEVELS)
        counts["grade"] = grade
        school.classrooms[classroom_id] = counts
        by_grade = school.grades.setdefault(grade, {})
        add(by_grade, {k: v for k, v in counts.items() if k != "grade"})
        add(school.total, {k: v for k, v in counts.items() if k != "grade"})

    # Aspects: how many students each aspect puts at risk, with problems, or special; and
    # aspect_screened, the screenings of the aspects by level (normal ones too, one per student
    # and aspect), so that "none at risk in any aspect" is said only when aspects were screened.
    aspect_rows = (
        AspectResult.objects.filter(_year_to(term), student__school_id__in=school_ids)
        .values("student__school_id", "aspect", "level")
        .annotate(n=Count("student_id", distinct=True))
        .order_by()
    )
    for row in aspect_rows:
        total = result[row["student__school_id"]].total
        if row["aspect"] in LEVEL_ASPECTS:
            total["aspect_screened"] = total.get("aspect_screened", 0) + row["n"]
        if row["level"] == "normal":
            continue
        key = f"aspect_{row['aspect']}_{row['level']}"
        total[key] = total.get(key, 0) + row["n"]

    late_actions = Exists(
        CarePlanAction.objects.filter(plan=OuterRef("pk"), done=False, due__lt=today)
    )
    open_plan = ~Q(status=CarePlan.Status.CLOSED)
    plans = _per_school(
        CarePlan.objects.filter(school_id__in=school_ids).annotate(late=late_actions),
        plans_open=Count("pk", filter=open_plan),
        plans_overdue=Count("pk", filter=open_plan & (Q(next_review__lt=today) | Q(late=True))),
        plans_opened=Count("pk", filter=Q(opened_on__gte=term.start, opened_on__lte=term.end)),
        plans_closed=Count(
            "pk",
            filter=Q(
                status=CarePlan.Status.CLOSED, closed_on__gte=term.start, closed_on__lte=term.end
            ),
        ),
    )
    open_referral = Q(status__in=Referral.OPEN_STATUSES)
    overdue_referral = Q(status=Referral.Status.SENT, answer_due__lt=today) | Q(
        status__in=(Referral.Status.ACCEPTED, Referral.Status.IN_PROGRESS), result_due__lt=today
    )
    in_term = Q(sent_on__gte=term.start, sent_on__lte=term.end)
    referrals = _per_school(
        Referral.objects.filter(school_id__in=school_ids),
        referrals_open=Count("pk", filter=open_referral),
        referrals_overdue=Count("pk", filter=overdue_referral),
        referrals_sent=Count("pk", filter=in_term),
        referrals_external=Count("pk", filter=in_term & Q(kind=Referral.Kind.EXTERNAL)),
        referrals_closed=Count("pk", filter=in_term & Q(status=Referral.Status.CLOSED)),
    )
    open_case = ~Q(step=Step.CLOSED)
    # Dropout cases are scoped by district (a child may be in no school); the schools here were
    # chosen by the caller through the access layer.
    with scopes_disabled():
        cases = _per_school(
            DropoutCase.objects.filter(school_id__in=school_ids),
            dropout_open=Count("pk", filter=open_case),
            dropout_late=Count("pk", filter=open_case & Q(step_due__lt=today)),
            dropout_back=Count(
                "pk",
                filter=Q(
                    step=Step.CLOSED,
                    outcome__in=IN_EDUCATION,
                    closed_on__gte=term.academic_year.start,
                    closed_on__lte=term.end,
                ),
            ),
        )
    support = _per_school(
        Support.objects.filter(school_id__in=school_ids, term=term),
        support_records=Count("pk"),
        support_students=Count("student_id", distinct=True),
        support_amount=Sum("amount"),
    )
    for source in (plans, referrals, cases, support):
        for school_id, row in source.items():
            if school_id in result:
                add(result[school_id].total, {k: int(v or 0) for k, v in row.items()})
    # Attendance and behaviour (five queries).
    conduct_figures.add_counts(result, school_ids, term, today)
    return result


# --- reading a figure set -----------------------------------------------------------------------
def _share_property(part: str, whole: str) -> property:
    """A View's share of the count ``part`` in the count ``whole``."""
    return property(lambda view: share(view._n(part), view._n(whole)))


@dataclass
class View:
    """A figure set with the shares the pages show (``counts`` may be any sum of sets)."""

    counts: Counts

    def __getitem__(self, key: str) -> int:
        """A count (0 when none was counted). Templates look ``view.x`` up as ``view["x"]``
        first: a property's name raises KeyError so that the template falls back to it."""
        if key in self.counts:
            return self.counts[key]
        if hasattr(type(self), key):
            raise KeyError(key)
        return 0

    def _n(self, key: str) -> int:
        return self.counts.get(key, 0)

    def get(self, key: str, default=0):
        return self.counts.get(key, default)

    @property
    def students(self) -> int:
        return self._n("students")

    screened_share = _share_property("screened", "students")
    visited_share = _share_property("visited", "students")
    profile_share = _share_property("profile_done", "students")
    # Students suitably helped: of the screened, those cared for as their group asks.
    cared_share = _share_property("cared", "screened")
    plan_share = _share_property("problem_with_plan", "problem")

    def form_share(self, form: str):
        return share(self._n(f"{form}_done"), self._n(f"{form}_due"))

    def group_share(self, group: str):
        """Of the screened, the share in ``group``."""
        return share(self[group], self._n("screened"))

    def cared_share_of(self, group: str):
        return share(self._n(f"{group}_cared"), self[group])

    @property
    def not_screened(self) -> int:
        return self._n("students") - self._n("screened")

    # Attendance of the term so far: student-days attended of the student-days counted
    # (dashboards/conduct_figures.py); None before the first teaching day.
    @property
    def attendance_rate(self) -> float | None:
        return share(self._n("att_days") - self._n("att_missed"), self._n("att_days"))

    @property
    def absence_rate(self) -> float | None:
        return share(self._n("att_missed"), self._n("att_days"))

    def aspects(self) -> list[tuple[str, int, int]]:
        """(aspect, at risk, with problems) for the aspects screened by level."""
        return [
            (a, self._n(f"aspect_{a}_risk"), self._n(f"aspect_{a}_problem")) for a in LEVEL_ASPECTS
        ]


def total_of(counts: Iterable[Counts]) -> Counts:
    out: Counts = {}
    for c in counts:
        add(out, c)
    return out


# --- drill-down (H4) ---
# The students behind a figure of one school, for the school dashboard's lists: built on the
# same annotations and conditions as ``compute``, so a list is exactly as long as its figure.
def _sdq_grades(rater: str) -> list[int]:
    """The grades whose students get the SDQ form of ``rater`` (as ``compute`` counts due)."""
    grades = []
    for grade in Grade.values:
        try:
            forms = scoring.sdq_forms_for_grade(grade)
        except ValueError:
            continue
        if rater in forms:
            grades.append(grade)
    return grades


def _cared_q(cared: dict[str, Q]) -> Q:
    """Cared for as their level asks (``cared``: each screened student once, by level)."""
    return reduce(operator.or_, (Q(level=level) & cared[level] for level in LEVELS))


def _figure_condition(key: str, term: Term, profile: Q, cared: dict[str, Q]) -> Q | None:
    """The condition on annotated enrolments that counts ``key``; None for no such figure."""
    conditions = {
        "students": Q(),
        "screened": Q(level__isnull=False),
        "not_screened": Q(level__isnull=True),
        "cared": _cared_q(cared),
        "not_cared": Q(level__isnull=False) & ~_cared_q(cared),
        "visited": Q(v_done=True),
        "not_visited": Q(v_done=False),
        "profile_done": profile,
        "profile_incomplete": ~profile,
        "problem_with_plan": PROBLEM_WITH_PLAN,
        "problem_without_plan": Q(level="problem") & ~PROBLEM_WITH_PLAN,
    }
    for group in GROUPS:
        in_group = Q(special=True) if group == "special" else Q(level=group)
        conditions[f"group_{group}"] = in_group
        conditions[f"group_{group}_cared"] = in_group & cared[group]
        conditions[f"group_{group}_not_cared"] = in_group & ~cared[group]
    for form in FORMS:
        if form == "eq":
            due = _eq_applies_q(term.start, "student__")
        elif form == "student":  # the self-report goes by age
            due = _self_report_applies_q(term.start, "student__")
        else:
            due = Q(classroom__grade__in=_sdq_grades(form))
        conditions[f"form_{form}_done"] = due & Q(**{f"f_{form}": True})
        conditions[f"form_{form}_missing"] = due & Q(**{f"f_{form}": False})
    return conditions.get(key)


def is_aspect_figure(key: str) -> bool:
    parts = key.split("_")
    return (
        len(parts) >= 3
        and parts[0] == "aspect"
        and "_".join(parts[1:-1]) in aspects.ASPECT_LABELS
        and parts[-1] in ("risk", "problem", "special")
    )


def figure_student_ids(
    *,
    school_id: int,
    term: Term,
    key: str,
    grade: int | None = None,
    classroom_id: int | None = None,
):
    """The ids of the students counted in the figure ``key`` of ``compute`` for one school and
    term (a ``values("student_id")`` queryset to filter students with), only those of ``grade``
    or ``classroom_id`` this year if given; None when ``key`` names no figure.

    Keys: students, screened, not_screened, cared, not_cared, group_<g>, group_<g>_cared,
    group_<g>_not_cared, visited, not_visited, profile_done, profile_incomplete,
    form_<f>_done, form_<f>_missing, problem_with_plan, problem_without_plan and
    aspect_<aspect>_<level>."""
    year_id = term.academic_year_id
    if is_aspect_figure(key):
        aspect, level = key[len("aspect_") :].rsplit("_", 1)
        results = AspectResult.objects.filter(
            _year_to(term), student__school_id=school_id, aspect=aspect, level=level
        )
        if grade is not None or classroom_id is not None:
            enrolments = Enrolment.objects.filter(academic_year_id=year_id)
            if grade is not None:
                enrolments = enrolments.filter(classroom__grade=grade)
            if classroom_id is not None:
                enrolments = enrolments.filter(classroom_id=classroom_id)
            results = results.filter(student_id__in=enrolments.values("student_id"))
        return results.values("student_id")
    annotations, profile, cared = _enrolment_facts(term)
    condition = _figure_condition(key, term, profile, cared)
    if condition is None:
        return None
    enrolments = Enrolment.objects.filter(classroom__school_id=school_id, academic_year_id=year_id)
    if grade is not None:
        enrolments = enrolments.filter(classroom__grade=grade)
    if classroom_id is not None:
        enrolments = enrolments.filter(classroom_id=classroom_id)
    rows = annotate_coverage(enrolments.annotate(**annotations), term).filter(condition)
    return rows.values("student_id")


# --- end drill-down (H4) ---

"""The student's care summary (แบบสรุปการดูแลช่วยเหลือนักเรียนรายบุคคล): one student on one or two
A4 pages, for case meetings, parent conferences and referral letters.

``care_summary_load`` gathers everything in a fixed number of queries, however many plans,
visits, activities or referrals the student has; ``care_summary_pdf`` turns it into text (Buddhist
Era dates, Thai digits when the school asks) and renders it. Long lists are cut and say how many
were left out, so the paper stays short for a student with years of history.

Never printed: the full national ID, the confidential notes of referrals, counselling notes and
the risks at home of the cumulative record (the paper goes to parent conferences). Which
referrals are printed is decided by the caller (``referral_ids``: those the person may see,
``carecore.access.referrals_for_user``).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy
from django_scopes import scope

from care.models import ActivityKind, ActivityParticipant, CarePlan, CarePlanFollowUp, Support
from carecore.models import Membership, Role
from carecore.pdf import Paper, render_pdf
from carecore.thai import thai_order
from referrals.models import Referral
from schools.models import AcademicYear, HomeroomAssignment
from schools.selectors import current_academic_year
from screening.labels import LEVEL_LABELS, RATER_LABELS
from screening.models import CareGroup, SdqResponse, Status
from students.models import Enrolment, FamilyRecord, Guardian, HealthRecord, Student
from students.models import ProtectionRecord as Protection
from visits.display import field_text
from visits.models import HomeVisit

# How much of each list the paper holds; the rest is counted ("and 3 more").
MAX_TERMS = 3
MAX_ACTIONS = 3
MAX_FOLLOW_UPS = 2
MAX_OTHER_PLANS = 2  # open plans after the newest, and closed plans: one line each
MAX_ACTIVITIES = 2
MAX_SUPPORT = 3
MAX_REFERRALS = 3
# What a cut list says about the rest ("count" chooses the plural form, "n" is printed).
LEFT_OUT_TERMS = ngettext_lazy("and %(n)s earlier term", "and %(n)s earlier terms", "count")
LEFT_OUT_ACTIONS = ngettext_lazy("and %(n)s more action", "and %(n)s more actions", "count")
LEFT_OUT_FOLLOW_UPS = ngettext_lazy(
    "%(n)s earlier follow-up not shown", "%(n)s earlier follow-ups not shown", "count"
)
LEFT_OUT_OPEN_PLANS = ngettext_lazy(
    "and %(n)s more open plan", "and %(n)s more open plans", "count"
)
LEFT_OUT_CLOSED_PLANS = ngettext_lazy(
    "and %(n)s more closed plan", "and %(n)s more closed plans", "count"
)
LEFT_OUT_SUPPORT = ngettext_lazy(
    "and %(n)s earlier support record", "and %(n)s earlier support records", "count"
)
LEFT_OUT_REFERRALS = ngettext_lazy(
    "and %(n)s earlier referral", "and %(n)s earlier referrals", "count"
)
# Characters of free text (a plan's problem, a visit's summary, a referral's result).
TINY = 45
BRIEF = 60
SHORT = 80
LONG = 120


@dataclass
class CareSummary:
    student: Student
    academic_year: AcademicYear | None
    enrolment: Enrolment | None
    teachers: list
    counsellor: object | None
    guardians: list[Guardian]
    facts: dict
    visit: HomeVisit | None
    groups: list[CareGroup]
    sdq: dict  # term id -> [SdqResponse]
    plans: list[CarePlan]
    participations: list[ActivityParticipant]
    support: list[Support]
    referrals: list[Referral]


def care_summary_load(
    *,
    student: Student,
    referral_ids: list[int] | None = None,
    academic_year: AcademicYear | None = None,
    today: datetime.date | None = None,
) -> CareSummary:
    """Everything the summary prints, in a fixed number of queries (run inside the school's
    scope). ``referral_ids``: the referrals to print (None: every referral of the student)."""
    from students.record.selectors import record_facts

    today = today or timezone.localdate()
    student = Student.objects.select_related("school__district").get(pk=student.pk)
    academic_year = academic_year or current_academic_year(today)
    enrolment = (
        Enrolment.objects.filter(student=student, academic_year=academic_year)
        .select_related("classroom__academic_year")
        .first()
    )
    teachers = []
    if enrolment is not None:
        teachers = [
            a.teacher
            for a in HomeroomAssignment.objects.filter(classroom_id=enrolment.classroom_id)
            .select_related("teacher")
            .order_by(thai_order("teacher__first_name"), thai_order("teacher__last_name"))
        ]
    counsellor = (
        Membership.objects.filter(
            school_id=student.school_id, role=Role.COUNSELLOR, user__is_active=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    groups = list(
        CareGroup.objects.filter(student=student)
        .select_related("term__academic_year")
        .order_by("-term__academic_year__year", "-term__number")
    )
    sdq: dict[int, list[SdqResponse]] = {}
    for response in (
        SdqResponse.objects.filter(student=student, status=Status.COMPLETE)
        .only("term_id", "rater", "total")
        .order_by("term_id", "rater")
    ):
        sdq.setdefault(response.term_id, []).append(response)
    plans = list(
        CarePlan.objects.filter(student=student)
        .prefetch_related(
            "actions",
            Prefetch("follow_ups", queryset=CarePlanFollowUp.objects.order_by("date", "pk")),
        )
        .order_by("-opened_on", "-pk")
    )
    participations = list(
        ActivityParticipant.objects.filter(
            student=student, activity__term__academic_year=academic_year
        )
        .select_related("activity")
        .order_by("-activity__date", "-activity__pk")
    )
    referrals = Referral.objects.filter(student=student).select_related("agency", "to_user")
    if referral_ids is not None:
        referrals = referrals.filter(pk__in=referral_ids)
    return CareSummary(
        student=student,
        academic_year=academic_year,
        enrolment=enrolment,
        teachers=teachers,
        counsellor=counsellor.user if counsellor else None,
        guardians=list(Guardian.objects.filter(student=student)),
        facts=record_facts(student, today=today),
        visit=HomeVisit.objects.filter(
            student=student, academic_year=academic_year, status=HomeVisit.Status.DONE
        )
        .order_by("-date", "-pk")
        .first(),
        groups=groups,
        sdq=sdq,
        plans=plans,
        participations=participations,
        support=list(Support.objects.filter(student=student).order_by("-date", "-pk")),
        referrals=list(referrals.order_by("-sent_on", "-pk")),
    )


# --- as text -------------------------------------------------------------------------------------
def _cut(text: str, length: int) -> str:
    return Truncator(" ".join((text or "").split())).chars(length)


def _more(message, count: int, paper: Paper) -> str:
    """What a list leaves out, as a sentence (one of the LEFT_OUT_* messages); nothing when it
    left nothing out."""
    if count <= 0:
        return ""
    return str(message % {"count": count, "n": paper.num(count)})


def _label(model, name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _choice(model, name: str, value) -> str:
    return str(dict(model._meta.get_field(name).flatchoices).get(value, value))


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _facts(facts: dict, paper: Paper) -> list[tuple[str, str]]:
    """Key facts of the cumulative record, those that are filled in (codes as words)."""
    from students.record.sections import BmiBand

    rows = []
    if facts["gpa"] is not None:
        rows.append(
            (
                _("GPA"),
                _("%(gpa)s (term %(term)s)")
                % {"gpa": f"{facts['gpa']:.2f}", "term": facts["gpa_term"]},
            )
        )
    if facts["failed_subjects"]:
        rows.append((_("Failed (0, ร)"), ", ".join(facts["failed_subjects"])))
    if facts["talents"]:
        rows.append((_("Talents"), _cut(facts["talents"], BRIEF)))
    if facts["bmi_band"]:
        rows.append((_("BMI"), f"{facts['bmi']} ({BmiBand(facts['bmi_band']).label})"))
    for name in ("eyesight", "hearing"):
        if facts[name] and facts[name] != "normal":
            rows.append((_label(HealthRecord, name), _choice(HealthRecord, name, facts[name])))
    if facts["chronic_illness"]:
        rows.append((_label(HealthRecord, "has_chronic_illness"), _yes_no(True)))
    if facts["disabilities"]:
        labels = dict(HealthRecord.Disability.choices)
        rows.append(
            (
                _label(HealthRecord, "disabilities"),
                ", ".join(str(labels.get(code, code)) for code in facts["disabilities"]),
            )
        )
    for name in ("lives_with", "parents_status"):
        if facts[name]:
            rows.append((_label(FamilyRecord, name), _choice(FamilyRecord, name, facts[name])))
    if facts["income_per_person"] is not None:
        rows.append((_("Income per person per month (baht)"), f"{facts['income_per_person']:,}"))
    if facts["welfare_card"] is not None:
        rows.append((_label(FamilyRecord, "welfare_card"), _yes_no(facts["welfare_card"])))
    if facts["equity_scholarship"]:
        rows.append(
            (
                _label(FamilyRecord, "equity_scholarship"),
                _choice(FamilyRecord, "equity_scholarship", facts["equity_scholarship"]),
            )
        )
    if facts["travel_mode"]:
        travel = _choice(Protection, "travel_mode", facts["travel_mode"])
        if facts["travel_minutes"] is not None:
            travel = _("%(mode)s, %(minutes)s minutes") % {
                "mode": travel,
                "minutes": facts["travel_minutes"],
            }
        rows.append((_label(Protection, "travel_mode"), travel))
    return [(label, paper.num(value)) for label, value in rows]


def _visit(visit: HomeVisit | None, paper: Paper) -> dict | None:
    if visit is None:
        return None
    return {
        "date": paper.date(visit.date, "long"),
        "mode": visit.get_mode_display(),
        "visitors": visit.visitors,
        "met": field_text(visit, "met"),
        "problems": field_text(visit, "problems"),
        "help_needed": field_text(visit, "help_needed"),
        "family_requests": _cut(visit.family_requests, BRIEF),
        "summary": _cut(visit.summary, SHORT),
        "recommendation": _cut(visit.recommendation, BRIEF),
    }


def _screening(summary: CareSummary, paper: Paper) -> dict:
    from screening.selectors import reason_text
    from screening.summaries import special_reason_text

    rows = []
    for group in summary.groups[:MAX_TERMS]:
        reasons = [reason_text(r) for r in group.reasons or []]
        if group.special:
            reasons += [special_reason_text(r) for r in group.special_reasons or []]
        if group.is_overridden and group.override_reason:
            reasons.append(_("Changed by hand: %(reason)s") % {"reason": group.override_reason})
        sdq = [
            _("%(rater)s %(total)s")
            % {"rater": RATER_LABELS.get(r.rater, r.rater), "total": r.total}
            for r in summary.sdq.get(group.term_id, [])
            if r.total is not None
        ]
        rows.append(
            {
                "term": paper.num(str(group.term)),
                "level": LEVEL_LABELS.get(group.level, group.level),
                "special": group.special,
                "reasons": paper.num(_cut("; ".join(reasons), LONG)),
                "sdq": paper.num(", ".join(sdq)),
            }
        )
    return {"rows": rows, "more": _more(LEFT_OUT_TERMS, len(summary.groups) - MAX_TERMS, paper)}


def _plans(plans: list[CarePlan], paper: Paper) -> dict:
    """The newest open plan in full (problem, goals, actions, the latest follow-ups); other
    plans, open or closed, in one line each."""
    from care.documents import status_label

    open_plans = [p for p in plans if p.status != CarePlan.Status.CLOSED]
    closed = [p for p in plans if p.status == CarePlan.Status.CLOSED]
    full = None
    if open_plans:
        plan = open_plans[0]
        actions = list(plan.actions.all())
        follow_ups = list(plan.follow_ups.all())
        latest = follow_ups[-1] if follow_ups else None
        full = {
            "opened_on": paper.date(plan.opened_on, "short"),
            "status": status_label(plan.status),
            "next_review": paper.date(plan.next_review, "short") if plan.next_review else "",
            "problem": _cut(plan.problem, LONG),
            "goals": _cut(plan.goals, SHORT),
            "actions": [
                {
                    "action": _cut(a.action, BRIEF),
                    "who": a.who,
                    "due": paper.date(a.due, "short") if a.due else "",
                    "done": a.done,
                }
                for a in actions[:MAX_ACTIONS]
            ],
            "more_actions": _more(LEFT_OUT_ACTIONS, len(actions) - MAX_ACTIONS, paper),
            # The latest follow-ups, oldest of them first; the next step of the last one.
            "follow_ups": [
                {
                    "date": paper.date(f.date, "short"),
                    "what": _cut(f.what_was_done, TINY),
                    "result": f.get_result_display(),
                }
                for f in follow_ups[-MAX_FOLLOW_UPS:]
            ],
            "earlier_follow_ups": _more(
                LEFT_OUT_FOLLOW_UPS, len(follow_ups) - MAX_FOLLOW_UPS, paper
            ),
            "next_step": _cut(latest.next_step, BRIEF) if latest else "",
        }

    def line(p: CarePlan) -> dict:
        return {
            "opened_on": paper.date(p.opened_on, "short"),
            "closed_on": paper.date(p.closed_on, "short") if p.closed_on else "",
            "problem": _cut(p.problem, BRIEF // 2),
            "state": p.get_outcome_display() if p.outcome else status_label(p.status),
        }

    others = open_plans[1:]
    return {
        "full": full,
        "open": [line(p) for p in others[:MAX_OTHER_PLANS]],
        "more_open": _more(LEFT_OUT_OPEN_PLANS, len(others) - MAX_OTHER_PLANS, paper),
        "closed": [line(p) for p in closed[:MAX_OTHER_PLANS]],
        "more_closed": _more(LEFT_OUT_CLOSED_PLANS, len(closed) - MAX_OTHER_PLANS, paper),
    }


def _activities(participations: list[ActivityParticipant], paper: Paper) -> dict:
    counts = Counter(p.activity.kind for p in participations)
    labels = dict(ActivityKind.choices)
    return {
        "total": paper.num(len(participations)),
        "by_kind": [
            (str(labels[kind]), paper.num(counts[kind])) for kind in labels if counts.get(kind)
        ],
        "latest": [
            {
                "date": paper.date(p.activity.date, "short"),
                "kind": p.activity.get_kind_display(),
                "topic": _cut(p.activity.topic, 25),
            }
            for p in participations[:MAX_ACTIVITIES]
        ],
    }


def _support(support: list[Support], paper: Paper) -> dict:
    from care.templatetags.care_plans import baht

    return {
        "rows": [
            {
                "date": paper.date(s.date, "short"),
                "kind": s.get_kind_display(),
                "source": s.source,
                "amount": paper.num(baht(s.amount)),
            }
            for s in support[:MAX_SUPPORT]
        ],
        "more": _more(LEFT_OUT_SUPPORT, len(support) - MAX_SUPPORT, paper),
        "total": paper.num(baht(sum((s.amount or 0) for s in support))) if support else "",
    }


def _recipient(referral: Referral) -> str:
    if referral.agency_id:
        return referral.agency.name
    if referral.to_user_id:
        return referral.to_user.display_name
    return str(referral.get_to_role_display())


def _referrals(referrals: list[Referral], paper: Paper) -> dict:
    rows = []
    for r in referrals[:MAX_REFERRALS]:
        # What came back: the recipient's result, or the agency's; never the confidential notes.
        result = r.result or r.agency_result
        rows.append(
            {
                "number": paper.num(r.number),
                "sent_on": paper.date(r.sent_on, "short"),
                "kind": r.get_kind_display(),
                "to": _recipient(r),
                "reason": _cut(r.reason, TINY // 2),
                "status": r.get_status_display(),
                "outcome": r.get_outcome_display() if r.outcome else "",
                "result": _cut(result, BRIEF),
            }
        )
    return {"rows": rows, "more": _more(LEFT_OUT_REFERRALS, len(referrals) - MAX_REFERRALS, paper)}


def _age(student: Student, today: datetime.date, paper: Paper) -> str:
    age = student.age_on(today)
    if age is None:
        return ""
    return ngettext("%(years)s year", "%(years)s years", age) % {"years": paper.num(age)}


def care_summary_context(summary: CareSummary, paper: Paper, today: datetime.date) -> dict:
    student, enrolment = summary.student, summary.enrolment
    teacher_names = [t.display_name for t in summary.teachers]
    return {
        "name": student.full_name,
        "nickname": student.nickname,
        "code": paper.num(student.student_code),
        "gender": student.get_gender_display(),
        "birth_date": paper.date(student.birth_date, "long") if student.birth_date else "",
        "age": _age(student, today, paper),
        "room": paper.num(enrolment.classroom) if enrolment else "",
        "number": paper.num(enrolment.number) if enrolment else "",
        "year": paper.num(summary.academic_year.year) if summary.academic_year else "",
        "teachers": ", ".join(teacher_names),
        "guardians": [
            {
                "name": str(g),
                "relation": g.get_relation_display(),
                "phone": paper.num(g.phone),
                "is_primary": g.is_primary,
            }
            for g in summary.guardians
        ],
        "facts": _facts(summary.facts, paper),
        "visit": _visit(summary.visit, paper),
        "screening": _screening(summary, paper),
        "plans": _plans(summary.plans, paper),
        "activities": _activities(summary.participations, paper),
        "support": _support(summary.support, paper),
        "referrals": _referrals(summary.referrals, paper),
        "signatures": [
            (_("Homeroom teacher"), teacher_names[0] if teacher_names else ""),
            (
                _("Guidance counsellor"),
                summary.counsellor.display_name if summary.counsellor else "",
            ),
        ],
    }


def care_summary_pdf(*, student: Student, referral_ids: list[int] | None = None) -> bytes:
    """The care summary of ``student`` as PDF bytes, in the active language."""
    with scope(school=student.school_id):
        today = timezone.localdate()
        summary = care_summary_load(student=student, referral_ids=referral_ids, today=today)
        school = summary.student.school
        paper = Paper(school)
        return render_pdf(
            "dashboards/pdf/care_summary.html",
            {"summary": care_summary_context(summary, paper, today)},
            school=school,
        )

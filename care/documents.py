"""The individual care record on paper (แบบบันทึกการช่วยเหลือนักเรียนรายบุคคล): the student, their
care group and why, the problem, goals, actions, the follow-up log and the outcome, with
signature lines for the student, the homeroom teacher and the director.

Loads everything up front (a fixed number of queries) and renders with the school's header and
document settings (``Paper``: Buddhist Era dates, Thai digits when the school asks). The caller
chooses the language and runs inside the school's scope (the job does both).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from care import selectors
from care.models import CarePlan
from carecore.models import Membership, Role
from screening.labels import LEVEL_LABELS
from screening.selectors import reason_text


def file_name(*parts) -> str:
    return " ".join(str(p).replace("/", "-") for p in parts if p) + ".pdf"


def status_label(status: str) -> str:
    """The plan's status in words ("Open" alone reads as "open it" in Thai: a context)."""
    labels = {
        CarePlan.Status.OPEN: pgettext("care plan status", "Open"),
        CarePlan.Status.IN_PROGRESS: pgettext("care plan status", "In progress"),
        CarePlan.Status.CLOSED: pgettext("care plan status", "Closed"),
    }
    return labels.get(status, status)


def _director(school):
    membership = (
        Membership.objects.filter(school=school, role=Role.DIRECTOR, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def care_plan_context(plan: CarePlan, paper) -> dict:
    detail = selectors.plan_detail(plan=plan)
    student = plan.student
    group = detail.group
    enrolment = detail.enrolment
    director = _director(plan.school)
    teachers = detail.teachers
    return {
        "name": student.full_name,
        "code": paper.num(student.student_code),
        "birth_date": paper.date(student.birth_date, "long") if student.birth_date else "",
        "room": paper.num(enrolment.classroom) if enrolment else "",
        "number": paper.num(enrolment.number) if enrolment else "",
        "teachers": ", ".join(t.display_name for t in teachers),
        "term": paper.num(str(plan.term)),
        "group": {
            "screened": group is not None,
            "term": paper.num(str(group.term)) if group else "",
            "label": LEVEL_LABELS.get(group.level, "") if group else "",
            "special": bool(group and group.special),
            "reasons": [reason_text(r) for r in (group.reasons if group else [])],
        },
        "opened_on": paper.date(plan.opened_on, "long"),
        "opened_by": plan.opened_by.display_name if plan.opened_by else "",
        "status": status_label(plan.status),
        "next_review": paper.date(plan.next_review, "long") if plan.next_review else "",
        "problem": plan.problem,
        "goals": plan.goals,
        "actions": [
            {
                "number": paper.num(i),
                "action": a.action,
                "who": a.who,
                "due": paper.date(a.due, "short") if a.due else "",
                "done": a.done,
            }
            for i, a in enumerate(detail.actions, start=1)
        ],
        "follow_ups": [
            {
                "date": paper.date(f.date, "short"),
                "what": f.what_was_done,
                "result": f.get_result_display(),
                "next_step": f.next_step,
                "by": f.recorded_by.display_name if f.recorded_by else "",
            }
            for f in detail.follow_ups
        ],
        "closed": plan.status == CarePlan.Status.CLOSED,
        "outcome": plan.get_outcome_display() if plan.outcome else "",
        "outcome_note": plan.outcome_note,
        "closed_on": paper.date(plan.closed_on, "long") if plan.closed_on else "",
        "signatures": [
            (_("Student"), student.full_name),
            *[(_("Homeroom teacher"), t.display_name) for t in teachers[:2]],
            *([] if teachers else [(_("Homeroom teacher"), "")]),
            (_("School director"), director.display_name if director else ""),
        ],
    }


def care_plan_pdf(*, plan: CarePlan) -> bytes:
    from carecore.pdf import Paper, render_pdf

    sheet = care_plan_context(plan, Paper(plan.school))
    return render_pdf("care/pdf/care_plan.html", {"sheet": sheet}, school=plan.school)

"""Reading screening data for pages, with a fixed number of queries per page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.models import Term
from schools.selectors import current_term, term_code, term_from_code
from screening import scoring
from screening.labels import LEVEL_LABELS, RATER_LABELS, SCALE_LABELS
from screening.models import AspectResult, CareGroup, EqResponse, SdqResponse, Status
from students.models import Enrolment


def term_for_request(request) -> Term | None:
    """The term named by ``?term=2568-1``, else the current one. A code that names no term
    gives a message and the current term, never an error page."""
    code = request.GET.get("term") or request.POST.get("term") or ""
    if code:
        term = term_from_code(code)
        if term is not None:
            return term
        messages.warning(
            request, _("There is no term %(code)s; showing the current term.") % {"code": code[:20]}
        )
    return current_term()


def term_choices() -> list[tuple[str, Term]]:
    terms = Term.objects.select_related("academic_year").order_by("-academic_year__year", "-number")
    return [(term_code(t), t) for t in terms]


def term_chooser(term: Term | None, choices: list | None = None) -> dict:
    """A page's term and what its term chooser (screening/_term_chooser.html) offers: the term,
    its code for the page's links and the terms to choose from (``choices``, else all)."""
    return {
        "term": term,
        "term_code": term_code(term) if term else "",
        "term_choices": term_choices() if choices is None else choices,
    }


def classroom_of(student, term) -> Enrolment | None:
    if term is None:
        return None
    return (
        Enrolment.objects.filter(student=student, academic_year_id=term.academic_year_id)
        .select_related("classroom")
        .first()
    )


@dataclass
class StudentRow:
    enrolment: Enrolment
    forms: tuple[str, ...]
    sdq: dict[str, SdqResponse] = field(default_factory=dict)
    eq: EqResponse | None = None
    group: CareGroup | None = None
    aspects: int = 0

    @property
    def student(self):
        return self.enrolment.student

    def sdq_cells(self):
        for rater in ("teacher", "parent", "student"):
            yield rater, rater in self.forms, self.sdq.get(rater)


def classroom_rows(*, classroom, term) -> list[StudentRow]:
    """One row per student of the classroom with their forms and group for the term
    (five queries whatever the size of the room)."""
    enrolments = list(
        Enrolment.objects.filter(classroom=classroom).select_related("student").order_by("number")
    )
    day = term.start if term is not None else timezone.localdate()
    rows = {
        e.student_id: StudentRow(
            enrolment=e, forms=scoring.sdq_forms(classroom.grade, e.student.age_on(day))
        )
        for e in enrolments
    }
    ids = list(rows)
    if term is not None and ids:
        for response in SdqResponse.objects.filter(student_id__in=ids, term=term).only(
            "student_id", "rater", "status", "level", "answers", "total", "total_band"
        ):
            rows[response.student_id].sdq[response.rater] = response
        for response in EqResponse.objects.filter(student_id__in=ids, term=term).only(
            "student_id", "instrument", "status", "level", "total", "total_level"
        ):
            rows[response.student_id].eq = response
        for group in CareGroup.objects.filter(student_id__in=ids, term=term):
            rows[group.student_id].group = group
        for result in AspectResult.objects.filter(student_id__in=ids, term=term).only("student_id"):
            rows[result.student_id].aspects += 1
    return list(rows.values())


def classroom_counts(rows: list[StudentRow]) -> dict:
    counts = {"students": len(rows), "groups": dict.fromkeys(LEVEL_LABELS, 0), "special": 0}
    counts["screened"] = 0
    forms = {}
    for row in rows:
        if row.group:
            counts["screened"] += 1
            counts["groups"][row.group.level] = counts["groups"].get(row.group.level, 0) + 1
            counts["special"] += row.group.special
        for rater, applies, response in row.sdq_cells():
            if not applies:
                continue
            entry = forms.setdefault(rater, {"applies": 0, "complete": 0, "draft": 0})
            entry["applies"] += 1
            if response is not None:
                entry["complete" if response.status == Status.COMPLETE else "draft"] += 1
    counts["forms"] = [
        {"rater": rater, "label": RATER_LABELS.get(rater, rater), **entry}
        for rater, entry in forms.items()
    ]
    return counts


def reason_text(reason: dict) -> str:
    """One sentence saying which result put the student in the group."""
    scale = reason.get("scale", "")
    band = reason.get("band") or ""
    band = _("Special") if band == "special" else LEVEL_LABELS.get(band, band)
    if reason.get("source") == "sdq":
        return _("SDQ, %(rater)s form: %(scale)s %(score)s (%(band)s)") % {
            "rater": RATER_LABELS.get(reason.get("rater"), reason.get("rater")),
            "scale": SCALE_LABELS.get(scale, scale),
            "score": reason.get("score"),
            "band": band,
        }
    if reason.get("source") == "eq":
        return _("EQ total %(score)s: below the normal range") % {"score": reason.get("score")}
    if reason.get("source") == "aspect":
        from screening.aspects import aspect_label, indicator_labels

        indicators = indicator_labels(reason.get("scale"), reason.get("indicators") or [])
        text = _("%(aspect)s: %(band)s") % {"aspect": aspect_label(scale), "band": band}
        if indicators:
            text += " — " + ", ".join(indicators)
        return text
    return str(reason)


def student_groups(*, student) -> list[CareGroup]:
    """The student's group in every term, newest first, with the changes made by hand."""
    return list(
        CareGroup.objects.filter(student=student)
        .select_related("term", "term__academic_year", "overridden_by")
        .prefetch_related("changes", "changes__changed_by")
        .order_by("-term__academic_year__year", "-term__number")
    )


def latest_care_group_facts(request, student) -> dict:
    """For the student's page: the latest term's care group (students.extensions)."""
    care_group = (
        CareGroup.objects.filter(student=student)
        .select_related("term__academic_year")
        .order_by("-term__academic_year__year", "-term__number")
        .first()
    )
    return {"care_group": care_group}

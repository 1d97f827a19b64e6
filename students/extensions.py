"""What the step apps above add to the student pages, registered in their AppConfig.ready().

The student's page and the class list belong to students, but what they show of each step (the
latest care group, the latest home visit, this year's visit of each child) lives in the apps
above. Each registers a function here, so students shows it without importing them:

- ``register_student_facts(fn)``: ``fn(request, student) -> dict``, merged into the context of
  the student's page (e.g. ``{"care_group": ...}``);
- ``register_roster_annotation(fn)``: ``fn(enrolments, academic_year_id) -> enrolments``,
  annotations added to the class list's one query (e.g. the home visit of each child);
- ``register_form_prefill(reason, fn)``: ``fn(request, student) -> str``, what a step's new
  form (a care plan's problem, a dropout-risk report's description) starts with when a page
  above links to it with ``?reason=<reason>`` (e.g. the early warning's next step).
"""

from __future__ import annotations

from collections.abc import Callable

_student_facts: list[Callable] = []
_roster_annotations: list[Callable] = []
_form_prefills: dict[str, Callable] = {}


def register_student_facts(fn: Callable) -> None:
    _student_facts.append(fn)


def register_roster_annotation(fn: Callable) -> None:
    _roster_annotations.append(fn)


def register_form_prefill(reason: str, fn: Callable) -> None:
    _form_prefills[reason] = fn


def student_facts(request, student) -> dict:
    facts: dict = {}
    for fn in _student_facts:
        facts |= fn(request, student)
    return facts


def annotate_roster(enrolments, academic_year_id):
    for fn in _roster_annotations:
        enrolments = fn(enrolments, academic_year_id)
    return enrolments


def form_prefill(request, student) -> str:
    """The text a new form about ``student`` starts with, from the ``?reason=`` it was opened
    with ("" for none, or a reason no app registered); only on a GET (a POST has what was
    typed)."""
    if request.method != "GET":
        return ""
    fn = _form_prefills.get(request.GET.get("reason", ""))
    return fn(request, student) if fn else ""

"""What the step apps above add to the student pages, registered in their AppConfig.ready().

The student's page and the class list belong to students, but what they show of each step (the
latest care group, the latest home visit, this year's visit of each child) lives in the apps
above. Each registers a function here, so students shows it without importing them:

- ``register_student_facts(fn)``: ``fn(request, student) -> dict``, merged into the context of
  the student's page (e.g. ``{"care_group": ...}``);
- ``register_roster_annotation(fn)``: ``fn(enrolments, academic_year_id) -> enrolments``,
  annotations added to the class list's one query (e.g. the home visit of each child).
"""

from __future__ import annotations

from collections.abc import Callable

_student_facts: list[Callable] = []
_roster_annotations: list[Callable] = []


def register_student_facts(fn: Callable) -> None:
    _student_facts.append(fn)


def register_roster_annotation(fn: Callable) -> None:
    _roster_annotations.append(fn)


def student_facts(request, student) -> dict:
    facts: dict = {}
    for fn in _student_facts:
        facts |= fn(request, student)
    return facts


def annotate_roster(enrolments, academic_year_id):
    for fn in _roster_annotations:
        enrolments = fn(enrolments, academic_year_id)
    return enrolments

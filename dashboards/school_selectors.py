"""What the school dashboard shows (dashboards/school_views.py): one school's figures of a term,
computed live by ``figures.compute``, arranged for the page, and the titles of the drill-down
lists (``figures.figure_student_ids``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from dashboards import figures
from schools.models import Classroom, Grade, Term
from screening.aspects import ASPECT_LABELS
from screening.labels import LEVEL_LABELS, RATER_LABELS


def group_label(group: str) -> str:
    return str(LEVEL_LABELS[group]) if group in LEVEL_LABELS else _("Special")


def form_label(form: str) -> str:
    if form == "eq":
        return _("EQ")
    return _("SDQ, %(rater)s form") % {"rater": RATER_LABELS[form]}


@dataclass
class Row:
    """A line of the grade or classroom table: its figures and the drill-down filter."""

    label: str
    view: figures.View
    grade: int | None = None
    classroom_id: int | None = None

    @property
    def query(self) -> str:
        if self.classroom_id is not None:
            return f"&classroom={self.classroom_id}"
        if self.grade is not None:
            return f"&grade={self.grade}"
        return ""


@dataclass
class SchoolDashboard:
    term: Term
    total: figures.View
    grades: list[Row] = field(default_factory=list)
    classrooms: list[Row] = field(default_factory=list)

    @property
    def not_cared(self) -> int:
        return self.total["screened"] - self.total["cared"]

    @property
    def problem_without_plan(self) -> int:
        return self.total["problem"] - self.total["problem_with_plan"]

    @property
    def tables(self) -> list[tuple[str, list[Row], str]]:
        return [
            (_("Per grade"), self.grades, "grades"),
            (_("Per classroom"), self.classrooms, "classrooms"),
        ]

    @property
    def groups(self) -> list[dict]:
        t = self.total
        return [
            {
                "group": g,
                "label": group_label(g),
                "n": t[g],
                "share": t.group_share(g),
                "cared": t[f"{g}_cared"],
                "not_cared": t[g] - t[f"{g}_cared"],
                "cared_share": t.cared_share_of(g),
            }
            for g in figures.GROUPS
        ]

    @property
    def aspects(self) -> list[dict]:
        t = self.total
        rows = [
            {"aspect": a, "label": ASPECT_LABELS[a], "risk": risk, "problem": problem}
            for a, risk, problem in t.aspects()
        ]
        return [r for r in rows if r["risk"] or r["problem"]]

    @property
    def special_aspects(self) -> list[dict]:
        t = self.total
        return [
            {"aspect": a, "label": ASPECT_LABELS[a], "special": t[f"aspect_{a}_special"]}
            for a in figures.SPECIAL_ASPECTS
        ]

    @property
    def completion(self) -> list[dict]:
        """Profiles, home visits and each screening form: done of due."""
        t = self.total
        rows = [
            {
                "key": "profile",
                "label": _("Student profiles"),
                "done": t["profile_done"],
                "due": t["students"],
                "share": t.profile_share,
                "done_figure": "profile_done",
                "missing_figure": "profile_incomplete",
            },
            {
                "key": "visits",
                "label": _("Home visits"),
                "done": t["visited"],
                "due": t["students"],
                "share": t.visited_share,
                "done_figure": "visited",
                "missing_figure": "not_visited",
            },
        ]
        for form in figures.FORMS:
            rows.append(
                {
                    "key": form,
                    "label": form_label(form),
                    "done": t[f"{form}_done"],
                    "due": t[f"{form}_due"],
                    "share": t.form_share(form),
                    "done_figure": f"form_{form}_done",
                    "missing_figure": f"form_{form}_missing",
                }
            )
        for row in rows:
            row["missing"] = row["due"] - row["done"]
        return rows


def school_dashboard(*, school, term: Term) -> SchoolDashboard:
    """The school's figures for ``term``, live: ``figures.compute`` (six queries) and the
    classrooms' names (one)."""
    counts = figures.compute(school_ids=[school.pk], term=term)[school.pk]
    classrooms = Classroom.objects.filter(
        school=school, academic_year_id=term.academic_year_id
    ).order_by("grade", "room")
    dashboard = SchoolDashboard(term=term, total=figures.View(counts.total))
    dashboard.grades = [
        Row(label=Grade(grade).label, view=figures.View(c), grade=grade)
        for grade, c in sorted(counts.grades.items())
    ]
    dashboard.classrooms = [
        Row(label=str(c), view=figures.View(counts.classrooms[c.pk]), classroom_id=c.pk)
        for c in classrooms
        if c.pk in counts.classrooms
    ]
    return dashboard


def figure_title(key: str) -> str | None:
    """The title of the drill-down list of ``key`` (None: no such figure)."""
    titles = {
        "students": _("All students"),
        "screened": _("Screened students"),
        "not_screened": _("Students not screened"),
        "cared": _("Students suitably helped"),
        "not_cared": _("Screened students not yet suitably helped"),
        "visited": _("Students visited at home"),
        "not_visited": _("Students not visited at home yet"),
        "profile_done": _("Students with a complete profile"),
        "profile_incomplete": _("Students whose profile is incomplete"),
        "problem_with_plan": _("Problem group: students with a care plan"),
        "problem_without_plan": _("Problem group: students without a care plan"),
    }
    for g in figures.GROUPS:
        label = group_label(g)
        titles[f"group_{g}"] = _("Group: %(group)s") % {"group": label}
        titles[f"group_{g}_cared"] = _("Group %(group)s: cared for") % {"group": label}
        titles[f"group_{g}_not_cared"] = _("Group %(group)s: not yet cared for") % {"group": label}
    for f in figures.FORMS:
        label = form_label(f)
        titles[f"form_{f}_done"] = _("%(form)s: done") % {"form": label}
        titles[f"form_{f}_missing"] = _("%(form)s: missing") % {"form": label}
    if key in titles:
        return titles[key]
    if figures.is_aspect_figure(key):
        aspect, level = key[len("aspect_") :].rsplit("_", 1)
        return _("Aspect %(aspect)s: %(level)s") % {
            "aspect": ASPECT_LABELS[aspect],
            "level": group_label(level),
        }
    return None

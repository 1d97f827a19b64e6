"""Screening (step 2): answers to the SDQ and EQ forms, aspect screening, and each student's care
group per term.

Scores and bands are stored beside the answers, with the version of the key and of the criteria
that produced them (see screening/instruments/ and docs/screening.md), so a result can always be
explained, and re-scored when a district changes its criteria.
"""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

from carecore.imports.models import ImportRecord, import_upload_to
from carecore.model_acts import CREATED, SAVED, act_fields
from carecore.model_fields import (
    Revisioned,
    SchoolScoped,
    ScopedByStudent,
    district_field,
    school_field,
    student_field,
    term_field,
    timestamps,
    user_field,
)


class Rater(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    PARENT = "parent", _("Parent")
    STUDENT = "student", _("Student (self-report)")


class Level(models.TextChoices):
    """The care groups, in order of concern; special is a flag beside them."""

    NORMAL = "normal", _("Normal")
    RISK = "risk", _("At risk")
    PROBLEM = "problem", pgettext_lazy("care group", "Has problems")


LEVEL_ORDER = {Level.NORMAL: 0, Level.RISK: 1, Level.PROBLEM: 2}


class Source(models.TextChoices):
    FORM = "form", _("Entered by staff")
    GRID = "grid", _("Classroom grid")
    LINK = "link", _("Filled in through a link")
    IMPORT = "import", _("Imported")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMPLETE = "complete", _("Complete")


class ScreeningPolicy(models.Model):
    """The criteria a district, or one school, chose. A school's choice wins over its district's;
    without either the defaults shipped in screening/instruments/ apply."""

    district = district_field("screening_policy", one_to_one=True, null=True, blank=True)
    school = school_field("screening_policy", one_to_one=True, null=True, blank=True)
    sdq_criteria = models.CharField(_("SDQ criteria"), max_length=40, blank=True)
    # Changes to the shipped aspect criteria: {"aspects": {code: {"off": [indicator codes],
    # "extra": [{"code", "label", "level"}], "thresholds": {indicator code: number}}}}.
    aspect_criteria = models.JSONField(_("aspect criteria"), default=dict, blank=True)
    updated_by, updated = act_fields(None, None, when=SAVED, blank=True)

    class Meta:
        verbose_name = _("screening criteria")
        verbose_name_plural = _("screening criteria")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(district__isnull=False, school__isnull=True)
                    | models.Q(district__isnull=True, school__isnull=False)
                ),
                name="policy_district_or_school",
            ),
        ]

    def __str__(self):
        return str(self.school or self.district)


class ScreeningWindow(SchoolScoped):
    """The days in which parents and students may answer through their links, per school and
    term."""

    school = school_field("screening_windows")
    term = term_field()
    opens = models.DateField(_("opens"))
    closes = models.DateField(_("closes"))
    created_by = user_field(blank=True)

    class Meta:
        verbose_name = _("screening window")
        verbose_name_plural = _("screening windows")
        constraints = [
            models.UniqueConstraint(fields=["school", "term"], name="window_one_per_term"),
            models.CheckConstraint(
                condition=models.Q(closes__gte=models.F("opens")), name="window_closes_after_opens"
            ),
        ]

    def __str__(self):
        return f"{self.school} {self.term}"

    def is_open(self, day) -> bool:
        return self.opens <= day <= self.closes


class SdqResponse(Revisioned, ScopedByStudent):
    """One SDQ form (25 items and the impact supplement) for one student, rater and term."""

    student = student_field("sdq_responses")
    term = term_field()
    rater = models.CharField(_("rater"), max_length=10, choices=Rater.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # 25 answers, item 1 first: 0, 1, 2 or null while unanswered.
    answers = models.JSONField(_("answers"), default=list)
    # The impact supplement: {"difficulties": 0..3, "chronicity", "distress", areas..., "burden"}.
    impact_answers = models.JSONField(_("impact answers"), default=dict, blank=True)
    # Scores and bands, set when all 25 items are answered.
    emotional = models.PositiveSmallIntegerField(_("emotional symptoms"), null=True, blank=True)
    conduct = models.PositiveSmallIntegerField(_("conduct problems"), null=True, blank=True)
    hyperactivity = models.PositiveSmallIntegerField(_("hyperactivity"), null=True, blank=True)
    peer = models.PositiveSmallIntegerField(_("peer problems"), null=True, blank=True)
    prosocial = models.PositiveSmallIntegerField(_("prosocial behaviour"), null=True, blank=True)
    total = models.PositiveSmallIntegerField(_("total difficulties"), null=True, blank=True)
    impact = models.PositiveSmallIntegerField(_("impact"), null=True, blank=True)
    emotional_band = models.CharField(max_length=12, blank=True)
    conduct_band = models.CharField(max_length=12, blank=True)
    hyperactivity_band = models.CharField(max_length=12, blank=True)
    peer_band = models.CharField(max_length=12, blank=True)
    total_band = models.CharField(max_length=12, blank=True)
    prosocial_band = models.CharField(max_length=12, blank=True)
    impact_band = models.CharField(max_length=12, blank=True)
    level = models.CharField(_("result"), max_length=10, choices=Level.choices, blank=True)
    key_version = models.CharField(max_length=40, blank=True)
    criteria_version = models.CharField(max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    entered_by = user_field(_("entered by"), blank=True)
    created, modified = timestamps()

    class Meta:
        verbose_name = _("SDQ form")
        verbose_name_plural = _("SDQ forms")
        constraints = [
            models.UniqueConstraint(fields=["student", "term", "rater"], name="sdq_one_per_rater"),
        ]
        indexes = [models.Index(fields=["term", "rater", "status"])]

    def __str__(self):
        return f"SDQ {self.rater} {self.student} {self.term}"

    SCALES = ("emotional", "conduct", "hyperactivity", "peer", "prosocial", "total")

    @property
    def is_complete(self) -> bool:
        return self.status == Status.COMPLETE

    def missing_items(self) -> list[int]:
        answers = list(self.answers or [])
        answers += [None] * (25 - len(answers))
        return [i + 1 for i, value in enumerate(answers[:25]) if value is None]

    @property
    def impact_missing(self) -> bool:
        """Complete (all 25 items: the scores and the group stand on them alone, as the SDQ is
        scored) while the impact supplement is unanswered or stops before its score: the pages
        call it "complete (no impact part)"."""
        return self.is_complete and self.impact is None

    @property
    def criteria_label(self) -> str:
        """The name of the criteria the form was banded with ("obec-1": the OBEC practice), else
        its version as stored."""
        from screening import scoring

        if not self.criteria_version:
            return ""
        try:
            return str(scoring.sdq_criteria(self.criteria_version).label)
        except scoring.UnknownCriteria:
            return self.criteria_version


class EqResponse(Revisioned, ScopedByStudent):
    """One EQ form: the 12–17 self-report (52 items) or the 6–11 form a parent or teacher fills
    (60 items)."""

    class Instrument(models.TextChoices):
        EQ12 = "eq12", _("EQ, ages 12–17 (self-report)")
        EQ6 = "eq6", _("EQ, ages 6–11 (parent or teacher)")

    student = student_field("eq_responses")
    term = term_field()
    instrument = models.CharField(_("form"), max_length=6, choices=Instrument.choices)
    rater = models.CharField(_("rater"), max_length=10, choices=Rater.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    answers = models.JSONField(_("answers"), default=list)
    # {"scales": {...}, "domains": {...}, "t_scores": {...} | null, "levels": {...}}
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    total = models.PositiveSmallIntegerField(_("total"), null=True, blank=True)
    total_level = models.CharField(max_length=16, blank=True)
    level = models.CharField(_("result"), max_length=10, choices=Level.choices, blank=True)
    version = models.CharField(max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    entered_by = user_field(blank=True)
    created, modified = timestamps()

    class Meta:
        verbose_name = _("EQ form")
        verbose_name_plural = _("EQ forms")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "term", "instrument"], name="eq_one_per_term"
            ),
        ]

    def __str__(self):
        return f"{self.instrument} {self.student} {self.term}"


class AspectResult(ScopedByStudent):
    """The teacher's screening of one aspect (learning, health, drugs, ...) for a student and term:
    the indicators that apply and the level they give."""

    student = student_field("aspect_results")
    term = term_field()
    aspect = models.CharField(_("aspect"), max_length=30)
    # normal, risk, problem; or "special" for the special-ability and special-needs aspects.
    level = models.CharField(_("level"), max_length=10)
    indicators = models.JSONField(_("indicators"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    criteria_version = models.CharField(max_length=40, blank=True)
    confirmed_by, confirmed = act_fields(None, _("confirmed"), when=SAVED, blank=True)

    class Meta:
        verbose_name = _("aspect screening")
        verbose_name_plural = _("aspect screening")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "term", "aspect"], name="aspect_one_per_term"
            ),
        ]

    def __str__(self):
        return f"{self.aspect} {self.student} {self.term}: {self.level}"


class CareGroup(SchoolScoped):
    """A student's care group for a term: derived from every result (the worst level wins) and
    possibly overridden by a teacher with a reason. ``level`` is what counts everywhere."""

    student = student_field("care_groups")
    term = term_field()
    # Denormalised for district figures that group by school without joining students.
    school = school_field()
    derived_level = models.CharField(_("derived group"), max_length=10, choices=Level.choices)
    level = models.CharField(_("group"), max_length=10, choices=Level.choices)
    special = models.BooleanField(_("special"), default=False)
    # Why: [{"source": "sdq"|"eq"|"aspect", "rater", "scale", "score", "band"}...] at the level.
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    special_reasons = models.JSONField(default=list, blank=True)
    override_level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    override_reason = models.TextField(_("reason for the change"), blank=True)
    overridden_by, overridden_at = act_fields(None, None, blank=True)
    computed = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("care group")
        verbose_name_plural = _("care groups")
        constraints = [
            models.UniqueConstraint(fields=["student", "term"], name="group_one_per_term"),
        ]
        indexes = [models.Index(fields=["school", "term", "level"])]

    def __str__(self):
        return f"{self.student} {self.term}: {self.level}"

    @property
    def is_overridden(self) -> bool:
        return bool(self.override_level)


class CareGroupChange(models.Model):
    """Every override of a care group and every withdrawal of one, kept."""

    group = models.ForeignKey(
        CareGroup, on_delete=models.CASCADE, related_name="changes", verbose_name=_("care group")
    )
    from_level = models.CharField(max_length=10, choices=Level.choices)
    to_level = models.CharField(max_length=10, choices=Level.choices)
    reason = models.TextField(_("reason"))
    changed_by, changed = act_fields(None, None, when=CREATED, blank=True)

    objects = ScopedManager(school="group__school")

    class Meta:
        ordering = ["-changed", "-id"]

    def __str__(self):
        return f"{self.from_level} → {self.to_level}"


# Codes people type from a slip: no 0/O, 1/I/L, so that nobody misreads them.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_link_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class FormLink(ScopedByStudent):
    """A per-student code that lets a parent, or the student, fill their own form without an
    account, while the school's screening window is open."""

    student = student_field("form_links")
    term = term_field()
    rater = models.CharField(
        _("who answers"),
        max_length=10,
        choices=[(Rater.PARENT, Rater.PARENT.label), (Rater.STUDENT, Rater.STUDENT.label)],
    )
    code = models.CharField(_("code"), max_length=CODE_LENGTH, unique=True, default=new_link_code)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("form link")
        verbose_name_plural = _("form links")
        constraints = [
            models.UniqueConstraint(fields=["student", "term", "rater"], name="link_one_per_rater"),
        ]

    def __str__(self):
        return self.display_code

    @property
    def display_code(self) -> str:
        return f"{self.code[:4]}-{self.code[4:]}"


# The migrations name the upload function by this name.
screening_import_upload_to = import_upload_to


class ScreeningImport(ImportRecord):
    """A file of SDQ answers collected on paper or with Google Forms (screening.imports)."""

    upload_folder = "screening-imports"

    school = school_field("screening_imports")
    term = term_field()

    class Meta(ImportRecord.Meta):
        verbose_name = _("screening import")
        verbose_name_plural = _("screening imports")

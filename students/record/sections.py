"""The cumulative record (ระเบียนสะสม): its sections, when each is complete, the BMI band, and how
stored values read on screen and paper. Facts only, no queries; see docs/record.md.

The four sections follow the four aspects of knowing a student in the care process: ability,
health, family, and protection and other. Each is one model (``students.models``); the record of
one student is complete when all four are.
"""

from __future__ import annotations

import csv
import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecore.dates import format_date
from schools.models import Grade
from students.models import (
    AbilityRecord,
    Enrolment,
    FamilyRecord,
    HealthRecord,
    ProtectionRecord,
    RecordRevision,
    Student,
    TermResult,
)

Section = RecordRevision.Section


@dataclass(frozen=True)
class SectionSpec:
    key: str
    model: type[models.Model]
    # What the section's form edits, in the order shown.
    fields: tuple[str, ...]
    # What must be filled for the section to count as complete.
    required: tuple[str, ...]

    @property
    def label(self) -> str:
        return str(Section(self.key).label)

    @property
    def related_name(self) -> str:
        """The reverse one-to-one name on Student (student.record_health), as the model
        declares it."""
        return self.model._meta.get_field("student").remote_field.related_name


SECTIONS: dict[str, SectionSpec] = {
    spec.key: spec
    for spec in (
        SectionSpec(
            key=Section.ABILITY,
            model=AbilityRecord,
            fields=("talents", "awards", "learning_notes"),
            required=(),  # and a grade-point average: see ability_needs_gpa
        ),
        SectionSpec(
            key=Section.HEALTH,
            model=HealthRecord,
            fields=(
                "weight_kg",
                "height_cm",
                "measured_on",
                "eyesight",
                "hearing",
                "has_chronic_illness",
                "chronic_illness",
                "disabilities",
                "mind_behaviour_notes",
            ),
            required=("weight_kg", "height_cm", "eyesight", "hearing", "has_chronic_illness"),
        ),
        SectionSpec(
            key=Section.FAMILY,
            model=FamilyRecord,
            fields=(
                "lives_with",
                "lives_with_other",
                "parents_status",
                "working_away_place",
                "household_size",
                "household_members",
                "income_per_month",
                "main_occupations",
                "welfare_card",
                "equity_scholarship",
            ),
            required=(
                "lives_with",
                "parents_status",
                "household_size",
                "income_per_month",
                "welfare_card",
            ),
        ),
        SectionSpec(
            key=Section.PROTECTION,
            model=ProtectionRecord,
            fields=(
                "risks",
                "risk_note",
                "travel_mode",
                "travel_distance_km",
                "travel_minutes",
                "travel_cost_baht",
                "pocket_money_baht",
                "other_notes",
            ),
            required=("travel_mode", "travel_minutes"),
        ),
    )
}

TERM_RESULT_FIELDS = ("gpa", "failed_subjects", "incomplete_subjects")

# What the record's overview shows of each section (the section's page shows everything).
SUMMARY_FIELDS = {
    Section.ABILITY: ("talents", "awards"),
    Section.HEALTH: ("eyesight", "hearing", "has_chronic_illness", "disabilities"),
    Section.FAMILY: (
        "lives_with",
        "parents_status",
        "household_size",
        "income_per_month",
        "income_per_person",
        "welfare_card",
        "equity_scholarship",
    ),
    Section.PROTECTION: ("risks", "travel_mode", "travel_distance_km", "travel_minutes"),
}

# Kindergarten has no grade-point average, and a P.1 pupil has none until the first term ends.
LAST_GRADE_WITHOUT_GPA = Grade.P1


def ability_needs_gpa(grade: int | None) -> bool:
    """Whether a complete ability section needs a grade-point average (``grade``: the student's
    classroom this year; without one, it does)."""
    return grade is None or grade > LAST_GRADE_WITHOUT_GPA


# --- completeness ------------------------------------------------------------------------------
def _filled(model: type[models.Model], name: str) -> Q:
    field = model._meta.get_field(name)
    if field.null:
        return Q(**{f"{name}__isnull": False})
    return ~Q(**{name: ""})


def _section_filled_q(spec: SectionSpec) -> Q:
    q = Q(student=OuterRef("pk"))
    for name in spec.required:
        q &= _filled(spec.model, name)
    return q


def completeness_annotations() -> dict[str, Exists]:
    """Annotations for a Student queryset: one boolean per section (its required facts are
    filled), and whether any term has a grade-point average."""
    annotations = {
        f"record_{key}_filled": Exists(spec.model.objects.filter(_section_filled_q(spec)))
        for key, spec in SECTIONS.items()
    }
    annotations["record_has_gpa"] = Exists(
        TermResult.objects.filter(student=OuterRef("pk"), gpa__isnull=False)
    )
    return annotations


@dataclass(frozen=True)
class Completeness:
    ability: bool
    health: bool
    family: bool
    protection: bool

    @property
    def done(self) -> int:
        return sum((self.ability, self.health, self.family, self.protection))

    @property
    def total(self) -> int:
        return len(SECTIONS)

    @property
    def complete(self) -> bool:
        return self.done == self.total

    def of(self, section: str) -> bool:
        return getattr(self, section)


def completeness_from_annotations(student: Student, grade: int | None) -> Completeness:
    """A student annotated with ``completeness_annotations``, in a classroom of ``grade``."""
    ability = student.record_ability_filled and (
        student.record_has_gpa or not ability_needs_gpa(grade)
    )
    return Completeness(
        ability=bool(ability),
        health=bool(student.record_health_filled),
        family=bool(student.record_family_filled),
        protection=bool(student.record_protection_filled),
    )


def missing_fields(section: str, record, *, has_gpa: bool = True, grade=None) -> list[str]:
    """Labels of what a section still needs (all required fields when it was never saved)."""
    spec = SECTIONS[section]
    missing = []
    if section == Section.ABILITY:
        if record is None:
            missing.append(_("Talents and awards (save the section, even if none)"))
        if not has_gpa and ability_needs_gpa(grade):
            missing.append(_("Grade-point average of at least one term"))
        return missing
    for name in spec.required:
        value = getattr(record, name) if record is not None else None
        if value is None or value == "":
            missing.append(field_label(spec.model, name))
    return missing


# --- BMI and its band for age and sex ----------------------------------------------------------
DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "who2007_bmi_for_age.tsv"
BMI_REFERENCE = "WHO 2007 BMI-for-age, 5-19 years"
FIRST_MONTH, LAST_MONTH = 61, 228


class BmiBand(models.TextChoices):
    """Bands of BMI-for-age z-score, with the WHO 2007 cut-offs for 5-19 years."""

    THIN = "thin", gettext_lazy("Thin")  # ผอม: z < -2
    NORMAL = "normal", gettext_lazy("Normal weight")  # สมส่วน: -2 <= z <= +1
    OVERWEIGHT = "overweight", gettext_lazy("Overweight")  # ท้วม: +1 < z <= +2
    OBESE = "obese", gettext_lazy("Obese")  # อ้วน: z > +2


THIN_BELOW, OVERWEIGHT_ABOVE, OBESE_ABOVE = -2.0, 1.0, 2.0


@cache
def bmi_table() -> dict[tuple[str, int], tuple[float, float, float]]:
    """(sex "M"/"F", age in completed months) -> (L, M, S), read once from the data file."""
    sexes = {"1": Student.Gender.MALE, "2": Student.Gender.FEMALE}
    table = {}
    with DATA_FILE.open(encoding="utf-8") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        for row in rows:
            key = (str(sexes[row["sex"]]), int(row["age"]))
            table[key] = (float(row["l"]), float(row["m"]), float(row["s"]))
    return table


def months_between(born: datetime.date, on: datetime.date) -> int:
    """Age in completed months."""
    return (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)


def bmi_value(weight_kg, height_cm) -> Decimal | None:
    """BMI in kg/m², to one decimal (None without both measurements)."""
    if not weight_kg or not height_cm:
        return None
    metres = Decimal(height_cm) / 100
    return (Decimal(weight_kg) / (metres * metres)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def bmi_z(bmi: float, sex: str, months: int) -> float | None:
    """The LMS z-score (Cole & Green) of ``bmi`` for ``sex`` at ``months``; None outside the
    table's ages below it. From 19 years on, the 19-year values are used: there the WHO
    reference meets the adult cut-offs (+1 SD is about BMI 25, +2 SD about 30)."""
    if months < FIRST_MONTH:
        return None
    lms = bmi_table().get((sex, min(months, LAST_MONTH)))
    if lms is None:
        return None
    big_l, big_m, big_s = lms
    if big_l == 0:
        return math.log(bmi / big_m) / big_s
    return ((bmi / big_m) ** big_l - 1) / (big_l * big_s)


def bmi_band_for_z(z: float) -> str:
    if z < THIN_BELOW:
        return BmiBand.THIN
    if z <= OVERWEIGHT_ABOVE:
        return BmiBand.NORMAL
    if z <= OBESE_ABOVE:
        return BmiBand.OVERWEIGHT
    return BmiBand.OBESE


@dataclass(frozen=True)
class BmiAssessment:
    bmi: Decimal
    months: int | None
    z: float | None
    band: str | None

    @property
    def band_label(self) -> str:
        return str(BmiBand(self.band).label) if self.band else ""

    @property
    def no_band_reason(self) -> str:
        if self.band:
            return ""
        if self.months is None:
            return _("No band: the birth date is not recorded.")
        return _("No band: the WHO reference starts at 5 years.")


def bmi_assess(
    *, weight_kg, height_cm, sex: str, birth_date: datetime.date | None, on: datetime.date
) -> BmiAssessment | None:
    """BMI, and its band for the child's age (at ``on``, the day of measuring) and sex."""
    bmi = bmi_value(weight_kg, height_cm)
    if bmi is None:
        return None
    if birth_date is None or on < birth_date:
        return BmiAssessment(bmi=bmi, months=None, z=None, band=None)
    months = months_between(birth_date, on)
    z = bmi_z(float(bmi), sex, months)
    band = bmi_band_for_z(z) if z is not None else None
    return BmiAssessment(bmi=bmi, months=months, z=z, band=band)


def health_bmi(health: HealthRecord | None, student: Student, today: datetime.date):
    if health is None:
        return None
    return bmi_assess(
        weight_kg=health.weight_kg,
        height_cm=health.height_cm,
        sex=student.gender,
        birth_date=student.birth_date,
        on=health.measured_on or today,
    )


# --- values as people read them -----------------------------------------------------------------
LIST_CHOICES = {
    (HealthRecord, "disabilities"): HealthRecord.Disability,
    (ProtectionRecord, "risks"): ProtectionRecord.Risk,
}


def field_label(model: type[models.Model], name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def section_model(section: str, item: str = "") -> type[models.Model]:
    return TermResult if item else SECTIONS[section].model


def _number(value) -> str:
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


def members_text(members: Iterable[dict]) -> str:
    parts = []
    for m in members or []:
        bits = [str(m.get("relation") or "").strip()]
        if m.get("age") not in (None, ""):
            bits.append(_("%(age)s years") % {"age": m["age"]})
        if m.get("occupation"):
            bits.append(str(m["occupation"]))
        parts.append(" ".join(b for b in bits if b))
    return "; ".join(p for p in parts if p)


def display_value(model: type[models.Model], name: str, value) -> str:
    """A stored value (as in the model or as saved in a revision) as text; "—" when empty."""
    if value is None or value == "" or value == []:
        return "—"
    field = model._meta.get_field(name)
    list_choices = LIST_CHOICES.get((model, name))
    if list_choices is not None:
        labels = dict(list_choices.choices)
        return ", ".join(str(labels.get(code, code)) for code in value)
    if name == "household_members":
        return members_text(value) or "—"
    if name in ("failed_subjects", "incomplete_subjects"):
        return ", ".join(str(v) for v in value)
    if isinstance(field, models.BooleanField):
        return _("Yes") if value in (True, "True", "true") else _("No")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateField):
        day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)
        return format_date(day)
    if isinstance(field, models.DecimalField):
        return f"{Decimal(str(value)):,.{field.decimal_places}f}"
    if isinstance(field, models.IntegerField):
        return _number(value)
    return str(value)


def stored(value):
    """A value as a revision keeps it in JSON (a decimal without trailing zeros, so that 30 and
    30.0 are the same value)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    name: str = ""


def section_rows(section: str, record) -> list[Row]:
    """The section's fields as (label, value) rows, for the page and the paper; the family's
    income per person follows the income."""
    spec = SECTIONS[section]
    rows = []
    for name in spec.fields:
        value = getattr(record, name, None) if record else None
        label = field_label(spec.model, name)
        text = display_value(spec.model, name, value)
        if name == "risks" and record is not None and not value:
            text = _("None seen")  # the checklist was reviewed when the section was saved
        rows.append(Row(label=label, value=text, name=name))
        if name == "income_per_month":
            per_person = record.income_per_person if record else None
            rows.append(
                Row(
                    label=_("Income per person per month (baht)"),
                    value=_number(per_person) if per_person is not None else "—",
                    name="income_per_person",
                )
            )
    return rows


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def revision_changes(revision: RecordRevision) -> list[Change]:
    """What one revision changed, field by field, in the order of the form."""
    model = section_model(revision.section, revision.item)
    order = TERM_RESULT_FIELDS if revision.item else SECTIONS[revision.section].fields
    names = [n for n in order if n in revision.changes]
    result = []
    for name in names:
        before, after = revision.changes[name]
        result.append(
            Change(
                label=field_label(model, name),
                before=display_value(model, name, before),
                after=display_value(model, name, after),
            )
        )
    return result


# --- one student's record as the pages and the PDF show it (record_selectors.record_load) ---
@dataclass
class SectionView:
    key: str
    label: str
    record: object | None
    complete: bool
    missing: list[str]
    rows: list = field(default_factory=list)
    summary: list = field(default_factory=list)
    changed_at: datetime.datetime | None = None
    changed_by: str = ""


@dataclass
class StudentRecord:
    student: Student
    enrolment: Enrolment | None
    ability: AbilityRecord | None
    health: HealthRecord | None
    family: FamilyRecord | None
    protection: ProtectionRecord | None
    term_results: list[TermResult]
    completeness: Completeness
    bmi: BmiAssessment | None
    sections: dict[str, SectionView]

    @property
    def grade(self) -> int | None:
        return self.enrolment.classroom.grade if self.enrolment else None

"""Writes of behaviour (docs/behaviour.md): the school's categories (the default set on first
use), recording and cancelling an incident (telling the parents when its category says so), and
recording a behaviour-correction activity. Each write about a student leaves an audit row."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from behaviour.defaults import DEFAULT_CATEGORIES
from behaviour.models import Category, Correction, Incident
from behaviour.selectors import student_conduct
from carecore.audit import audit_record, audit_row, model_changes
from carecore.dates import format_date
from carecore.models import AuditEvent, Notification
from carecore.writes import locked_row
from schools.models import AcademicYear, Term
from students.models import Enrolment
from students.parent_notices import tell_parents

CATEGORY_FIELDS = ("name", "kind", "points", "sensitive", "tell_parent", "active", "order")


# --- categories --------------------------------------------------------------------------------
def school_categories(school) -> list[Category]:
    """The school's categories, bad then good; the default set is created the first time."""
    categories = list(Category.objects.filter(school=school))
    if categories:
        return categories
    with transaction.atomic():
        Category.objects.bulk_create(
            [
                Category(school=school, order=i, **default._asdict())
                for i, default in enumerate(DEFAULT_CATEGORIES, start=1)
            ],
            ignore_conflicts=True,  # two first uses at once
        )
    return list(Category.objects.filter(school=school))


def _clean_category(category: Category) -> None:
    if category.sensitive and category.tell_parent:
        raise ValidationError(
            {
                "tell_parent": _(
                    "A sensitive category is told to the parent in person by the counsellor, "
                    "not through the parents' pages."
                )
            }
        )


@transaction.atomic
def category_save(*, school, data: dict, user, category: Category | None = None, request=None):
    """Create a category of ``school`` or change ``category`` with the form's ``data``."""
    created = category is None
    before = None if created else Category.objects.get(pk=category.pk)
    category = category or Category(school=school)
    for name in CATEGORY_FIELDS:
        if name in data:
            setattr(category, name, data[name])
    _clean_category(category)
    if Category.objects.filter(school=school, name=category.name).exclude(pk=category.pk).exists():
        raise ValidationError({"name": _("The school already has a category of this name.")})
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError as error:
        raise ValidationError(
            {"name": _("The school already has a category of this name.")}
        ) from error
    audit_record(
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
        user=user,
        school=school,
        obj=category,
        summary=(
            _("Added the behaviour category %(name)s")
            if created
            else _("Changed the behaviour category %(name)s")
        )
        % {"name": category.name},
        changes={} if created else model_changes(before, category, CATEGORY_FIELDS),
        request=request,
    )
    return category


# --- where a date falls ----------------------------------------------------------------------
def year_and_term(date: datetime.date, *, field: str = "date"):
    """The academic year and term (None between terms) of ``date``; a day outside every
    academic year of the calendar, or in the future, is refused."""
    if date > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    year = AcademicYear.objects.filter(start__lte=date, end__gte=date).first()
    if year is None:
        raise ValidationError(
            {
                field: _("%(date)s is in no academic year of the school calendar.")
                % {"date": format_date(date)}
            }
        )
    term = Term.objects.filter(academic_year=year, start__lte=date, end__gte=date).first()
    return year, term


def _in_year(student, year, term) -> dict:
    """The fields that place an incident or a correction in the student's year and term."""
    return {"school_id": student.school_id, "student": student, "academic_year": year, "term": term}


def _audit_recorded(row, summary: str, *, user, request) -> None:
    """The audit row of a recorded incident or correction, ``summary`` naming its date."""
    audit_row(
        row,
        summary % {"date": format_date(row.date)},
        user=user,
        request=request,
        action=AuditEvent.Action.CREATE,
    )


# --- incidents ---------------------------------------------------------------------------------
@transaction.atomic
def incident_record(
    *,
    student,
    category: Category,
    date: datetime.date,
    description: str = "",
    user,
    request=None,
) -> Incident:
    """Record an incident of ``student``; the points are the category's. When the category
    tells the parent (never a sensitive one), the student's parents get a notice that names
    neither the child nor what happened."""
    if category.school_id != student.school_id or not category.active:
        raise ValidationError({"category": _("Choose one of the school's categories in use.")})
    year, term = year_and_term(date)
    classroom_id = (
        Enrolment.objects.filter(student=student, academic_year=year)
        .values_list("classroom_id", flat=True)
        .first()
    )
    incident = Incident.objects.create(
        **_in_year(student, year, term),
        classroom_id=classroom_id,
        category=category,
        kind=category.kind,
        points=category.points,
        date=date,
        description=description.strip(),
        recorded_by=user,
    )
    _audit_recorded(
        incident, _("Recorded a behaviour incident of %(date)s"), user=user, request=request
    )
    if (
        category.tell_parent
        and not category.sensitive
        and tell_parents(
            student,
            kind=Notification.Kind.FAMILY_BEHAVIOUR,
            page="portal:child_behaviour",
            place=student.school.name,
        )
    ):
        incident.parent_told_at = timezone.now()
        incident.save(update_fields=["parent_told_at"])
    return incident


@transaction.atomic
def incident_cancel(*, incident: Incident, reason: str, user, request=None) -> Incident:
    """Cancel an incident recorded by mistake: it stays, struck out, and counts for nothing."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the incident is cancelled.")})
    incident = locked_row(incident)
    if incident.cancelled_at is not None:
        raise ValidationError(_("This incident was already cancelled."))
    incident.cancelled_at = timezone.now()
    incident.cancelled_by = user
    incident.cancel_reason = reason[:300]
    incident.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
    audit_row(
        incident,
        _("Cancelled a behaviour incident of %(date)s") % {"date": format_date(incident.date)},
        user=user,
        request=request,
        changes={"cancel_reason": ["", incident.cancel_reason]},
    )
    return incident


# --- behaviour-correction activities ------------------------------------------------------
@transaction.atomic
def correction_record(
    *,
    student,
    date: datetime.date,
    activity: str,
    points: int,
    hours: Decimal | None = None,
    note: str = "",
    user,
    request=None,
) -> Correction:
    """Record a behaviour-correction activity approved by ``user``: it gives back ``points``,
    at most the points taken off the student that year and not given back yet."""
    year, term = year_and_term(date)
    restorable = student_conduct(student, year).restorable
    if restorable == 0:
        raise ValidationError(
            _(
                "No points were taken off this student in academic year %(year)s: there is "
                "nothing to give back."
            )
            % {"year": year.year}
        )
    if points > restorable:
        raise ValidationError(
            {
                "points": _(
                    "At most %(n)s points can be given back (taken off this year and not "
                    "given back yet)."
                )
                % {"n": restorable}
            }
        )
    correction = Correction.objects.create(
        **_in_year(student, year, term),
        date=date,
        activity=activity.strip(),
        hours=hours,
        points=points,
        note=note.strip(),
        approved_by=user,
    )
    _audit_recorded(
        correction,
        _("Recorded a behaviour-correction activity of %(date)s"),
        user=user,
        request=request,
    )
    return correction

"""Writes of training (docs/district-work.md, "Training"): a course with its attendees, and
its removal. Nothing here is about a student, so nothing goes to the audit log; who recorded a
course is on it."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from districts.training.models import Attendee, Course


def course_create(
    *,
    district,
    school=None,
    title: str,
    provider: str = "",
    starts_on: datetime.date,
    ends_on: datetime.date,
    hours: Decimal,
    memberships=(),
    others=(),
    certificate=None,
    user=None,
) -> Course:
    """A course of the district (``school`` None) or of a school, with its attendees: staff
    (memberships at the district's schools; at a school, only its own) and typed names (at a
    school, of that school)."""
    memberships = list(memberships)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The course ends before it starts.")})
    if school is not None and school.district_id != district.pk:
        raise ValidationError(_("Choose a school of this district."))
    for m in memberships:
        allowed = (
            m.school_id == school.pk if school is not None else m.school.district_id == district.pk
        )
        if not allowed:
            raise ValidationError({"attendees": _("Choose staff of this school.")})
    with transaction.atomic():
        course = Course(
            district=district,
            school=school,
            title=title,
            provider=provider,
            starts_on=starts_on,
            ends_on=ends_on,
            hours=hours,
            recorded_by=user,
        )
        if certificate:
            course.certificate.save(certificate.name, certificate, save=False)
        course.save()
        seen: set[int] = set()
        rows = []
        for m in memberships:
            if m.user_id in seen:
                continue
            seen.add(m.user_id)
            rows.append(
                Attendee(
                    course=course,
                    school_id=m.school_id,
                    user_id=m.user_id,
                    name=m.user.get_full_name() or m.user.username,
                )
            )
        rows += [Attendee(course=course, school=school, name=name) for name in others]
        Attendee.objects.bulk_create(rows)
    return course


def course_delete(course: Course) -> None:
    """Remove a course recorded by mistake, its attendees and its file."""
    with transaction.atomic():
        if course.certificate:
            course.certificate.delete(save=False)
        course.delete()

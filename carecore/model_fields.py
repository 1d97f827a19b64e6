"""The fields most models declare the same way: the place a row belongs to (school, network,
district), the student it is about, the term or academic year it counts in, the classroom, the
staff member who did something or the person a row exists for, and an optional link to another
record; the ``revision`` of a record several people edit (``Revisioned``); a school's row and
its scoped manager (``SchoolScoped``, ``ScopedByStudent``); the ``created``/``modified`` pair
(``timestamps``); and the checks several models make (``both_or_none``, ``closed_has_outcome``,
``ends_after_start``).

Each factory fixes what every model agrees on (the target and its verbose name, the usual
``on_delete``) and takes what differs as arguments, so that a model reads
``student = student_field("care_plans")``. Any other field option passes through
(``null=True, blank=True``...), and ``one_to_one=True`` makes a OneToOneField. Targets are named
as strings ("schools.School"), so this module imports no app above the foundation. Changing a
default here changes the migrations of every model that uses it.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


def _relation(to, verbose_name, related_name, on_delete, options, one_to_one=False):
    field = models.OneToOneField if one_to_one else models.ForeignKey
    options.setdefault("verbose_name", verbose_name)
    return field(to, on_delete=on_delete, related_name=related_name, **options)


def school_field(related_name="+", *, on_delete=models.CASCADE, one_to_one=False, **options):
    """The school (the tenant) a row belongs to."""
    return _relation("schools.School", _("school"), related_name, on_delete, options, one_to_one)


def network_field(related_name, *, on_delete=models.CASCADE, **options):
    return _relation("districts.Network", _("network"), related_name, on_delete, options)


def district_field(related_name="+", *, on_delete=models.CASCADE, one_to_one=False, **options):
    return _relation(
        "districts.District", _("district"), related_name, on_delete, options, one_to_one
    )


def student_field(related_name, *, on_delete=models.CASCADE, one_to_one=False, **options):
    """The student a record is about; ``one_to_one`` for a record a student has once."""
    return _relation("students.Student", _("student"), related_name, on_delete, options, one_to_one)


def term_field(related_name="+", *, on_delete=models.PROTECT, **options):
    """The term a record counts in. Protected: a term with records is never deleted."""
    return _relation("schools.Term", _("term"), related_name, on_delete, options)


def academic_year_field(related_name="+", *, on_delete=models.PROTECT, **options):
    """The academic year a record counts in. Protected like ``term_field``."""
    return _relation("schools.AcademicYear", _("academic year"), related_name, on_delete, options)


def classroom_field(related_name="+", *, on_delete=models.CASCADE, **options):
    return _relation("schools.Classroom", _("classroom"), related_name, on_delete, options)


def user_field(verbose_name=None, *, blank=False, related_name="+", **options):
    """The staff member who did something (recorded, opened, confirmed...). The row outlives
    their account: deleting the user empties the field."""
    options.update(null=True, blank=blank, verbose_name=verbose_name)
    return _relation("carecore.User", None, related_name, models.SET_NULL, options)


def account_field(related_name, **options):
    """The person a row exists for (their membership, notification, generated file, homeroom
    assignment): the row goes when their account is deleted."""
    return _relation("carecore.User", _("user"), related_name, models.CASCADE, options)


def optional_link(to, verbose_name, related_name="+", *, on_delete=models.SET_NULL, **options):
    """A link to another record that may be empty (the guardian who consented, the care plan a
    referral came from). Deleting that record empties the link unless ``on_delete`` says
    otherwise."""
    options.update(null=True, blank=True)
    return _relation(to, verbose_name, related_name, on_delete, options)


class Revisioned(models.Model):
    """A record several people edit (a care plan, a referral, a dropout case, a screening form,
    a home visit). ``revision`` is bumped on every save; a form posts the revision it was opened
    at, and a save over a newer one is refused instead of silently overwriting a colleague's
    (``carecore.writes``)."""

    revision = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class SchoolScoped(models.Model):
    """A row of one school: its ``school`` (a model that needs a reverse name declares its own
    ``school_field("...")``) and the manager that answers only inside a school's scope
    (``django_scopes``): a query outside ``scope(school=...)`` raises instead of reading every
    school's rows. The ``school`` field stands first among the model's fields."""

    school = school_field()

    objects = ScopedManager(school="school")

    class Meta:
        abstract = True


class ScopedByStudent(models.Model):
    """A row about one student that names no school of its own: scoped through the student's
    school, like ``SchoolScoped``."""

    objects = ScopedManager(school="student__school")

    class Meta:
        abstract = True


def timestamps(created=None, modified=None) -> tuple[models.DateTimeField, models.DateTimeField]:
    """When a row was created and when it was last saved, set by Django, never by a form:
    ``created, modified = timestamps()``, with their verbose names as arguments where a model
    gives them. A function rather than a base class, so that the two fields stay where the model
    declares them (the order of ``_meta.fields`` is the order of the subject-access paper and of
    the admin)."""
    return (
        models.DateTimeField(created, auto_now_add=True),
        models.DateTimeField(modified, auto_now=True),
    )


def both_or_none(first: str, second: str, *, name: str) -> models.CheckConstraint:
    """Two fields filled in together: both empty or both set."""

    def empty(value: bool) -> models.Q:
        return models.Q(**{f"{first}__isnull": value, f"{second}__isnull": value})

    return models.CheckConstraint(condition=empty(True) | empty(False), name=name)


def closed_has_outcome(name: str) -> models.CheckConstraint:
    """A row whose ``status`` is "closed" names its ``outcome``."""
    return models.CheckConstraint(
        condition=~models.Q(status="closed") | ~models.Q(outcome=""), name=name
    )


def ends_after_start(name: str) -> models.CheckConstraint:
    """A period's ``end`` comes after its ``start``."""
    return models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name=name)


def private_file_name(folder: str, filename: str) -> str:
    """``folder/<random>.<ext>`` for an uploaded file: a random name, never the one the user gave
    (private files are served only by views that check who asks); the extension as uploaded,
    lower case, at most 8 characters, ``bin`` when there is none."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{folder}/{uuid.uuid4().hex}.{suffix[:8]}"

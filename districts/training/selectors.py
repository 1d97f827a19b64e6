"""Reads of training, each in a fixed number of queries whatever the number of schools: the
figure "every teacher trained at least once this year" per school and for the district, the
courses of a year, a school's staff with whether each was trained."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Min, Q, QuerySet

from carecore.models import SCHOOL_ROLES, Membership
from carecore.thai import thai_sort_key
from districts.training.models import Attendee, Course
from schools.models import AcademicYear, School


def courses_of_year(district, year: AcademicYear) -> QuerySet[Course]:
    """The district's courses (its own and its schools') whose first day falls in ``year``."""
    return Course.objects.filter(district=district, starts_on__range=(year.start, year.end))


def trained_user_ids(district, year: AcademicYear) -> QuerySet:
    """The users who attended a course of the district in ``year`` (a subquery)."""
    return Attendee.objects.filter(
        course__in=courses_of_year(district, year), user__isnull=False
    ).values("user_id")


def staff_memberships(school_ids) -> QuerySet[Membership]:
    """The school roles held at these schools: the staff the figure counts."""
    return Membership.objects.filter(school_id__in=school_ids, role__in=SCHOOL_ROLES)


def staff_choices(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    """One membership per person and school of ``memberships`` (a person holding two roles is
    ticked once), by school and name: what the course form offers."""
    first = memberships.values("school_id", "user_id").annotate(first=Min("pk")).values("first")
    return (
        Membership.objects.filter(pk__in=first)
        .select_related("user", "school")
        .order_by("school__name", "user__first_name", "user__last_name", "pk")
    )


@dataclass
class SchoolFigure:
    school: School
    staff: int
    trained: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.trained / self.staff, 1) if self.staff else None

    @property
    def all_trained(self) -> bool:
        return self.staff > 0 and self.trained == self.staff


@dataclass
class Figure:
    schools: list[SchoolFigure]

    @property
    def staff(self) -> int:
        return sum(s.staff for s in self.schools)

    @property
    def trained(self) -> int:
        return sum(s.trained for s in self.schools)

    @property
    def percent(self) -> float | None:
        return round(100 * self.trained / self.staff, 1) if self.staff else None

    @property
    def schools_all_trained(self) -> int:
        return sum(1 for s in self.schools if s.all_trained)


def counts_per_school(district, year: AcademicYear, school_ids=None) -> dict[int, tuple[int, int]]:
    """{school id: (staff, trained)} over the schools (all the district's when None), in one
    query. A person on the staff of two schools counts at both."""
    memberships = Membership.objects.filter(school__district=district, role__in=SCHOOL_ROLES)
    if school_ids is not None:
        memberships = memberships.filter(school_id__in=school_ids)
    rows = memberships.values("school_id").annotate(
        staff=Count("user", distinct=True),
        trained=Count(
            "user", distinct=True, filter=Q(user_id__in=trained_user_ids(district, year))
        ),
    )
    return {r["school_id"]: (r["staff"], r["trained"]) for r in rows}


def figure(district, year: AcademicYear) -> Figure:
    """Every school of the district (by network and name) with its staff and how many were
    trained in ``year`` (two queries)."""
    counts = counts_per_school(district, year)
    schools = list(School.objects.filter(district=district).select_related("network"))
    schools.sort(
        key=lambda s: (thai_sort_key(s.network.name if s.network else ""), thai_sort_key(s.name))
    )
    return Figure([SchoolFigure(s, *counts.get(s.pk, (0, 0))) for s in schools])


def district_courses(district, year: AcademicYear) -> list[Course]:
    """The district office's own courses of ``year`` with ``n_attendees`` (one query)."""
    return list(
        courses_of_year(district, year)
        .filter(school__isnull=True)
        .annotate(n_attendees=Count("attendees"))
    )


def school_courses(school, year: AcademicYear) -> list[Course]:
    """The school's courses and the district's courses its staff attended, in ``year``, with
    ``n_attendees`` (of the school) (one query)."""
    return list(
        courses_of_year(school.district, year)
        .filter(Q(school=school) | Q(school__isnull=True, attendees__school=school))
        .annotate(n_attendees=Count("attendees", filter=Q(attendees__school=school)))
        .order_by("-starts_on", "-pk")
        .distinct()
    )


@dataclass
class StaffRow:
    user_id: int
    name: str
    roles: list[str]
    hours: float


def school_staff(school, year: AcademicYear) -> list[StaffRow]:
    """The school's staff, those not trained in ``year`` first, each with their hours of
    training in the year (two queries)."""
    by_user: dict[int, StaffRow] = {}
    for m in staff_memberships([school.pk]).select_related("user"):
        row = by_user.setdefault(
            m.user_id, StaffRow(m.user_id, m.user.get_full_name() or m.user.username, [], 0)
        )
        row.roles.append(m.get_role_display())
    hours = Attendee.objects.filter(
        course__in=courses_of_year(school.district, year), user_id__in=list(by_user)
    ).values_list("user_id", "course__hours")
    for user_id, course_hours in hours:
        by_user[user_id].hours += float(course_hours)
    return sorted(by_user.values(), key=lambda r: (r.hours > 0, thai_sort_key(r.name)))

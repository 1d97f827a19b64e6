"""Reads of committees: the committees of a place with their counts, how many schools have
appointed one (the district's and a network's figure), a committee's members in the order of
the appointment order, its meetings, and the resolutions still open across a place's meetings.
Each a fixed number of queries, whatever the number of schools."""

from __future__ import annotations

from django.db.models import Count, F, Q

from carecore.models import LEADER_ROLES, Role, User
from districts.committees.models import Committee, Meeting, Member, Resolution
from schools.models import School

ROLE_RANK = {role: rank for rank, role in enumerate(Member.Role.values)}
DONE = Resolution.Status.DONE


def _prefixed(place_filter: dict, prefix: str) -> dict:
    return {f"{prefix}{key}": value for key, value in place_filter.items()}


def committees_of_place(place_filter: dict) -> list[Committee]:
    """The place's committees, each with ``n_members``, ``n_meetings`` and ``n_open`` (its
    resolutions not done). One query."""
    return list(
        Committee.objects.filter(**place_filter)
        .annotate(
            n_members=Count("members", distinct=True),
            n_meetings=Count("meetings", distinct=True),
            n_open=Count(
                "meetings__resolutions",
                filter=~Q(meetings__resolutions__status=DONE),
                distinct=True,
            ),
        )
        .order_by("title", "pk")
    )


def schools_with_committees(schools) -> list[dict]:
    """Per network (``network__name``, None for schools without one): its ``schools`` and how
    many of them have appointed a committee (``with_committee``). One query."""
    return list(
        schools.values("network__name")
        .annotate(
            schools=Count("pk", distinct=True),
            with_committee=Count("committees__school", distinct=True),
        )
        .order_by(F("network__name").asc(nulls_last=True))
    )


def district_schools(district):
    return School.objects.filter(district=district)


def members_in_order(committee: Committee) -> list[Member]:
    """The members as the order lists them: by role (advisors, chair, vice-chairs, members,
    secretary, assistant secretaries), then their place in the list."""
    members = list(committee.members.all())
    members.sort(key=lambda m: (ROLE_RANK.get(m.role, 99), m.order, m.pk))
    return members


def members_by_role(members: list[Member]) -> list[tuple[str, list[Member]]]:
    """(the role's label, its members) in the order's order, roles without members left out."""
    labels = dict(Member.Role.choices)
    groups: dict[str, list[Member]] = {}
    for member in members:
        groups.setdefault(member.role, []).append(member)
    return [(labels[role], groups[role]) for role in Member.Role.values if role in groups]


def meetings_of(committee: Committee) -> list[Meeting]:
    """The committee's meetings, newest first, each with ``n_present`` and ``n_resolutions``."""
    return list(
        committee.meetings.annotate(
            n_present=Count("attendance", filter=Q(attendance__status="present"), distinct=True),
            n_resolutions=Count("resolutions", distinct=True),
        ).order_by("-held_on", "-number")
    )


def open_resolutions(place_filter: dict) -> list[Resolution]:
    """The resolutions not done of every meeting of the place's committees: overdue first (by
    due date), then those without one. One query."""
    return list(
        Resolution.objects.filter(**_prefixed(place_filter, "meeting__committee__"))
        .exclude(status=DONE)
        .select_related("meeting__committee")
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )


def meeting_detail(meeting: Meeting) -> dict:
    """The meeting's agenda (each item with its resolutions), attendance by status, and the
    resolutions recorded without an item. Three queries."""
    agenda = list(meeting.agenda.all())
    attendance = list(meeting.attendance.select_related("member"))
    attendance.sort(key=lambda a: (ROLE_RANK.get(a.member.role, 99), a.member.order, a.pk))
    resolutions = list(meeting.resolutions.all())
    by_item: dict[int | None, list[Resolution]] = {}
    for resolution in resolutions:
        by_item.setdefault(resolution.agenda_number, []).append(resolution)
    for item in agenda:
        item.resolution_rows = by_item.get(item.number, [])
    numbers = {item.number for item in agenda}
    return {
        "agenda": agenda,
        "attendance": attendance,
        "present": [a for a in attendance if a.status == "present"],
        "absent": [a for a in attendance if a.status != "present"],
        "resolutions": resolutions,
        "loose_resolutions": [r for r in resolutions if r.agenda_number not in numbers],
        "guests": [g.strip() for g in meeting.guests.splitlines() if g.strip()],
    }


def member_candidates(*, school=None, network=None, district=None):
    """The users who may be chosen as members at a place: a school's staff; a network's
    supervisors and its schools' directors and coordinators; the district office's staff, the
    networks' supervisors and the schools' directors."""
    if school is not None:
        where = Q(memberships__school=school)
    elif network is not None:
        where = Q(memberships__network=network) | Q(
            memberships__school__network=network, memberships__role__in=LEADER_ROLES
        )
    else:
        where = (
            Q(memberships__district=district)
            | Q(memberships__network__district=district)
            | Q(memberships__school__district=district, memberships__role=Role.DIRECTOR)
        )
    return (
        User.objects.filter(where, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )

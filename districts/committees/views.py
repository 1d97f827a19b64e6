"""The committee pages (docs/district-work.md, "Committees and meetings").

The same pages at three places: a school's (s/<school>/committees/), a network's
(n/<network>/committees/) and the district office's (d/<district>/committees/). Everyone of the
place reads its committees, meetings, minutes and resolutions (a school's staff: VIEW_SCHOOL; a
network's and the district's staff: VIEW_AGGREGATES, VIEW_DISTRICT); ``Perm.MANAGE_COMMITTEES``
(the school's director and coordinator, the network supervisor, the district's staff: each at
their place and below) creates and changes them and prints the appointment order (a PDF job).

Each view is written once, as ``view(request, place, ...)``; ``@place_pages`` places it at the
three places, each behind its access decorator (``Level``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from carecore import jobs
from carecore.access import Perm, district_view, network_view, school_view
from carecore.file_views import generated_file_response
from carecore.form_views import form_saved
from carecore.routes import Pages
from districts.committees import access, selectors, services
from districts.committees.forms import (
    CommitteeForm,
    FollowUpForm,
    MeetingCreateForm,
    MeetingForm,
    MemberForm,
    ResolutionForm,
)
from districts.committees.models import Committee, Member
from districts.committees.routes import district_pages, network_pages, school_pages

# The URL arguments of a network's and the district's pages are named apart from a school's
# (network_committee_id, district_meeting_id...): every argument name of the project is its own.
LEVEL_PREFIX = {
    Committee.Level.SCHOOL: "",
    Committee.Level.NETWORK: "network_",
    Committee.Level.DISTRICT: "district_",
}


@dataclass(frozen=True)
class Place:
    """Where a committee page is shown: the place's committees (``filter``), its URL namespace
    and arguments, the page frame and what the frame reads, and what the user may do there."""

    level: str
    namespace: str
    kwargs: dict
    frame: str
    context: dict
    filter: dict
    where: dict  # the place as committee_create and member_candidates name it
    district: object
    name: str
    can_manage: bool
    schools: object = None  # the schools below it (none for a school)
    extra: dict = field(default_factory=dict)

    def url(self, name: str, **more) -> str:
        """A committee page here; ``more`` names the objects as the views do (committee_id...)."""
        prefix = LEVEL_PREFIX[self.level]
        more = {f"{prefix}{key}": value for key, value in more.items()}
        return reverse(f"{self.namespace}:{name}", kwargs={**self.kwargs, **more})


def _school_place(request) -> Place:
    school = request.school
    return Place(
        level=Committee.Level.SCHOOL,
        namespace="committees",
        kwargs={"school_code": school.code},
        frame="school_page.html",
        context={"school": school},
        filter={"school": school},
        where={"school": school},
        district=school.district,
        name=school.name,
        can_manage=Perm.MANAGE_COMMITTEES in request.schoolperms,
    )


def _network_place(request) -> Place:
    network = request.network
    return Place(
        level=Committee.Level.NETWORK,
        namespace="committees_network",
        kwargs={"network_id": network.pk},
        frame="practices/network_page.html",
        context={"network": network},
        filter={"network": network, "school": None},
        where={"network": network},
        district=network.district,
        name=network.name,
        can_manage=Perm.MANAGE_COMMITTEES in request.networkperms,
        schools=network.schools.all(),
    )


def _district_place(request) -> Place:
    district = request.district
    return Place(
        level=Committee.Level.DISTRICT,
        namespace="committees_district",
        kwargs={"district_code": district.code},
        frame="district_page.html",
        context={"district": district},
        filter={"district": district, "network": None, "school": None},
        where={"district": district},
        district=district,
        name=district.name,
        can_manage=Perm.MANAGE_COMMITTEES in request.districtperms,
        schools=district.schools.all(),
    )


@dataclass(frozen=True)
class Level:
    prefix: str
    pages: Pages
    view: Callable  # school_view, network_view or district_view
    read: str  # the permission to read the place's committees
    place: Callable


LEVELS = (
    Level(
        LEVEL_PREFIX[Committee.Level.SCHOOL],
        school_pages,
        school_view,
        Perm.VIEW_SCHOOL,
        _school_place,
    ),
    Level(
        LEVEL_PREFIX[Committee.Level.NETWORK],
        network_pages,
        network_view,
        Perm.VIEW_AGGREGATES,
        _network_place,
    ),
    Level(
        LEVEL_PREFIX[Committee.Level.DISTRICT],
        district_pages,
        district_view,
        Perm.VIEW_DISTRICT,
        _district_place,
    ),
)


def _objects(place: Place, kwargs: dict) -> dict:
    """The committee, member, meeting and resolution the address names, each of the committee
    of this place (404 otherwise)."""
    objects = {}
    if "committee_id" in kwargs:
        committee = access.committee_get_for_place(place.filter, kwargs.pop("committee_id"))
        objects["committee"] = committee
        lookups = (
            ("committee_member_id", "member", access.member_get),
            ("meeting_id", "meeting", access.meeting_get),
            ("resolution_id", "resolution", access.resolution_get),
        )
        for key, name, get in lookups:
            if key in kwargs:
                objects[name] = get(committee, kwargs.pop(key))
    return {**kwargs, **objects}


def place_pages(route: str, name: str, *, manage: bool = False) -> Callable:
    """Place ``view(request, place, ...)`` at the three places under ``route``: readers of the
    place may open it, or only ``Perm.MANAGE_COMMITTEES`` (``manage``). The route's arguments
    take the level's prefix (``LEVEL_PREFIX``); the view receives them without it."""

    def place(view):
        for level in LEVELS:

            def at_place(request, *args, _level=level, **kwargs):
                kwargs = {key.removeprefix(_level.prefix): value for key, value in kwargs.items()}
                place = _level.place(request)
                return view(request, place, *args, **_objects(place, kwargs))

            permission = Perm.MANAGE_COMMITTEES if manage else level.read
            level_route = re.sub(r"<int:(\w+)>", rf"<int:{level.prefix}\1>", route)
            level.pages(level_route, name=name)(level.view(permission)(wraps(view)(at_place)))
        return view

    return place


def _render(request, place: Place, template: str, **context):
    return render(request, f"committees/{template}", {**place.context, "place": place, **context})


def _committee_url(place: Place, committee) -> str:
    return place.url("committee_detail", committee_id=committee.pk)


def _meeting_url(place: Place, meeting) -> str:
    return place.url("meeting_detail", committee_id=meeting.committee_id, meeting_id=meeting.pk)


def _stale_message(form, message: str, current):
    """The form as typed, on the current revision, with ``message`` above it."""
    data = form.data.copy()
    data["revision"] = current.revision
    form.data = data
    form.add_error(None, message)


# --- committees ---------------------------------------------------------------------------------
@place_pages("", name="committee_list")
def committee_list(request, place: Place):
    coverage = None
    if place.schools is not None:
        coverage = selectors.schools_with_committees(place.schools)
    return _render(
        request,
        place,
        "committee_list.html",
        committees=selectors.committees_of_place(place.filter),
        coverage=coverage,
        coverage_total={
            "schools": sum(r["schools"] for r in coverage or ()),
            "with_committee": sum(r["with_committee"] for r in coverage or ()),
        },
    )


@place_pages("new/", name="committee_create", manage=True)
def committee_create(request, place: Place):
    form = CommitteeForm(request.POST or None)
    saved = form_saved(
        request,
        form,
        lambda data: services.committee_create(
            district=place.district,
            network=place.where.get("network"),
            school=place.where.get("school"),
            user=request.user,
            **{k: data[k] for k in services.COMMITTEE_FIELDS},
        ),
        success=lambda c: (
            _("The committee “%(title)s” is created. Add its members.") % {"title": c.title}
        ),
        then=lambda c: _committee_url(place, c),
    )
    return saved or _render(request, place, "committee_form.html", form=form)


@place_pages("resolutions/", name="resolution_list")
def resolution_list(request, place: Place):
    return _render(
        request,
        place,
        "resolution_list.html",
        resolutions=selectors.open_resolutions(place.filter),
    )


@place_pages("<int:committee_id>/", name="committee_detail")
def committee_detail(request, place: Place, committee):
    members = selectors.members_in_order(committee)
    return _render(
        request,
        place,
        "committee_detail.html",
        committee=committee,
        members=members,
        groups=selectors.members_by_role(members),
        meetings=selectors.meetings_of(committee),
    )


@place_pages("<int:committee_id>/edit/", name="committee_edit", manage=True)
def committee_edit(request, place: Place, committee):
    initial = {k: getattr(committee, k) for k in services.COMMITTEE_FIELDS}
    form = CommitteeForm(request.POST or None, initial={**initial, "revision": committee.revision})

    def stale(current):
        _stale_message(
            form,
            _("Someone changed the committee after you opened it. Check and save again."),
            current,
        )

    saved = form_saved(
        request,
        form,
        lambda data: services.committee_update(
            committee=committee,
            revision=data.get("revision"),
            **{k: data[k] for k in services.COMMITTEE_FIELDS},
        ),
        success=_("The committee is saved."),
        then=_committee_url(place, committee),
        on_stale=stale,
    )
    return saved or _render(request, place, "committee_form.html", form=form, committee=committee)


@place_pages("<int:committee_id>/delete/", name="committee_delete", manage=True)
@require_POST
def committee_delete(request, place: Place, committee):
    try:
        services.committee_delete(committee=committee)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_committee_url(place, committee))
    messages.success(request, _("The committee is deleted."))
    return redirect(place.url("committee_list"))


def _print(request, place: Place, committee, *, kind: str, title: str, params: dict):
    """A PDF of the committee by a job (the page shows its progress). A network's file is filed
    under one of its schools (files belong to a school or a district; the network's supervisor
    holds MANAGE_COMMITTEES at its schools), and the job's check finds the committee again."""
    school = place.where.get("school")
    if place.level == Committee.Level.NETWORK:
        school = place.schools.order_by("pk").first()
        if school is None:
            messages.error(request, _("The network has no school: its files cannot be filed."))
            return redirect(_committee_url(place, committee))
    generated = jobs.generated_file_start(
        kind=kind,
        title=f"{title} {committee.title}",
        user=request.user,
        permission=Perm.MANAGE_COMMITTEES,
        school=school,
        district=None if school is not None else place.district,
        params={"committee_id": committee.pk, **params},
    )
    return generated_file_response(request, generated)


@place_pages("<int:committee_id>/order/", name="committee_order", manage=True)
@require_POST
def committee_order(request, place: Place, committee):
    """The appointment order as PDF."""
    title = pgettext("committee", "Appointment order")
    return _print(request, place, committee, kind="committee_order", title=title, params={})


@place_pages(
    "<int:committee_id>/meetings/<int:meeting_id>/print/", name="meeting_print", manage=True
)
@require_POST
def meeting_print(request, place: Place, committee, meeting):
    """The minutes of a meeting as PDF."""
    title = _("Minutes of meeting %(n)s") % {"n": meeting.number}
    params = {"meeting_id": meeting.pk}
    return _print(request, place, committee, kind="committee_minutes", title=title, params=params)


# --- members ------------------------------------------------------------------------------------
def _member_form(request, place: Place, member=None):
    initial = {"role": Member.Role.MEMBER}
    if member is not None:
        initial = {
            "user": member.user_id,
            "name": member.name,
            "position": member.position,
            "organisation": member.organisation,
            "role": member.role,
            "order": member.order,
        }
    return MemberForm(
        request.POST or None,
        initial=initial,
        users=selectors.member_candidates(**place.where),
    )


def _member_details(data) -> services.MemberDetails:
    fields = ("user", "name", "position", "organisation", "role", "order")
    return services.MemberDetails(**{k: data[k] for k in fields})


@place_pages("<int:committee_id>/members/new/", name="member_add", manage=True)
def member_add(request, place: Place, committee):
    form = _member_form(request, place)
    saved = form_saved(
        request,
        form,
        lambda data: services.member_add(committee=committee, details=_member_details(data)),
        success=lambda m: _("%(name)s is added to the committee.") % {"name": m.name},
        then=(request.path if "another" in request.POST else _committee_url(place, committee)),
    )
    return saved or _render(request, place, "member_form.html", form=form, committee=committee)


@place_pages(
    "<int:committee_id>/members/<int:committee_member_id>/", name="member_edit", manage=True
)
def member_edit(request, place: Place, committee, member):
    form = _member_form(request, place, member)
    saved = form_saved(
        request,
        form,
        lambda data: services.member_update(member=member, details=_member_details(data)),
        success=_("The member is saved."),
        then=_committee_url(place, committee),
    )
    return saved or _render(
        request, place, "member_form.html", form=form, committee=committee, member=member
    )


@place_pages(
    "<int:committee_id>/members/<int:committee_member_id>/remove/",
    name="member_remove",
    manage=True,
)
@require_POST
def member_remove(request, place: Place, committee, member):
    try:
        services.member_remove(member=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is taken off the committee.") % {"name": member.name})
    return redirect(_committee_url(place, committee))


# --- meetings -----------------------------------------------------------------------------------
@place_pages("<int:committee_id>/meetings/new/", name="meeting_create", manage=True)
def meeting_create(request, place: Place, committee):
    form = MeetingCreateForm(request.POST or None, initial={"held_on": timezone.localdate()})
    saved = form_saved(
        request,
        form,
        lambda data: services.meeting_create(committee=committee, user=request.user, **data),
        success=lambda m: _("Meeting %(n)s is created with the usual agenda.") % {"n": m.number},
        then=lambda m: place.url("meeting_edit", committee_id=committee.pk, meeting_id=m.pk),
    )
    return saved or _render(request, place, "meeting_create.html", form=form, committee=committee)


@place_pages("<int:committee_id>/meetings/<int:meeting_id>/", name="meeting_detail")
def meeting_detail(request, place: Place, committee, meeting):
    """The meeting's minutes as a page to read and print: who attended, each agenda item with
    its minutes and resolutions."""
    return _render(
        request,
        place,
        "meeting_detail.html",
        committee=committee,
        meeting=meeting,
        **selectors.meeting_detail(meeting),
    )


@place_pages("<int:committee_id>/meetings/<int:meeting_id>/edit/", name="meeting_edit", manage=True)
def meeting_edit(request, place: Place, committee, meeting):
    detail = selectors.meeting_detail(meeting)
    form = MeetingForm(
        request.POST or None,
        meeting=meeting,
        attendance=detail["attendance"],
        agenda=detail["agenda"],
    )

    def stale(current):
        _stale_message(
            form,
            _("Someone saved this meeting after you opened it. Check and save again."),
            current,
        )

    saved = form_saved(
        request,
        form,
        lambda data: services.meeting_save(
            meeting=meeting,
            held_on=data["held_on"],
            starts_at=data["starts_at"],
            place=data["place"],
            guests=data["guests"],
            attendance=form.attendance(),
            agenda=form.agenda(),
            revision=data.get("revision"),
        ),
        success=_("The meeting is saved."),
        then=_meeting_url(place, meeting),
        on_stale=stale,
    )
    return saved or _render(
        request, place, "meeting_form.html", form=form, committee=committee, meeting=meeting
    )


# --- resolutions --------------------------------------------------------------------------------
@place_pages(
    "<int:committee_id>/meetings/<int:meeting_id>/resolutions/new/",
    name="resolution_add",
    manage=True,
)
def resolution_add(request, place: Place, committee, meeting):
    agenda = list(meeting.agenda.all())
    form = ResolutionForm(request.POST or None, agenda=agenda)
    saved = form_saved(
        request,
        form,
        lambda data: services.resolution_add(meeting=meeting, user=request.user, **data),
        success=_("The resolution is recorded."),
        then=request.path if "another" in request.POST else _meeting_url(place, meeting),
    )
    return saved or _render(
        request, place, "resolution_form.html", form=form, committee=committee, meeting=meeting
    )


@place_pages("<int:committee_id>/resolutions/<int:resolution_id>/", name="resolution_detail")
def resolution_detail(request, place: Place, committee, resolution):
    """A resolution and its follow-up; those who manage the committee record the next step."""
    if request.method == "POST" and not place.can_manage:
        raise PermissionDenied
    form = FollowUpForm(
        request.POST or None,
        initial={
            "on": timezone.localdate(),
            "status": resolution.status,
            "revision": resolution.revision,
        },
    )

    def stale(current):
        _stale_message(
            form,
            _("Someone followed this resolution up after you opened it. Check and save again."),
            current,
        )
        nonlocal resolution
        resolution = current

    saved = form_saved(
        request,
        form,
        lambda data: services.resolution_follow_up(
            resolution=resolution,
            status=data["status"],
            note=data["note"],
            on=data["on"],
            user=request.user,
            revision=data.get("revision"),
        ),
        success=_("The follow-up is recorded."),
        then=request.path,
        on_stale=stale,
    )
    if saved:
        return saved
    return _render(
        request,
        place,
        "resolution_detail.html",
        committee=committee,
        meeting=resolution.meeting,
        resolution=resolution,
        updates=list(resolution.updates.select_related("by")),
        form=form,
    )

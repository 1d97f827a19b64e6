"""Pages of the district's directory of partner agencies (docs/referrals.md, "The directory").

- Under /d/<district>/agencies/: the district supervisor and the district administrator
  (``Perm.MANAGE_AGENCIES``) list, add, edit, take out of use and put back the agencies. School
  and network staff, and another district's staff, get 404 (``district_view``).
- Under /s/<school>/referrals/agencies/: every member of a school reads the agencies in use of
  the school's district.

The directory names no student, so its pages write nothing to the audit log.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecore.access import Perm, district_view, school_view
from carecore.form_views import form_saved
from referrals import agency_services as services
from referrals.access import agency_get_for_district
from referrals.agency_forms import AgencyFilterForm, AgencyForm
from referrals.models import AgencyKind
from referrals.routes import agency_pages, pages

PAGE_SIZE = 50


def _list_url(request) -> str:
    return reverse("agencies:list", kwargs={"district_code": request.district.code})


@agency_pages("", name="list")
@district_view(Perm.MANAGE_AGENCIES)
def agency_list(request):
    filter_form = AgencyFilterForm(request.GET or None)
    filters = filter_form.filters() if request.GET else {}
    agencies = services.agency_list(district=request.district, **filters)
    page = Paginator(agencies, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "referrals/agency_list.html",
        {
            "district": request.district,
            "filter_form": filter_form if request.GET else AgencyFilterForm(),
            "filtered": any(v not in ("", None) for v in filters.values()),
            "page_obj": page,
            "cards": services.agency_cards(page.object_list),
            "query": query.urlencode(),
        },
    )


def _agency_form(request, agency=None):
    """Add an agency to the directory (``agency`` None), or edit one."""
    form = AgencyForm(request.POST or None, district=request.district, agency=agency)
    message = _("%(name)s is saved.") if agency is not None else _("%(name)s is in the directory.")

    def save(_data):
        fields = form.agency_fields()
        if agency is None:
            return services.agency_create(district=request.district, data=fields, user=request.user)
        return services.agency_update(agency=agency, data=fields, user=request.user)

    saved = form_saved(
        request,
        form,
        save,
        success=lambda saved: message % {"name": saved.name},
        then=_list_url(request),
    )
    return saved or render(
        request,
        "referrals/agency_form.html",
        {"district": request.district, "form": form, "agency": agency},
    )


@agency_pages("new/", name="create")
@district_view(Perm.MANAGE_AGENCIES)
def agency_create(request):
    return _agency_form(request)


@agency_pages("<int:agency_id>/edit/", name="edit")
@district_view(Perm.MANAGE_AGENCIES)
def agency_edit(request, agency_id):
    return _agency_form(request, agency_get_for_district(request, agency_id))


@agency_pages("<int:agency_id>/active/", name="set_active")
@district_view(Perm.MANAGE_AGENCIES)
@require_POST
def agency_set_active(request, agency_id):
    """Take an agency out of use (``active=0``) or put it back (``active=1``)."""
    agency = agency_get_for_district(request, agency_id)
    active = request.POST.get("active") == "1"
    services.agency_set_active(agency=agency, active=active, user=request.user)
    if active:
        messages.success(request, _("%(name)s is in use again.") % {"name": agency.name})
    else:
        messages.success(
            request,
            _("%(name)s is no longer in use: it stays on old referrals but cannot be chosen.")
            % {"name": agency.name},
        )
    # Back to the list as it was filtered (only ever the list: no redirect elsewhere).
    query = QueryDict(request.POST.get("query", "")).urlencode()
    return redirect(_list_url(request) + (f"?{query}" if query else ""))


@agency_pages("<int:agency_id>/delete/", name="delete")
@district_view(Perm.MANAGE_AGENCIES)
@require_POST
def agency_delete(request, agency_id):
    """Remove an agency never referred to (a typing mistake); others are taken out of use."""
    agency = agency_get_for_district(request, agency_id)
    name = agency.name
    try:
        services.agency_delete(agency=agency, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is removed from the directory.") % {"name": name})
    return redirect(_list_url(request))


@pages("agencies/")
@school_view(Perm.VIEW_SCHOOL)
def agency_directory(request):
    """The school's district's agencies in use, for the staff who refer students."""
    kind = request.GET.get("kind", "")
    if kind not in AgencyKind.values:
        kind = ""
    q = " ".join(request.GET.get("q", "").split())[:100]
    agencies = services.agency_list(
        district=request.school.district, q=q, kind=kind, active=True, counts=False
    )
    return render(
        request,
        "referrals/agency_directory.html",
        {
            "school": request.school,
            "district": request.school.district,
            "kinds": AgencyKind.choices,
            "kind": kind,
            "q": q,
            "cards": services.agency_cards(agencies),
        },
    )

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from carecore import accounts as account_services
from carecore.access import Perm, can_manage_account, district_view, network_view
from carecore.models import LEADER_ROLES, Membership, Role, User
from carecore.notifications import notifications_for_home
from carecore.queries import key_or_none
from carecore.routes import DISTRICT, NETWORK
from carecore.thai import thai_order
from districts import selectors
from districts.forms import DistrictStaffCreateForm, SchoolLeaderGrantForm
from districts.routes import pages
from schools.forms import StaffEditForm
from schools.models import School
from schools.selectors import current_academic_year
from schools.views import staff_account_created


def _schools_context(request, **place) -> dict:
    """The common part of a district's and a network's page: the summaries of the place's
    schools (``district=`` or ``network=``) this academic year, their students in all, and
    what waits for the user."""
    academic_year = current_academic_year()
    schools = selectors.school_summaries(
        schools=School.objects.filter(**place), academic_year=academic_year
    )
    return {
        "academic_year": academic_year,
        "schools": schools,
        "student_total": sum(s.student_count for s in schools),
        "waiting": notifications_for_home(request.user),
    }


@pages(DISTRICT)
@district_view(Perm.VIEW_DISTRICT)
def district_detail(request):
    context = _schools_context(request, district=request.district)
    networks = selectors.network_summaries(district=request.district, schools=context["schools"])
    return render(
        request,
        "districts/district_detail.html",
        {"district": request.district, "networks": networks, **context},
    )


@pages(NETWORK)
@network_view(Perm.VIEW_AGGREGATES)
def network_detail(request):
    return render(
        request,
        "districts/network_detail.html",
        {
            "network": request.network,
            "can_view_district": Perm.VIEW_DISTRICT in request.networkperms,
            **_schools_context(request, network=request.network),
        },
    )


@pages(DISTRICT + "staff/")
@district_view(Perm.MANAGE_DISTRICT_STAFF)
def district_staff_list(request):
    district = request.district
    # "Directors and coordinators of a school" (a plain GET form): to that school's page.
    school_code = request.GET.get("school", "")
    if school_code:
        school = School.objects.filter(district=district, code=school_code[:20]).first()
        if school is not None:
            return redirect(
                "districts:school_leaders", district_code=district.code, school_code=school.code
            )
    memberships = (
        Membership.objects.filter(
            Q(district=district)
            | Q(network__district=district)
            | Q(school__district=district, role__in=[Role.COORDINATOR, Role.DIRECTOR])
        )
        .select_related("user", "school", "network", "district")
        .order_by("role", thai_order("user__first_name"), thai_order("user__last_name"))
    )
    return render(
        request,
        "districts/staff_list.html",
        {
            "district": district,
            "memberships": memberships,
            "schools": School.objects.filter(district=district).order_by(thai_order("name")),
        },
    )


@pages(DISTRICT + "staff/new/")
@district_view(Perm.MANAGE_DISTRICT_STAFF)
def district_staff_create(request):
    form = DistrictStaffCreateForm(request.POST or None, district=request.district)
    if request.method == "POST" and form.is_valid():
        staff_account_created(request, form, [form.membership()])
        return redirect("districts:district_staff_list", district_code=request.district.code)
    return render(
        request, "districts/staff_form.html", {"district": request.district, "form": form}
    )


# --- separation of duties (helper duty) --------------------------------------------------------
def _district_memberships(district):
    return Membership.objects.filter(
        Q(district=district) | Q(network__district=district) | Q(school__district=district)
    )


@pages(DISTRICT + "staff/<int:user_id>/")
@district_view(Perm.MANAGE_DISTRICT_STAFF)
def district_staff_edit(request, user_id):
    """A person with a role in the district: their roles here, and their name, e-mail and
    password when the administrator outranks every role they hold (a password set here must be
    changed by its owner at the next log-in)."""
    district = request.district
    member = User.objects.filter(pk=user_id, memberships__in=_district_memberships(district))
    member = member.distinct().first()
    if member is None:
        raise Http404
    memberships = (
        Membership.objects.filter(user=member)
        .select_related("school", "network", "district")
        .order_by("role")
    )
    can_edit_account = can_manage_account(request.user, member)
    form = None
    if can_edit_account:
        initial = {
            f: getattr(member, f) for f in ("prefix", "first_name", "last_name", "email", "phone")
        }
        form = StaffEditForm(
            request.POST if request.method == "POST" else None,
            user=member,
            initial=initial,
            can_reset_two_factor=member.pk != request.user.pk
            and account_services.two_factor_in_use(member),
        )
        if request.method == "POST" and form.is_valid():
            account_services.staff_account_update(
                user=member,
                **form.details(),
                changed_by=request.user,
                district=district,
                request=request,
            )
            if form.cleaned_data.get("reset_two_factor"):
                account_services.staff_two_factor_reset(
                    user=member, changed_by=request.user, district=district, request=request
                )
            if member.pk == request.user.pk and form.cleaned_data["new_password"]:
                update_session_auth_hash(request, member)
            messages.success(
                request, _("Changes to %(name)s saved.") % {"name": member.display_name}
            )
            return redirect("districts:district_staff_list", district_code=district.code)
    return render(
        request,
        "districts/staff_edit.html",
        {"district": district, "member": member, "memberships": memberships, "form": form},
    )


@pages(DISTRICT + "schools/<school_code:school_code>/leaders/")
@district_view(Perm.MANAGE_DISTRICT_STAFF)
def school_leaders(request, school_code):
    """The directors and coordinators of one school of the district: only the district
    administrator gives and takes these roles."""
    district = request.district
    school = School.objects.filter(district=district, code=school_code).first()
    if school is None:
        raise Http404
    form = SchoolLeaderGrantForm(school=school)
    if request.method == "POST" and request.POST.get("action") == "remove":
        membership = Membership.objects.filter(
            pk=key_or_none(request.POST.get("membership")),
            school=school,
            role__in=LEADER_ROLES,
        ).first()
        if membership is not None:
            account_services.school_role_remove(
                user=membership.user,
                school=school,
                role=membership.role,
                changed_by=request.user,
                request=request,
            )
            messages.success(
                request,
                _("%(name)s is no longer %(role)s.")
                % {"name": membership.user.display_name, "role": membership.get_role_display()},
            )
        return redirect(
            "districts:school_leaders", district_code=district.code, school_code=school.code
        )
    if request.method == "POST":
        form = SchoolLeaderGrantForm(request.POST, school=school)
        if form.is_valid():
            person, role = form.cleaned_data["person"], form.cleaned_data["role"]
            account_services.school_role_grant(
                user=person, school=school, role=role, changed_by=request.user, request=request
            )
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": person.display_name, "role": Role(role).label},
            )
            return redirect(
                "districts:school_leaders", district_code=district.code, school_code=school.code
            )
    leaders = (
        Membership.objects.filter(school=school, role__in=LEADER_ROLES)
        .select_related("user")
        .order_by("role", thai_order("user__first_name"))
    )
    return render(
        request,
        "districts/school_leaders.html",
        {"district": district, "school": school, "leaders": leaders, "form": form},
    )


# --- end separation of duties ------------------------------------------------------------------

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from carecore import services as account_services
from carecore.access import Perm, district_view, network_view
from carecore.models import Membership, Role
from carecore.notifications import notifications_for_home
from carecore.thai import thai_order
from districts import selectors
from districts.forms import DistrictStaffCreateForm
from schools.models import School
from schools.selectors import current_academic_year


@district_view(Perm.VIEW_DISTRICT)
def district_detail(request):
    academic_year = current_academic_year()
    schools = selectors.school_summaries(
        schools=School.objects.filter(district=request.district), academic_year=academic_year
    )
    networks = selectors.network_summaries(district=request.district, schools=schools)
    return render(
        request,
        "districts/district_detail.html",
        {
            "district": request.district,
            "academic_year": academic_year,
            "schools": schools,
            "networks": networks,
            "student_total": sum(s.student_count for s in schools),
            "waiting": notifications_for_home(request.user),
        },
    )


@network_view(Perm.VIEW_AGGREGATES)
def network_detail(request):
    academic_year = current_academic_year()
    schools = selectors.school_summaries(
        schools=School.objects.filter(network=request.network), academic_year=academic_year
    )
    return render(
        request,
        "districts/network_detail.html",
        {
            "network": request.network,
            "academic_year": academic_year,
            "schools": schools,
            "student_total": sum(s.student_count for s in schools),
            "can_view_district": Perm.VIEW_DISTRICT in request.networkperms,
            "waiting": notifications_for_home(request.user),
        },
    )


@district_view(Perm.MANAGE_DISTRICT_STAFF)
def district_staff_list(request):
    district = request.district
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
        {"district": district, "memberships": memberships},
    )


@district_view(Perm.MANAGE_DISTRICT_STAFF)
def district_staff_create(request):
    form = DistrictStaffCreateForm(request.POST or None, district=request.district)
    if request.method == "POST" and form.is_valid():
        user = account_services.staff_account_create(
            **form.account_fields(),
            memberships=[form.membership()],
            created_by=request.user,
        )
        messages.success(
            request,
            _("Account %(username)s created for %(name)s.")
            % {"username": user.username, "name": user.display_name},
        )
        return redirect("districts:district_staff_list", district_code=request.district.code)
    return render(
        request, "districts/staff_form.html", {"district": request.district, "form": form}
    )

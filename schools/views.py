from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from carecore import accounts as account_services
from carecore.access import (
    Perm,
    can_grant_role,
    can_manage_account,
    get_access,
    landing_url,
    own_classroom_ids,
    school_view,
    user_school_scope,
    visible_classroom_ids,
)
from carecore.models import SCHOOL_ROLES, Membership, Role, User
from carecore.notifications import notifications_for_home
from schools import selectors, services
from schools.access import classroom_get_for_user
from schools.forms import (
    HomeroomTeachersForm,
    SchoolRolesForm,
    SchoolStaffCreateForm,
    StaffEditForm,
)
from schools.routes import pages, start_pages


@start_pages("classrooms/")
@login_required
def my_classrooms(request):
    """A homeroom teacher's landing page: their classrooms this year, at every school."""
    landing = None if get_access(request).places() else landing_url(request.user)
    if landing:  # a parent or a student has no classroom: their portal
        return redirect(landing)
    academic_year = selectors.current_academic_year()
    with user_school_scope(request, Role.HOMEROOM):
        classrooms = list(
            selectors.classroom_list_for_teacher(user=request.user, academic_year=academic_year)
        )
        return render(
            request,
            "schools/my_classrooms.html",
            {
                "classrooms": classrooms,
                "academic_year": academic_year,
                "waiting": notifications_for_home(request.user),
            },
        )


@pages("")
@school_view(Perm.VIEW_SCHOOL)
def school_detail(request):
    classrooms = list(
        selectors.classroom_list(school=request.school, academic_year=request.academic_year)
    )
    own = set(own_classroom_ids(request))
    visible = visible_classroom_ids(request)
    for classroom in classrooms:
        classroom.is_own = classroom.pk in own
        classroom.can_open = visible is None or classroom.pk in visible
    return render(
        request,
        "schools/school_detail.html",
        {
            "school": request.school,
            "classrooms": classrooms,
            "student_total": sum(c.student_count for c in classrooms),
            "academic_year": request.academic_year,
            "waiting": notifications_for_home(request.user),
        },
    )


@pages("classrooms/<int:classroom_id>/teachers/")
@school_view(Perm.ASSIGN_HOMEROOM)
def classroom_teachers(request, classroom_id):
    classroom = classroom_get_for_user(request, classroom_id, students=False)
    candidates = selectors.homeroom_candidates(school=request.school)
    current = list(classroom.assignments.values_list("teacher_id", flat=True))
    if request.method == "POST":
        form = HomeroomTeachersForm(request.POST, candidates=candidates)
        if form.is_valid():
            services.homeroom_teachers_set(
                classroom=classroom, teachers=form.cleaned_data["teachers"]
            )
            messages.success(
                request, _("Homeroom teachers of %(room)s saved.") % {"room": classroom}
            )
            return redirect("schools:school_detail", school_code=request.school.code)
    else:
        form = HomeroomTeachersForm(candidates=candidates, initial={"teachers": current})
    return render(
        request,
        "schools/classroom_teachers.html",
        {"school": request.school, "classroom": classroom, "form": form},
    )


@pages("staff/")
@school_view(Perm.MANAGE_STAFF)
def staff_list(request):
    return render(
        request,
        "schools/staff_list.html",
        {"school": request.school, "staff": selectors.school_staff(school=request.school)},
    )


def _grantable_roles(request) -> set[str]:
    """The school roles the signed-in user may give or take here (separation of duties)."""
    return {
        role for role in SCHOOL_ROLES if can_grant_role(request.user, role, school=request.school)
    }


def staff_account_created(request, form, memberships: list[dict]) -> User:
    """A staff-creation page's valid POST (the school's, the district's): the account the form
    describes, with ``memberships``, and the message that says so."""
    user = account_services.staff_account_create(
        **form.account_fields(),
        memberships=memberships,
        created_by=request.user,
        request=request,
    )
    messages.success(
        request,
        _("Account %(username)s created for %(name)s.")
        % {"username": user.username, "name": user.display_name},
    )
    return user


@pages("staff/new/")
@school_view(Perm.MANAGE_STAFF)
def staff_create(request):
    form = SchoolStaffCreateForm(request.POST or None, grantable=_grantable_roles(request))
    if request.method == "POST" and form.is_valid():
        roles = form.cleaned_data["roles"]
        staff_account_created(
            request, form, [{"role": role, "school": request.school} for role in roles]
        )
        return redirect("schools:staff_list", school_code=request.school.code)
    return render(request, "schools/staff_form.html", {"school": request.school, "form": form})


def _staff_member_get(request, user_id) -> User:
    """A person with a role at the request's school; anyone else answers 404."""
    user = User.objects.filter(pk=user_id, memberships__school=request.school).distinct().first()
    if user is None:
        raise Http404
    return user


@pages("staff/<int:user_id>/")
@school_view(Perm.MANAGE_STAFF)
def staff_edit(request, user_id):
    member = _staff_member_get(request, user_id)
    # Account details (name, e-mail, password) can be changed only by someone who outranks every
    # role the person holds, at its place (carecore.access.can_manage_account): a coordinator
    # never changes a director's or another coordinator's, nor those of a person who also works
    # elsewhere; then only the roles here that the coordinator may give can be changed.
    can_edit_account = can_manage_account(request.user, member)
    roles_elsewhere = Membership.objects.filter(user=member).exclude(school=request.school).exists()
    current_roles = sorted(
        Membership.objects.filter(user=member, school=request.school).values_list("role", flat=True)
    )
    is_self = member.pk == request.user.pk
    details_initial = {
        f: getattr(member, f) for f in ("prefix", "first_name", "last_name", "email", "phone")
    }
    post = request.POST if request.method == "POST" else None
    roles_form = SchoolRolesForm(
        post,
        is_self=is_self,
        grantable=_grantable_roles(request),
        current=current_roles,
        initial={"roles": current_roles},
        prefix="r",
    )
    details_form = (
        StaffEditForm(
            post,
            user=member,
            initial=details_initial,
            prefix="d",
            can_reset_two_factor=not is_self and account_services.two_factor_in_use(member),
        )
        if can_edit_account
        else None
    )
    if (
        post is not None
        and roles_form.is_valid()
        and (details_form is None or details_form.is_valid())
    ):
        if details_form is not None:
            account_services.staff_account_update(
                user=member,
                **details_form.details(),
                changed_by=request.user,
                school=request.school,
                request=request,
            )
            if details_form.cleaned_data.get("reset_two_factor"):
                account_services.staff_two_factor_reset(
                    user=member, changed_by=request.user, school=request.school, request=request
                )
            if is_self and details_form.cleaned_data["new_password"]:
                # Changing one's own password must not log one out.
                update_session_auth_hash(request, member)
        account_services.school_roles_set(
            user=member,
            school=request.school,
            roles=roles_form.cleaned_data["roles"],
            changed_by=request.user,
            request=request,
        )
        messages.success(request, _("Changes to %(name)s saved.") % {"name": member.display_name})
        return redirect("schools:staff_list", school_code=request.school.code)
    return render(
        request,
        "schools/staff_edit.html",
        {
            "school": request.school,
            "member": member,
            "roles_form": roles_form,
            "details_form": details_form,
            "roles_elsewhere": roles_elsewhere,
        },
    )


@start_pages("")
@login_required
def home(request):
    """Send each user to where their work is: a teacher to their classrooms, school staff to their
    school, supervisors to their network or district."""
    access = get_access(request)
    places = access.places()
    if not places:
        landing = landing_url(request.user)  # a parent or a student: their portal
        return redirect(landing) if landing else render(request, "home_no_access.html")
    roles = {m.role for m in places}
    if roles == {Role.HOMEROOM}:
        return redirect("my_classrooms")
    first = next((m for m in places if m.school_id and m.role != Role.HOMEROOM), places[0])
    if first.school_id:
        return redirect("schools:school_detail", school_code=first.school.code)
    if first.network_id:
        return redirect("districts:network_detail", network_id=first.network_id)
    if first.district_id:
        return redirect("districts:district_detail", district_code=first.district.code)
    return redirect("dash_national:overview")

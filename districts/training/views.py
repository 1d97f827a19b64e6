"""The training pages (docs/district-work.md, "Training").

- Under /d/<district>/training/: the district's staff (``Perm.VIEW_DISTRICT``) read the figure
  "every teacher trained at least once this year" per school and for the district, and the
  district office's courses; ``Perm.MANAGE_TRAINING`` records a course with many attendees from
  the district's schools at once.
- Under /s/<school>/training/: the school's director and coordinator (``Perm.MANAGE_TRAINING``)
  record their staff's training, and see who has not been trained this year.
Staff are named, never a student.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from care.activities.forms import attachment_content_type
from carecore.access import Perm, district_view, school_view
from carecore.file_views import private_file_response
from carecore.form_views import form_saved
from carecore.models import SCHOOL_ROLES, Membership
from districts.deadlines.views import _chosen_year
from districts.training import selectors, services
from districts.training.access import course_get_for_district, course_get_for_school
from districts.training.forms import CourseForm
from districts.training.models import Course
from districts.training.routes import district_pages, school_pages
from schools.models import AcademicYear


def _years(request):
    years = list(AcademicYear.objects.order_by("-year"))
    return years, _chosen_year(request, years, timezone.localdate())


def _certificate(course: Course) -> FileResponse:
    """A course's file, only through a permission-checked page (never from /media/)."""
    if not course.certificate:
        raise Http404
    suffix = course.certificate.name.rsplit(".", 1)[-1]
    return private_file_response(
        course.certificate,
        filename=f"{course.title[:80]}.{suffix}",
        content_type=attachment_content_type(course.certificate.name),
    )


def _course_page(request, course, attendees, *, place, namespace, kwargs, can_delete):
    """A course with its attendees (at a school, of the school), its file, and its removal."""
    return render(
        request,
        "training/course_detail.html",
        {
            **place,
            "course": course,
            "attendees": list(attendees.select_related("school")),
            "can_delete": can_delete,
            "file_url": reverse(f"{namespace}:certificate", kwargs=kwargs),
            "delete_url": reverse(f"{namespace}:delete", kwargs=kwargs),
        },
    )


def _course_form_page(request, form, *, place: dict, cancel_url: str):
    return render(
        request, "training/course_form.html", {**place, "form": form, "cancel_url": cancel_url}
    )


def _save_course(request, form, *, school=None, then):
    return form_saved(
        request,
        form,
        lambda data: services.course_create(
            district=request.district if school is None else school.district,
            school=school,
            title=data["title"],
            provider=data["provider"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            hours=data["hours"],
            memberships=data["attendees"],
            others=data["others"],
            certificate=data["certificate"],
            user=request.user,
        ),
        success=lambda c: (
            _("The course “%(title)s” is recorded with %(n)s attendees.")
            % {"title": c.title, "n": c.attendees.count()}
        ),
        then=then,
    )


# --- the district -------------------------------------------------------------------------------
@district_pages("", name="list")
@district_view(Perm.VIEW_DISTRICT)
def district_list(request):
    years, year = _years(request)
    return render(
        request,
        "training/district_list.html",
        {
            "district": request.district,
            "years": years,
            "year": year,
            "figure": selectors.figure(request.district, year) if year else None,
            "courses": selectors.district_courses(request.district, year) if year else [],
            "can_manage": Perm.MANAGE_TRAINING in request.districtperms,
        },
    )


@district_pages("new/", name="create")
@district_view(Perm.MANAGE_TRAINING)
def district_create(request):
    memberships = selectors.staff_choices(
        Membership.objects.filter(school__district=request.district, role__in=SCHOOL_ROLES)
    )
    form = CourseForm(
        request.POST or None, request.FILES or None, memberships=memberships, with_school=True
    )
    saved = _save_course(
        request,
        form,
        then=lambda c: reverse(
            "training:course",
            kwargs={"district_code": request.district.code, "training_course_id": c.pk},
        ),
    )
    return saved or _course_form_page(
        request,
        form,
        place={"district": request.district},
        cancel_url=reverse("training:list", kwargs={"district_code": request.district.code}),
    )


@district_pages("<int:training_course_id>/", name="course")
@district_view(Perm.VIEW_DISTRICT)
def district_course(request, training_course_id):
    course = course_get_for_district(request, training_course_id)
    return _course_page(
        request,
        course,
        course.attendees.all(),
        place={"district": request.district},
        namespace="training",
        kwargs={"district_code": request.district.code, "training_course_id": course.pk},
        can_delete=Perm.MANAGE_TRAINING in request.districtperms and not course.school_id,
    )


@district_pages("<int:training_course_id>/file/", name="certificate")
@district_view(Perm.VIEW_DISTRICT)
def district_certificate(request, training_course_id):
    return _certificate(course_get_for_district(request, training_course_id))


@district_pages("<int:training_course_id>/delete/", name="delete")
@district_view(Perm.MANAGE_TRAINING)
@require_POST
def district_delete(request, training_course_id):
    course = course_get_for_district(request, training_course_id)
    if course.school_id is not None:
        raise Http404  # a school's course is the school's to remove
    services.course_delete(course)
    messages.success(request, _("The course “%(title)s” is removed.") % {"title": course.title})
    return redirect("training:list", district_code=request.district.code)


# --- the school ---------------------------------------------------------------------------------
@school_pages("", name="list")
@school_view(Perm.MANAGE_TRAINING)
def school_list(request):
    years, year = _years(request)
    staff = selectors.school_staff(request.school, year) if year else []
    return render(
        request,
        "training/school_list.html",
        {
            "school": request.school,
            "years": years,
            "year": year,
            "courses": selectors.school_courses(request.school, year) if year else [],
            "staff": staff,
            "trained": sum(1 for s in staff if s.hours),
        },
    )


@school_pages("new/", name="create")
@school_view(Perm.MANAGE_TRAINING)
def school_create(request):
    memberships = selectors.staff_choices(selectors.staff_memberships([request.school.pk]))
    form = CourseForm(
        request.POST or None, request.FILES or None, memberships=memberships, with_school=False
    )
    saved = _save_course(
        request,
        form,
        school=request.school,
        then=lambda c: reverse(
            "training_school:course",
            kwargs={"school_code": request.school.code, "training_course_id": c.pk},
        ),
    )
    return saved or _course_form_page(
        request,
        form,
        place={"school": request.school},
        cancel_url=reverse("training_school:list", kwargs={"school_code": request.school.code}),
    )


@school_pages("<int:training_course_id>/", name="course")
@school_view(Perm.MANAGE_TRAINING)
def school_course(request, training_course_id):
    course = course_get_for_school(request, training_course_id)
    attendees = course.attendees.all()
    if course.school_id is None:
        attendees = attendees.filter(school=request.school)  # the district's: this school's
    return _course_page(
        request,
        course,
        attendees,
        place={"school": request.school},
        namespace="training_school",
        kwargs={"school_code": request.school.code, "training_course_id": course.pk},
        can_delete=course.school_id == request.school.pk,
    )


@school_pages("<int:training_course_id>/file/", name="certificate")
@school_view(Perm.MANAGE_TRAINING)
def school_certificate(request, training_course_id):
    return _certificate(course_get_for_school(request, training_course_id))


@school_pages("<int:training_course_id>/delete/", name="delete")
@school_view(Perm.MANAGE_TRAINING)
@require_POST
def school_delete(request, training_course_id):
    course = course_get_for_school(request, training_course_id)
    if course.school_id != request.school.pk:
        raise Http404  # the district's course is the district's to remove
    services.course_delete(course)
    messages.success(request, _("The course “%(title)s” is removed.") % {"title": course.title})
    return redirect("training_school:list", school_code=request.school.code)

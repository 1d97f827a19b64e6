"""Staff pages for family accounts (docs/portal.md, "Accounts"): which classrooms' families have
accounts, a classroom's parents and student accounts, the printing of its slips, and taking a
parent off a child. The homeroom teacher for their own classrooms, the coordinator for every
one (``Perm.ISSUE_FAMILY_ACCOUNTS`` and a classroom whose students one may see)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from carecore.access import Perm, school_view, visible_classroom_ids
from carecore.audit import audit_record
from carecore.file_views import school_document_start
from carecore.form_views import classroom_page
from carecore.models import AuditEvent
from portal.routes import staff_pages
from portal.slips import student_accounts_allowed
from schools.access import classroom_get_for_user
from schools.models import Classroom
from students.family_models import FamilyKind, GuardianLink, StudentAccount
from students.models import Enrolment


@staff_pages("")
@school_view(Perm.ISSUE_FAMILY_ACCOUNTS)
def accounts_home(request):
    """The classrooms whose slips the user may print, each with how many of its students have
    a parent's account and their own."""
    visible = visible_classroom_ids(request)
    classrooms = Classroom.objects.filter(
        school=request.school, academic_year=request.academic_year
    )
    if visible is not None:
        classrooms = classrooms.filter(pk__in=visible)
    active = Q(enrolments__student__guardian_links__revoked_at__isnull=True)
    classrooms = classrooms.annotate(
        students=Count("enrolments", distinct=True),
        with_parent=Count(
            "enrolments__student",
            filter=active & Q(enrolments__student__guardian_links__isnull=False),
            distinct=True,
        ),
        with_account=Count(
            "enrolments__student",
            filter=Q(enrolments__student__account__isnull=False),
            distinct=True,
        ),
    ).order_by("grade", "room")
    return render(
        request,
        "portal/staff/accounts_home.html",
        {"school": request.school, "classrooms": list(classrooms)},
    )


def _classroom(request, classroom_id) -> Classroom:
    # 404 outside the school, 403 for a classroom whose students one may not see.
    return classroom_get_for_user(request, classroom_id)


@staff_pages("classrooms/<int:classroom_id>/")
@school_view(Perm.ISSUE_FAMILY_ACCOUNTS)
def classroom_accounts(request, classroom_id):
    """Each student of the classroom with their parents' accounts and their own; the buttons
    that print the slips."""
    classroom = _classroom(request, classroom_id)
    enrolments = list(
        Enrolment.objects.filter(classroom=classroom).select_related("student").order_by("number")
    )
    student_ids = [e.student_id for e in enrolments]
    links: dict[int, list] = {}
    for link in (
        GuardianLink.objects.active()
        .filter(student_id__in=student_ids)
        .select_related("user", "guardian")
        .order_by("created")
    ):
        links.setdefault(link.student_id, []).append(link)
    accounts = {
        a.student_id: a
        for a in StudentAccount.objects.filter(student_id__in=student_ids).select_related("user")
    }
    rows = [
        {
            "enrolment": e,
            "links": links.get(e.student_id, []),
            "account": accounts.get(e.student_id),
        }
        for e in enrolments
    ]
    return classroom_page(
        request,
        "portal/staff/classroom_accounts.html",
        classroom,
        audit=_("Viewed the family accounts of %(room)s"),
        rows=rows,
        student_accounts=student_accounts_allowed(classroom),
    )


@staff_pages("classrooms/<int:classroom_id>/slips/")
@school_view(Perm.ISSUE_FAMILY_ACCOUNTS)
@require_POST
def classroom_slips(request, classroom_id):
    """Print the classroom's slips for parents (``kind=parent``, the default) or for the
    students (a job): each slip a new one-time code."""
    classroom = _classroom(request, classroom_id)
    kind = request.POST.get("kind") or FamilyKind.PARENT
    if kind not in FamilyKind.values:
        kind = FamilyKind.PARENT
    back = reverse(
        "portal_staff:classroom_accounts",
        kwargs={"school_code": request.school.code, "classroom_id": classroom.pk},
    )
    if kind == FamilyKind.STUDENT and not student_accounts_allowed(classroom):
        messages.error(request, _("Students have their own accounts from P.4 up."))
        return redirect(back)
    students = [
        e.student for e in Enrolment.objects.filter(classroom=classroom).select_related("student")
    ]
    if kind == FamilyKind.PARENT:
        title = _("Parent account slips %(classroom)s") % {"classroom": classroom}
    else:
        title = _("Student account slips %(classroom)s") % {"classroom": classroom}
    # Each child's name and a code that opens an account about them is on the paper.
    return school_document_start(
        request,
        kind="family_slips",
        title=title,
        params={
            "classroom_id": classroom.pk,
            "kind": kind,
            "portal_url": request.build_absolute_uri(reverse("portal:redeem")),
        },
        students=students,
        obj=classroom,
        permission=Perm.ISSUE_FAMILY_ACCOUNTS,
    )


@staff_pages("links/<int:link_id>/revoke/")
@school_view(Perm.ISSUE_FAMILY_ACCOUNTS)
@require_http_methods(["GET", "HEAD", "POST"])
def link_revoke(request, link_id):
    """Take a parent's account off a child (asked again on a page first); the account keeps its
    other children, the row stays as the history, and logging in by phone does not make the
    link again."""
    link = (
        GuardianLink.objects.active()
        .filter(pk=link_id, student__school=request.school)
        .select_related("student", "user")
        .first()
    )
    if link is None:
        raise Http404
    enrolment = (
        Enrolment.objects.filter(student=link.student, academic_year=request.academic_year)
        .select_related("classroom")
        .first()
    )
    if enrolment is None:
        raise Http404
    visible = visible_classroom_ids(request)
    if visible is not None and enrolment.classroom_id not in visible:
        raise PermissionDenied
    if request.method != "POST":
        return render(
            request,
            "portal/staff/link_revoke.html",
            {"school": request.school, "link": link, "classroom": enrolment.classroom},
        )
    link.revoked_at = timezone.now()
    link.revoked_by = request.user
    link.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        action=AuditEvent.Action.DELETE,
        user=request.user,
        student=link.student,
        school=request.school,
        summary=_("Parent account %(name)s taken off the student") % {"name": link.user.username},
        request=request,
    )
    messages.success(
        request,
        _("The account %(name)s no longer sees %(student)s.")
        % {"name": link.user.username, "student": link.student.full_name},
    )
    return redirect(
        "portal_staff:classroom_accounts",
        school_code=request.school.code,
        classroom_id=enrolment.classroom_id,
    )

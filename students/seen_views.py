""" "Who has seen this record" (PDPA, docs/privacy.md): for one student, the audit log's rows
(who, their role, when, what: viewed, changed, printed or exported, ...), newest first, 50 a
page, dates in the Buddhist Era. The director's page (``Perm.VIEW_AUDIT_LOG`` at the school,
and the student must be one they may see), linked from the student's page; it reads the
school's audit log through the same selector and filters as /s/<code>/audit/."""

from __future__ import annotations

from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext as _

from carecore.access import Perm, school_view
from carecore.audit import audit_events_for_school, audit_view
from carecore.audit_views import PAGE_SIZE, AuditFilterForm, change_rows
from carecore.models import Membership
from students.access import student_get_for_user
from students.routes import pages


class SeenFilterForm(AuditFilterForm):
    """The audit log's filters without the student (the page is one student's)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["student"]


def _filters(form: SeenFilterForm) -> dict:
    """The filters filled in correctly (a field with an error is left out; its message shows)."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return {k: v for k, v in form.cleaned_data.items() if k not in form.errors}


def _roles_now(school, user_ids) -> dict[int, str]:
    """Each person's roles at the school, its network or its district today (one query): the
    log keeps who acted, not the role they acted in."""
    place = Q(school=school) | Q(district_id=school.district_id)
    if school.network_id:
        place |= Q(network_id=school.network_id)
    roles: dict[int, list[str]] = defaultdict(list)
    for membership in Membership.objects.filter(place, user_id__in=user_ids).order_by("role"):
        label = str(membership.get_role_display())
        if label not in roles[membership.user_id]:
            roles[membership.user_id].append(label)
    return {user_id: ", ".join(labels) for user_id, labels in roles.items()}


@pages("<int:student_id>/seen-by/")
@school_view(Perm.VIEW_AUDIT_LOG)
def seen_by(request, student_id):
    student = student_get_for_user(request, student_id)
    audit_view(request, _("Viewed who has seen the student record"), student=student)
    form = SeenFilterForm(request.GET or None)
    filters = {**_filters(form), "student": str(student.pk)}
    events = audit_events_for_school(school=request.school, filters=filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    roles = _roles_now(request.school, {e.user_id for e in page if e.user_id})
    for event in page:
        event.change_rows = change_rows(event)
        event.role_now = roles.get(event.user_id, "")
    return render(
        request,
        "students/seen_by.html",
        {"school": request.school, "student": student, "form": form, "page_obj": page},
    )

"""Care activities: record them for a classroom or for chosen students, list a classroom's, show
a student's, edit and delete, and download an attachment.

Who (carecore.access, docs/care.md):
- recording needs Perm.RECORD_CARE (homeroom teachers for their own students, the counsellor, the
  coordinator); the students come from ``students_for_user``;
- an activity is seen by whoever may see at least one of its students, and only those students
  are named to them;
- editing and deleting: whoever recorded it, or the coordinator;
- counselling notes: ``counselling_notes_student_ids`` (homeroom teachers, counsellor,
  director), each reading audited.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from care.access import (
    can_change_care_activity,
    care_activity_get_for_change,
    care_activity_get_for_user,
    counselling_notes_student_ids,
)
from care.activities import services
from care.activities.forms import ActivityForm, attachment_content_type
from care.models import ACTIVITY_CATEGORY, Activity, ActivityKind, ActivityParticipant, Category
from care.routes import pages
from carecore.access import Perm, own_classroom_ids, school_view, visible_classroom_ids
from carecore.audit import audit_view, model_changes
from carecore.form_views import classroom_page, form_saved
from carecore.models import AuditEvent
from schools.access import classroom_get_for_user
from schools.models import Classroom
from schools.selectors import term_code
from screening.selectors import term_chooser
from screening.summary_views import classroom_term
from students.access import student_get_for_user, students_for_user
from students.models import Enrolment, Student
from students.selectors import search_enrolments

SEARCH_LIMIT = 60


# --- helpers ------------------------------------------------------------------------------------
def kind_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The kinds, grouped by what they count as (for the radio buttons)."""
    return [
        (
            label,
            [(k, kl) for k, kl in ActivityKind.choices if ACTIVITY_CATEGORY[k] == category],
        )
        for category, label in Category.choices
    ]


def _roster(classroom) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(classroom=classroom).select_related("student").order_by("number")
    )


def _visible_classrooms(request):
    qs = Classroom.objects.filter(school=request.school, academic_year=request.academic_year)
    visible = visible_classroom_ids(request)
    if visible is not None:
        qs = qs.filter(pk__in=visible)
    return list(qs.order_by("grade", "room"))


def _int_list(values) -> list[int]:
    out = []
    for value in values:
        value = (value or "").strip()
        if value.isdigit() and len(value) <= 18:
            out.append(int(value))
    return out


def _save_kwargs(form) -> dict:
    data = form.cleaned_data
    return {
        "kind": data["kind"],
        "date": data["date"],
        "topic": data["topic"],
        "students": list(data.get("students") or []),
        "pairs": data.get("pairs") or [],
        "notes": data.get("notes") or "",
        "sensitive_notes": data.get("sensitive_notes") or "",
        "details": form.details(),
    }


def _audit_created(request, activity) -> None:
    students = [p.student for p in activity.participants.select_related("student")]
    audit_view(
        request,
        _("Recorded a care activity: %(kind)s, %(topic)s")
        % {"kind": activity.get_kind_display(), "topic": activity.topic},
        obj=activity,
        students=students,
        action=AuditEvent.Action.CREATE,
    )


def _form_page(request, form, rows, *, mode, classroom=None, activity=None, **extra):
    """The activity's form (``mode``: for a classroom, for chosen students, or editing), with
    ``rows`` of students to tick."""
    ticked = set()
    if form.is_bound:
        ticked = set(_int_list(form.data.getlist("students")))
    else:
        ticked = {s.pk for s in form.initial.get("students", [])}
    context = {
        "school": request.school,
        "form": form,
        "mode": mode,
        "classroom": classroom,
        "activity": activity,
        "kind_groups": kind_groups(),
        "rows": [(row, row["student"].pk in ticked) for row in rows],
        "pair_students": [row["student"] for row in rows],
        **extra,
    }
    return render(request, "care/activity_form.html", context)


def _saved_message(activity) -> str:
    n = activity.participants.count()
    return ngettext(
        "Saved: %(kind)s for %(n)s student.", "Saved: %(kind)s for %(n)s students.", n
    ) % {"kind": activity.get_kind_display(), "n": n}


def _record(request, form, classroom=None):
    """Record the activity, and its audit events in the same transaction."""
    with transaction.atomic():
        activity = services.activity_record(
            school=request.school,
            classroom=classroom,
            user=request.user,
            attachment=form.cleaned_data.get("attachment"),
            **_save_kwargs(form),
        )
        _audit_created(request, activity)
    return activity


def _classroom_activities_url(request, classroom_id, term) -> str:
    url = reverse(
        "care:classroom_activities",
        kwargs={"school_code": request.school.code, "classroom_id": classroom_id},
    )
    return f"{url}?term={term_code(term)}"


def _activity_url(request, activity) -> str:
    return reverse(
        "care:activity_detail",
        kwargs={"school_code": request.school.code, "activity_id": activity.pk},
    )


def _row(student, number=None, room=None) -> dict:
    return {"student": student, "number": number, "room": room}


# --- recording ----------------------------------------------------------------------------------
@pages("classrooms/<int:classroom_id>/activities/new/")
@school_view(Perm.RECORD_CARE)
def classroom_activity_create(request, classroom_id):
    """A classroom's activity: every student of the room ticked, untick those absent."""
    classroom = classroom_get_for_user(request, classroom_id)
    roster = _roster(classroom)
    allowed = students_for_user(request).filter(enrolments__classroom=classroom)
    rows = [_row(e.student, e.number) for e in roster]
    form = ActivityForm(
        request.POST or None,
        request.FILES or None,
        allowed=allowed,
        initial={"students": [e.student for e in roster], "kind": ActivityKind.HOMEROOM},
    )
    saved = form_saved(
        request,
        form,
        lambda _data: _record(request, form, classroom),
        success=_saved_message,
        then=lambda activity: _classroom_activities_url(request, classroom.pk, activity.term),
    )
    if saved:
        return saved
    return _form_page(request, form, rows, mode="classroom", classroom=classroom)


@pages("activities/new/")
@school_view(Perm.RECORD_CARE)
def activity_create(request):
    """An activity for chosen students: a checklist of a classroom's students (the user's own
    first), a search, and students preselected with ``?student=``. "Find" posts the whole form
    back without saving, so what was typed and ticked stays."""
    classrooms = _visible_classrooms(request)
    visible = students_for_user(request)
    source = request.POST if request.method == "POST" else request.GET
    finding = request.method == "POST" and "find" in request.POST
    preselected_ids = _int_list(request.GET.getlist("student"))
    chosen_classroom = None
    classroom_param = (source.get("classroom") or "").strip()
    query = (source.get("q") or "").strip()[:100]
    if classroom_param.isdigit():
        chosen_classroom = next((c for c in classrooms if str(c.pk) == classroom_param), None)
    elif classroom_param != "all" and not query:
        own = own_classroom_ids(request)
        chosen_classroom = next((c for c in classrooms if c.pk in own), None)
        if chosen_classroom is None and preselected_ids:
            enrolment = (
                Enrolment.objects.filter(
                    student_id=preselected_ids[0], academic_year=request.academic_year
                )
                .values_list("classroom_id", flat=True)
                .first()
            )
            chosen_classroom = next((c for c in classrooms if c.pk == enrolment), None)
    enrolments = Enrolment.objects.filter(
        academic_year=request.academic_year, student__in=visible
    ).select_related("student", "classroom")
    if chosen_classroom is not None:
        enrolments = enrolments.filter(classroom=chosen_classroom)
    if query:
        enrolments = search_enrolments(enrolments, query)
    listed = []
    if chosen_classroom is not None or query:
        listed = list(enrolments.order_by("classroom__grade", "classroom__room", "number"))
        listed = listed[:SEARCH_LIMIT] if chosen_classroom is None else listed
    rows = [_row(e.student, e.number, e.classroom) for e in listed]
    # Students ticked before (preselected, or posted) stay on the page even when not listed.
    ticked_ids = set(preselected_ids)
    keep_ids = set(preselected_ids)
    if request.method == "POST":
        ticked_ids = set(_int_list(request.POST.getlist("students")))
        keep_ids = set(ticked_ids)
        for key, value in request.POST.items():
            if key.startswith("pair_"):
                keep_ids |= set(_int_list([value]))
    keep_ids -= {row["student"].pk for row in rows}
    if keep_ids:
        for student in visible.filter(pk__in=keep_ids).order_by("-first_name"):
            rows.insert(0, _row(student))
    if finding:
        initial = {
            name: request.POST[name] for name in ActivityForm.base_fields if name in request.POST
        }
        initial.update(
            {k: v for k, v in request.POST.items() if k.startswith("pair_") and v.isdigit()}
        )
        initial["students"] = [r["student"] for r in rows if r["student"].pk in ticked_ids]
        form = ActivityForm(allowed=visible, initial=initial)
    else:
        preselected = [r["student"] for r in rows if r["student"].pk in set(preselected_ids)]
        form = ActivityForm(
            request.POST or None,
            request.FILES or None,
            allowed=visible,
            initial={"students": preselected},
        )
    if not finding and (
        saved := form_saved(
            request,
            form,
            lambda _data: _record(request, form),
            success=_saved_message,
            then=lambda activity: _activity_url(request, activity),
        )
    ):
        return saved
    return _form_page(
        request,
        form,
        rows,
        mode="chosen",
        classrooms=classrooms,
        chosen_classroom=chosen_classroom,
        query=query,
        search_limited=chosen_classroom is None and len(listed) >= SEARCH_LIMIT,
    )


# --- one activity -------------------------------------------------------------------------------
def _visible_participants(request, activity) -> tuple[list[ActivityParticipant], int]:
    participants = list(activity.participants.select_related("student", "partner"))
    visible_ids = set(
        students_for_user(request)
        .filter(pk__in=[p.student_id for p in participants])
        .values_list("pk", flat=True)
    )
    shown = [p for p in participants if p.student_id in visible_ids]
    shown.sort(key=lambda p: (p.role != "helper", p.student.first_name))
    return shown, len(participants) - len(shown)


def _notes_visible(request, activity, participant_ids) -> bool:
    """Counselling notes show when the user may read the notes of every student in the session."""
    if activity.kind != ActivityKind.COUNSELLING or not activity.sensitive_notes:
        return False
    ids = set(participant_ids)
    return bool(ids) and counselling_notes_student_ids(request, ids) == ids


def _audit_notes(request, activity, students) -> None:
    audit_view(request, _("Viewed counselling notes"), obj=activity, students=students)


@pages("activities/<int:activity_id>/")
@school_view(Perm.VIEW_SCHOOL)
def activity_detail(request, activity_id):
    activity = care_activity_get_for_user(request, activity_id)
    shown, hidden = _visible_participants(request, activity)
    all_ids = list(activity.participants.values_list("student_id", flat=True))
    notes_visible = _notes_visible(request, activity, all_ids)
    if notes_visible:
        _audit_notes(request, activity, [p.student for p in shown])
    audit_view(
        request, _("Viewed a care activity"), obj=activity, students=[p.student for p in shown]
    )
    return render(
        request,
        "care/activity_detail.html",
        {
            "school": request.school,
            "activity": activity,
            "participants": shown,
            "hidden_count": hidden,
            "notes_visible": notes_visible,
            "can_change": can_change_care_activity(request, activity),
            "content_type": attachment_content_type(activity.attachment_name or ""),
        },
    )


@pages("activities/<int:activity_id>/edit/")
@school_view(Perm.RECORD_CARE)
def activity_edit(request, activity_id):
    activity = care_activity_get_for_change(request, activity_id)
    visible = students_for_user(request)
    participants = list(activity.participants.select_related("student", "partner"))
    visible_ids = set(
        visible.filter(pk__in=[p.student_id for p in participants]).values_list("pk", flat=True)
    )
    hidden = [p.student for p in participants if p.student_id not in visible_ids]
    mine = [p for p in participants if p.student_id in visible_ids]
    if activity.classroom_id and activity.classroom_id in {
        c.pk for c in _visible_classrooms(request)
    }:
        roster = _roster(activity.classroom)
        rows = [_row(e.student, e.number) for e in roster]
    else:
        rows = []
    listed = {r["student"].pk for r in rows}
    rows += [_row(p.student) for p in mine if p.student_id not in listed]
    pairs = [p for p in mine if p.role == ActivityParticipant.Role.HELPER]
    # Counselling notes stay out of the form for an editor who may not read them (kept as
    # they are on save); showing them to one who may is a reading, audited.
    notes_readable = not activity.sensitive_notes or _notes_visible(
        request, activity, [p.student_id for p in participants]
    )
    initial = ActivityForm.initial_from(activity)
    if not notes_readable:
        initial["sensitive_notes"] = ""
    elif activity.sensitive_notes and request.method == "GET":
        _audit_notes(request, activity, [p.student for p in mine])
    initial["students"] = [p.student for p in mine]
    for i, p in enumerate(pairs, start=1):
        initial[f"pair_{i}_helper"] = p.student_id
        initial[f"pair_{i}_helped"] = p.partner_id
    form = ActivityForm(
        request.POST or None,
        request.FILES or None,
        allowed=visible,
        initial=initial,
        pair_rows=max(len(pairs) + 2, 5),
        has_attachment=bool(activity.attachment),
    )

    def save(_data):
        before = Activity(
            **{f: getattr(activity, f) for f in ("kind", "date", "topic", "notes", "details")}
        )
        before_ids = {p.student_id for p in participants}
        kwargs = _save_kwargs(form)
        # Students the editor may not see stay in the activity as they were.
        kwargs["students"] = kwargs["students"] + hidden
        if not notes_readable:
            kwargs["sensitive_notes"] = activity.sensitive_notes
        with transaction.atomic():
            saved = services.activity_update(
                activity=activity,
                attachment=form.cleaned_data.get("attachment"),
                remove_attachment=form.cleaned_data.get("remove_attachment", False),
                **kwargs,
            )
            changes = model_changes(before, saved, ["kind", "date", "topic", "notes"])
            after_ids = set(saved.participants.values_list("student_id", flat=True))
            audit_view(
                request,
                _("Changed a care activity: %(kind)s, %(topic)s")
                % {"kind": saved.get_kind_display(), "topic": saved.topic},
                obj=saved,
                students=Student.objects.filter(pk__in=before_ids | after_ids),
                action=AuditEvent.Action.CHANGE,
                changes=changes,
            )
        return saved

    saved = form_saved(
        request,
        form,
        save,
        success=_("Activity saved."),
        then=_activity_url(request, activity),
    )
    if saved:
        return saved
    return _form_page(
        request,
        form,
        rows,
        mode="edit",
        classroom=activity.classroom,
        activity=activity,
        hidden_count=len(hidden),
        notes_hidden=not notes_readable,
    )


@pages("activities/<int:activity_id>/delete/")
@school_view(Perm.RECORD_CARE)
def activity_delete(request, activity_id):
    activity = care_activity_get_for_change(request, activity_id)
    if request.method == "POST":
        students = [p.student for p in activity.participants.select_related("student")]
        with transaction.atomic():
            audit_view(
                request,
                _("Deleted a care activity: %(kind)s, %(topic)s, %(date)s")
                % {
                    "kind": activity.get_kind_display(),
                    "topic": activity.topic,
                    "date": activity.date.isoformat(),
                },
                obj=activity,
                students=students,
                action=AuditEvent.Action.DELETE,
            )
            classroom_id, term = activity.classroom_id, activity.term
            services.activity_delete(activity=activity)
        messages.success(request, _("Activity deleted."))
        if classroom_id:
            return redirect(_classroom_activities_url(request, classroom_id, term))
        return redirect("schools:school_detail", school_code=request.school.code)
    return render(
        request, "care/activity_delete.html", {"school": request.school, "activity": activity}
    )


@pages("activities/<int:activity_id>/attachment/")
@school_view(Perm.VIEW_SCHOOL)
def activity_attachment(request, activity_id):
    """The attachment, only through here (never from /media/). A counselling session's
    attachment follows its notes: only those who may read the notes get it."""
    activity = care_activity_get_for_user(request, activity_id)
    if not activity.attachment:
        raise Http404
    all_ids = list(activity.participants.values_list("student_id", flat=True))
    if activity.kind == ActivityKind.COUNSELLING:
        ids = set(all_ids)
        if counselling_notes_student_ids(request, ids) != ids:
            raise PermissionDenied
    try:
        handle = activity.attachment.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit_view(
        request,
        _("Downloaded the attachment of a care activity"),
        obj=activity,
        students=Student.objects.filter(pk__in=all_ids).filter(pk__in=students_for_user(request)),
    )
    name = activity.attachment_name or activity.attachment.name.rsplit("/", 1)[-1]
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=attachment_content_type(activity.attachment.name),
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- lists --------------------------------------------------------------------------------------
@pages("classrooms/<int:classroom_id>/activities/")
@school_view(Perm.VIEW_SCHOOL)
def classroom_activities(request, classroom_id):
    """The classroom's activities of a term, by kind: held for the room, or with any of its
    students taking part."""
    classroom = classroom_get_for_user(request, classroom_id)
    term, choices = classroom_term(request, classroom)
    in_room = ActivityParticipant.objects.filter(
        school=request.school, student__enrolments__classroom=classroom
    ).values("activity_id")
    activities = list(
        Activity.objects.filter(school=request.school, term=term)
        .filter(Q(classroom=classroom) | Q(pk__in=in_room))
        .select_related("recorded_by")
        .annotate(
            room_count=Count(
                "participants",
                filter=Q(participants__student__enrolments__classroom=classroom),
                distinct=True,
            )
        )
        .order_by("-date", "-pk")
    )
    by_kind = []
    for kind, label in ActivityKind.choices:
        rows = [a for a in activities if a.kind == kind]
        by_kind.append({"kind": kind, "label": label, "activities": rows})
    student_count = Enrolment.objects.filter(classroom=classroom).count()
    return classroom_page(
        request,
        "care/classroom_activities.html",
        classroom,
        by_kind=by_kind,
        total=len(activities),
        student_count=student_count,
        can_record=Perm.RECORD_CARE in request.schoolperms,
        **term_chooser(term, choices),
    )


@pages("students/<int:student_id>/activities/")
@school_view(Perm.VIEW_SCHOOL)
def student_activities(request, student_id):
    """Every activity the student took part in, all terms, newest first."""
    student = student_get_for_user(request, student_id)
    rows = list(
        ActivityParticipant.objects.filter(school=request.school, student=student)
        .select_related("activity", "activity__term__academic_year", "activity__recorded_by")
        .select_related("partner")
        .order_by("-activity__date", "-activity_id")
    )
    counselling = [r.activity for r in rows if r.activity.kind == ActivityKind.COUNSELLING]
    notes_for: set[int] = set()
    with_notes = [a for a in counselling if a.sensitive_notes]
    if with_notes:
        members: dict[int, set[int]] = {}
        for activity_id, sid in ActivityParticipant.objects.filter(
            school=request.school, activity__in=with_notes
        ).values_list("activity_id", "student_id"):
            members.setdefault(activity_id, set()).add(sid)
        everyone = set().union(*members.values())
        readable = counselling_notes_student_ids(request, everyone)
        notes_for = {a for a, ids in members.items() if ids <= readable}
    audit_view(request, _("Viewed the student's care activities"), student=student)
    if notes_for:
        audit_view(request, _("Viewed counselling notes"), student=student)
    terms = []
    for row in rows:
        term = row.activity.term
        if not terms or terms[-1]["term"].pk != term.pk:
            terms.append({"term": term, "rows": []})
        terms[-1]["rows"].append(row)
    return render(
        request,
        "care/student_activities.html",
        {
            "school": request.school,
            "student": student,
            "terms": terms,
            "total": len(rows),
            "notes_for": notes_for,
            "can_record": Perm.RECORD_CARE in request.schoolperms,
        },
    )

"""The subject-access export (PDPA section 30): everything the system holds about one student.

On the guardian's written request, the director starts the export from the student's page
(``students/subject_access_views.py``); a job (``students/jobs.py``-style registration below)
builds one of two files:

- ``subject_access_pdf``: a PDF for people (Thai, Buddhist Era dates, Sarabun), every section
  as label and value, the home-visit photos as images;
- ``subject_access_zip``: a ZIP for machines: ``data.json`` (one document, every section, the
  stored values: ISO dates, codes), one CSV file per section, the photos and the attachments.

``subject_access_collect`` gathers the sections; both files are made from the same data, so
they hold the same facts. Sections: profile, guardians (and their consents), enrolments, the
cumulative record with its history, home visits and photos, screening answers and results with
their instrument versions, care groups and their changes, the care activities the student took
part in, care plans with actions and follow-ups, support, referrals with their log, dropout
cases with their log and observations, and the audit log of who saw or changed the record.

Confidential notes (counselling notes of care activities, referrals' confidential notes) are
the data subject's too: they are included when the person who asked may read them
(``counselling_notes`` and ``referral_note_ids``, decided by the view through the access layer;
the director, the only one who may start the export, reads them all). Left out: staff members'
addresses and browsers in the audit log (their data, not the student's), the other children of
a shared activity, and a shared activity's attachment (it is a record of the whole group).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scope

from carecore.dates import format_date, format_datetime
from carecore.pdf import Paper, document_context, html_to_pdf

# The format of data.json; bump when its shape changes.
FORMAT = "carecare-subject-access/1"

# Never exported, whatever the model: bookkeeping that means nothing to the family, and the
# student themselves (every row is theirs).
SKIPPED_FIELDS = {"client_key", "revision", "school", "student"}
# Labels of the fields whose models give none (Django would print the field's name).
FIELD_LABELS = {
    "created": gettext_lazy("Recorded on"),
    "modified": gettext_lazy("Last changed on"),
    "criteria_version": gettext_lazy("Criteria version"),
    "key_version": gettext_lazy("Scoring key version"),
    "version": gettext_lazy("Instrument version"),
    "emotional_band": gettext_lazy("Band: emotional symptoms"),
    "conduct_band": gettext_lazy("Band: conduct problems"),
    "hyperactivity_band": gettext_lazy("Band: hyperactivity"),
    "peer_band": gettext_lazy("Band: peer problems"),
    "prosocial_band": gettext_lazy("Band: prosocial behaviour"),
    "total_band": gettext_lazy("Band: total difficulties"),
    "impact_band": gettext_lazy("Band: impact"),
    "total_level": gettext_lazy("Band: total"),
    "entered_by": gettext_lazy("Entered by"),
    "opened_by": gettext_lazy("Opened by"),
    "recorded_by": gettext_lazy("Recorded by"),
    "uploaded_by": gettext_lazy("Uploaded by"),
    "overridden_by": gettext_lazy("Group changed by hand by"),
    "overridden_at": gettext_lazy("Group changed by hand on"),
    "override_level": gettext_lazy("Group set by hand"),
    "from_level": gettext_lazy("From group"),
    "to_level": gettext_lazy("To group"),
    "special_reasons": gettext_lazy("Why special"),
    "plan": gettext_lazy("Care plan"),
    "referral": gettext_lazy("Referral"),
    "visit": gettext_lazy("Home visit"),
    "width": gettext_lazy("Width (pixels)"),
    "height": gettext_lazy("Height (pixels)"),
    "record_updated_at": gettext_lazy("Record updated from the visit on"),
}


@dataclass
class Section:
    key: str
    title: str
    # (name, label) of each column, in order.
    columns: list[tuple[str, str]]
    # Stored values, ready for JSON (one dict per row).
    rows: list[dict] = field(default_factory=list)
    # The same rows as text for people (label, text), for the PDF.
    text_rows: list[list[tuple[str, str]]] = field(default_factory=list)
    # "table": a compact table (many short rows); "records": one block per row.
    layout: str = "records"


@dataclass
class Export:
    student: object
    generated_at: datetime.datetime
    requested_by: str
    reference: str
    sections: list[Section]
    # (section row id, VisitPhoto) of every photo; (Activity, file name) of attachments.
    photos: list = field(default_factory=list)
    attachments: list = field(default_factory=list)


# --- values ------------------------------------------------------------------------------------
def _label(model_field) -> str:
    verbose = str(getattr(model_field, "verbose_name", model_field.name))
    if verbose == model_field.name.replace("_", " ") and model_field.name in FIELD_LABELS:
        verbose = str(FIELD_LABELS[model_field.name])
    return capfirst(verbose)


def _user_text(user) -> str:
    return getattr(user, "display_name", "") or str(user)


def _raw(obj, f, linked: set[type]) -> object:
    """The stored value of ``f`` on ``obj``, as JSON: links to another exported record are its
    id, other links (people, terms, classrooms, agencies) their name."""
    if f.is_relation:
        related_id = getattr(obj, f.attname)
        if related_id is None:
            return None
        if f.related_model in linked:
            return related_id
        related = getattr(obj, f.name)
        return _user_text(related) if hasattr(related, "display_name") else str(related)
    value = getattr(obj, f.attname)
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(f, models.FileField):
        return value.name if value else ""
    if hasattr(value, "hex") and not isinstance(value, str | bytes | int | float):
        return str(value)  # UUID
    return value


def _text(obj, f, raw, paper: Paper) -> str:
    """The value of ``f`` as people read it: choices as words, Buddhist Era dates."""
    if raw is None or raw == "" or raw == [] or raw == {}:
        return ""
    if f.is_relation:
        related = getattr(obj, f.name)
        return _user_text(related) if hasattr(related, "display_name") else str(related)
    value = getattr(obj, f.attname)
    if f.choices:
        return str(getattr(obj, f"get_{f.name}_display")())
    if isinstance(value, datetime.datetime):
        return paper.num(format_datetime(value))
    if isinstance(value, datetime.date):
        return paper.date(value, "long")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(f, models.FileField):
        return value.name.rsplit("/", 1)[-1] if value else ""
    if isinstance(value, list):
        return paper.num(", ".join(_item_text(v) for v in value))
    if isinstance(value, dict):
        return paper.num("; ".join(f"{k}: {_item_text(v)}" for k, v in value.items()))
    return paper.num(value)


def _item_text(value) -> str:
    if isinstance(value, dict):
        return " ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, list):
        return "/".join(str(v) for v in value)
    return "" if value is None else str(value)


def _fields(model, *, skip: set[str] = frozenset(), only: tuple[str, ...] = ()) -> list:
    if only:
        return [model._meta.get_field(name) for name in only]
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in SKIPPED_FIELDS and f.name not in skip
    ]


def _section(
    key: str,
    title,
    objects,
    model,
    paper: Paper,
    linked: set[type],
    *,
    skip: set[str] = frozenset(),
    only: tuple[str, ...] = (),
    hide=None,
    extra=None,
    layout: str = "records",
) -> Section:
    """A section of every field of ``model`` (but ``skip``) for ``objects``. ``hide(obj)``: the
    fields left out of that row (confidential notes the person may not read); ``extra(obj)``:
    more (name, label, raw, text) columns."""
    fields = _fields(model, skip=skip, only=only)
    columns = [(f.name, _label(f)) for f in fields]
    section = Section(key=key, title=str(title), columns=columns, layout=layout)
    extra_names: set[str] = set()
    for obj in objects:
        hidden = hide(obj) if hide else set()
        row, text_row = {}, []
        for f in fields:
            if f.name in hidden:
                row[f.name] = None
                text_row.append((_label(f), ""))
                continue
            raw = _raw(obj, f, linked)
            row[f.name] = raw
            if f.name != "id":
                text_row.append((_label(f), _text(obj, f, raw, paper)))
        for name, label, raw, text in extra(obj) if extra else ():
            if name not in extra_names:
                extra_names.add(name)
                section.columns.append((name, str(label)))
            row[name] = raw
            text_row.append((str(label), text))
        section.rows.append(row)
        section.text_rows.append(text_row)
    return section


# --- gathering -----------------------------------------------------------------------------------
def subject_access_collect(
    *,
    student,
    counselling_notes: bool,
    referral_note_ids: list[int] | tuple = (),
    requested_by: str = "",
    reference: str = "",
) -> Export:
    """Every section of ``student``'s file (run inside the student's school scope)."""
    from care.models import (
        Activity,
        ActivityParticipant,
        CarePlan,
        CarePlanAction,
        CarePlanFollowUp,
        Support,
    )
    from carecore.models import AuditEvent
    from dropouts.models import CaseLogEntry, CaseObservation, DropoutCase
    from referrals.models import Referral, ReferralUpdate
    from screening.models import AspectResult, CareGroup, CareGroupChange, EqResponse, SdqResponse
    from students.models import (
        AbilityRecord,
        Enrolment,
        FamilyRecord,
        Guardian,
        HealthRecord,
        ProtectionRecord,
        RecordRevision,
        Student,
        TermResult,
    )
    from visits.models import HomeVisit, VisitPhoto

    student = Student.objects.select_related("school__district").get(pk=student.pk)
    paper = Paper(student.school)
    linked = {
        Student,
        Guardian,
        HomeVisit,
        Activity,
        CarePlan,
        Referral,
        DropoutCase,
        CareGroup,
    }
    sections: list[Section] = []

    def add(*args, **kwargs) -> Section:
        section = _section(*args, paper=paper, linked=linked, **kwargs)
        sections.append(section)
        return section

    add("student", gettext_lazy("Student"), [student], Student, skip={"created", "modified"})
    add("guardians", gettext_lazy("Guardians"), Guardian.objects.filter(student=student), Guardian)
    consent_model = _consent_model()
    if consent_model is not None:
        add(
            "consents",
            gettext_lazy("Guardian consents"),
            consent_model.objects.filter(student=student).order_by("recorded_at", "pk"),
            consent_model,
        )
    add(
        "enrolments",
        gettext_lazy("Enrolments"),
        Enrolment.objects.filter(student=student)
        .select_related("classroom", "academic_year")
        .order_by("academic_year__year"),
        Enrolment,
        layout="table",
    )
    # The cumulative record (ระเบียนสะสม) and its history.
    for key, title, model in (
        ("record_ability", gettext_lazy("Cumulative record: ability"), AbilityRecord),
        ("record_health", gettext_lazy("Cumulative record: health"), HealthRecord),
        ("record_family", gettext_lazy("Cumulative record: family"), FamilyRecord),
        ("record_protection", gettext_lazy("Cumulative record: protection"), ProtectionRecord),
    ):
        add(key, title, model.objects.filter(student=student), model)
    add(
        "term_results",
        gettext_lazy("Grade-point averages"),
        TermResult.objects.filter(student=student).order_by("year", "term"),
        TermResult,
        layout="table",
    )
    add(
        "record_history",
        gettext_lazy("Cumulative record: history of changes"),
        RecordRevision.objects.filter(student=student).order_by("changed_at", "pk"),
        RecordRevision,
        skip={"changed_by"},
    )
    # Home visits and their photos.
    visits = list(
        HomeVisit.objects.filter(student=student)
        .select_related("academic_year", "classroom", "recorded_by", "updated_by")
        .order_by("date", "pk")
    )
    add("home_visits", gettext_lazy("Home visits"), visits, HomeVisit)
    photos = list(VisitPhoto.objects.filter(visit__in=visits).order_by("visit_id", "pk"))
    add(
        "visit_photos",
        gettext_lazy("Home-visit photos"),
        photos,
        VisitPhoto,
        skip={"uploaded_by"},
        extra=lambda p: [
            ("file_in_zip", _("File in the ZIP"), _photo_name(p), _photo_name(p)),
        ],
        layout="table",
    )
    # Screening: answers, scores and results with the versions that scored them.
    add(
        "sdq_responses",
        gettext_lazy("SDQ forms"),
        SdqResponse.objects.filter(student=student)
        .select_related("term__academic_year", "entered_by")
        .order_by("term__academic_year__year", "term__number", "rater"),
        SdqResponse,
    )
    add(
        "eq_responses",
        gettext_lazy("EQ forms"),
        EqResponse.objects.filter(student=student)
        .select_related("term__academic_year", "entered_by")
        .order_by("term__academic_year__year", "term__number"),
        EqResponse,
    )
    add(
        "aspect_results",
        gettext_lazy("Aspect screening"),
        AspectResult.objects.filter(student=student)
        .select_related("term__academic_year", "confirmed_by")
        .order_by("term__academic_year__year", "term__number", "aspect"),
        AspectResult,
    )
    groups = list(
        CareGroup.objects.filter(student=student)
        .select_related("term__academic_year", "overridden_by")
        .order_by("term__academic_year__year", "term__number")
    )
    add("care_groups", gettext_lazy("Care groups"), groups, CareGroup)
    add(
        "care_group_changes",
        gettext_lazy("Care group changes"),
        CareGroupChange.objects.filter(group__in=groups).select_related("changed_by"),
        CareGroupChange,
    )
    # Care activities the student took part in (never the other children).
    participations = {
        p.activity_id: p
        for p in ActivityParticipant.objects.filter(student=student).select_related("partner")
    }
    activities = list(
        Activity.objects.filter(pk__in=participations)
        .select_related("term__academic_year", "classroom", "recorded_by")
        .order_by("date", "pk")
    )
    only_student = _sole_participant_activities(activities, student)

    def activity_extra(activity):
        p = participations[activity.pk]
        partner = p.partner.full_name if p.partner_id else ""
        name = _attachment_name(activity) if activity.pk in only_student else ""
        return [
            ("participant_role", _("Took part as"), p.role, p.get_role_display()),
            ("buddy", _("Buddy"), partner, partner),
            ("attachment_in_zip", _("File in the ZIP"), name, name),
        ]

    add(
        "care_activities",
        gettext_lazy("Care activities"),
        activities,
        Activity,
        hide=lambda a: set() if counselling_notes else {"sensitive_notes"},
        extra=activity_extra,
    )
    # Care plans (ICP), their actions and follow-ups; support received.
    plans = list(
        CarePlan.objects.filter(student=student)
        .select_related("term__academic_year", "opened_by")
        .order_by("opened_on", "pk")
    )
    add("care_plans", gettext_lazy("Care plans"), plans, CarePlan)
    add(
        "care_plan_actions",
        gettext_lazy("Care plan actions"),
        CarePlanAction.objects.filter(plan__in=plans).order_by("plan_id", "pk"),
        CarePlanAction,
    )
    add(
        "care_plan_follow_ups",
        gettext_lazy("Care plan follow-ups"),
        CarePlanFollowUp.objects.filter(plan__in=plans)
        .select_related("recorded_by")
        .order_by("plan_id", "date", "pk"),
        CarePlanFollowUp,
    )
    add(
        "support",
        gettext_lazy("Support received"),
        Support.objects.filter(student=student)
        .select_related("term__academic_year", "recorded_by")
        .order_by("date", "pk"),
        Support,
    )
    # Referrals and what came back.
    referrals = list(
        Referral.objects.filter(student=student)
        .select_related("sender", "to_user", "agency", "accepted_by", "closed_by")
        .order_by("sent_on", "pk")
    )
    note_ids = set(referral_note_ids)
    add(
        "referrals",
        gettext_lazy("Referrals"),
        referrals,
        Referral,
        skip={"overdue_notified"},
        hide=lambda r: set() if r.pk in note_ids else {"sensitive_notes"},
    )
    add(
        "referral_updates",
        gettext_lazy("Referral log"),
        ReferralUpdate.objects.filter(referral__in=referrals)
        .select_related("by")
        .order_by("referral_id", "pk"),
        ReferralUpdate,
    )
    # Dropout cases: scoped by district.
    with scope(district=student.school.district_id):
        cases = list(
            DropoutCase.objects.filter(student=student)
            .select_related("district", "owner", "opened_by")
            .order_by("reported_on", "pk")
        )
        add(
            "dropout_cases",
            gettext_lazy("Dropout and out-of-school cases"),
            cases,
            DropoutCase,
            skip={"late"},
        )
        add(
            "dropout_case_log",
            gettext_lazy("Dropout case log"),
            CaseLogEntry.objects.filter(case__in=cases).select_related("by").order_by("pk"),
            CaseLogEntry,
        )
        add(
            "dropout_case_observations",
            gettext_lazy("Dropout case observations"),
            CaseObservation.objects.filter(case__in=cases).select_related("by").order_by("pk"),
            CaseObservation,
        )
    # Who saw or changed the record (without the staff member's address and browser).
    add(
        "audit_log",
        gettext_lazy("Who saw or changed the record"),
        AuditEvent.objects.filter(student_id=student.pk).order_by("at", "pk"),
        AuditEvent,
        only=("at", "user_name", "action", "object_type", "summary", "changes"),
        layout="table",
    )
    return Export(
        student=student,
        generated_at=timezone.now(),
        requested_by=requested_by,
        reference=reference,
        sections=sections,
        photos=photos,
        attachments=[a for a in activities if a.pk in only_student and a.attachment],
    )


def _consent_model():
    """Guardian consents (students.GuardianConsent) where the installation has them."""
    try:
        return apps.get_model("students", "GuardianConsent")
    except LookupError:
        return None


def _sole_participant_activities(activities, student) -> set[int]:
    """The activities whose only participant is ``student`` (their attachment is theirs)."""
    from django.db.models import Count

    from care.models import ActivityParticipant

    counts = (
        ActivityParticipant.objects.filter(activity__in=activities)
        .values("activity_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["activity_id"] for row in counts if row["n"] == 1}


def _photo_name(photo) -> str:
    return f"photos/visit-{photo.visit_id}-photo-{photo.pk}.jpg"


def _attachment_name(activity) -> str:
    if not activity.attachment:
        return ""
    suffix = activity.attachment.name.rsplit(".", 1)[-1] if "." in activity.attachment.name else ""
    suffix = suffix if suffix.isalnum() else "bin"
    return f"attachments/activity-{activity.pk}.{suffix}"


# --- the machine export ------------------------------------------------------------------------
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """A CSV cell that a spreadsheet opens as text, never as a formula."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return text


def export_json(export: Export) -> dict:
    student = export.student
    return {
        "format": FORMAT,
        "generated_at": export.generated_at.isoformat(),
        "requested_by": export.requested_by,
        "request_reference": export.reference,
        "school": {"code": student.school.code, "name": student.school.name},
        "student_id": student.pk,
        "sections": {
            s.key: {
                "title": s.title,
                "fields": {name: label for name, label in s.columns},
                "rows": s.rows,
            }
            for s in export.sections
        },
    }


def export_csv(section: Section) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    names = [name for name, _label in section.columns]
    writer.writerow(names)
    for row in section.rows:
        writer.writerow([_cell(row.get(name)) for name in names])
    # A byte-order mark: Excel then reads the Thai as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_zip(export: Export, progress=None) -> bytes:
    """data.json, a CSV per section, the photos and the attachments, in one ZIP."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(export_json(export), ensure_ascii=False, indent=2))
        for section in export.sections:
            archive.writestr(f"csv/{section.key}.csv", export_csv(section))
        archive.writestr("README.txt", _readme(export))
        total = len(export.photos) + len(export.attachments) or 1
        for done, photo in enumerate(export.photos, start=1):
            try:
                with photo.image.storage.open(photo.image.name, "rb") as stored:
                    archive.writestr(_photo_name(photo), stored.read(), zipfile.ZIP_STORED)
            except FileNotFoundError:
                continue
            if progress:
                progress(20 + 70 * done // total)
        for activity in export.attachments:
            try:
                with activity.attachment.storage.open(activity.attachment.name, "rb") as stored:
                    archive.writestr(_attachment_name(activity), stored.read())
            except FileNotFoundError:
                continue
    return buffer.getvalue()


def _readme(export: Export) -> str:
    lines = [
        _("Subject-access export of %(name)s") % {"name": export.student.full_name},
        _("Made on %(date)s") % {"date": format_datetime(export.generated_at)},
        "",
        _(
            "data.json holds every section in one document; csv/ holds one file per section; "
            "photos/ the home-visit photos; attachments/ the files of activities with this "
            "student alone."
        ),
        "",
    ]
    lines += [f"csv/{s.key}.csv: {s.title} ({len(s.rows)})" for s in export.sections]
    return "\n".join(lines) + "\n"


# --- the PDF for people --------------------------------------------------------------------------
def export_pdf(export: Export, progress=None) -> bytes:
    from django.template.loader import render_to_string

    from visits.documents import VisitPhotoFetcher, photo_url

    student = export.student
    school = student.school
    paper = Paper(school)
    photos_by_visit: dict[int, list] = {}
    for number, photo in enumerate(export.photos, start=1):
        photos_by_visit.setdefault(photo.visit_id, []).append(
            {"url": photo_url(photo), "caption": photo.get_kind_display(), "number": number}
        )
    sections = []
    for section in export.sections:
        if section.key == "visit_photos":
            continue  # drawn under their visits
        items = [
            {
                "text": text,
                "photos": photos_by_visit.get(row["id"], [])
                if section.key == "home_visits"
                else [],
            }
            for row, text in zip(section.rows, section.text_rows, strict=True)
        ]
        sections.append(
            {
                "key": section.key,
                "title": section.title,
                "layout": section.layout,
                "labels": [label for name, label in section.columns if name != "id"],
                "items": items,
            }
        )
    context = {
        "pdf": document_context(school=school),
        "name": student.full_name,
        "code": paper.num(student.student_code),
        "made_on": paper.num(format_datetime(export.generated_at)),
        "reference": export.reference,
        "requested_by": export.requested_by,
        "sections": sections,
    }
    html = render_to_string("students/pdf/subject_access.html", context)
    if progress:
        progress(30)
    return html_to_pdf(
        html,
        school=school,
        url_fetcher=VisitPhotoFetcher(school=school, photos=export.photos),
    )


def subject_access_filename(student, extension: str) -> str:
    day = format_date(timezone.localdate(), "numeric").replace("/", "-")
    name = student.full_name.replace("/", "-")
    return f"{_('Subject-access export')} {name} {day}.{extension}"

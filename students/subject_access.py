"""The subject-access export (PDPA section 30): everything the system holds about one student.

On the guardian's written request, the director starts the export from the student's page
(``students/subject_access_views.py``); a job (``students/jobs.py``) builds one of two files:

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

This module is the engine and holds the students app's own sections (and the audit log, last).
Each app above contributes the sections of its own models from its ``subject_access`` module,
which registers a function with ``register_sections(name, order=...)``; the export keeps the
order of those numbers: students 10, visits 20, screening 30, care 40, referrals 50, dropouts
60, the audit log 90. The app whose photos the PDF draws also gives the fetcher that serves
them (``pdf_fetcher``): the visits.

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
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecore.dates import format_date, format_datetime
from carecore.models import AuditEvent
from carecore.pdf import Paper, document_context, html_to_pdf
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
    # False: only in the ZIP (the visit photos' section: the PDF draws them under their visits).
    in_pdf: bool = True


@dataclass(frozen=True)
class Photo:
    """A photo of the export: a file in the ZIP, and in the PDF an image under a row."""

    record: object  # what the app's PDF fetcher serves (a visits.VisitPhoto)
    file: object  # the stored image (a FieldFile)
    name: str  # its path in the ZIP
    section: str  # the key of the section whose row the PDF draws it under
    row_id: int
    url: str  # its address in the PDF, served by the app's fetcher
    # Called when the PDF is drawn, so that it is in the PDF's language.
    caption: Callable[[], str]


@dataclass(frozen=True)
class Attachment:
    """A file of the export that only the ZIP holds (a care activity's attachment)."""

    name: str  # its path in the ZIP
    file: object  # the stored file (a FieldFile)


@dataclass
class Export:
    student: object
    generated_at: datetime.datetime
    requested_by: str
    reference: str
    sections: list[Section]
    photos: list[Photo] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)


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
    in_pdf: bool = True,
) -> Section:
    """A section of every field of ``model`` (but ``skip``) for ``objects``. ``hide(obj)``: the
    fields left out of that row (confidential notes the person may not read); ``extra(obj)``:
    more (name, label, raw, text) columns."""
    fields = _fields(model, skip=skip, only=only)
    columns = [(f.name, _label(f)) for f in fields]
    section = Section(key=key, title=str(title), columns=columns, layout=layout, in_pdf=in_pdf)
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
@dataclass
class Collector:
    """The export being gathered: what each app's sections function reads (the student, what
    the person who asked may read) and adds to (``add``, ``photos``, ``attachments``)."""

    student: object
    counselling_notes: bool
    referral_note_ids: set[int]
    paper: Paper
    # The exported models: a link to one of their rows is its id, not its name.
    linked: set[type]
    sections: list[Section] = field(default_factory=list)
    photos: list[Photo] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)

    def add(self, key: str, title, objects, model, **kwargs) -> Section:
        """A section of ``objects`` (see ``_section`` for the options), after those before."""
        section = _section(key, title, objects, model, self.paper, self.linked, **kwargs)
        self.sections.append(section)
        return section


@dataclass(frozen=True)
class SectionSource:
    name: str
    order: int
    collect: Callable[[Collector], None]
    linked: tuple[type, ...] = ()
    # fetcher(school=..., photos=[record, ...]): serves the PDF's addresses of the app's photos.
    pdf_fetcher: Callable | None = None
    # confidential(request, student) -> {param: value}: which of the app's confidential notes the
    # person starting the export may read, as the job's parameters (subject_access_collect's).
    confidential: Callable | None = None


_SOURCES: dict[str, SectionSource] = {}


def register_sections(
    name: str,
    *,
    order: int,
    linked: tuple[type, ...] = (),
    pdf_fetcher: Callable | None = None,
    confidential: Callable | None = None,
):
    """Decorate an app's ``fn(collector)``, which adds the sections of its models in order.
    ``order``: where they come in the export (see the module's docstring); ``linked``: the
    models whose rows it exports; ``pdf_fetcher``: for the app whose photos the PDF draws;
    ``confidential``: for the apps whose confidential notes depend on who asks."""

    def register(collect: Callable[[Collector], None]):
        source = SectionSource(name, order, collect, tuple(linked), pdf_fetcher, confidential)
        others = [s for s in _SOURCES.values() if s.name != name]
        if any(s.order == order for s in others):
            raise ImproperlyConfigured(f"Two subject-access sources with order {order}")
        # One fetcher serves the PDF: a second app with photos would need them chained.
        if pdf_fetcher and any(s.pdf_fetcher for s in others):
            raise ImproperlyConfigured("Only one subject-access source may draw photos")
        _SOURCES[name] = source
        return collect

    return register


@cache
def _discover() -> None:
    # Each app's sections register themselves when its subject_access module is imported; they
    # are imported the first time an export is made.
    autodiscover_modules("subject_access")


def section_sources() -> list[SectionSource]:
    """Every app's sections, in the export's order."""
    _discover()
    return sorted(_SOURCES.values(), key=lambda s: s.order)


def subject_access_confidential(request, student) -> dict:
    """Which confidential notes the person starting the export may read (each app decides for
    its own), as the job's parameters: ``counselling_notes``, ``referral_note_ids``."""
    params: dict = {}
    for source in section_sources():
        if source.confidential:
            params |= source.confidential(request, student)
    return params


def subject_access_collect(
    *,
    student,
    counselling_notes: bool,
    referral_note_ids: list[int] | tuple = (),
    requested_by: str = "",
    reference: str = "",
) -> Export:
    """Every section of ``student``'s file (run inside the student's school scope)."""
    sources = section_sources()
    student = Student.objects.select_related("school__district").get(pk=student.pk)
    collector = Collector(
        student=student,
        counselling_notes=counselling_notes,
        referral_note_ids=set(referral_note_ids),
        paper=Paper(student.school),
        linked={model for source in sources for model in source.linked},
    )
    for source in sources:
        source.collect(collector)
    return Export(
        student=student,
        generated_at=timezone.now(),
        requested_by=requested_by,
        reference=reference,
        sections=collector.sections,
        photos=collector.photos,
        attachments=collector.attachments,
    )


@register_sections("students", order=10, linked=(Student, Guardian))
def _student_sections(collector: Collector) -> None:
    """The students app's own: profile, guardians and consents, enrolments, the cumulative
    record (ระเบียนสะสม) and its history."""
    student = collector.student
    collector.add(
        "student", gettext_lazy("Student"), [student], Student, skip={"created", "modified"}
    )
    collector.add(
        "guardians", gettext_lazy("Guardians"), Guardian.objects.filter(student=student), Guardian
    )
    consent_model = _consent_model()
    if consent_model is not None:
        collector.add(
            "consents",
            gettext_lazy("Guardian consents"),
            consent_model.objects.filter(student=student).order_by("recorded_at", "pk"),
            consent_model,
        )
    collector.add(
        "enrolments",
        gettext_lazy("Enrolments"),
        Enrolment.objects.filter(student=student)
        .select_related("classroom", "academic_year")
        .order_by("academic_year__year"),
        Enrolment,
        layout="table",
    )
    for key, title, model in (
        ("record_ability", gettext_lazy("Cumulative record: ability"), AbilityRecord),
        ("record_health", gettext_lazy("Cumulative record: health"), HealthRecord),
        ("record_family", gettext_lazy("Cumulative record: family"), FamilyRecord),
        ("record_protection", gettext_lazy("Cumulative record: protection"), ProtectionRecord),
    ):
        collector.add(key, title, model.objects.filter(student=student), model)
    collector.add(
        "term_results",
        gettext_lazy("Grade-point averages"),
        TermResult.objects.filter(student=student).order_by("year", "term"),
        TermResult,
        layout="table",
    )
    collector.add(
        "record_history",
        gettext_lazy("Cumulative record: history of changes"),
        RecordRevision.objects.filter(student=student).order_by("changed_at", "pk"),
        RecordRevision,
        skip={"changed_by"},
    )


@register_sections("audit", order=90)
def _audit_sections(collector: Collector) -> None:
    """Who saw or changed the record (without the staff member's address and browser)."""
    collector.add(
        "audit_log",
        gettext_lazy("Who saw or changed the record"),
        AuditEvent.objects.filter(student_id=collector.student.pk).order_by("at", "pk"),
        AuditEvent,
        only=("at", "user_name", "action", "object_type", "summary", "changes"),
        layout="table",
    )


def _consent_model():
    """Guardian consents (students.GuardianConsent) where the installation has them."""
    try:
        return apps.get_model("students", "GuardianConsent")
    except LookupError:
        return None


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
                with photo.file.storage.open(photo.file.name, "rb") as stored:
                    archive.writestr(photo.name, stored.read(), zipfile.ZIP_STORED)
            except FileNotFoundError:
                continue
            if progress:
                progress(20 + 70 * done // total)
        for attachment in export.attachments:
            try:
                with attachment.file.storage.open(attachment.file.name, "rb") as stored:
                    archive.writestr(attachment.name, stored.read())
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

    student = export.student
    school = student.school
    paper = Paper(school)
    photos_by_row: dict[tuple[str, int], list] = {}
    for number, photo in enumerate(export.photos, start=1):
        photos_by_row.setdefault((photo.section, photo.row_id), []).append(
            {"url": photo.url, "caption": photo.caption(), "number": number}
        )
    sections = []
    for section in export.sections:
        if not section.in_pdf:
            continue
        items = [
            {"text": text, "photos": photos_by_row.get((section.key, row.get("id")), [])}
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
    fetchers = [source.pdf_fetcher for source in section_sources() if source.pdf_fetcher]
    url_fetcher = (
        fetchers[0](school=school, photos=[photo.record for photo in export.photos])
        if fetchers
        else None
    )
    return html_to_pdf(html, school=school, url_fetcher=url_fetcher)


def subject_access_filename(student, extension: str) -> str:
    day = format_date(timezone.localdate(), "numeric").replace("/", "-")
    name = student.full_name.replace("/", "-")
    return f"{_('Subject-access export')} {name} {day}.{extension}"

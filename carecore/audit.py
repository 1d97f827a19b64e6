"""The audit log: who viewed or changed which student's record, when and from where.

Children's records are personal data under Thailand's PDPA (mental health, family, abuse), so
every view of a student record or a class list, every change, and every file that leaves the
system (downloads of printed and exported files, home-visit photos) leaves an ``AuditEvent``. The
rows are append-only: on PostgreSQL a trigger (migration carecore 0004) refuses UPDATE and
DELETE, the application's database role may only insert and read them (carecore/dbroles.py), and
each row carries the hash of the one before it (carecore/auditchain.py, ``manage.py
audit_verify``), so a change made with the owner's rights shows too.

Views call ``audit_record``; the audit log pages read through ``audit_events_for_school`` and
``audit_events_for_district``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.db.models import Q, QuerySet
from django.utils import timezone

from carecore.dates import parse_date
from carecore.models import AuditEvent
from carecore.national_id import mask_national_id
from carecore.netaddr import client_ip

# Fields whose values never go into the log in full: the value is replaced by its mask.
MASKED_FIELDS = {"national_id": mask_national_id}

USER_AGENT_MAX = 300
PATH_MAX = 300


def _client_ip(request) -> str | None:
    """The client's address (carecore.netaddr: the proxy's X-Forwarded-For only when the peer
    is a trusted proxy)."""
    return client_ip(request)


def audit_record(**kwargs) -> AuditEvent:
    """Write one audit event (the arguments of ``_audit_event``)."""
    event = _audit_event(**kwargs)
    event.save()
    return event


def audit_view(
    request, summary: str, *, action: str = AuditEvent.Action.VIEW, students=None, **kwargs
):
    """An event written by a view, by the request's user at the request's school: by default
    that they saw a page (``student``: whose data it shows, ``obj``: the record; any other
    argument of ``_audit_event``). With ``students``: one event for each of them."""
    kwargs |= {"action": action, "user": request.user, "summary": summary, "request": request}
    kwargs.setdefault("school", getattr(request, "school", None))
    if students is not None:
        return audit_record_many(students=students, **kwargs)
    return audit_record(**kwargs)


def audit_row(
    row,
    summary: str,
    *,
    user,
    request=None,
    action: str = AuditEvent.Action.CHANGE,
    obj=None,
    **kwargs,
) -> AuditEvent:
    """An event about ``row``, a record of a school's student (``row.school``, ``row.student``),
    written by a service: by default a change (any other argument of ``_audit_event``). ``obj``:
    the row the event names when it is a part of ``row`` (a home visit's photo), else ``row``."""
    return audit_record(
        action=action,
        user=user,
        school=row.school,
        student=row.student,
        obj=row if obj is None else obj,
        summary=summary,
        request=request,
        **kwargs,
    )


def audit_record_many(*, students: Iterable, **kwargs) -> list[AuditEvent]:
    """One event per student, written in one query (e.g. a printed class: each child's record
    on the paper). The other arguments are those of ``_audit_event``."""
    return AuditEvent.objects.bulk_create(
        [_audit_event(student=student, **kwargs) for student in students]
    )


def _audit_event(
    *,
    action: str,
    user,
    school=None,
    district=None,
    student=None,
    obj=None,
    summary: str = "",
    changes: dict | None = None,
    request=None,
) -> AuditEvent:
    """An unsaved audit event.

    ``school`` defaults to the student's school and ``district`` to the school's district;
    ``obj`` (the record acted on) defaults to the student. Names are copied, so the log still
    reads correctly after a person or a student is renamed or deleted.
    """
    if action not in AuditEvent.Action.values:
        raise ValueError(f"Unknown audit action: {action!r}")
    if obj is None:
        obj = student

    school_id = school.pk if school is not None else getattr(student, "school_id", None)
    if district is not None:
        district_id = district.pk
    elif school is not None:
        district_id = school.district_id
    elif school_id is not None:
        # The student's school (a foreign key: one query, no import of the schools app).
        district_id = student.school.district_id
    else:
        district_id = None

    authenticated = user is not None and getattr(user, "is_authenticated", False)
    event = AuditEvent(
        action=action,
        user_id=user.pk if authenticated else None,
        user_name=(user.display_name if authenticated else "")[:200],
        school_id=school_id,
        district_id=district_id,
        student_id=student.pk if student is not None else None,
        student_name=(student.full_name if student is not None else "")[:200],
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        summary=str(summary)[:300],
        changes=changes or {},
    )
    if request is not None:
        event.ip = _client_ip(request)
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX]
        event.path = request.path[:PATH_MAX]
    return event


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value)


def model_changes(before, after, fields: Iterable[str]) -> dict[str, list[str]]:
    """``{field: [old, new]}`` for each of ``fields`` whose value differs, as strings.

    ``before`` is None for a new record: then every field with a value is listed, with "" as the
    old value. A national ID is recorded only masked (x-xxxx-xxxxx-12-3), never in full.
    """
    changes: dict[str, list[str]] = {}
    for name in fields:
        old = _as_text(getattr(before, name)) if before is not None else ""
        new = _as_text(getattr(after, name))
        if old == new:
            continue
        mask = MASKED_FIELDS.get(name)
        if mask is not None:
            old, new = (mask(old) if old else ""), (mask(new) if new else "")
        changes[name] = [old, new]
    return changes


# --- selectors ---------------------------------------------------------------------------------
def _as_date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    parsed = parse_date(str(value))
    if parsed is None:
        raise ValueError(f"Not a date: {value!r}")
    return parsed


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _name_or_id(field_name: str, field_id: str, text: str) -> Q:
    """Digits are an id (names have none); anything else is part of a name."""
    if text.isdigit():
        # Beyond a 64-bit id nothing can match; do not let the database overflow.
        return Q(**{field_id: int(text)}) if len(text) <= 18 else Q(pk__in=[])
    return Q(**{f"{field_name}__icontains": text})


def _filtered(qs: QuerySet[AuditEvent], filters: Mapping | None) -> QuerySet[AuditEvent]:
    """Apply the audit log filters.

    ``filters`` keys, all optional: ``student`` (part of a name, or a student id), ``user`` (part
    of a name, or a user id), ``action`` (an ``AuditEvent.Action``), ``date_from`` and
    ``date_to`` (dates, or text such as 15/06/2568; both days included, in local time). Raises
    ValueError for a date that cannot be read.
    """
    filters = filters or {}
    student = str(filters.get("student") or "").strip()
    if student:
        qs = qs.filter(_name_or_id("student_name", "student_id", student))
    user = str(filters.get("user") or "").strip()
    if user:
        qs = qs.filter(_name_or_id("user_name", "user_id", user))
    action = filters.get("action")
    if action:
        qs = qs.filter(action=action)
    date_from = _as_date(filters.get("date_from"))
    if date_from:
        qs = qs.filter(at__gte=_start_of(date_from))
    date_to = _as_date(filters.get("date_to"))
    if date_to:
        qs = qs.filter(at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    return qs.order_by("-at", "-id")


def audit_events_for_school(*, school, filters: Mapping | None = None) -> QuerySet[AuditEvent]:
    """The school's audit events, newest first."""
    return _filtered(AuditEvent.objects.filter(school_id=school.pk), filters)


def audit_events_for_district(*, district, filters: Mapping | None = None) -> QuerySet[AuditEvent]:
    """The audit events of the district's schools (as recorded at the time), newest first."""
    return _filtered(AuditEvent.objects.filter(district_id=district.pk), filters)

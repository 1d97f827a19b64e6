"""The retention purge (PDPA section 37(3)): the personal data of students who left the school
``District.retention_years`` years ago is anonymised, keeping what the dashboards count.

Who is past retention: a student of one of the district's schools whose every enrolment is in an
academic year that ended on or before the cut-off (today minus the retention years). A student
with an enrolment in the current or a later year has not left; a student who was never enrolled
is not counted as having left either (an import not finished); a student with an open dropout
case is still being followed and waits until the case is closed.

What anonymising does (``student_anonymise``), and what it keeps:

- the name is replaced ("นิรนาม" and the record's number), the national ID and the student code
  are replaced by a placeholder, the nickname removed; the birth date keeps its year only
  (1 January), or the nearest date of that year that keeps the student on the same side of the
  EQ age limits in the terms they were enrolled (the dashboards count EQ forms due by age);
- guardians are deleted; consents keep their purpose and dates but lose the guardian's name
  and notes;
- the photos of home visits and the attachments of activities only this student took part in are
  deleted from storage; every free-text note is emptied (the cumulative record's notes and its
  history of changes, the visits' notes and location, plans, follow-ups, support notes,
  referrals and their log, dropout cases and their log, the screening notes and reasons);
- kept: the student row (school, gender, prefix), enrolments, term results, the structured
  answers of the record, screening answers and scores with their versions, care groups, visits
  with their dates and structured answers, activities and participation, plans with their dates
  and states, support amounts, referrals with their dates and states, dropout cases with their
  steps. These are what ``dashboards.figures`` counts, so the figures of past terms do not change.
- not touched: the audit log (append-only: it is the record of who did what, kept for
  accountability), and activities shared with other children (their record too).

A dry run (``retention_run_execute`` of a run with ``dry_run``) changes nothing and reports, per
school, how many students would be anonymised and what would be removed. The real run carries out
one dry run that a person read and confirmed: it anonymises only the students that dry run listed
and that are still past retention. It is never scheduled: removing data cannot be undone, so a
person starts it after reading the report (docs/privacy.md).
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter

from django.apps import apps
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from carecore.jobs import TRANSIENT_ERRORS
from districts.models import District, RetentionRun

logger = logging.getLogger(__name__)

ANONYMOUS_FIRST_NAME = "นิรนาม"
# Where a note must not be empty (a database constraint asks for a reason).
REMOVED = "—"
# What the report counts, in order.
REPORT_KEYS = (
    "students",
    "guardians",
    "photos",
    "attachments",
    "visits",
    "record_revisions",
    "plans",
    "referrals",
    "dropout_cases",
)


def retention_cutoff(district: District, today: datetime.date | None = None) -> datetime.date:
    """Students whose last academic year ended on or before this day are past retention."""
    today = today or timezone.localdate()
    years = district.retention_years
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def anonymised_student_ids(district: District) -> set[int]:
    """The students a real run of the district has anonymised already."""
    ids: set[int] = set()
    for student_ids in RetentionRun.objects.filter(
        district=district, dry_run=False, status=RetentionRun.Status.DONE
    ).values_list("student_ids", flat=True):
        ids.update(student_ids)
    return ids


def students_past_retention(district: District, cutoff: datetime.date):
    """The district's students past retention (see the module's docstring); call outside any
    scope or with scopes disabled."""
    from dropouts.models import DropoutCase, Step
    from students.models import Student

    open_case = DropoutCase.objects.filter(student=OuterRef("pk")).exclude(step=Step.CLOSED)
    return (
        Student.objects.filter(school__district=district)
        .annotate(last_year_end=Max("enrolments__academic_year__end"))
        .filter(last_year_end__isnull=False, last_year_end__lte=cutoff)
        .exclude(Exists(open_case))
        .exclude(pk__in=anonymised_student_ids(district))
        .order_by("school_id", "pk")
    )


# --- the report ----------------------------------------------------------------------------------
def _counts_per_student(student_ids: list[int]) -> dict[int, Counter]:
    """What anonymising each student removes (one query per kind of record)."""
    from care.models import Activity, CarePlan
    from dropouts.models import DropoutCase
    from referrals.models import Referral
    from students.models import Guardian, RecordRevision
    from visits.models import HomeVisit, VisitPhoto

    counts: dict[int, Counter] = {pk: Counter(students=1) for pk in student_ids}

    def tally(key: str, rows) -> None:
        for student_id, n in rows:
            counts[student_id][key] += n

    def grouped(qs, path="student_id"):
        return qs.values_list(path).annotate(n=Count("pk")).order_by()

    tally("guardians", grouped(Guardian.objects.filter(student_id__in=student_ids)))
    tally(
        "photos",
        grouped(VisitPhoto.objects.filter(visit__student_id__in=student_ids), "visit__student_id"),
    )
    tally("visits", grouped(HomeVisit.objects.filter(student_id__in=student_ids)))
    tally("record_revisions", grouped(RecordRevision.objects.filter(student_id__in=student_ids)))
    tally("plans", grouped(CarePlan.objects.filter(student_id__in=student_ids)))
    tally("referrals", grouped(Referral.objects.filter(student_id__in=student_ids)))
    tally("dropout_cases", grouped(DropoutCase.objects.filter(student_id__in=student_ids)))
    sole = _sole_activities(set(student_ids))
    with_files = set(
        Activity.objects.filter(pk__in=[a for a, _s in sole])
        .exclude(attachment="")
        .values_list("pk", flat=True)
    )
    for activity_id, student_id in sole:
        if activity_id in with_files:
            counts[student_id]["attachments"] += 1
    return counts


def _sole_activities(student_ids: set[int]) -> list[tuple[int, int]]:
    """(activity, student) of the activities whose every participant is one of ``student_ids``
    (only then are the activity's notes and attachment theirs alone)."""
    from care.models import ActivityParticipant

    rows = ActivityParticipant.objects.filter(
        activity__in=ActivityParticipant.objects.filter(student_id__in=student_ids).values(
            "activity_id"
        )
    ).values_list("activity_id", "student_id")
    by_activity: dict[int, set[int]] = {}
    for activity_id, student_id in rows:
        by_activity.setdefault(activity_id, set()).add(student_id)
    return [
        (activity_id, min(students))
        for activity_id, students in by_activity.items()
        if students <= student_ids
    ]


def retention_report(student_ids: list[int]) -> dict:
    """Per school (code, name) and in total, what anonymising ``student_ids`` removes."""
    from schools.models import School
    from students.models import Student

    per_student = _counts_per_student(student_ids)
    school_of = dict(Student.objects.filter(pk__in=student_ids).values_list("pk", "school_id"))
    per_school: dict[int, Counter] = {}
    for pk, counts in per_student.items():
        per_school.setdefault(school_of[pk], Counter()).update(counts)
    schools = School.objects.filter(pk__in=per_school).order_by("code")
    total: Counter = Counter()
    rows = []
    for school in schools:
        counts = per_school[school.pk]
        total.update(counts)
        rows.append(
            {
                "school_id": school.pk,
                "code": school.code,
                "name": school.name,
                **{k: counts.get(k, 0) for k in REPORT_KEYS},
            }
        )
    return {"schools": rows, "total": {k: total.get(k, 0) for k in REPORT_KEYS}}


# --- anonymising one student -------------------------------------------------------------------
def _terms_enrolled(student) -> list:
    from schools.models import Term

    return list(
        Term.objects.filter(academic_year__in=student.enrolments.values("academic_year_id"))
    )


def anonymised_birth_date(birth_date, terms) -> datetime.date | None:
    """The birth date reduced to its year: 1 January, or the first day of a month of that year
    that keeps ``eq_applies`` and ``self_report_applies`` (the forms due, which the figures
    count) the same for every term of ``terms`` (else the date unchanged)."""
    from screening.summaries import eq_applies, self_report_applies

    def forms_due(day):
        return [(eq_applies(day, t.start), self_report_applies(day, t.start)) for t in terms]

    if birth_date is None:
        return None
    wanted = forms_due(birth_date)
    for month in (1, 7, 4, 10, 2, 3, 5, 6, 8, 9, 11, 12):
        candidate = birth_date.replace(month=month, day=1)
        if forms_due(candidate) == wanted:
            return candidate
    return birth_date


def _delete_file(field_file) -> None:
    if field_file:
        try:
            field_file.storage.delete(field_file.name)
        except OSError:
            logger.warning("Could not delete a stored file of an anonymised student")


def student_anonymise(*, student, sole_activity_ids: set[int]) -> None:
    """Anonymise one student (see the module's docstring). Runs with scopes disabled, inside
    the caller's transaction."""
    from care.models import Activity, CarePlan, CarePlanAction, CarePlanFollowUp, Support
    from dropouts.models import CaseLogEntry, CaseObservation, DropoutCase
    from referrals.models import Referral, ReferralUpdate
    from screening.models import AspectResult, CareGroup, CareGroupChange
    from students.models import (
        AbilityRecord,
        FamilyRecord,
        Guardian,
        HealthRecord,
        ProtectionRecord,
        RecordRevision,
    )
    from visits.models import HomeVisit, VisitPhoto

    pk = student.pk
    student.birth_date = anonymised_birth_date(student.birth_date, _terms_enrolled(student))
    student.first_name = ANONYMOUS_FIRST_NAME
    student.last_name = str(pk)
    student.nickname = ""
    # Unique per school, and never a valid ID or code.
    student.national_id = f"X{pk}"[:13]
    student.student_code = f"X{pk}"[:20]
    student.save(
        update_fields=[
            "first_name",
            "last_name",
            "nickname",
            "national_id",
            "student_code",
            "birth_date",
            "modified",
        ]
    )

    consent_model = _consent_model()
    if consent_model is not None:
        consent_model.objects.filter(student_id=pk).update(
            given_by="", note="", withdrawn_reason=""
        )
    Guardian.objects.filter(student_id=pk).delete()

    # The cumulative record: structured answers stay, notes go, and the history of changes
    # (copies of the notes) goes.
    AbilityRecord.objects.filter(student_id=pk).update(talents="", awards="", learning_notes="")
    HealthRecord.objects.filter(student_id=pk).update(chronic_illness="", mind_behaviour_notes="")
    FamilyRecord.objects.filter(student_id=pk).update(
        lives_with_other="", working_away_place="", household_members=[], main_occupations=""
    )
    ProtectionRecord.objects.filter(student_id=pk).update(risk_note="", other_notes="")
    RecordRevision.objects.filter(student_id=pk).delete()

    # Home visits: the visit, its date and structured answers stay; notes, place and photos go.
    for photo in VisitPhoto.objects.filter(visit__student_id=pk):
        _delete_file(photo.image)
        photo.delete()
    visits = HomeVisit.objects.filter(student_id=pk)
    visits.exclude(remote_reason="").update(remote_reason=REMOVED)
    visits.update(
        met_other="",
        environment_note="",
        duties_at_home="",
        main_occupations="",
        family_requests="",
        problems_note="",
        help_note="",
        summary="",
        recommendation="",
        latitude=None,
        longitude=None,
        location_accuracy_m=None,
        location_source="",
    )

    # Screening: answers, scores and groups stay; notes and reasons typed by hand go.
    AspectResult.objects.filter(student_id=pk).update(note="")
    groups = CareGroup.objects.filter(student_id=pk)
    groups.update(override_reason="")
    CareGroupChange.objects.filter(group__in=groups).update(reason="")

    # Care: activities with this student alone lose their notes and attachment.
    for activity in Activity.objects.filter(pk__in=sole_activity_ids):
        _delete_file(activity.attachment)
        Activity.objects.filter(pk=activity.pk).update(
            notes="", sensitive_notes="", details={}, attachment="", attachment_name=""
        )
    plans = CarePlan.objects.filter(student_id=pk)
    plans.update(problem="", goals="", outcome_note="")
    CarePlanAction.objects.filter(plan__in=plans).update(action="", who="")
    CarePlanFollowUp.objects.filter(plan__in=plans).update(what_was_done="", next_step="")
    Support.objects.filter(student_id=pk).update(note="")

    referrals = Referral.objects.filter(student_id=pk)
    referrals.exclude(consent_not_asked_reason="").update(consent_not_asked_reason=REMOVED)
    referrals.update(
        reason="",
        help_given="",
        request="",
        sensitive_notes="",
        consent_by="",
        result="",
        agency_person="",
        agency_result="",
        agency_recommendations="",
    )
    ReferralUpdate.objects.filter(referral__in=referrals).update(text="")

    cases = DropoutCase.objects.filter(student_id=pk)
    cases.update(
        prefix="",
        first_name="",
        last_name="",
        birth_date=None,
        national_id="",
        address="",
        village="",
        guardian_name="",
        guardian_phone="",
        reporter_name="",
        reporter_contact="",
        description="",
        outcome_note="",
    )
    CaseLogEntry.objects.filter(case__in=cases).update(text="")
    CaseObservation.objects.filter(case__in=cases).update(note="")


def _consent_model():
    try:
        return apps.get_model("students", "GuardianConsent")
    except LookupError:
        return None


# --- runs ----------------------------------------------------------------------------------------
def retention_run_start(
    *, district: District, user, confirms: RetentionRun | None = None, queue: bool = True
):
    """Create a run (a dry run, or the real run of ``confirms``) and queue it after commit
    (``queue``; the command runs it itself)."""
    from carecore.audit import audit_record
    from carecore.models import AuditEvent

    run = RetentionRun.objects.create(
        district=district,
        dry_run=confirms is None,
        confirms=confirms,
        retention_years=confirms.retention_years if confirms else district.retention_years,
        cutoff=confirms.cutoff if confirms else retention_cutoff(district),
        created_by=user,
        created_by_name=(user.display_name if user is not None else "manage.py")[:200],
    )
    if confirms is None:
        summary = _("Retention dry run started (data kept %(years)s years after leaving)")
    else:
        summary = _("Retention purge confirmed (data kept %(years)s years after leaving)")
    audit_record(
        action=AuditEvent.Action.VIEW if confirms is None else AuditEvent.Action.DELETE,
        user=user,
        district=district,
        obj=run,
        summary=summary % {"years": run.retention_years},
    )
    run_id = run.pk

    def send():
        from districts.tasks import retention_run_task

        retention_run_task.delay(run_id)

    if queue:
        transaction.on_commit(send)
    return run


# A dry run's report can be confirmed for this long; after that, run a new one.
DRY_RUN_VALID = datetime.timedelta(days=7)


def can_confirm(run: RetentionRun, now: datetime.datetime | None = None) -> bool:
    """A finished dry run that found students, of this week and of today's retention period,
    not carried out yet."""
    now = now or timezone.now()
    return (
        run.dry_run
        and run.status == RetentionRun.Status.DONE
        and bool(run.student_ids)
        and run.finished is not None
        and now - run.finished <= DRY_RUN_VALID
        and run.retention_years == run.district.retention_years
        and not run.real_runs.exclude(status=RetentionRun.Status.FAILED).exists()
    )


def retention_run_execute(*, run_id: int) -> RetentionRun | None:
    """The job: a dry run reports; a real run anonymises and reports what it did."""
    with scopes_disabled():
        return _execute(run_id)


def _execute(run_id: int) -> RetentionRun | None:
    run = RetentionRun.objects.select_related("district", "confirms", "created_by").get(pk=run_id)
    if run.status == RetentionRun.Status.DONE:
        return run
    RetentionRun.objects.filter(pk=run.pk).update(status=RetentionRun.Status.RUNNING)
    try:
        if run.dry_run:
            ids = list(
                students_past_retention(run.district, run.cutoff).values_list("pk", flat=True)
            )
        else:
            ids = _purge(run)
        run.student_ids = ids
        run.report = retention_report(ids) if run.dry_run else run.report
        run.status = RetentionRun.Status.DONE
    except TRANSIENT_ERRORS:
        RetentionRun.objects.filter(pk=run.pk).update(status=RetentionRun.Status.QUEUED)
        raise
    except Exception:
        logger.exception("Retention run %s failed", run.pk)
        run.status = RetentionRun.Status.FAILED
        run.error = _("The run stopped with an error; nothing of it was kept.")
    run.finished = timezone.now()
    run.save(update_fields=["student_ids", "report", "status", "error", "finished"])
    return run


def _purge(run: RetentionRun) -> list[int]:
    """Anonymise the students the confirmed dry run listed that are still past retention, in
    one transaction (all or nothing), with one audit event per student."""
    from carecore.audit import audit_record_many
    from carecore.models import AuditEvent
    from students.models import Student

    listed = set(run.confirms.student_ids if run.confirms else [])
    with transaction.atomic():
        students = list(students_past_retention(run.district, run.cutoff).filter(pk__in=listed))
        ids = [s.pk for s in students]
        # The report says what was removed: counted before it goes.
        run.report = retention_report(ids)
        sole = _sole_activities(set(ids))
        sole_by_student: dict[int, set[int]] = {}
        for activity_id, student_id in sole:
            sole_by_student.setdefault(student_id, set()).add(activity_id)
        for student in students:
            student_anonymise(
                student=student, sole_activity_ids=sole_by_student.get(student.pk, set())
            )
        anonymised = Student.objects.filter(pk__in=ids).select_related("school")
        audit_record_many(
            students=anonymised,
            action=AuditEvent.Action.DELETE,
            user=run.created_by,
            district=run.district,
            obj=run,
            summary=_("Personal data anonymised after %(years)s years (retention)")
            % {"years": run.retention_years},
        )
    return ids

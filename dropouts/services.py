"""Writes to dropout cases: open (by the district or a school), advance a step, go round again,
record an observation (close or reopen), close with another outcome, add a note or a team member,
give the case an owner, and the nightly job that marks late cases.

Every change of state writes a line in the case's log, bumps the case's revision (a form opened
before someone else's change is refused: ``StaleCase``) and recomputes the step's deadline from
the district's settings. Every write leaves an event in the audit log. Rules: docs/dropouts.md.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carecore.audit import audit_row
from carecore.dates import format_date
from carecore.models import DISTRICT_ROLES, AuditEvent, Membership, Notification, Role, User
from carecore.national_id import normalize_national_id, validate_national_id
from carecore.notifications import notify
from carecore.writes import StaleRevision, acting_user, bump_revision, refuse_stale
from dropouts.models import (
    CLOSING_OUTCOMES,
    DEFAULT_OBSERVATION_OFFSETS,
    ROUND_AGAIN_FROM,
    STEP_ORDER,
    CaseLogEntry,
    CaseObservation,
    CaseTeamMember,
    DistrictCaseSettings,
    DropoutCase,
    Outcome,
    Situation,
    Step,
)

# An observation that finds the child in school may be recorded from this many days before it
# is due (a teacher checks on a school day near the date), not earlier: three checks on the
# first day would close the case without any follow-up.
OBSERVATION_EARLY_DAYS = 7
MAX_OBSERVATIONS = 6
MAX_STEP_DAYS = 365


class StaleCase(StaleRevision):
    """Someone changed the case after this person opened the page; nothing was written."""


@dataclass(frozen=True)
class ChildDetails:
    """A child who is not a student in the system, as typed."""

    first_name: str
    last_name: str
    prefix: str = ""
    birth_date: datetime.date | None = None
    national_id: str = ""
    address: str = ""
    village: str = ""
    guardian_name: str = ""
    guardian_phone: str = ""


# --- helpers -----------------------------------------------------------------------------------
def _name(user) -> str:
    return user.display_name[:200] if acting_user(user) else ""


def case_settings(district) -> DistrictCaseSettings:
    """The district's settings (the defaults until the district administrator changes them)."""
    found = DistrictCaseSettings.objects.filter(district=district).first()
    return found or DistrictCaseSettings(district=district)


def _due(settings: DistrictCaseSettings, step: str, started: datetime.date):
    days = settings.days_for(step)
    return None if days is None else started + datetime.timedelta(days=days)


def _set_step(case: DropoutCase, step: str, started: datetime.date, settings=None) -> None:
    """Move the case to ``step`` from ``started``; the deadline comes from the district's
    settings. The late flag is cleared: the nightly job sets it again when the new deadline
    passes."""
    settings = settings or case_settings(case.district)
    case.step = step
    case.step_started = started
    case.step_due = _due(settings, step, started)
    case.late = False
    case.late_since = None


def _log(case: DropoutCase, *, kind: str, text: str, date: datetime.date, user) -> CaseLogEntry:
    return CaseLogEntry.objects.create(
        case=case,
        date=date,
        kind=kind,
        step=case.step,
        round=case.round,
        text=text.strip(),
        by=acting_user(user),
        by_name=_name(user),
    )


def _audit(
    case: DropoutCase,
    summary: str,
    user,
    request,
    values: dict | None = None,
    *,
    action: str = AuditEvent.Action.CHANGE,
) -> None:
    """``audit_row`` with the case's district (a case of a child in no school has no school);
    ``summary`` names the case as %(case)s, ``values`` fill in the rest."""
    summary %= {"case": case_audit_name(case), **(values or {})}
    audit_row(case, summary, user=user, request=request, action=action, district=case.district)


def case_audit_name(case: DropoutCase) -> str:
    """How the audit log names the case: the child of an out-of-school case is no student of
    the system, so their name goes in the description."""
    if case.student_id is not None:
        return _("dropout case %(id)s") % {"id": case.pk}
    return _("dropout case %(id)s (%(name)s)") % {"id": case.pk, "name": case.child_name}


def _locked(case: DropoutCase, revision: int | None) -> DropoutCase:
    locked = (
        DropoutCase.objects.select_for_update(of=("self",))
        .select_related("district", "school", "student")
        .get(pk=case.pk)
    )
    return refuse_stale(locked, revision, StaleCase)


def _check_date(value: datetime.date, *, field: str, not_before: datetime.date | None, today):
    if value > today:
        raise ValidationError({field: _("This date is in the future.")})
    if not_before is not None and value < not_before:
        raise ValidationError(
            {
                field: _("This date is before the current step started (%(date)s).")
                % {"date": format_date(not_before)}
            }
        )


def case_url(case: DropoutCase, *, for_district: bool = True) -> str:
    if for_district or case.school_id is None:
        return reverse(
            "dropouts_district:case_detail",
            kwargs={"district_code": case.district.code, "case_id": case.pk},
        )
    return reverse(
        "dropouts:case_detail", kwargs={"school_code": case.school.code, "case_id": case.pk}
    )


def district_staff(district) -> list[User]:
    """The district supervisors and administrators of the district (active accounts)."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__district=district,
            memberships__role__in=sorted(DISTRICT_ROLES),
        )
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )


def owner_candidates(case: DropoutCase) -> list[User]:
    """Who may own the case: the district's staff, and the coordinators of the case's school."""
    people = district_staff(case.district)
    if case.school_id is not None:
        seen = {u.pk for u in people}
        coordinators = User.objects.filter(
            is_active=True,
            memberships__school_id=case.school_id,
            memberships__role=Role.COORDINATOR,
        ).distinct()
        people += [u for u in coordinators if u.pk not in seen]
    return people


def _owner_url(case: DropoutCase, owner: User) -> str:
    """The district's page of the case for district staff, the school's for a coordinator."""
    is_district = Membership.objects.filter(
        user=owner, district_id=case.district_id, role__in=sorted(DISTRICT_ROLES)
    ).exists()
    return case_url(case, for_district=is_district)


def _place(case: DropoutCase) -> str:
    return case.school.name if case.school_id else case.district.name


def _tell_owner(case: DropoutCase, owner: User, user) -> None:
    """Tell ``owner`` that the case is theirs now (not when they took it themselves)."""
    if owner.pk != getattr(user, "pk", None):
        notify(
            users=[owner],
            kind=Notification.Kind.CASE_ASSIGNED,
            url=_owner_url(case, owner),
            place=_place(case),
        )


# --- opening -----------------------------------------------------------------------------------
def _clean_causes(causes) -> list[str]:
    from dropouts.models import Cause

    return [c for c in Cause.values if c in set(causes or [])]


@transaction.atomic
def case_open(
    *,
    district,
    situation: str,
    reported_on: datetime.date,
    reporter_kind: str,
    reporter_name: str = "",
    reporter_contact: str = "",
    description: str = "",
    causes=(),
    student=None,
    child: ChildDetails | None = None,
    school=None,
    owner=None,
    reported_by_school: bool = False,
    user,
    request=None,
) -> DropoutCase:
    """Open a case for an enrolled ``student`` (their school is the case's school) or for a
    ``child`` not in any school (``school``: the school concerned, if any). A case opened by a
    school is announced to the district's staff; an owner other than the one opening is told
    the case is theirs."""
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if reported_on > today:
        errors["reported_on"] = [_("This date is in the future.")]
    if student is not None:
        school = student.school
        if school.district_id != district.pk:
            raise ValidationError(_("This student's school is not in this district."))
        if situation == Situation.NEVER_ENROLLED:
            errors["situation"] = [_("A student of a school cannot be 'never enrolled'.")]
        if dropout_case_open_for_student(student) is not None:
            raise ValidationError(_("This student already has an open dropout case."))
    else:
        if child is None or not (child.first_name or "").strip():
            errors["first_name"] = [_("Write the child's first name.")]
        if situation == Situation.AT_RISK:
            errors["situation"] = [
                _("A child at risk of leaving is enrolled: choose the student instead.")
            ]
        if school is not None and school.district_id != district.pk:
            raise ValidationError(_("This school is not in this district."))
    national_id = ""
    if child is not None and child.national_id:
        national_id = normalize_national_id(child.national_id)
        try:
            validate_national_id(national_id)
        except ValidationError as error:
            errors["national_id"] = error.messages
    if child is not None and child.birth_date and child.birth_date > today:
        errors["birth_date"] = [_("This date is in the future.")]
    if errors:
        raise ValidationError(errors)

    settings = case_settings(district)
    case = DropoutCase(
        district=district,
        school=school,
        student=student,
        situation=situation,
        reported_on=reported_on,
        reporter_kind=reporter_kind,
        reporter_name=reporter_name.strip(),
        reporter_contact=reporter_contact.strip(),
        description=description.strip(),
        causes=_clean_causes(causes),
        reported_by_school=reported_by_school,
        owner=owner,
        opened_by=acting_user(user),
        step_started=reported_on,
    )
    if student is None and child is not None:
        case.prefix = child.prefix
        case.first_name = child.first_name.strip()
        case.last_name = child.last_name.strip()
        case.birth_date = child.birth_date
        case.national_id = national_id
        case.address = child.address.strip()
        case.village = child.village.strip()
        case.guardian_name = child.guardian_name.strip()
        case.guardian_phone = child.guardian_phone.strip()
    _set_step(case, Step.REPORT, reported_on, settings)
    case.full_clean(exclude=["district", "school", "student", "owner", "opened_by", "causes"])
    case.save()
    _log(
        case,
        kind=CaseLogEntry.Kind.OPENED,
        text=case.description or _("Case opened."),
        date=reported_on,
        user=user,
    )
    _audit(case, _("Opened a %(case)s"), user, request, action=AuditEvent.Action.CREATE)
    if reported_by_school:
        notify(
            users=[u for u in district_staff(district) if u.pk != getattr(user, "pk", None)],
            kind=Notification.Kind.CASE_REPORTED,
            url=case_url(case),
            place=_place(case),
        )
    if owner is not None:
        _tell_owner(case, owner, user)
    return case


def dropout_case_open_for_student(student) -> DropoutCase | None:
    return (
        DropoutCase.objects.filter(student=student)
        .exclude(step=Step.CLOSED)
        .order_by("-pk")
        .first()
    )


# --- moving along ------------------------------------------------------------------------------
def next_steps(case: DropoutCase) -> list[str]:
    """The steps a case may advance to: the next one, or a later one when a step was not
    needed (a child who goes back to school right after the visit)."""
    if case.step not in STEP_ORDER or case.step == Step.BACK_IN_SCHOOL:
        return []
    return STEP_ORDER[STEP_ORDER.index(case.step) + 1 :]


@transaction.atomic
def case_advance(
    *,
    case: DropoutCase,
    revision: int | None,
    date: datetime.date,
    note: str,
    to_step: str | None = None,
    user,
    request=None,
) -> DropoutCase:
    """The current step is done (``note``: what was done, on ``date``); the case moves to
    ``to_step`` (the next step unless a later one is chosen). Reaching "back in school" creates
    the follow-up observations."""
    locked = _locked(case, revision)
    allowed = next_steps(locked)
    if not allowed:
        raise ValidationError(_("This case cannot move to another step from here."))
    to_step = to_step or allowed[0]
    if to_step not in allowed:
        raise ValidationError({"to_step": _("Choose one of the next steps.")})
    if not note.strip():
        raise ValidationError({"note": _("Write what was done.")})
    _check_date(date, field="date", not_before=locked.step_started, today=timezone.localdate())
    from_step = locked.get_step_display()
    _log(locked, kind=CaseLogEntry.Kind.ADVANCED, text=note, date=date, user=user)
    settings = case_settings(locked.district)
    _set_step(locked, to_step, date, settings)
    if to_step == Step.BACK_IN_SCHOOL:
        offsets = settings.observation_offsets or DEFAULT_OBSERVATION_OFFSETS
        observations = CaseObservation.objects.bulk_create(
            [
                CaseObservation(
                    case=locked, round=locked.round, due_on=date + datetime.timedelta(days=days)
                )
                for days in sorted(offsets)
            ]
        )
        locked.step_due = min(o.due_on for o in observations)
    bump_revision(locked, "step", "step_started", "step_due", "late", "late_since")
    summary = _("%(case)s: %(from)s done, now %(to)s")
    _audit(locked, summary, user, request, {"from": from_step, "to": locked.get_step_display()})
    return locked


@transaction.atomic
def case_round_again(
    *, case: DropoutCase, revision: int | None, date: datetime.date, note: str, user, request=None
) -> DropoutCase:
    """The help did not work yet: back to coordinating with the team, in the next round
    (seed 003, step 7: "ดำเนินการตามขั้นตอนที่ 2 - 6 จนกว่าจะแล้วเสร็จ")."""
    locked = _locked(case, revision)
    if locked.step not in ROUND_AGAIN_FROM:
        raise ValidationError(_("A case goes round again from the meeting or the referral."))
    if not note.strip():
        raise ValidationError({"note": _("Write why the case goes round again.")})
    _check_date(date, field="date", not_before=locked.step_started, today=timezone.localdate())
    _log(locked, kind=CaseLogEntry.Kind.ROUND, text=note, date=date, user=user)
    locked.round += 1
    _set_step(locked, Step.COORDINATE, date)
    bump_revision(locked, "round", "step", "step_started", "step_due", "late", "late_since")
    _audit(locked, _("%(case)s: round %(round)s"), user, request, {"round": locked.round})
    return locked


def pending_observation(case: DropoutCase) -> CaseObservation | None:
    return (
        CaseObservation.objects.filter(case=case, observed_on__isnull=True)
        .order_by("due_on", "pk")
        .first()
    )


@transaction.atomic
def case_observation_record(
    *,
    case: DropoutCase,
    revision: int | None,
    observed_on: datetime.date,
    still_in_school: bool,
    note: str = "",
    user,
    request=None,
) -> CaseObservation:
    """Record the next observation of a child back in school. Still in school: the next
    observation becomes the deadline, and after the last one the case closes as "back in
    school". Not in school: the case reopens (coordinating, next round) and the remaining
    observations are dropped."""
    locked = _locked(case, revision)
    if locked.step != Step.BACK_IN_SCHOOL:
        raise ValidationError(_("Observations are recorded once the child is back in school."))
    observation = pending_observation(locked)
    if observation is None:
        raise ValidationError(_("Every observation of this case is recorded."))
    today = timezone.localdate()
    _check_date(observed_on, field="observed_on", not_before=locked.step_started, today=today)
    earliest = observation.due_on - datetime.timedelta(days=OBSERVATION_EARLY_DAYS)
    if still_in_school and observed_on < earliest:
        raise ValidationError(
            {
                "observed_on": _(
                    "The observation due on %(due)s can be recorded from %(from)s. "
                    "(A child who has left again can be recorded at any time.)"
                )
                % {"due": format_date(observation.due_on), "from": format_date(earliest)}
            }
        )
    if not still_in_school and not note.strip():
        raise ValidationError({"note": _("Write what was found.")})
    observation.observed_on = observed_on
    observation.still_in_school = still_in_school
    observation.note = note.strip()
    observation.by = acting_user(user)
    observation.save()
    due = format_date(observation.due_on)
    if still_in_school:
        text = _("Observation due %(due)s: still in school.") % {"due": due}
    else:
        text = _("Observation due %(due)s: not in school.") % {"due": due}
    if note.strip():
        text = f"{text} {note.strip()}"
    _log(locked, kind=CaseLogEntry.Kind.OBSERVATION, text=text, date=observed_on, user=user)
    if still_in_school:
        following = pending_observation(locked)
        if following is None:
            locked.step = Step.CLOSED
            locked.step_due = None
            locked.late = False
            locked.late_since = None
            locked.outcome = Outcome.BACK_IN_SCHOOL
            locked.closed_on = observed_on
            _log(
                locked,
                kind=CaseLogEntry.Kind.CLOSED,
                text=_("Still in school at the last observation: the case is closed."),
                date=observed_on,
                user=user,
            )
            bump_revision(locked, "step", "step_due", "late", "late_since", "outcome", "closed_on")
            summary = _("%(case)s: last observation, closed back in school")
        else:
            locked.step_due = following.due_on
            locked.late = False
            locked.late_since = None
            bump_revision(locked, "step_due", "late", "late_since")
            summary = _("%(case)s: observation recorded, still in school")
    else:
        CaseObservation.objects.filter(case=locked, observed_on__isnull=True).delete()
        locked.round += 1
        _set_step(locked, Step.COORDINATE, observed_on)
        _log(
            locked,
            kind=CaseLogEntry.Kind.REOPENED,
            text=_("Not in school at the observation: back to coordinating, round %(round)s.")
            % {"round": locked.round},
            date=observed_on,
            user=user,
        )
        bump_revision(locked, "round", "step", "step_started", "step_due", "late", "late_since")
        summary = _("%(case)s: not in school at the observation, reopened")
    _audit(locked, summary, user, request)
    return observation


@transaction.atomic
def case_close(
    *,
    case: DropoutCase,
    revision: int | None,
    outcome: str,
    closed_on: datetime.date,
    note: str,
    user,
    request=None,
) -> DropoutCase:
    """Close an open case with an outcome other than "back in school" (that one comes from the
    last observation): non-formal education, working with a plan, moved away, lost contact."""
    locked = _locked(case, revision)
    if not locked.is_open:
        raise ValidationError(_("This case is already closed."))
    errors = {}
    if outcome not in CLOSING_OUTCOMES:
        errors["outcome"] = _("Choose the outcome.")
    if not note.strip():
        errors["note"] = _("Write why the case is closed.")
    if errors:
        raise ValidationError(errors)
    _check_date(
        closed_on, field="closed_on", not_before=locked.step_started, today=timezone.localdate()
    )
    CaseObservation.objects.filter(case=locked, observed_on__isnull=True).delete()
    locked.step = Step.CLOSED
    locked.step_due = None
    locked.late = False
    locked.late_since = None
    locked.outcome = outcome
    locked.outcome_note = note.strip()
    locked.closed_on = closed_on
    _log(
        locked,
        kind=CaseLogEntry.Kind.CLOSED,
        text=f"{locked.get_outcome_display()}: {note.strip()}",
        date=closed_on,
        user=user,
    )
    bump_revision(
        locked, "step", "step_due", "late", "late_since", "outcome", "outcome_note", "closed_on"
    )
    summary = _("%(case)s: closed, %(outcome)s")
    _audit(locked, summary, user, request, {"outcome": locked.get_outcome_display()})
    return locked


# --- notes, team, owner ------------------------------------------------------------------------
@transaction.atomic
def case_note_add(
    *, case: DropoutCase, date: datetime.date, text: str, user, request=None
) -> CaseLogEntry:
    """A line in the log without changing the step (a phone call, a message from the school)."""
    if not text.strip():
        raise ValidationError({"text": _("Write what was done.")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("This date is in the future.")})
    if date < case.reported_on:
        raise ValidationError(
            {
                "date": _("This date is before the case was reported (%(date)s).")
                % {"date": format_date(case.reported_on)}
            }
        )
    entry = _log(case, kind=CaseLogEntry.Kind.NOTE, text=text, date=date, user=user)
    _audit(case, _("%(case)s: note added"), user, request)
    return entry


@transaction.atomic
def case_team_member_add(
    *, case: DropoutCase, name: str, role: str, phone: str = "", user, request=None
) -> CaseTeamMember:
    """A member of the multidisciplinary team of the case."""
    if not case.is_open:
        raise ValidationError(_("This case is closed."))
    errors = {}
    if not name.strip():
        errors["name"] = _("Write the name.")
    if not role.strip():
        errors["role"] = _("Write the role or organisation.")
    if errors:
        raise ValidationError(errors)
    member = CaseTeamMember.objects.create(
        case=case,
        name=name.strip(),
        role=role.strip(),
        phone=phone.strip(),
        added_by=acting_user(user),
    )
    _log(
        case,
        kind=CaseLogEntry.Kind.TEAM,
        text=_("Team member added: %(name)s (%(role)s)")
        % {"name": member.name, "role": member.role},
        date=timezone.localdate(),
        user=user,
    )
    _audit(case, _("%(case)s: team member added"), user, request)
    return member


@transaction.atomic
def case_owner_set(
    *, case: DropoutCase, revision: int | None, owner: User, user, request=None
) -> DropoutCase:
    """Give the case to ``owner`` (district staff, or a coordinator of the case's school), who
    is told (unless they took it themselves)."""
    locked = _locked(case, revision)
    if owner.pk not in {u.pk for u in owner_candidates(locked)}:
        raise ValidationError({"owner": _("Choose a person of the district office or school.")})
    if locked.owner_id == owner.pk:
        return locked
    locked.owner = owner
    _log(
        locked,
        kind=CaseLogEntry.Kind.OWNER,
        text=_("The case is given to %(name)s.") % {"name": owner.display_name},
        date=timezone.localdate(),
        user=user,
    )
    bump_revision(locked, "owner")
    _audit(locked, _("%(case)s: owner %(name)s"), user, request, {"name": owner.display_name})
    _tell_owner(locked, owner, user)
    return locked


# --- settings ----------------------------------------------------------------------------------
@transaction.atomic
def case_settings_save(*, district, days: dict[str, int], observation_offsets, user):
    """The district's deadlines. They apply from the next change of step of each case."""
    offsets = sorted({int(d) for d in observation_offsets})
    if not offsets or len(offsets) > MAX_OBSERVATIONS or offsets[0] < 1 or offsets[-1] > 730:
        raise ValidationError(
            {
                "observation_offsets": _(
                    "Give between one and %(n)s numbers of days, each from 1 to 730."
                )
                % {"n": MAX_OBSERVATIONS}
            }
        )
    settings = DistrictCaseSettings.objects.filter(district=district).first()
    settings = settings or DistrictCaseSettings(district=district)
    for step, value in days.items():
        if not 1 <= int(value) <= MAX_STEP_DAYS:
            raise ValidationError({f"days_{step}": _("From 1 to 365 days.")})
        setattr(settings, f"days_{step}", int(value))
    settings.observation_offsets = offsets
    settings.modified_by = acting_user(user)
    settings.save()
    return settings


# --- the nightly job ---------------------------------------------------------------------------
@dataclass
class LateRun:
    marked: int = 0
    cleared: int = 0
    notified: int = 0


def dropout_cases_mark_late(*, today: datetime.date | None = None) -> LateRun:
    """Mark open cases whose step is past its deadline (for a child back in school: the next
    observation is past due and not recorded) as late, and clear the mark of those that are not
    late any more. The owner (or, without one, the district's staff) is told once, when the
    case becomes late.

    Runs across districts: the caller (task, management command) disables the scopes."""
    today = today or timezone.localdate()
    run = LateRun()
    with transaction.atomic():
        cleared = DropoutCase.objects.filter(late=True).filter(
            Q(step=Step.CLOSED) | Q(step_due__isnull=True) | Q(step_due__gte=today)
        )
        run.cleared = cleared.update(late=False, late_since=None)
        becoming = list(
            DropoutCase.objects.filter(late=False, step_due__lt=today)
            .exclude(step=Step.CLOSED)
            .select_related("district", "school", "owner")
            .select_for_update(of=("self",))
        )
        staff: dict[int, list[User]] = {}
        for case in becoming:
            case.late = True
            case.late_since = case.step_due + datetime.timedelta(days=1)
            case.save(update_fields=["late", "late_since"])
            run.marked += 1
            if case.owner is not None and case.owner.is_active:
                users = [case.owner]
            else:
                if case.district_id not in staff:
                    staff[case.district_id] = district_staff(case.district)
                users = staff[case.district_id]
            url = _owner_url(case, case.owner) if case.owner is not None else case_url(case)
            run.notified += len(
                notify(users=users, kind=Notification.Kind.CASE_LATE, url=url, place=_place(case))
            )
    return run

"""The one access layer: every decision about who may see or do what goes through here.

Rules (see docs/access.md):
- a homeroom teacher sees the students of their own classrooms in the current academic year;
- the coordinator, the director and the guidance counsellor see every student of their school;
- network and district staff see aggregates of their schools, never individual students
  (later features add the cases referred to them);
- an object outside the user's scope answers 404, exactly like one that does not exist;
  an object in scope with a forbidden action answers 403.

Here: the permission table (``Perm``, ``ROLE_PERMISSIONS``), what a user holds where
(``Access``), which classrooms they see (``visible_classroom_ids``) and the view decorators
``school_view``, ``network_view``, ``district_view`` and ``national_view``, which name the
permission a view needs and run it inside a django-scopes scope, so a query on a school-owned
model that forgets to filter by school cannot leak another school's rows. The lookups of each
app's rows (``*_get_for_user``, ``*_for_user``, ``can_*``) live beside their models, in that
app's ``access.py``, built on these. The foundation imports no app above it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django_scopes import scope

from carecore.models import (
    DISTRICT_ROLES,
    LEADER_ROLES,
    NATIONAL_ROLES,
    NETWORK_ROLES,
    ROLE_RANK,
    SUPERUSER_RANK,
    Membership,
    Role,
)


def _model(app_label: str, model_name: str):
    """An organisation model named by its label, as Django names the user model
    (``settings.AUTH_USER_MODEL``): the foundation sits below schools and districts, so it
    may not import them; their rows still decide every scope."""
    return apps.get_model(app_label, model_name)


class Perm:
    """Every permission, in one place. A role holds the permissions ``ROLE_PERMISSIONS`` lists;
    a user holds at a place the union over their memberships there and above it."""

    VIEW_SCHOOL = "view_school"
    # Which students one sees: every student of the school, or those of one's own homeroom
    # classrooms this year; VIEW_STUDENTS, for pages that list students' classrooms, is held
    # by whoever holds either (``visible_classroom_ids`` says which classrooms).
    VIEW_ALL_STUDENTS = "view_all_students"
    VIEW_OWN_CLASSROOMS = "view_own_classrooms"
    VIEW_STUDENTS = "view_students"
    EDIT_STUDENTS = "edit_students"
    MANAGE_STAFF = "manage_staff"
    MANAGE_SCHOOL = "manage_school"  # the school's document settings and emblem
    ASSIGN_HOMEROOM = "assign_homeroom"
    VIEW_AGGREGATES = "view_aggregates"
    VIEW_DISTRICT = "view_district"
    MANAGE_DISTRICT_STAFF = "manage_district_staff"
    VIEW_AUDIT_LOG = "view_audit_log"
    # Guardian consent (docs/privacy.md): record or withdraw it for any student of the school.
    # A homeroom teacher does it for their own students (object level, students/access.py).
    RECORD_CONSENT = "record_consent"
    # Screening: fill in forms and groups for the students one may see; run the school's
    # screening (window, slips for every room, import, criteria); set the district's criteria.
    ENTER_SCREENING = "enter_screening"
    MANAGE_SCREENING = "manage_screening"
    MANAGE_DISTRICT_SCREENING = "manage_district_screening"
    # Home visits (step 1): record a visit of a student one may see.
    RECORD_VISITS = "record_visits"
    # Steps 3-4: record care activities and care plans for the students one may see; record
    # the support (scholarships, funds) students received.
    RECORD_CARE = "record_care"
    MANAGE_SUPPORT = "manage_support"
    # Change or delete any care activity of the school (whoever recorded one changes their own).
    MANAGE_CARE_ACTIVITIES = "manage_care_activities"
    # Read the counselling notes of every student one may see (homeroom teachers read those of
    # their own students: object level, care/access.py).
    READ_COUNSELLING_NOTES = "read_counselling_notes"
    # The district's directory of partner agencies: add, edit, take out of use, put back.
    MANAGE_AGENCIES = "manage_agencies"
    # Step 5 (docs/referrals.md): refer a student one may see inside the school (to a role or a
    # named staff member), or to a partner agency of the district's directory.
    REFER = "refer"
    REFER_EXTERNAL = "refer_external"
    # Send and receive referrals: the inbox and the sent list (the school's staff; supervisors
    # have no referrals at a school).
    USE_REFERRALS = "use_referrals"
    # Every referral of the school (the school's list); their confidential notes; record an
    # agency's answer and result, follow up and close any referral (the sender does it for
    # their own: object level, referrals/access.py).
    READ_ALL_REFERRALS = "read_all_referrals"
    SEE_REFERRAL_NOTES = "see_referral_notes"
    MANAGE_REFERRALS = "manage_referrals"
    # Dropout and out-of-school cases (docs/dropouts.md): district staff work every case of their
    # district; the district administrator sets the deadlines; the school's coordinator,
    # director and counsellor report a student at risk and follow their school's cases.
    WORK_DROPOUT_CASES = "work_dropout_cases"
    MANAGE_CASE_SETTINGS = "manage_case_settings"
    OPEN_DROPOUT_CASE = "open_dropout_case"
    # See a place's cases (its list, and the cases of a school): held by whoever holds either
    # of the two above.
    FOLLOW_DROPOUT_CASES = "follow_dropout_cases"
    # The school dashboard and report (director, coordinator, counsellor: they see the students
    # behind a figure); the district's targets for its schools (docs/dashboards.md).
    VIEW_SCHOOL_DASHBOARD = "view_school_dashboard"
    MANAGE_TARGETS = "manage_targets"
    # The national overview (OBEC): every district's figures.
    VIEW_NATIONAL = "view_national"
    # PDPA (docs/privacy.md): the subject-access export of one student's whole file, made on the
    # guardian's written request by the director alone (least privilege: the file holds every
    # confidential note); the retention period and the purge (districts/retention.py).
    EXPORT_SUBJECT_DATA = "export_subject_data"
    MANAGE_RETENTION = "manage_retention"
    # Daily attendance (docs/attendance.md): take the roll of the classrooms one may see (a
    # homeroom teacher their own, object level in attendance/access.py); the school's calendar,
    # thresholds, imports and corrections of any day.
    TAKE_ATTENDANCE = "take_attendance"
    MANAGE_ATTENDANCE = "manage_attendance"
    # Behaviour (docs/behaviour.md): any teacher records an incident of a student of the school;
    # the discipline office and the coordinator set the categories and points; the sensitive
    # categories (drugs, sexual, violence) are seen by the roles that deal with them.
    RECORD_BEHAVIOUR = "record_behaviour"
    MANAGE_BEHAVIOUR = "manage_behaviour"
    SEE_SENSITIVE_BEHAVIOUR = "see_sensitive_behaviour"
    # Families (docs/portal.md): issue parents' and students' account slips; message families of
    # the students one may see; answer students' confidential requests for help (the counsellor).
    ISSUE_FAMILY_ACCOUNTS = "issue_family_accounts"
    MESSAGE_FAMILIES = "message_families"
    ANSWER_HELP_REQUESTS = "answer_help_requests"
    # Early warning of dropping out (docs/early-warning.md): the flagged students and their
    # reasons (a homeroom teacher those of their own classrooms, visible_classroom_ids); district
    # and network staff see counts per school (VIEW_AGGREGATES), never names. The district
    # administrator tunes the model's weights and thresholds within their bounds.
    VIEW_EARLY_WARNING = "view_early_warning"
    MANAGE_EARLY_WARNING = "manage_early_warning"
    # The district's deadlines (docs/district-work.md): district staff set them; a school's
    # director and coordinator see what is due and mark a report done.
    MANAGE_DEADLINES = "manage_deadlines"
    MEET_DEADLINES = "meet_deadlines"
    # Satisfaction surveys (docs/district-work.md): build, publish and close a survey and read
    # its results: the district's (district staff) and a school's (its director and coordinator).
    MANAGE_SURVEYS = "manage_surveys"
    # The good-practice library (docs/district-work.md): a school's staff write their school's
    # practices and send them to the district; district staff send back or publish them. The
    # whole district reads the published ones (VIEW_SCHOOL, VIEW_AGGREGATES, VIEW_DISTRICT).
    SUBMIT_PRACTICES = "submit_practices"
    REVIEW_PRACTICES = "review_practices"
    # Supervision (docs/district-work.md): district staff configure the supervision form, plan
    # rounds and record visits; a school's director and coordinator read the visits sent to the
    # school and answer each recommendation with the school's actions.
    SUPERVISE = "supervise"
    ANSWER_SUPERVISION = "answer_supervision"
    # The district's yearly plan (docs/district-work.md): its staff write and publish it; every
    # school of the district and its networks read the published plan (VIEW_SCHOOL).
    MANAGE_PLANS = "manage_plans"
    # Training records: a school's director and coordinator record their staff's training; the
    # district's staff record the district's own courses and read every school's figures.
    MANAGE_TRAINING = "manage_training"
    # Committees, their appointment orders and meetings: the district's staff those of the
    # district (and any below it), a network supervisor their network's, a school's director and
    # coordinator their school's.
    MANAGE_COMMITTEES = "manage_committees"
    # Self-assessment and evaluation: a school's director and coordinator assess their school
    # against the district's indicators; the district's staff set the rubric, the window, the
    # raters, the levels and the awards; a rater (district or network staff named on the round,
    # object level) scores the schools given to them.
    SELF_ASSESS = "self_assess"
    MANAGE_EVALUATION = "manage_evaluation"
    EVALUATE_SCHOOLS = "evaluate_schools"
    # The district fund: its staff set the budget and the criteria, select and pay; a school's
    # director, coordinator and counsellor nominate students from their support records. The
    # district's staff see the nominated students (and only those: object level).
    MANAGE_FUND = "manage_fund"
    NOMINATE_FOR_FUND = "nominate_for_fund"


# What the counsellor and the director both hold: a child's whole case, the counselling notes and
# every referral with its notes, and referring outside the school.
WHOLE_CASE = frozenset(
    {
        Perm.READ_COUNSELLING_NOTES,
        Perm.REFER,
        Perm.REFER_EXTERNAL,
        Perm.USE_REFERRALS,
        Perm.READ_ALL_REFERRALS,
        Perm.SEE_REFERRAL_NOTES,
    }
)

# What the coordinator and the director both hold of the district office's own work
# (docs/district-work.md): the school's side of its deadlines, its own satisfaction surveys, and
# the answer to a supervision visit, its staff's training, its committees, its self-assessment and
# its nominations to the district fund.
SCHOOL_SIDE_OF_DISTRICT_WORK = frozenset(
    {
        Perm.MEET_DEADLINES,
        Perm.MANAGE_SURVEYS,
        Perm.ANSWER_SUPERVISION,
        Perm.MANAGE_TRAINING,
        Perm.MANAGE_COMMITTEES,
        Perm.SELF_ASSESS,
        Perm.NOMINATE_FOR_FUND,
    }
)


# What the district supervisor and the district administrator both hold: every school of the
# district in figures, the district's cases and partner agencies, and the district office's own
# work (docs/district-work.md). The administrator holds more (below).
DISTRICT_STAFF_WORK = frozenset(
    {
        Perm.VIEW_SCHOOL,
        Perm.VIEW_AGGREGATES,
        Perm.VIEW_DISTRICT,
        Perm.MANAGE_AGENCIES,
        Perm.WORK_DROPOUT_CASES,
        Perm.FOLLOW_DROPOUT_CASES,
        Perm.MANAGE_TARGETS,
        Perm.MANAGE_DEADLINES,
        Perm.MANAGE_SURVEYS,
        Perm.REVIEW_PRACTICES,
        Perm.SUPERVISE,
        Perm.MANAGE_PLANS,
        Perm.MANAGE_TRAINING,
        Perm.MANAGE_COMMITTEES,
        Perm.MANAGE_EVALUATION,
        Perm.EVALUATE_SCHOOLS,
        Perm.MANAGE_FUND,
    }
)

# What each role may do. External referrals are the counsellor's, the discipline office's and
# the leaders' ("ส่งต่อภายนอกโดยครูแนะแนวหรือฝ่ายปกครอง"); school roles hold their permissions at
# their school only, network and district roles at every school below them.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.HOMEROOM: frozenset(
        {
            Perm.VIEW_SCHOOL,
            Perm.VIEW_OWN_CLASSROOMS,
            Perm.VIEW_STUDENTS,
            Perm.ENTER_SCREENING,
            Perm.RECORD_VISITS,
            Perm.RECORD_CARE,
            Perm.REFER,
            Perm.USE_REFERRALS,
            Perm.TAKE_ATTENDANCE,
            Perm.RECORD_BEHAVIOUR,
            Perm.ISSUE_FAMILY_ACCOUNTS,
            Perm.MESSAGE_FAMILIES,
            Perm.VIEW_EARLY_WARNING,
            Perm.SUBMIT_PRACTICES,
        }
    ),
    Role.COUNSELLOR: frozenset(
        {
            Perm.VIEW_SCHOOL,
            Perm.VIEW_ALL_STUDENTS,
            Perm.VIEW_STUDENTS,
            Perm.ENTER_SCREENING,
            Perm.RECORD_VISITS,
            Perm.RECORD_CARE,
            Perm.MANAGE_REFERRALS,
            Perm.OPEN_DROPOUT_CASE,
            Perm.FOLLOW_DROPOUT_CASES,
            Perm.VIEW_SCHOOL_DASHBOARD,
            Perm.RECORD_BEHAVIOUR,
            Perm.SEE_SENSITIVE_BEHAVIOUR,
            Perm.MESSAGE_FAMILIES,
            Perm.ANSWER_HELP_REQUESTS,
            Perm.VIEW_EARLY_WARNING,
            Perm.SUBMIT_PRACTICES,
            Perm.NOMINATE_FOR_FUND,
        }
    )
    | WHOLE_CASE,
    Role.DISCIPLINE: frozenset(
        {
            Perm.VIEW_SCHOOL,
            Perm.REFER_EXTERNAL,
            Perm.USE_REFERRALS,
            Perm.RECORD_BEHAVIOUR,
            Perm.MANAGE_BEHAVIOUR,
            Perm.SEE_SENSITIVE_BEHAVIOUR,
            Perm.SUBMIT_PRACTICES,
        }
    ),
    Role.NURSE: frozenset(
        {Perm.VIEW_SCHOOL, Perm.USE_REFERRALS, Perm.RECORD_BEHAVIOUR, Perm.SUBMIT_PRACTICES}
    ),
    Role.COORDINATOR: frozenset(
        {
            Perm.VIEW_SCHOOL,
            Perm.VIEW_ALL_STUDENTS,
            Perm.VIEW_STUDENTS,
            Perm.EDIT_STUDENTS,
            Perm.MANAGE_STAFF,
            Perm.MANAGE_SCHOOL,
            Perm.ASSIGN_HOMEROOM,
            Perm.RECORD_CONSENT,
            Perm.ENTER_SCREENING,
            Perm.MANAGE_SCREENING,
            Perm.RECORD_VISITS,
            Perm.RECORD_CARE,
            Perm.MANAGE_SUPPORT,
            Perm.MANAGE_CARE_ACTIVITIES,
            Perm.REFER,
            Perm.REFER_EXTERNAL,
            Perm.USE_REFERRALS,
            Perm.READ_ALL_REFERRALS,
            Perm.MANAGE_REFERRALS,
            Perm.OPEN_DROPOUT_CASE,
            Perm.FOLLOW_DROPOUT_CASES,
            Perm.VIEW_SCHOOL_DASHBOARD,
            Perm.TAKE_ATTENDANCE,
            Perm.MANAGE_ATTENDANCE,
            Perm.RECORD_BEHAVIOUR,
            Perm.MANAGE_BEHAVIOUR,
            Perm.SEE_SENSITIVE_BEHAVIOUR,
            Perm.ISSUE_FAMILY_ACCOUNTS,
            Perm.MESSAGE_FAMILIES,
            Perm.VIEW_EARLY_WARNING,
            Perm.SUBMIT_PRACTICES,
        }
    )
    | SCHOOL_SIDE_OF_DISTRICT_WORK,
    Role.DIRECTOR: frozenset(
        {
            Perm.VIEW_SCHOOL,
            Perm.VIEW_ALL_STUDENTS,
            Perm.VIEW_STUDENTS,
            Perm.VIEW_AUDIT_LOG,
            Perm.RECORD_CONSENT,
            Perm.OPEN_DROPOUT_CASE,
            Perm.FOLLOW_DROPOUT_CASES,
            Perm.VIEW_SCHOOL_DASHBOARD,
            Perm.EXPORT_SUBJECT_DATA,
            Perm.RECORD_BEHAVIOUR,
            Perm.SEE_SENSITIVE_BEHAVIOUR,
            Perm.MESSAGE_FAMILIES,
            Perm.VIEW_EARLY_WARNING,
            Perm.SUBMIT_PRACTICES,
        }
    )
    | WHOLE_CASE
    | SCHOOL_SIDE_OF_DISTRICT_WORK,
    Role.NETWORK_SUPERVISOR: frozenset(
        {
            Perm.VIEW_SCHOOL,
            Perm.VIEW_AGGREGATES,
            Perm.MANAGE_COMMITTEES,
            Perm.EVALUATE_SCHOOLS,
            # The network team's rounds of supervision (districts/supervision).
            Perm.SUPERVISE,
        }
    ),
    Role.DISTRICT_SUPERVISOR: DISTRICT_STAFF_WORK,
    Role.DISTRICT_ADMIN: DISTRICT_STAFF_WORK
    | frozenset(
        {
            Perm.MANAGE_DISTRICT_STAFF,
            Perm.VIEW_AUDIT_LOG,
            Perm.MANAGE_DISTRICT_SCREENING,
            Perm.MANAGE_CASE_SETTINGS,
            Perm.MANAGE_RETENTION,
            Perm.MANAGE_EARLY_WARNING,
        }
    ),
    Role.NATIONAL_OFFICER: frozenset({Perm.VIEW_NATIONAL}),
}


class Access:
    """What one user may do, computed from their memberships (one query, cached per request)."""

    def __init__(self, user):
        self.user = user
        if user.is_authenticated and user.is_active:
            self.memberships = list(
                Membership.objects.filter(user=user).select_related(
                    "school", "school__district", "network", "network__district", "district"
                )
            )
        else:
            self.memberships = []

    # --- roles -------------------------------------------------------------------------------
    def school_roles(self, school) -> set[str]:
        return {m.role for m in self.memberships if m.school_id == school.pk}

    def school_ids_with_role(self, *roles: str) -> list[int]:
        return sorted({m.school_id for m in self.memberships if m.school_id and m.role in roles})

    # --- permission sets ---------------------------------------------------------------------
    def school_perms(self, school) -> frozenset[str]:
        perms: set[str] = set()
        for m in self.memberships:
            if (
                (m.school_id and m.school_id == school.pk)
                or (m.network_id and m.network_id == school.network_id)
                or (m.district_id and m.district_id == school.district_id)
            ):
                perms |= ROLE_PERMISSIONS[m.role]
        return frozenset(perms)

    def network_perms(self, network) -> frozenset[str]:
        perms: set[str] = set()
        for m in self.memberships:
            if (m.network_id and m.network_id == network.pk) or (
                m.district_id and m.district_id == network.district_id
            ):
                perms |= ROLE_PERMISSIONS[m.role]
        return frozenset(perms)

    def district_perms(self, district) -> frozenset[str]:
        perms: set[str] = set()
        for m in self.memberships:
            if m.district_id and m.district_id == district.pk:
                perms |= ROLE_PERMISSIONS[m.role]
        return frozenset(perms)

    def national_perms(self) -> frozenset[str]:
        perms: set[str] = set()
        for m in self.memberships:
            if m.role in NATIONAL_ROLES:
                perms |= ROLE_PERMISSIONS[m.role]
        return frozenset(perms)

    # --- navigation --------------------------------------------------------------------------
    def places(self) -> list[Membership]:
        """Memberships in a stable order for menus: schools, then networks, then districts."""

        def key(m: Membership):
            level = (
                3
                if m.role in NATIONAL_ROLES
                else 2
                if m.role in DISTRICT_ROLES
                else 1
                if m.role in NETWORK_ROLES
                else 0
            )
            return (level, str(m.place), m.role)

        return sorted(self.memberships, key=key)


def get_access(request) -> Access:
    access = getattr(request, "_access", None)
    if access is None or access.user is not request.user:
        access = Access(request.user)
        request._access = access
    return access


# --- object lookups: 404 outside the user's scope ----------------------------------------------
def _with_perms(request, place, perms_of: Callable):
    """``place`` and the user's permissions there (``perms_of``: an ``Access`` method); 404 when
    it does not exist or the user has none there (the same answer, so that a place's existence
    is not revealed)."""
    if place is None:
        raise Http404
    perms = perms_of(get_access(request), place)
    if not perms:
        raise Http404
    return place, perms


def school_get_for_user(request, code: str):
    school = (
        _model("schools", "School")
        .objects.select_related("district", "network")
        .filter(code=code)
        .first()
    )
    return _with_perms(request, school, Access.school_perms)


def network_get_for_user(request, pk: int):
    network = (
        _model("districts", "Network").objects.select_related("district").filter(pk=pk).first()
    )
    return _with_perms(request, network, Access.network_perms)


def district_get_for_user(request, code: str):
    district = _model("districts", "District").objects.filter(code=code).first()
    return _with_perms(request, district, Access.district_perms)


def own_classroom_ids(request) -> list[int]:
    """Classrooms of the current academic year that the user teaches as homeroom teacher."""
    if Perm.VIEW_OWN_CLASSROOMS not in request.schoolperms or request.academic_year is None:
        return []
    cached = getattr(request, "_own_classroom_ids", None)
    if cached is None:
        cached = list(
            _model("schools", "HomeroomAssignment")
            .objects.filter(
                teacher=request.user,
                classroom__school=request.school,
                classroom__academic_year=request.academic_year,
            )
            .values_list("classroom_id", flat=True)
        )
        request._own_classroom_ids = cached
    return cached


def visible_classroom_ids(request) -> list[int] | None:
    """The classrooms of the request's school whose students the user may see: None for every
    classroom (VIEW_ALL_STUDENTS), else their own homeroom classrooms of this year, which may
    be none (a homeroom teacher without a classroom, or a role that sees no students: the
    page shows its empty state; pages that need students say VIEW_STUDENTS)."""
    if Perm.VIEW_ALL_STUDENTS in request.schoolperms:
        return None
    return own_classroom_ids(request)


# --- view decorators ---------------------------------------------------------------------------
def _require(perms: Iterable[str], permission: str | None) -> None:
    if permission and permission not in perms:
        raise PermissionDenied


# The school calendar is the schools app's: it names its "current academic year" here
# (schools/apps.py ready()), so that the foundation does not import it.
_current_academic_year: Callable[[], object] | None = None


def register_current_academic_year(resolver: Callable[[], object]) -> None:
    global _current_academic_year
    _current_academic_year = resolver


def _enter_school(request, school, perms) -> int:
    """What every school-level check reads from the request; gives the school's scope."""
    request.school = school
    request.schoolperms = perms
    request.academic_year = _current_academic_year() if _current_academic_year else None
    return school.pk


def _place_view(url_kwarg: str, place_get_for_user: Callable, enter: Callable, permission):
    """The scope decorator of one kind of place: the place named by ``url_kwarg`` must be in the
    user's scope (404), the user must hold ``permission`` there (403); ``enter`` sets the place
    on the request and gives the schools the view's ``scope`` covers."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            place, perms = place_get_for_user(request, kwargs.pop(url_kwarg))
            _require(perms, permission)
            with scope(school=enter(request, place, perms)):
                return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def _enter_network(request, network, perms) -> list[int]:
    request.network = network
    request.networkperms = perms
    return list(network.schools.values_list("pk", flat=True))


def _enter_district(request, district, perms) -> list[int]:
    request.district = district
    request.districtperms = perms
    return list(district.schools.values_list("pk", flat=True))


def school_view(permission: str | None = None) -> Callable:
    """A view under /s/<school_code>/: the school must be in the user's scope (404), the user must
    hold ``permission`` there (403); the view runs inside ``scope(school=...)``.

    Views must render eagerly (``render``, not ``TemplateResponse``) so that templates are
    evaluated inside the scope.
    """
    return _place_view("school_code", school_get_for_user, _enter_school, permission)


def network_view(permission: str | None = None) -> Callable:
    """A view under a network's URL, inside the scope of the network's schools."""
    return _place_view("network_id", network_get_for_user, _enter_network, permission)


def district_view(permission: str | None = None) -> Callable:
    """A view under /d/<district_code>/, inside the scope of the district's schools."""
    return _place_view("district_code", district_get_for_user, _enter_district, permission)


def national_view(permission: str) -> Callable:
    """A national page (OBEC): 404 for anyone without a national role."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            perms = get_access(request).national_perms()
            if permission not in perms:
                raise Http404
            request.nationalperms = perms
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


# Where a signed-in user without any membership lands (the portal names its home for parents
# and students: portal/apps.py ready()); None from every one: the "no role yet" page.
_landings: list[Callable[[object], str | None]] = []


def register_landing(resolver: Callable[[object], str | None]) -> None:
    if resolver not in _landings:
        _landings.append(resolver)


def landing_url(user) -> str | None:
    for resolver in _landings:
        url = resolver(user)
        if url:
            return url
    return None


def user_school_scope(request, *roles: str):
    """A scope over the schools where the user holds one of ``roles`` (for pages across schools)."""
    return scope(school=get_access(request).school_ids_with_role(*roles))


# --- files made by jobs ------------------------------------------------------------------------
def generated_file_get_for_user(request, file_id):
    """A file a job made for this user (404 for anyone else, and once they have lost the
    permission the job needed, e.g. a teacher no longer teaching the classroom).

    Kinds with their own ``check`` run it inside the file's scope."""
    from carecore.jobs import JOB_KINDS, generated_file_school_ids
    from carecore.models import GeneratedFile

    if not request.user.is_authenticated:
        raise Http404
    generated = (
        GeneratedFile.objects.select_related("school", "school__district", "district")
        .filter(pk=file_id, created_by=request.user)
        .first()
    )
    if generated is None:
        raise Http404
    access = get_access(request)
    if generated.school_id:
        perms = access.school_perms(generated.school)
        _enter_school(request, generated.school, perms)
    elif generated.district_id:
        perms = access.district_perms(generated.district)
        request.district = generated.district
        request.districtperms = perms
    else:
        raise Http404
    if generated.permission not in perms:
        raise Http404
    kind = JOB_KINDS.get(generated.kind)
    if kind is not None and kind.check is not None:
        with scope(school=generated_file_school_ids(generated)):
            if not kind.check(request, generated):
                raise Http404
    return generated


# --- separation of duties (helper duty) --------------------------------------------------------
# Nobody gives a role at or above their own rank at the place, nor changes the password, e-mail
# or two-factor of someone who holds one (the ranks: carecore.models.ROLE_RANK). The director
# and coordinator roles are given and taken only by the district administrator of the school's
# district. The services (carecore.accounts) check these before every change; the forms use
# them to offer only what may be done.
def _membership_covers(m: Membership, *, school=None, network=None, district=None) -> bool:
    """Whether the membership ``m`` has authority over the place (its own place or above)."""
    if school is not None:
        return bool(
            (m.school_id and m.school_id == school.pk)
            or (m.network_id and m.network_id == school.network_id)
            or (m.district_id and m.district_id == school.district_id)
        )
    if network is not None:
        return bool(
            (m.network_id and m.network_id == network.pk)
            or (m.district_id and m.district_id == network.district_id)
        )
    if district is not None:
        return bool(m.district_id and m.district_id == district.pk)
    return False  # a national place: superusers only


def _memberships_of(user) -> list[Membership]:
    # Read afresh on every decision: a cached copy could outlive a change of roles.
    return list(Membership.objects.filter(user=user))


def authority_rank(user, *, school=None, network=None, district=None) -> int:
    """The highest rank ``user`` holds over the place: their roles there and above it (the
    school's network and district); superusers outrank every role everywhere, and a user with
    no role covering the place has rank 0."""
    if user is None or not user.is_active:
        return 0
    if user.is_superuser:
        return SUPERUSER_RANK
    ranks = [
        ROLE_RANK[m.role]
        for m in _memberships_of(user)
        if _membership_covers(m, school=school, network=network, district=district)
    ]
    return max(ranks, default=0)


def can_grant_role(user, role: str, *, school=None, network=None, district=None) -> bool:
    """Whether ``user`` may give (or take away) ``role`` at the place. Director and coordinator
    at a school: the district administrator of its district (or a superuser). Any other role:
    whoever outranks it there."""
    if user is None or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if role in LEADER_ROLES:
        return school is not None and any(
            m.role == Role.DISTRICT_ADMIN and m.district_id == school.district_id
            for m in _memberships_of(user)
        )
    place_rank = authority_rank(user, school=school, network=network, district=district)
    return place_rank > ROLE_RANK[role]


def can_manage_account(actor, target) -> bool:
    """Whether ``actor`` may change ``target``'s password, e-mail, name or two-factor: their own
    account, or one whose every role ``actor`` outranks at its place. An administrator account
    of the Django admin (staff or superuser) only by a superuser."""
    if actor is None or not actor.is_active:
        return False
    if actor.pk == target.pk:
        return True
    if target.is_superuser or target.is_staff:
        return actor.is_superuser
    if actor.is_superuser:
        return True
    for m in Membership.objects.filter(user=target).select_related("school", "network"):
        if m.school_id:
            rank = authority_rank(actor, school=m.school)
        elif m.network_id:
            rank = authority_rank(actor, network=m.network)
        elif m.district_id:
            rank = authority_rank(actor, district=m.district)
        else:
            rank = authority_rank(actor)
        if rank <= ROLE_RANK[m.role]:
            return False
    return True


# --- end separation of duties ------------------------------------------------------------------

"""Every URL of the project, requested anonymously, as each role, and as the same role at
another school. The URL conf is walked, so a new URL fails this test until its expectations
are written down here."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import FAMILY_KEYS, ROLE_KEYS, STAFF_ROLE_KEYS

OK, FORBIDDEN, NOT_FOUND, REDIRECT = 200, 403, 404, 302

# Every staff member. Parents and students (FAMILY_KEYS) hold no membership: no staff page of a
# school exists for them (404), whatever a staff role gets.
EVERYONE = dict.fromkeys(STAFF_ROLE_KEYS, OK) | dict.fromkeys(FAMILY_KEYS, NOT_FOUND)
# Every signed-in person, parents and students too: pages of one's own things only.
ANYONE = dict.fromkeys(ROLE_KEYS, OK)
SUPERVISORS = ["network", "district_supervisor", "district_admin"]


def only(allowed: list[str], denied: int = FORBIDDEN, overrides: dict | None = None) -> dict:
    table = {key: (OK if key in allowed else denied) for key in ROLE_KEYS}
    table.update({key: NOT_FOUND for key in FAMILY_KEYS if key not in allowed})
    table.update(overrides or {})
    return table


# Screening summaries (screening/summary_views.py).
SUMMARY_STUDENTS = ["homeroom", "counsellor", "coordinator", "director"]
SUMMARY_SCHOOL = ["homeroom", "homeroom_other", "counsellor", "coordinator", "director"]

# What each role at school A (network N1, district D1) gets for A's objects. The same roles at
# school B get 404 for every URL that names a school, network or district object.
EXPECTED: dict[str, dict[str, int]] = {
    "home": dict.fromkeys(ROLE_KEYS, REDIRECT),
    # Parents and students are sent on to their portal.
    "my_classrooms": dict.fromkeys(STAFF_ROLE_KEYS, OK) | dict.fromkeys(FAMILY_KEYS, REDIRECT),
    "schools:school_detail": EVERYONE,
    # The teacher's own classroom; the other homeroom teacher and roles without student access
    # see the classroom listed on the school page but may not open its students.
    "classrooms:classroom_detail": only(["homeroom", "counsellor", "coordinator", "director"]),
    "schools:classroom_teachers": only(["coordinator"]),
    "schools:staff_list": only(["coordinator"]),
    "schools:staff_create": only(["coordinator"]),
    "schools:staff_edit": only(["coordinator"]),
    "schools:school_settings": only(["coordinator"]),
    # School A has no emblem in this world: 404 for everyone; schools/tests/
    # test_school_settings.py checks that every member may see an uploaded one.
    "schools:school_emblem": dict.fromkeys(ROLE_KEYS, NOT_FOUND),
    # A student outside the user's scope does not exist for them.
    "students:student_detail": only(
        ["homeroom", "counsellor", "coordinator", "director"], denied=NOT_FOUND
    ),
    "students:student_edit": only(
        ["coordinator"],
        denied=NOT_FOUND,
        overrides={"homeroom": FORBIDDEN, "counsellor": FORBIDDEN, "director": FORBIDDEN},
    ),
    "students:guardian_create": only(
        ["coordinator"],
        denied=NOT_FOUND,
        overrides={"homeroom": FORBIDDEN, "counsellor": FORBIDDEN, "director": FORBIDDEN},
    ),
    "students:guardian_edit": only(
        ["coordinator"],
        denied=NOT_FOUND,
        overrides={"homeroom": FORBIDDEN, "counsellor": FORBIDDEN, "director": FORBIDDEN},
    ),
    "districts:district_detail": only(["district_supervisor", "district_admin"], denied=NOT_FOUND),
    "districts:district_staff_list": only(
        ["district_admin"], denied=NOT_FOUND, overrides={"district_supervisor": FORBIDDEN}
    ),
    "districts:district_staff_create": only(
        ["district_admin"], denied=NOT_FOUND, overrides={"district_supervisor": FORBIDDEN}
    ),
    # Separation of duties: the district administrator edits the accounts of the district (here
    # school A's homeroom teacher) and gives the director and coordinator roles of its schools.
    "districts:district_staff_edit": only(
        ["district_admin"], denied=NOT_FOUND, overrides={"district_supervisor": FORBIDDEN}
    ),
    "districts:school_leaders": only(
        ["district_admin"], denied=NOT_FOUND, overrides={"district_supervisor": FORBIDDEN}
    ),
    "districts:network_detail": only(SUPERVISORS, denied=NOT_FOUND),
    # Student import: the coordinator alone; confirm and retry (POST) answer with a redirect.
    "students:import_start": only(["coordinator"]),
    "students:import_template_csv": only(["coordinator"]),
    "students:import_template_xlsx": only(["coordinator"]),
    "students:import_detail": only(["coordinator"]),
    "students:import_status": only(["coordinator"]),
    "students:import_confirm": only(["coordinator"], overrides={"coordinator": REDIRECT}),
    "students:import_retry": only(["coordinator"], overrides={"coordinator": REDIRECT}),
    # Printing (POST): those who may see the students get the job's page; a classroom they may
    # not open is 403, a student they may not see does not exist for them.
    "students:classroom_print": only(
        ["homeroom", "counsellor", "coordinator", "director"], denied=FORBIDDEN
    )
    | dict.fromkeys(["homeroom", "counsellor", "coordinator", "director"], REDIRECT),
    "students:student_print": only(
        ["homeroom", "counsellor", "coordinator", "director"], denied=NOT_FOUND
    )
    | dict.fromkeys(["homeroom", "counsellor", "coordinator", "director"], REDIRECT),
    # Files made by jobs belong to the person who asked (here the homeroom teacher) alone.
    "generated_file_list": ANYONE,
    # Notifications: one's own list; a notification of school A's homeroom teacher opens (and
    # redirects to its page) for them only; marking all read (POST) redirects.
    "notification_list": ANYONE,
    # Two-factor authentication: the help page is everyone's (it shows one's own account only);
    # whether homeroom teachers must use it is the district administrator's choice.
    "mfa_help": ANYONE,
    "districts:district_security": only(
        ["district_admin"], denied=NOT_FOUND, overrides={"district_supervisor": FORBIDDEN}
    ),
    "notification_open": only(["homeroom"], denied=NOT_FOUND, overrides={"homeroom": REDIRECT}),
    "notifications_mark_all_read": dict.fromkeys(ROLE_KEYS, REDIRECT),
    "generated_file": only(["homeroom"], denied=NOT_FOUND),
    "generated_file_status": only(["homeroom"], denied=NOT_FOUND),
    "generated_file_download": only(["homeroom"], denied=NOT_FOUND),
    "generated_file_retry": only(["homeroom"], denied=NOT_FOUND, overrides={"homeroom": REDIRECT}),
    # The audit log: the director, and the district administrator (whose district role reaches
    # the district's schools).
    "schools:audit_log": only(["director", "district_admin"]),
    "districts:district_audit_log": only(
        ["district_admin"], denied=NOT_FOUND, overrides={"district_supervisor": FORBIDDEN}
    ),
    # Screening: whoever sees students sees the screening of those students; homeroom teachers,
    # the counsellor and the coordinator fill forms in (ENTER_SCREENING), the director only reads.
    "screening:home": only(["homeroom", "homeroom_other", "counsellor", "coordinator", "director"]),
    "screening:classroom": only(["homeroom", "counsellor", "coordinator", "director"]),
    "screening:sdq_grid": only(["homeroom", "counsellor", "coordinator"]),
    "screening:student": only(
        ["homeroom", "counsellor", "coordinator", "director"], denied=NOT_FOUND
    ),
    "screening:sdq_entry": only(
        ["homeroom", "counsellor", "coordinator"], overrides={"homeroom_other": NOT_FOUND}
    ),
    "screening:eq_entry": only(
        ["homeroom", "counsellor", "coordinator"], overrides={"homeroom_other": NOT_FOUND}
    ),
    # An empty POST: the form is refused and the page comes back with the message.
    "screening:group_override": only(
        ["homeroom", "counsellor", "coordinator"], overrides={"homeroom_other": NOT_FOUND}
    )
    | dict.fromkeys(["homeroom", "counsellor", "coordinator"], REDIRECT),
    # The cumulative record: read by whoever may see the student; changed by the student's
    # homeroom teacher and the coordinator (counsellor and director read only: 403).
    "students:record": only(
        ["homeroom", "counsellor", "coordinator", "director"], denied=NOT_FOUND
    ),
    "students:record_section": only(
        ["homeroom", "counsellor", "coordinator", "director"], denied=NOT_FOUND
    ),
    "students:record_section_edit": only(
        ["homeroom", "coordinator"],
        denied=NOT_FOUND,
        overrides={"counsellor": FORBIDDEN, "director": FORBIDDEN},
    ),
    "students:record_terms": only(
        ["homeroom", "coordinator"],
        denied=NOT_FOUND,
        overrides={"counsellor": FORBIDDEN, "director": FORBIDDEN},
    ),
    "students:record_print": only(
        ["homeroom", "counsellor", "coordinator", "director"], denied=NOT_FOUND
    )
    | dict.fromkeys(["homeroom", "counsellor", "coordinator", "director"], REDIRECT),
    # Screening import (the coordinator alone; confirm and retry POST and redirect) and export
    # (whoever sees every student of the school: coordinator, director, counsellor).
    "screening:import_start": only(["coordinator"]),
    "screening:import_template_csv": only(["coordinator"]),
    "screening:import_template_xlsx": only(["coordinator"]),
    "screening:import_detail": only(["coordinator"]),
    "screening:import_status": only(["coordinator"]),
    "screening:import_confirm": only(["coordinator"], overrides={"coordinator": REDIRECT}),
    "screening:import_retry": only(["coordinator"], overrides={"coordinator": REDIRECT}),
    "screening:export": only(["counsellor", "coordinator", "director"]),
    "screening:export_file": only(["counsellor", "coordinator", "director"])
    | dict.fromkeys(["counsellor", "coordinator", "director"], REDIRECT),
    # Aspect screening: those who fill in screening forms, for the students they see; the
    # school's criteria are the coordinator's, the district's the district administrator's.
    "screening:aspects": only(
        ["homeroom", "counsellor", "coordinator"], overrides={"homeroom_other": NOT_FOUND}
    ),
    "screening:aspect_criteria": only(["coordinator"]),
    "screening_district:criteria": only(
        ["district_admin"], denied=NOT_FOUND, overrides={"district_supervisor": FORBIDDEN}
    ),
    # Parent and student forms: the dates are the coordinator's; a classroom's codes and slips
    # its homeroom teacher's and the coordinator's (printing POSTs and starts a job: redirect).
    "screening:window": only(["coordinator"]),
    "screening:classroom_links": only(["homeroom", "coordinator"]),
    "screening:classroom_slips": only(["homeroom", "coordinator"])
    | dict.fromkeys(["homeroom", "coordinator"], REDIRECT),
    # The pages under /f/ need no account (see PUBLIC): the code is a real link of school A's
    # student, whose window is not open, so everyone gets the page saying so.
    "screening_public:code_entry": ANYONE,
    "screening_public:link_form": ANYONE,
    "screening_public:link_done": ANYONE,
    "screening_public:link_eq": ANYONE,
    # Screening summaries: a student's and a classroom's for those who see those students (a
    # student out of scope does not exist, a classroom one may not open is 403); the school's
    # (no names) for those who see every student, and for homeroom teachers with their own
    # rooms' rows only. Printing POSTs and starts a job (redirect).
    "screening:summary_school": only(SUMMARY_SCHOOL),
    "screening:summary_school_print": only(SUMMARY_SCHOOL)
    | dict.fromkeys(SUMMARY_SCHOOL, REDIRECT),
    "screening:summary_school_xlsx": only(SUMMARY_SCHOOL),
    "screening:summary_classroom": only(SUMMARY_STUDENTS),
    "screening:summary_classroom_print": only(SUMMARY_STUDENTS)
    | dict.fromkeys(SUMMARY_STUDENTS, REDIRECT),
    "screening:summary_classroom_xlsx": only(SUMMARY_STUDENTS),
    "screening:summary_student": only(SUMMARY_STUDENTS, denied=NOT_FOUND),
    "screening:summary_student_print": only(SUMMARY_STUDENTS, denied=NOT_FOUND)
    | dict.fromkeys(SUMMARY_STUDENTS, REDIRECT),
    "screening:summary_student_xlsx": only(SUMMARY_STUDENTS, denied=NOT_FOUND),
}

# Home visits (visits/): whoever may see the student sees the visit and its photos (another
# student does not exist for them); recording needs Perm.RECORD_VISITS (the director reads).
VISIT_READERS = ["homeroom", "counsellor", "coordinator", "director"]
VISIT_WRITERS = ["homeroom", "counsellor", "coordinator"]
EXPECTED |= {
    "visits:school_progress": only(VISIT_READERS + ["homeroom_other"]),
    "visits:classroom_progress": only(VISIT_READERS),
    "visits:classroom_print": only(VISIT_READERS) | dict.fromkeys(VISIT_READERS, REDIRECT),
    "visits:student_visits": only(VISIT_READERS, denied=NOT_FOUND),
    "visits:visit": only(VISIT_READERS, denied=NOT_FOUND),
    "visits:visit_print": only(VISIT_READERS, denied=NOT_FOUND)
    | dict.fromkeys(VISIT_READERS, REDIRECT),
    "visits:photo": only(VISIT_READERS, denied=NOT_FOUND),
    "visits:visit_new": only(VISIT_WRITERS, denied=NOT_FOUND, overrides={"director": FORBIDDEN}),
    "visits:visit_edit": only(VISIT_WRITERS, denied=NOT_FOUND, overrides={"director": FORBIDDEN}),
    "visits:record_update": only(
        VISIT_WRITERS, denied=NOT_FOUND, overrides={"director": FORBIDDEN}
    ),
    "visits:photo_delete": only(VISIT_WRITERS, denied=NOT_FOUND, overrides={"director": FORBIDDEN}),
}

# Views that only answer POST: the matrix posts to them (nothing else in the request).
POST_ONLY = {"students:classroom_print", "students:student_print", "generated_file_retry"}
POST_ONLY |= {"notifications_mark_all_read"}
POST_ONLY |= {"students:import_confirm", "students:import_retry"}
POST_ONLY |= {"screening:group_override"}
POST_ONLY |= {"students:record_print"}
POST_ONLY |= {"screening:import_confirm", "screening:import_retry", "screening:export_file"}
POST_ONLY |= {"screening:classroom_slips"}
POST_ONLY |= {"visits:classroom_print", "visits:visit_print"}
POST_ONLY |= {
    "screening:summary_school_print",
    "screening:summary_classroom_print",
    "screening:summary_student_print",
}

# --- Care plans (ICP) and support (care/plans/views.py, care/support/views.py) ----------------
# Plans are read by whoever may see the student (another's student: 404) and written with
# RECORD_CARE (the director reads only: 403). The school's list shows a homeroom teacher their
# own students' plans. Support: the coordinator records it (MANAGE_SUPPORT); the school's
# totals are for those who see every student. Printing and ticking an action POST (redirect).
CARE_STUDENTS = ["homeroom", "counsellor", "coordinator", "director"]
CARE_WRITERS = ["homeroom", "counsellor", "coordinator"]
EXPECTED.update(
    {
        "care:plan_list": only(["homeroom", "homeroom_other", *CARE_STUDENTS[1:]]),
        "care:plan_detail": only(CARE_STUDENTS, denied=NOT_FOUND),
        "care:student_plans": only(CARE_STUDENTS, denied=NOT_FOUND),
        "care:plan_create": only(CARE_WRITERS, overrides={"homeroom_other": NOT_FOUND}),
        "care:plan_edit": only(CARE_WRITERS, overrides={"homeroom_other": NOT_FOUND}),
        "care:plan_follow_up_create": only(CARE_WRITERS, overrides={"homeroom_other": NOT_FOUND}),
        "care:plan_close": only(CARE_WRITERS, overrides={"homeroom_other": NOT_FOUND}),
        "care:plan_action_done": only(CARE_WRITERS, overrides={"homeroom_other": NOT_FOUND})
        | dict.fromkeys(CARE_WRITERS, REDIRECT),
        "care:plan_print": only(CARE_STUDENTS, denied=NOT_FOUND)
        | dict.fromkeys(CARE_STUDENTS, REDIRECT),
        "care:support_summary": only(["counsellor", "coordinator", "director"]),
        "care:student_support": only(CARE_STUDENTS, denied=NOT_FOUND),
        "care:support_create": only(["coordinator"]),
    }
)
POST_ONLY |= {"care:plan_action_done", "care:plan_print"}


def _care_plan(world):
    """An open care plan of school A's student."""
    from django_scopes import scopes_disabled

    from care.models import CarePlan
    from schools.models import Term

    with scopes_disabled():
        return CarePlan.objects.create(
            school=world.a.school,
            student=world.a.student,
            term=Term.objects.filter(academic_year=world.year).first(),
            opened_on=world.year.start,
            problem="problem",
            goals="goals",
        )


# --- end of the care plans block --------------------------------------------------------------

# --- Care activities and coverage (care/activities/views.py, care/coverage_views.py) ------------
# Recording needs RECORD_CARE, for students one may see (a classroom one may not open: 403). An
# activity is seen by whoever sees one of its students (otherwise it does not exist: 404);
# editing and deleting (GET: the confirmation page) by whoever recorded it (here the homeroom
# teacher) and the coordinator. Coverage: a classroom's for those who see its students; the
# school's also for homeroom teachers (their own rooms' rows).
EXPECTED.update(
    {
        "care:activity_create": only(["homeroom", "homeroom_other", *CARE_WRITERS[1:]]),
        "care:classroom_activity_create": only(CARE_WRITERS),
        "care:classroom_activities": only(CARE_STUDENTS),
        "care:student_activities": only(CARE_STUDENTS, denied=NOT_FOUND),
        "care:activity_detail": only(CARE_STUDENTS, denied=NOT_FOUND),
        "care:activity_attachment": only(CARE_STUDENTS, denied=NOT_FOUND),
        "care:activity_edit": only(
            ["homeroom", "coordinator"], overrides={"homeroom_other": NOT_FOUND}
        ),
        "care:activity_delete": only(
            ["homeroom", "coordinator"], overrides={"homeroom_other": NOT_FOUND}
        ),
        "care:coverage_school": only(["homeroom", "homeroom_other", *CARE_STUDENTS[1:]]),
        "care:coverage_classroom": only(CARE_STUDENTS),
    }
)


def _care_activity(world):
    """A homeroom session of school A's classroom, recorded by its homeroom teacher, with an
    attachment."""
    from django.core.files.base import ContentFile
    from django_scopes import scopes_disabled

    from care.models import Activity, ActivityParticipant
    from schools.models import Term

    with scopes_disabled():
        term = Term.objects.filter(academic_year=world.year).first()
        activity = Activity(
            school=world.a.school,
            term=term,
            classroom=world.a.classroom,
            kind="homeroom",
            category="promotion",
            date=term.start,
            topic="topic",
            recorded_by=world.a.users["homeroom"],
            attachment_name="notes.pdf",
        )
        activity.attachment.save("notes.pdf", ContentFile(b"%PDF-1.7"), save=False)
        activity.save()
        ActivityParticipant.objects.create(
            activity=activity, school=world.a.school, student=world.a.student
        )
        return activity


# --- end of the care activities block ---------------------------------------------------------

# --- agencies (helper agencies) ---
# The district's directory of partner agencies (referrals/agency_views.py): the district
# supervisor and administrator keep it (Perm.MANAGE_AGENCIES); school and network staff get 404
# on district URLs. Taking out of use and removing POST and redirect (the matrix agency is
# referred to, so removing it is refused and it stays for the next role). Every member of a
# school reads the directory of the school's district.
AGENCY_KEEPERS = ["district_supervisor", "district_admin"]
EXPECTED.update(
    {
        "agencies:list": only(AGENCY_KEEPERS, denied=NOT_FOUND),
        "agencies:create": only(AGENCY_KEEPERS, denied=NOT_FOUND),
        "agencies:edit": only(AGENCY_KEEPERS, denied=NOT_FOUND),
        "agencies:set_active": only(AGENCY_KEEPERS, denied=NOT_FOUND)
        | dict.fromkeys(AGENCY_KEEPERS, REDIRECT),
        "agencies:delete": only(AGENCY_KEEPERS, denied=NOT_FOUND)
        | dict.fromkeys(AGENCY_KEEPERS, REDIRECT),
        "referrals:agency_directory": EVERYONE,
        # Printing a referral (POST, a job: redirect): whoever may see the referral (the
        # matrix referral of the referrals block); anyone else does not find it.
        "referrals:referral_letter_print": only(
            ["homeroom", "counsellor", "coordinator", "director"], denied=NOT_FOUND
        )
        | dict.fromkeys(["homeroom", "counsellor", "coordinator", "director"], REDIRECT),
        "referrals:referral_result_print": only(
            ["homeroom", "counsellor", "coordinator", "director"], denied=NOT_FOUND
        )
        | dict.fromkeys(["homeroom", "counsellor", "coordinator", "director"], REDIRECT),
    }
)
POST_ONLY |= {"agencies:set_active", "agencies:delete"}
POST_ONLY |= {"referrals:referral_letter_print", "referrals:referral_result_print"}


def _agency(world):
    """A partner agency of district A, named on a referral of school A (so never removed)."""
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from referrals.models import Agency, Referral

    with scopes_disabled():
        agency = Agency.objects.create(
            district=world.a.district, name="โรงพยาบาลขอนแก่น", kind="hospital"
        )
        Referral.objects.create(
            school=world.a.school,
            student=world.a.student,
            kind=Referral.Kind.EXTERNAL,
            agency=agency,
            reason="reason",
            request="request",
            answer_due=timezone.localdate(),
            consent=Referral.Consent.GIVEN,
            consent_by="mother",
        )
    return agency


# --- end agencies ---

# --- referrals (helper referrals) ---
# Referrals (referrals/views.py). The matrix referral is internal, from the homeroom teacher to
# the counsellor (role), accepted. It is seen by its sender, its recipients, the student's
# homeroom teachers, the counsellor, the coordinator and the director; everyone else gets 404.
# The recipient (counsellor) notes progress and writes the result (others who see it: 403);
# accepting again redirects to the page. The sender, the counsellor and the coordinator follow
# up and close; an agency's result is for external referrals (this one: redirect). Inbox and
# sent: every member of the school (supervisors: 403); the school's list: counsellor,
# coordinator, director. Referring: whoever sees the student (others: 404) with Perm.REFER, or
# Perm.REFER_EXTERNAL for an agency (the homeroom teacher: 403).
REFERRAL_READERS = ["homeroom", "counsellor", "coordinator", "director"]
REFERRAL_MANAGERS = ["homeroom", "counsellor", "coordinator"]
SCHOOL_STAFF = ["homeroom", "homeroom_other", "counsellor", "discipline", "nurse"]
SCHOOL_STAFF += ["coordinator", "director"]
EXPECTED.update(
    {
        "referrals:referral_list": only(["counsellor", "coordinator", "director"]),
        "referrals:inbox": only(SCHOOL_STAFF),
        "referrals:sent": only(SCHOOL_STAFF),
        "referrals:student_referrals": only(REFERRAL_READERS, denied=NOT_FOUND),
        "referrals:referral_create": only(REFERRAL_READERS, denied=NOT_FOUND),
        "referrals:referral_create_external": only(
            ["counsellor", "coordinator", "director"],
            denied=NOT_FOUND,
            overrides={"homeroom": FORBIDDEN},
        ),
        "referrals:referral_detail": only(REFERRAL_READERS, denied=NOT_FOUND),
        "referrals:referral_accept": only(
            [],
            denied=NOT_FOUND,
            overrides={"counsellor": REDIRECT}
            | dict.fromkeys(["homeroom", "coordinator", "director"], FORBIDDEN),
        ),
        "referrals:referral_progress": only(
            ["counsellor"],
            denied=NOT_FOUND,
            overrides=dict.fromkeys(["homeroom", "coordinator", "director"], FORBIDDEN),
        ),
        "referrals:referral_result": only(
            ["counsellor"],
            denied=NOT_FOUND,
            overrides=dict.fromkeys(["homeroom", "coordinator", "director"], FORBIDDEN),
        ),
        "referrals:referral_agency_result": only(
            [],
            denied=NOT_FOUND,
            overrides=dict.fromkeys(REFERRAL_MANAGERS, REDIRECT) | {"director": FORBIDDEN},
        ),
        "referrals:referral_follow_up": only(
            REFERRAL_MANAGERS, denied=NOT_FOUND, overrides={"director": FORBIDDEN}
        ),
        "referrals:referral_close": only(
            REFERRAL_MANAGERS, denied=NOT_FOUND, overrides={"director": FORBIDDEN}
        ),
    }
)


def _referral(world):
    """An internal referral of school A's student, from the homeroom teacher to the counsellor
    (role), accepted by the counsellor."""
    import datetime

    from django.utils import timezone
    from django_scopes import scopes_disabled

    from referrals.models import Referral

    today = timezone.localdate()
    with scopes_disabled():
        return Referral.objects.create(
            school=world.a.school,
            student=world.a.student,
            kind=Referral.Kind.INTERNAL,
            sender=world.a.users["homeroom"],
            to_role="counsellor",
            reason="reason",
            request="request",
            sensitive_notes="notes",
            answer_due=today + datetime.timedelta(days=3),
            status=Referral.Status.ACCEPTED,
            accepted_by=world.a.users["counsellor"],
            accepted_at=timezone.now(),
        )


# --- end referrals ---

# --- dropout cases (helper dropouts) ---
# District pages (/d/<code>/cases/): the district's staff work every case of the district
# (everyone else: 404); the deadlines are the district administrator's. School pages
# (/s/<code>/cases/): the coordinator, the director and the counsellor follow the school's cases
# (list; a case: read, add notes, record observations; empty POSTs show the case again with the
# errors: 200), district staff too; the case's owner (here the coordinator) and district staff
# move it along (the others who see it: 403); nobody else sees the case (404). Reporting a
# student needs OPEN_DROPOUT_CASE.
CASE_FOLLOWERS = ["counsellor", "coordinator", "director", "district_supervisor", "district_admin"]
DISTRICT_STAFF = ["district_supervisor", "district_admin"]
EXPECTED.update(
    {
        "dropouts_district:case_list": only(DISTRICT_STAFF, denied=NOT_FOUND),
        "dropouts_district:case_create": only(DISTRICT_STAFF, denied=NOT_FOUND),
        "dropouts_district:case_settings": only(
            ["district_admin"], denied=NOT_FOUND, overrides={"district_supervisor": FORBIDDEN}
        ),
        **{
            f"dropouts_district:case_{name}": only(DISTRICT_STAFF, denied=NOT_FOUND)
            for name in ("detail", "advance", "round", "observe", "close", "note", "team", "owner")
        },
        "dropouts:case_list": only(CASE_FOLLOWERS),
        "dropouts:case_report": only(["counsellor", "coordinator", "director"]),
        **{
            f"dropouts:case_{name}": only(CASE_FOLLOWERS, denied=NOT_FOUND)
            for name in ("detail", "observe", "note")
        },
        **{
            f"dropouts:case_{name}": only(
                ["coordinator", *DISTRICT_STAFF],
                denied=NOT_FOUND,
                overrides={"counsellor": FORBIDDEN, "director": FORBIDDEN},
            )
            for name in ("advance", "round", "close", "team")
        },
    }
)
POST_ONLY |= {
    f"{ns}:case_{name}"
    for ns in ("dropouts", "dropouts_district")
    for name in ("advance", "round", "observe", "close", "note", "team", "owner")
} - {"dropouts:case_owner"}


def _dropout_case(world):
    """A case of school A's other student (who dropped out) at the meeting step, owned by
    school A's coordinator; school A's student has no case (the report form opens)."""
    import datetime

    from django_scopes import scopes_disabled

    from dropouts.models import DropoutCase

    today = datetime.date.today()
    with scopes_disabled():
        return DropoutCase.objects.create(
            district=world.a.district,
            school=world.a.school,
            student=world.a.other_student,
            situation="dropped_out",
            reported_on=today,
            reporter_kind="school",
            step="meeting",
            step_started=today,
            step_due=today + datetime.timedelta(days=14),
            owner=world.a.users["coordinator"],
        )


# --- end dropout cases ---

# --- care summary ---
# The student's care summary (POST, a job: redirect): like the student's information sheet,
# whoever may see the student; anyone else does not find the student.
EXPECTED["dash_student_reports:care_summary_print"] = only(
    ["homeroom", "counsellor", "coordinator", "director"], denied=NOT_FOUND
) | dict.fromkeys(["homeroom", "counsellor", "coordinator", "director"], REDIRECT)
POST_ONLY |= {"dash_student_reports:care_summary_print"}
# --- end care summary ---

# --- behaviour (behaviour/views.py) ---
# Every member of the school's staff records incidents (RECORD_BEHAVIOUR; network and district
# staff: 403) of any student of the school, and sees the school's page. A student's behaviour,
# a classroom's points and an incident (the matrix one: school A's student, recorded by the
# homeroom teacher, not sensitive) are seen by whoever sees the student and by the discipline
# office; the other homeroom teacher and the nurse do not find them (404). Cancelling (an empty
# POST: the refused form, 400) is the recorder's and MANAGE_BEHAVIOUR's (the counsellor and the
# director see it: 403). The categories and correction activities need MANAGE_BEHAVIOUR.
_BEHAVIOUR_STAFF = ["homeroom", "homeroom_other", "counsellor", "discipline", "nurse"]
_BEHAVIOUR_STAFF += ["coordinator", "director"]
_BEHAVIOUR_SEE = ["homeroom", "counsellor", "discipline", "coordinator", "director"]
_BEHAVIOUR_HIDDEN = {"homeroom_other": NOT_FOUND, "nurse": NOT_FOUND}
EXPECTED["behaviour:home"] = only(_BEHAVIOUR_STAFF)
EXPECTED["behaviour:incident_new"] = only(_BEHAVIOUR_STAFF)
for _name in ("classroom_summary", "student_behaviour", "incident_detail"):
    EXPECTED[f"behaviour:{_name}"] = only(_BEHAVIOUR_SEE, overrides=_BEHAVIOUR_HIDDEN)
EXPECTED["behaviour:incident_cancel"] = only(
    [], overrides=_BEHAVIOUR_HIDDEN | dict.fromkeys(["homeroom", "discipline", "coordinator"], 400)
)
POST_ONLY.add("behaviour:incident_cancel")
for _name in ("correction_new", "category_list", "category_new", "category_edit"):
    EXPECTED[f"behaviour:{_name}"] = only(["discipline", "coordinator"])
del _name


def _behaviour(world) -> dict:
    """An incident of school A's student in one of school A's categories, recorded by the
    homeroom teacher."""
    from behaviour.tests.factories import IncidentFactory

    incident = IncidentFactory(
        student=world.a.student,
        category__school=world.a.school,
        recorded_by=world.a.users["homeroom"],
    )
    return {"incident_id": incident.pk, "category_id": incident.category_id}


# --- end behaviour ---

# --- subject-access export and data retention (PDPA, helper pdpa2) ---
# The subject-access export: the director alone (everyone else at the school, and the network
# and district staff who reach it, 403); starting it (POST) without the written request's
# reference is refused with the page (400). The retention page, its dry runs and the confirmed
# purge: the district administrator alone (the supervisor 403, anyone outside the district 404);
# starting a dry run and confirming one (POST; this run has not finished) redirect.
EXPECTED["students:subject_access"] = only(["director"])
EXPECTED["students:subject_access_start"] = only(["director"], overrides={"director": 400})
POST_ONLY |= {"students:subject_access_start"}
_RETENTION = only(
    ["district_admin"], denied=NOT_FOUND, overrides={"district_supervisor": FORBIDDEN}
)
EXPECTED["retention:settings"] = _RETENTION
EXPECTED["retention:run"] = _RETENTION
EXPECTED["retention:dry_run"] = _RETENTION | {"district_admin": REDIRECT}
EXPECTED["retention:confirm"] = _RETENTION | {"district_admin": REDIRECT}
POST_ONLY |= {"retention:dry_run", "retention:confirm"}
del _RETENTION


def _retention_run(world):
    """A dry run of district D1, not finished."""
    from django_scopes import scopes_disabled

    from districts.retention import retention_run_start

    with scopes_disabled():
        return retention_run_start(district=world.a.district, user=None, queue=False)


# --- end subject-access export and data retention ---

# --- dashboards: district and network (helper h5) ---
# Rolled-up figures: the district dashboard for the district's staff, the targets for those who
# may set them (supervisor and administrator), the network dashboard for the network's and the
# district's staff; everyone else does not find the district or network (404).
EXPECTED.update(
    {
        "dash_district:dashboard": only(DISTRICT_STAFF, denied=NOT_FOUND),
        "dash_district:targets": only(DISTRICT_STAFF, denied=NOT_FOUND),
        "dash_network:dashboard": only(SUPERVISORS, denied=NOT_FOUND),
    }
)
# --- end dashboards: district and network (helper h5) ---

# --- school dashboard (helper H4) ---
# The school dashboard and its lists of students: the director, the coordinator and the
# counsellor; the school's other staff 403; network and district staff reach the school (their
# VIEW_SCHOOL) but not its dashboard: 403 as well (they read the rolled-up dashboards).
EXPECTED["dash_school:dashboard"] = only(["counsellor", "coordinator", "director"])
EXPECTED["dash_school:students"] = only(["counsellor", "coordinator", "director"])
# --- end school dashboard ---

# --- national overview (lead) ---
# The OBEC overview: only a national role (none in this world; dashboards/tests/
# test_national.py signs one in); every school, network and district role does not find it.
EXPECTED["dash_national:overview"] = dict.fromkeys(ROLE_KEYS, NOT_FOUND)
# --- end national overview ---

# --- reports (H6) ---
# The reports by job (POST with the page's term, redirect to the file's page): the district
# report (PDF, Excel) for the district's staff (anyone else does not find the district); the
# school report for those who see the school dashboard (the others at the school: 403).
for _name in ("dash_district_reports:pdf", "dash_district_reports:xlsx"):
    EXPECTED[_name] = only(DISTRICT_STAFF, denied=NOT_FOUND) | dict.fromkeys(
        DISTRICT_STAFF, REDIRECT
    )
EXPECTED["dash_school_reports:pdf"] = only(
    ["counsellor", "coordinator", "director"]
) | dict.fromkeys(["counsellor", "coordinator", "director"], REDIRECT)
POST_ONLY |= {"dash_district_reports:pdf", "dash_district_reports:xlsx", "dash_school_reports:pdf"}
del _name
# --- end reports (H6) ---

# --- guardian consent and who has seen the record (PDPA, students/consent_views.py) ---
# Whoever may see the student sees the consents; the coordinator, the director and the student's
# homeroom teacher record and withdraw them (the counsellor reads only). "Who has seen this
# record" is the director's (the district administrator holds the audit-log permission but sees
# no student).
EXPECTED["students:consents"] = only(
    ["homeroom", "counsellor", "coordinator", "director"], denied=NOT_FOUND
)
EXPECTED["students:consent_new"] = only(
    ["homeroom", "coordinator", "director"], denied=NOT_FOUND, overrides={"counsellor": FORBIDDEN}
)
EXPECTED["students:consent_withdraw"] = EXPECTED["students:consent_new"]
EXPECTED["students:seen_by"] = only(["director"], overrides={"district_admin": NOT_FOUND})
# --- end guardian consent ---

# --- attendance (attendance/views.py) ---
# The school's day and the flags: whoever sees students (a homeroom teacher their own rooms'). A
# classroom's roll: its homeroom teacher and the coordinator; the other homeroom teacher and roles
# that see no students do not find it (404); the director and the counsellor see the classroom but
# do not take rolls (403). The month and a student's page: whoever sees those students. The
# period roll is off in this world's school (404; attendance/tests/test_views.py switches it on).
# The rules, the calendar, closing a flag and the import: the coordinator (POSTs redirect).
_ATTENDANCE_SEE = ["homeroom", "counsellor", "coordinator", "director"]
EXPECTED["attendance:school_attendance"] = only([*_ATTENDANCE_SEE, "homeroom_other"])
EXPECTED["attendance:flags"] = only([*_ATTENDANCE_SEE, "homeroom_other"])
EXPECTED["attendance:roll"] = only(
    ["homeroom", "coordinator"],
    denied=NOT_FOUND,
    overrides={"counsellor": FORBIDDEN, "director": FORBIDDEN},
)
EXPECTED["attendance:period_roll"] = dict.fromkeys(ROLE_KEYS, NOT_FOUND)
EXPECTED["attendance:classroom_month"] = only(_ATTENDANCE_SEE, denied=NOT_FOUND)
EXPECTED["attendance:student_attendance"] = only(_ATTENDANCE_SEE, denied=NOT_FOUND)
EXPECTED["attendance:school_calendar"] = only(["coordinator"])
for _name in ("flag_close", "holiday_delete", "import_confirm", "import_retry"):
    EXPECTED[f"attendance:{_name}"] = only(["coordinator"], overrides={"coordinator": REDIRECT})
    POST_ONLY.add(f"attendance:{_name}")
for _name in ("import_start", "import_template_csv", "import_template_xlsx"):
    EXPECTED[f"attendance:{_name}"] = only(["coordinator"])
for _name in ("import_detail", "import_status"):
    EXPECTED[f"attendance:{_name}"] = only(["coordinator"])
del _name


def _attendance(world) -> dict:
    """An open flag of school A's student, a day without school, a finished import."""
    import datetime

    from django_scopes import scopes_disabled

    from attendance.models import AttendanceFlag, AttendanceImport, SchoolHoliday
    from schools.models import Term

    a = world.a
    with scopes_disabled():
        term = Term.objects.filter(academic_year=world.year).first()
        flag = AttendanceFlag.objects.create(
            school=a.school, student=a.student, term=term, kind="streak", since=term.start,
            raised_on=term.start, value=3,
        )  # fmt: skip
        holiday = SchoolHoliday.objects.create(
            school=a.school, start=term.start, end=term.start + datetime.timedelta(days=1),
            name="สงกรานต์",
        )  # fmt: skip
        record = AttendanceImport.objects.create(
            school=a.school, academic_year=world.year, original_name="attendance.csv",
            file="attendance-imports/matrix/upload.csv", status=AttendanceImport.Status.DONE,
        )  # fmt: skip
    return {"flag_id": flag.pk, "holiday_id": holiday.pk, "attendance_import_id": record.pk}


# --- end attendance ---

# --- family accounts (docs/portal.md, "Accounts") ---
# The way in is public (a slip's code, a phone number; the account page and the SMS code page
# send back to their first step when the session holds no slip or number). The portal's home is
# a parent's or a student's own. Slips for a classroom: its homeroom teacher and the
# coordinator (printing POSTs and starts a job); taking a parent off a child asks first (GET).
EXPECTED["portal:start"] = ANYONE
EXPECTED["portal:redeem"] = ANYONE
EXPECTED["portal:redeem_account"] = dict.fromkeys(ROLE_KEYS, REDIRECT)
EXPECTED["portal:phone_login"] = ANYONE
EXPECTED["portal:phone_code"] = dict.fromkeys(ROLE_KEYS, REDIRECT)
EXPECTED["portal:home"] = only(FAMILY_KEYS, denied=NOT_FOUND)
EXPECTED["portal_staff:accounts_home"] = only(["homeroom", "homeroom_other", "coordinator"])
EXPECTED["portal_staff:classroom_accounts"] = only(["homeroom", "coordinator"])
EXPECTED["portal_staff:classroom_slips"] = only(["homeroom", "coordinator"]) | dict.fromkeys(
    ["homeroom", "coordinator"], REDIRECT
)
EXPECTED["portal_staff:link_revoke"] = only(["homeroom", "coordinator"])
POST_ONLY |= {"portal_staff:classroom_slips"}
FAMILY_PUBLIC = {
    "portal:start",
    "portal:redeem",
    "portal:redeem_account",
    "portal:phone_login",
    "portal:phone_code",
}


def _guardian_link(world):
    """School A's parent's link to their child."""
    from students.family_models import GuardianLink

    return GuardianLink.objects.get(user=world.a.users["parent"])


# --- end family accounts ---

# --- portal content (docs/portal.md, "Content") ---
# The school's side: the families' messages (MESSAGE_FAMILIES: a homeroom teacher their own
# students' families, the coordinator, the director and the counsellor the school's; the other
# homeroom teacher does not find school A's student's thread); asking for a consent (who records
# one: the counsellor 403); a student's home-visit appointments (who sees the student; cancelling,
# a POST, needs RECORD_VISITS: the director 403); the students' requests for help, the
# counsellor's alone (everyone else at the school 403). The family's side: a parent's pages of
# their own child, a student's of themselves; 404 for everyone else.
_MESSAGING = ["homeroom", "counsellor", "coordinator", "director"]
EXPECTED["portal_staff:inbox"] = only(_MESSAGING + ["homeroom_other"])
for _name in ("thread", "student_messages"):
    EXPECTED[f"portal_staff:{_name}"] = only(_MESSAGING, overrides={"homeroom_other": NOT_FOUND})
EXPECTED["portal_staff:consent_requests"] = EXPECTED["students:consent_new"]
EXPECTED["portal_staff:consent_request_cancel"] = only(
    [], denied=NOT_FOUND, overrides={"counsellor": FORBIDDEN}
) | dict.fromkeys(["homeroom", "coordinator", "director"], REDIRECT)
EXPECTED["portal_staff:student_appointments"] = only(_MESSAGING, denied=NOT_FOUND)
EXPECTED["portal_staff:appointment_cancel"] = only(
    [], denied=NOT_FOUND, overrides={"director": FORBIDDEN}
) | dict.fromkeys(["homeroom", "counsellor", "coordinator"], REDIRECT)
POST_ONLY |= {"portal_staff:consent_request_cancel", "portal_staff:appointment_cancel"}
EXPECTED["portal_staff:help_list"] = only(["counsellor"])
EXPECTED["portal_staff:help_detail"] = only(["counsellor"])
for _name in (
    "child",
    "child_attendance",
    "child_behaviour",
    "child_messages",
    "appointment_answer",
    "consent_answer",
):
    EXPECTED[f"portal:{_name}"] = only(["parent"], denied=NOT_FOUND)
for _name in ("my_record", "my_help", "my_help_detail"):
    EXPECTED[f"portal:{_name}"] = only(["student"], denied=NOT_FOUND)
# No screening window is open: the form's page sends back to the child's or the student's home.
EXPECTED["portal:child_form"] = only([], denied=NOT_FOUND, overrides={"parent": REDIRECT})
EXPECTED["portal:my_form"] = only([], denied=NOT_FOUND, overrides={"student": REDIRECT})
del _name


def _portal_content(world) -> dict:
    """School A's student's thread with their parent, a consent request waiting, a home visit
    proposed for tomorrow, and a request for help sent by the student."""
    import datetime

    from django.utils import timezone
    from django_scopes import scopes_disabled

    from portal.models import ConsentRequest, HelpRequest, MessageThread
    from visits.models import VisitAppointment

    a = world.a
    with scopes_disabled():
        thread = MessageThread.objects.create(
            school=a.school, student=a.student, parent=a.users["parent"]
        )
        asked = ConsentRequest.objects.create(
            school=a.school, student=a.student, purpose="external_referral"
        )
        appointment = VisitAppointment.objects.create(
            school=a.school,
            student=a.student,
            date=timezone.localdate() + datetime.timedelta(days=1),
            time=datetime.time(16),
        )
        help_request = HelpRequest.objects.create(
            school=a.school, student=a.student, author=a.users["student"], body="..."
        )
    return {
        "thread_id": thread.pk,
        "consent_request_id": asked.pk,
        "appointment_id": appointment.pk,
        "help_id": help_request.pk,
    }


# --- end portal content ---

# --- good practices (districts/practices) ---
# The library: everyone of the district reads the published practices (school staff from their
# school, network and district staff from their places; nobody else finds the place). A
# school's own practices and writing one: the school's staff (SUBMIT_PRACTICES), the
# supervisors 403. The practice of the matrix is published: changing it (POST) sends the
# school's staff back to it with a message; the district's review of it is over (redirect), and
# an empty take-down form shows the practice again with the error (200).
SCHOOL_STAFF = ["homeroom", "homeroom_other", "counsellor", "discipline", "nurse"]
SCHOOL_STAFF += ["coordinator", "director"]
for _name in ("library", "practice_detail", "practice_file"):
    EXPECTED[f"practices:{_name}"] = EVERYONE
    EXPECTED[f"practices_district:{_name}"] = only(DISTRICT_STAFF, denied=NOT_FOUND)
    EXPECTED[f"practices_network:{_name}"] = only(SUPERVISORS, denied=NOT_FOUND)
for _name in ("school_practices", "practice_new"):
    EXPECTED[f"practices:{_name}"] = only(SCHOOL_STAFF)
for _name in ("practice_edit", "practice_file_add", "practice_submit", "practice_file_delete"):
    EXPECTED[f"practices:{_name}"] = only(SCHOOL_STAFF) | dict.fromkeys(SCHOOL_STAFF, REDIRECT)
EXPECTED["practices:practice_delete"] = EXPECTED["practices:practice_edit"]
EXPECTED["practices_district:review_queue"] = only(DISTRICT_STAFF, denied=NOT_FOUND)
EXPECTED["practices_district:practice_review"] = only(DISTRICT_STAFF, denied=NOT_FOUND) | (
    dict.fromkeys(DISTRICT_STAFF, REDIRECT)
)
EXPECTED["practices_district:practice_take_down"] = only(DISTRICT_STAFF, denied=NOT_FOUND)
POST_ONLY |= {
    "practices:practice_file_add",
    "practices:practice_submit",
    "practices:practice_file_delete",
    "practices:practice_delete",
    "practices_district:practice_review",
    "practices_district:practice_take_down",
}
del _name


def _practice(world) -> dict:
    """A published good practice of school A, with one photo."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from districts.practices import services

    image = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(image, "JPEG")
    writer = world.a.users["coordinator"]
    texts = {"summary": "สรุป", "steps_taken": "ขั้นตอน", "results": "ผล", "owners": ""}
    practice = services.practice_create(
        school=world.a.school, user=writer, title="ห้องเรียนสีขาว", step="prevent", **texts
    )
    upload = SimpleUploadedFile("p.jpg", image.getvalue(), "image/jpeg")
    photo = services.practice_file_add(practice=practice, upload=upload, kind="photo", user=writer)
    services.practice_submit(practice=practice, user=writer)
    services.practice_publish(practice=practice, user=world.a.users["district_supervisor"])
    return {"practice_id": practice.pk, "practice_file_id": photo.pk}


# --- end good practices ---

# Pages for parents and students without an account: the same answer signed in or not, and
# for staff of any school (the code, not a membership, decides).
PUBLIC = FAMILY_PUBLIC | {
    "screening_public:code_entry",
    "screening_public:link_form",
    "screening_public:link_done",
    "screening_public:link_eq",
}

# --- notification channels (carecore/channel_views.py) ---
# How one is told (e-mail, LINE, a summary): one's own page, parents and students too. LINE's
# webhook needs no account: a POST without LINE's signature is refused (403) for anyone.
EXPECTED["notification_settings"] = dict.fromkeys(ROLE_KEYS, OK)
EXPECTED["line_webhook"] = dict.fromkeys(ROLE_KEYS, FORBIDDEN)
POST_ONLY.add("line_webhook")
PUBLIC = PUBLIC | {"line_webhook"}
# The district's LINE Official Accounts (the matrix's is school A's): its administrator's.
for _name in ("list", "new", "edit"):
    EXPECTED[f"line_accounts:{_name}"] = only(
        ["district_admin"], denied=NOT_FOUND, overrides={"district_supervisor": FORBIDDEN}
    )
del _name


def _line_account(world):
    from carecore.tests.factories import LineAccountFactory

    return LineAccountFactory(owner=f"school:{world.a.school.pk}")


# --- end notification channels ---

# --- district deadlines (districts/deadlines) ---
# The district's deadlines: its staff read them and set them (MANAGE_DEADLINES: supervisor and
# administrator); removing one a school has met is refused (POST, redirect). A school's
# deadlines, their file and taking back a mark of done (POST, redirect): the director and the
# coordinator (MEET_DEADLINES); the school's other staff and the supervisors 403.
for _name in ("list", "create", "detail", "edit", "file"):
    EXPECTED[f"deadlines:{_name}"] = only(DISTRICT_STAFF, denied=NOT_FOUND)
EXPECTED["deadlines:delete"] = only(DISTRICT_STAFF, denied=NOT_FOUND) | dict.fromkeys(
    DISTRICT_STAFF, REDIRECT
)
for _name in ("list", "detail", "file"):
    EXPECTED[f"school_deadlines:{_name}"] = only(["coordinator", "director"])
EXPECTED["school_deadlines:undo"] = only(["coordinator", "director"]) | dict.fromkeys(
    ["coordinator", "director"], REDIRECT
)
POST_ONLY |= {"deadlines:delete", "school_deadlines:undo"}
del _name


def _deadline(world):
    """A report due next week from every school of district D1, marked done by school A's
    coordinator with a file."""
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from districts.deadlines.models import Completion, Deadline

    today = timezone.localdate()
    with scopes_disabled():
        deadline = Deadline.objects.create(
            district=world.a.district, kind="report", title="รายงานผลการดำเนินงาน",
            opens_on=today, due_on=today + datetime.timedelta(days=7),
        )  # fmt: skip
        completion = Completion(
            deadline=deadline, school=world.a.school, source="marked", done_on=today,
            done_by=world.a.users["coordinator"], file_name="report.pdf",
        )  # fmt: skip
        completion.file.save("report.pdf", ContentFile(b"%PDF-1.7"), save=True)
    return deadline


# --- end district deadlines ---

# --- early warning (issue 22) ---
# The school's list of flagged students: whoever holds VIEW_EARLY_WARNING (a homeroom teacher
# their own classrooms'; the other homeroom teacher sees theirs); the school's other staff, and
# network and district staff (their VIEW_SCHOOL reaches the school), 403. Network and district:
# counts per school, never names, for their staff (everyone else does not find the place); the
# weights and thresholds are the district administrator's.
EXPECTED["earlywarning:school_list"] = only(
    ["homeroom", "homeroom_other", "counsellor", "coordinator", "director"]
)
EXPECTED["earlywarning_district:district_counts"] = only(DISTRICT_STAFF, denied=NOT_FOUND)
EXPECTED["earlywarning_district:settings"] = only(
    ["district_admin"], denied=NOT_FOUND, overrides={"district_supervisor": FORBIDDEN}
)
EXPECTED["earlywarning_network:network_counts"] = only(SUPERVISORS, denied=NOT_FOUND)
# --- end early warning ---

# --- satisfaction surveys (districts/surveys) ---
# The district office's surveys (/d/<district>/surveys/): its supervisor and administrator
# (MANAGE_SURVEYS); school and network staff do not find the district's pages (404). A school's
# (/s/<school>/surveys/): its director and coordinator, and the district's staff (their role
# reaches the district's schools); the school's other staff 403. The matrix survey is district
# A's, published, asking which school an answer is about: school A may not change it (404) but
# reads its own answers to it (results and their files). Publishing, closing, deleting (refused:
# it is published) and the files POST and redirect. Answering needs no account (PUBLIC).
SURVEY_DISTRICT = ["district_supervisor", "district_admin"]
SURVEY_SCHOOL = ["coordinator", "director", *SURVEY_DISTRICT]
_SURVEY_POSTS = ("publish", "close", "delete", "results_pdf", "results_xlsx")
_SURVEY_READ = ("results", "results_pdf", "results_xlsx")
for _name in ("list", "create", "detail", "edit", "preview", "slips", "results", *_SURVEY_POSTS):
    _posted = dict.fromkeys(SURVEY_DISTRICT, REDIRECT) if _name in _SURVEY_POSTS else {}
    EXPECTED[f"surveys:survey_{_name}"] = only(SURVEY_DISTRICT, denied=NOT_FOUND) | _posted
    if _name in ("list", "create") or _name in _SURVEY_READ:
        _at_school = dict.fromkeys(SURVEY_SCHOOL, REDIRECT) if _posted else {}
    else:
        _at_school = dict.fromkeys(SURVEY_SCHOOL, NOT_FOUND)
    EXPECTED[f"surveys_school:survey_{_name}"] = only(SURVEY_SCHOOL) | _at_school
    if _posted:
        POST_ONLY |= {f"surveys:survey_{_name}", f"surveys_school:survey_{_name}"}
for _name in ("code_entry", "answer", "thanks"):
    EXPECTED[f"surveys_public:{_name}"] = ANYONE
    PUBLIC = PUBLIC | {f"surveys_public:{_name}"}
del _name, _posted, _at_school


def _survey(world) -> dict:
    """District A's survey, open to anyone with its link, one rating question, and an answer
    about school A."""
    from districts.surveys import services
    from districts.surveys.models import Section, Survey

    survey = services.survey_create(
        district=world.a.district, audience="parents", mode="open", from_starter=False
    )
    services.survey_update(
        survey=survey,
        data={"title": "ความพึงพอใจ", "ask_school": True},
        sections=[services.SectionRow("ภาพรวม", Section.Kind.RATING, ["พึงพอใจโดยรวม"])],
    )
    survey = services.survey_publish(survey=survey)
    question = survey.questions.get()
    services.response_save(survey=survey, values={question.pk: 4}, texts={}, school=world.a.school)
    assert survey.status == Survey.Status.OPEN
    return {"survey_id": survey.pk, "token": survey.token}


# --- end satisfaction surveys ---

# --- supervision (districts/supervision) ---
# The district's rounds, form, round, summary and a school's visit: its staff (VIEW_DISTRICT to
# read, SUPERVISE to change: both roles hold both); the report (POST) starts a job (redirect). A
# school's visits sent to it and the answer: the director and the coordinator
# (ANSWER_SUPERVISION); the school's other staff and the supervisors 403.
for _name in ("list", "form", "create", "round", "summary", "visit"):
    EXPECTED[f"supervision:{_name}"] = only(DISTRICT_STAFF, denied=NOT_FOUND)
EXPECTED["supervision:report"] = only(DISTRICT_STAFF, denied=NOT_FOUND) | dict.fromkeys(
    DISTRICT_STAFF, REDIRECT
)
for _name in ("list", "visit"):
    EXPECTED[f"supervision_school:{_name}"] = only(["coordinator", "director"])
# A network team's rounds (the round is network A's): its supervisor and the district's staff
# (SUPERVISE at the network); anyone else 404 (no membership at the network).
for _name in ("list", "create", "round", "summary", "visit"):
    EXPECTED[f"supervision_network:{_name}"] = only(SUPERVISORS, denied=NOT_FOUND)
POST_ONLY |= {"supervision:report"}
del _name


def _supervision(world) -> dict:
    """Network A's round over school A (the district reads it too), its visit sent to the
    school."""
    import datetime

    from django.utils import timezone
    from django_scopes import scopes_disabled

    from districts.supervision import services
    from districts.supervision.defaults import DEFAULT_STEPS

    today = timezone.localdate()
    with scopes_disabled():
        round_ = services.round_create(
            district=world.a.district, network=world.a.network, title="นิเทศ", starts_on=today,
            ends_on=today + datetime.timedelta(days=7), supervisors="ศึกษานิเทศก์",
            schools=[world.a.school], user=world.a.users["district_supervisor"],
        )  # fmt: skip
        entries = [services.StepEntry(level=2, ticks=[], recommendations="ปรับปรุง")] * len(
            DEFAULT_STEPS
        )
        visit = services.visit_save(
            round_=round_, school=world.a.school, visited_on=today, overall="", entries=entries,
            user=world.a.users["district_supervisor"], send=True,
        )  # fmt: skip
    return {"round_id": round_.pk, "supervision_visit_id": visit.pk}


# --- end supervision ---

# --- self-assessment (districts/assessments) ---
# The district's rounds and their pages: its staff (VIEW_DISTRICT to read, MANAGE_EVALUATION to
# change: both roles hold both); the steps (POST) redirect; school and network staff do not find
# the district's pages (404). A school's self-assessment: its director and coordinator
# (SELF_ASSESS); the school's other staff and the supervisors 403. An evidence file: the school's
# own, the district's staff and the raters given the school; anyone else of the school 404. The
# scoring page: whoever holds EVALUATE_SCHOOLS and is a rater given the school (the network
# supervisor and both district roles here); the school's staff 403. A network's list of rounds
# to score: EVALUATE_SCHOOLS at the network (its supervisor, the district's staff).
ASSESSMENT_POSTS = ("rater_remove", "publish", "release", "award_set", "certificates")
for _name in ("list", "create", "round", "edit", "rubric", "raters", "school", "awards"):
    EXPECTED[f"assessments:{_name}"] = only(DISTRICT_STAFF, denied=NOT_FOUND)
for _name in ASSESSMENT_POSTS:
    EXPECTED[f"assessments:{_name}"] = only(DISTRICT_STAFF, denied=NOT_FOUND) | dict.fromkeys(
        DISTRICT_STAFF, REDIRECT
    )
    POST_ONLY |= {f"assessments:{_name}"}
for _name in ("list", "assessment"):
    EXPECTED[f"assessments_school:{_name}"] = only(["coordinator", "director"])
EXPECTED["assessments_school:evidence"] = only(
    ["coordinator", "director", *SUPERVISORS], denied=NOT_FOUND
)
EXPECTED["assessments_school:score"] = only(SUPERVISORS)
EXPECTED["assessments_network:list"] = only(SUPERVISORS, denied=NOT_FOUND)
del _name


def _assessment(world) -> dict:
    """District A's published round over school A: three raters given every school (the
    network supervisor and both district roles) and one more to be removed, school A's
    self-assessment submitted with an evidence file, scored by one rater; an award."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from carecore.models import Membership, Role
    from conftest import make_user
    from districts.assessments import services

    a = world.a
    today = timezone.localdate()
    with scopes_disabled():
        round_ = services.round_create(
            district=a.district, title="ประเมิน", year=2568, opens_on=today,
            closes_on=today + datetime.timedelta(days=7), schools=[a.school],
            user=a.users["district_supervisor"],
        )  # fmt: skip
        services.rubric_save(round_=round_, rows=[services.IndicatorRow("ตัวชี้วัด")], revision=None)
        for key in ("network", "district_supervisor", "district_admin"):
            services.rater_set(round_=round_, user=a.users[key], schools=[])
        extra = make_user("assessment_rater_extra")
        Membership.objects.create(user=extra, district=a.district, role=Role.DISTRICT_SUPERVISOR)
        removed = services.rater_set(round_=round_, user=extra, schools=[])
        round_ = services.round_publish(round_=round_)
        indicator = round_.indicators.get()
        upload = SimpleUploadedFile("หลักฐาน.pdf", b"%PDF-1.4 evidence", "application/pdf")
        assessment = services.assessment_save(
            round_=round_, school=a.school, user=a.users["director"], submit=True,
            entries={indicator.pk: services.EntryInput(level=4, upload=upload)},
        )  # fmt: skip
        services.evaluation_save(
            assessment=assessment, rater=a.users["district_supervisor"], done=True,
            scores={indicator.pk: services.ScoreInput(level=4)},
        )  # fmt: skip
        category = services.category_create(round_=round_, title="ต้นแบบ", min_mean=None)
        entry = assessment.entries.get()
    return {
        "assessment_round_id": round_.pk,
        "assessment_rater_id": removed.pk,
        "award_category_id": category.pk,
        "self_entry_id": entry.pk,
    }


# --- end self-assessment ---

# --- plans + training (districts/plans, districts/training) ---
# The district's plan: its staff read (VIEW_DISTRICT) and write (MANAGE_PLANS: both roles); the
# published plan at a school's address: everyone of the school, its network and district
# (VIEW_SCHOOL). Posts: removing a published plan is refused (redirect, kept), back to a draft,
# published again (placed in that order), the PDF jobs (redirect).
for _name in ("list", "create", "plan", "edit", "projects", "indicators"):
    EXPECTED[f"plans:{_name}"] = only(DISTRICT_STAFF, denied=NOT_FOUND)
for _name in ("delete", "unpublish", "publish", "pdf"):
    EXPECTED[f"plans:{_name}"] = only(DISTRICT_STAFF, denied=NOT_FOUND) | dict.fromkeys(
        DISTRICT_STAFF, REDIRECT
    )
    POST_ONLY |= {f"plans:{_name}"}
EXPECTED["plans_school:plan"] = EVERYONE
EXPECTED["plans_school:pdf"] = EVERYONE | dict.fromkeys(STAFF_ROLE_KEYS, REDIRECT)
POST_ONLY |= {"plans_school:pdf"}
# Training: the district's pages for its staff (VIEW_DISTRICT, MANAGE_TRAINING); a school's for
# its director, coordinator and the district's staff (MANAGE_TRAINING). The course is school
# A's (with a file): the district does not remove a school's course (404); at the school the
# coordinator removes it, after which the director and the district's staff find nothing.
TRAINING_SCHOOL = ["coordinator", "director", *DISTRICT_STAFF]
for _name in ("list", "create", "course", "certificate"):
    EXPECTED[f"training:{_name}"] = only(DISTRICT_STAFF, denied=NOT_FOUND)
    EXPECTED[f"training_school:{_name}"] = only(TRAINING_SCHOOL)
EXPECTED["training:delete"] = only([], denied=NOT_FOUND)
EXPECTED["training_school:delete"] = only(TRAINING_SCHOOL) | {
    "coordinator": REDIRECT, "director": NOT_FOUND, "district_supervisor": NOT_FOUND,
    "district_admin": NOT_FOUND,
}  # fmt: skip
POST_ONLY |= {"training:delete", "training_school:delete"}
del _name


def _plans_training(world) -> dict:
    """District A's published plan; school A's course with a certificate, attended by its
    director."""
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from districts.plans import services as plans
    from districts.training import services as training

    a = world.a
    today = timezone.localdate()
    with scopes_disabled():
        plan = plans.plan_create(
            district=a.district, academic_year=world.year, title="แผนปฏิบัติการ",
            strategies=["กลยุทธ์"], user=a.users["district_supervisor"],
        )  # fmt: skip
        plans.indicators_save(
            plan=plan, revision=None, user=None,
            rows=[plans.IndicatorRow("ตัวชี้วัด", "runs_system", "percent", Decimal(100))],
        )  # fmt: skip
        plans.plan_publish(plan=plan, user=None)
        course = training.course_create(
            district=a.district, school=a.school, title="อบรม", starts_on=today, ends_on=today,
            hours=Decimal(3), memberships=a.school.memberships.filter(role="director"),
            certificate=SimpleUploadedFile("c.pdf", b"%PDF-1.4\n%%EOF\n"),
        )  # fmt: skip
    return {"district_plan_id": plan.pk, "training_course_id": course.pk}


# --- end plans + training ---

# --- fund (districts/fund) ---
# The district's fund pages (its list, a fund, the nominated students, one nomination): its
# staff (MANAGE_FUND: both roles); anyone else of the district finds nothing (404). Publishing
# (POST) redirects; a payment's empty form (POST) comes back with its errors. A school's side:
# its counsellor, coordinator and director (NOMINATE_FOR_FUND); its other staff and the
# supervisors (who see no student) 403. Nominating names the student in ?student=: without it
# 404. Withdrawing (POST) the matrix's nomination, made inside a window now closed, is refused
# with a message (redirect).
FUND_SCHOOL = ["counsellor", "coordinator", "director"]
for _name in ("list", "create", "edit", "detail", "nominations", "nomination", "pay"):
    EXPECTED[f"fund:{_name}"] = only(DISTRICT_STAFF, denied=NOT_FOUND)
EXPECTED["fund:publish"] = only(DISTRICT_STAFF, denied=NOT_FOUND) | dict.fromkeys(
    DISTRICT_STAFF, REDIRECT
)
for _name in ("list", "fund", "nomination"):
    EXPECTED[f"fund_school:{_name}"] = only(FUND_SCHOOL)
EXPECTED["fund_school:nominate"] = only(FUND_SCHOOL) | dict.fromkeys(FUND_SCHOOL, NOT_FOUND)
EXPECTED["fund_school:withdraw"] = only(FUND_SCHOOL) | dict.fromkeys(FUND_SCHOOL, REDIRECT)
POST_ONLY |= {"fund:publish", "fund:pay", "fund_school:withdraw"}
del _name


def _fund(world) -> dict:
    """District A's fund of the year, its window closed yesterday; school A's student at risk,
    nominated inside the window."""
    import datetime

    from django.utils import timezone
    from django_scopes import scopes_disabled

    from districts.fund import services
    from districts.fund.tests.factories import fund_data, make_need

    today = timezone.localdate()
    opens_on, closes_on = today - datetime.timedelta(days=9), today - datetime.timedelta(days=1)
    with scopes_disabled():
        fund = services.fund_create(
            district=world.a.district, academic_year=world.year, user=None,
            data=fund_data(opens_on=opens_on, closes_on=closes_on),
        )  # fmt: skip
        services.fund_publish(fund=fund)
        make_need(world.a.student, world.year)
        nomination = services.nomination_create(
            fund=fund, school=world.a.school, student=world.a.student, reason="ยากจน",
            user=world.a.users["director"], today=closes_on,
        )  # fmt: skip
    return {"fund_id": fund.pk, "fund_nomination_id": nomination.pk}


# --- end fund ---

# --- committees (districts/committees) ---
# The same pages at a school, a network and the district office (a network's and the district's
# URL arguments named apart: network_committee_id, district_meeting_id...). Everyone of the place
# reads them (a school's staff, and the supervisors who reach the school; the network supervisor
# and the district's staff at the network; the district's staff at the district); school staff
# do not find a network's or the district's pages, nor the network supervisor the district's
# (404). MANAGE_COMMITTEES changes them: the school's director and coordinator, the network
# supervisor, the district's staff; the school's other staff 403. The POSTs redirect: printing
# the order or the minutes starts a job; deleting a committee that met and taking off a member
# recorded at a meeting are refused with a message.
COMMITTEE_READ = ["committee_list", "resolution_list", "committee_detail", "meeting_detail"]
COMMITTEE_READ += ["resolution_detail"]
COMMITTEE_MANAGE = ["committee_create", "committee_edit", "member_add", "member_edit"]
COMMITTEE_MANAGE += ["meeting_create", "meeting_edit", "resolution_add"]
COMMITTEE_POSTS = ["committee_delete", "member_remove", "committee_order", "meeting_print"]
for _ns, _readers, _managers in (
    ("committees", SCHOOL_STAFF + SUPERVISORS, ["coordinator", "director", *SUPERVISORS]),
    ("committees_network", SUPERVISORS, SUPERVISORS),
    ("committees_district", DISTRICT_STAFF, DISTRICT_STAFF),
):
    _readonly = dict.fromkeys(set(_readers) - set(_managers), FORBIDDEN)
    for _name in COMMITTEE_READ:
        EXPECTED[f"{_ns}:{_name}"] = only(_readers, denied=NOT_FOUND)
    for _name in COMMITTEE_MANAGE:
        EXPECTED[f"{_ns}:{_name}"] = only(_managers, denied=NOT_FOUND, overrides=_readonly)
    for _name in COMMITTEE_POSTS:
        EXPECTED[f"{_ns}:{_name}"] = only(
            _managers, denied=NOT_FOUND, overrides=_readonly | dict.fromkeys(_managers, REDIRECT)
        )
        POST_ONLY.add(f"{_ns}:{_name}")
del _ns, _readers, _managers, _readonly, _name


def _committees(world) -> dict:
    """A committee of school A, of network N1 and of district D1, each with its members, a
    meeting they attended and a resolution; the URL arguments of each place."""
    from districts.committees.tests.factories import make_committee, make_meeting, make_resolution

    values = {}
    for level, prefix in (("school", ""), ("network", "network_"), ("district", "district_")):
        committee = make_committee(world.a, level=level)
        meeting = make_meeting(world.a, committee)
        values |= {
            f"{prefix}committee_id": committee.pk,
            f"{prefix}committee_member_id": committee.members.first().pk,
            f"{prefix}meeting_id": meeting.pk,
            f"{prefix}resolution_id": make_resolution(world.a, meeting).pk,
        }
    return values


# --- end committees ---

# URLs of well-kept libraries: they must never fail, and never show school data.
LIBRARY_PREFIXES = ("accounts/", "i18n/", "admin/")


def walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}{p.namespace}:"
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (namespace + p.name) if p.name else None, p


def kwargs_for(world) -> dict:
    a = world.a
    return {
        "school_code": a.school.code,
        "classroom_id": a.classroom.pk,
        "student_id": a.student.pk,
        "guardian_id": a.guardian.pk,
        "user_id": a.users["homeroom"].pk,
        "district_code": a.district.code,
        "network_id": a.network.pk,
        "document": "sheets",
        "section": "health",
        "fmt": "pdf",  # the subject-access export (helper pdpa2)
        "run_id": _retention_run(world).pk,  # data retention (helper pdpa2)
        "rater": "teacher",
        "file_id": _generated_file(world).pk,
        "notification_id": _notification(world).pk,
        "account_id": _line_account(world).pk,  # LINE's webhook (notification channels)
        "deadline_id": _deadline(world).pk,  # district deadlines (see that block)
        "import_id": _student_import(world).pk,
        "screening_import_id": _screening_import(world).pk,
        "code": _form_link(world).code,
        **_survey(world),  # satisfaction surveys (see that block)
        "plan_id": _care_plan(world).pk,  # care plans (see the care plans block)
        "activity_id": _care_activity(world).pk,  # care activities (see that block)
        "referral_id": _referral(world).pk,  # referrals (see that block)
        "agency_id": _agency(world).pk,  # agencies (helper agencies)
        "case_id": _dropout_case(world).pk,  # dropout cases (helper dropouts)
        "link_id": _guardian_link(world).pk,  # family accounts
        **_practice(world),  # good practices (see that block)
        **_supervision(world),  # supervision (see that block)
        **_assessment(world),  # self-assessment (see that block)
        **_committees(world),  # committees (see that block)
        **_plans_training(world),  # plans + training (see that block)
        **_fund(world),  # the district fund (see that block)
        **_consent(world),  # guardian consent (before the home visit's photo)
        **_home_visit(world),
        **_behaviour(world),  # behaviour (see that block)
        **_attendance(world),  # attendance: a flag, a holiday, an import
        **_portal_content(world),  # portal content (see that block)
    }


def _consent(world) -> dict:
    """The guardian's current consent to home-visit photos of school A's student; none yet to
    outside agencies (the page recording one opens)."""
    import datetime

    from django_scopes import scopes_disabled

    from students.consent_services import consent_give

    with scopes_disabled():
        consent = consent_give(
            student=world.a.student,
            purpose="home_visit_photos",
            guardian=world.a.guardian,
            given_on=datetime.date.today(),
            method="paper",
            user=world.a.users["homeroom"],
        )
    return {"consent_id": consent.pk, "purpose": "external_referral"}


def _home_visit(world) -> dict:
    """A finished home visit of school A's student, with one photo."""
    import datetime
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_scopes import scopes_disabled
    from PIL import Image

    from visits.services import photo_add, visit_save

    image = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(image, "JPEG")
    with scopes_disabled():
        saved = visit_save(
            student=world.a.student,
            data={"date": datetime.date.today(), "visitors": "ครูประจำชั้น", "mode": "home"},
            done=True,
            user=world.a.users["homeroom"],
            academic_year=world.year,
            classroom=world.a.classroom,
        )
        photo = photo_add(
            visit=saved.visit,
            upload=SimpleUploadedFile("p.jpg", image.getvalue(), "image/jpeg"),
            kind="outside",
            user=world.a.users["homeroom"],
        )
    return {"visit_id": saved.visit.pk, "photo_id": photo.pk}


def _form_link(world):
    """A parent's form link of school A's student (no screening window: the form is closed)."""
    from django_scopes import scopes_disabled

    from schools.models import Term
    from screening.models import FormLink

    with scopes_disabled():
        return FormLink.objects.create(
            student=world.a.student,
            term=Term.objects.filter(academic_year=world.year).first(),
            rater="parent",
        )


def _screening_import(world):
    """A finished import of SDQ answers of school A."""
    from django_scopes import scopes_disabled

    from schools.models import Term
    from screening.models import ScreeningImport

    with scopes_disabled():
        return ScreeningImport.objects.create(
            school=world.a.school,
            term=Term.objects.filter(academic_year=world.year).first(),
            original_name="answers.csv",
            file="screening-imports/matrix/upload.csv",
            status=ScreeningImport.Status.DONE,
        )


def _student_import(world):
    """A finished student import of school A."""
    from django_scopes import scopes_disabled

    from students.models import StudentImport

    with scopes_disabled():
        return StudentImport.objects.create(
            school=world.a.school,
            academic_year=world.year,
            original_name="students.csv",
            file="imports/matrix/upload.csv",
            status=StudentImport.Status.DONE,
        )


def _notification(world):
    """A notification for school A's homeroom teacher, leading to their school's page."""
    from carecore.models import Notification

    return Notification.objects.create(
        user=world.a.users["homeroom"],
        kind=Notification.Kind.REFERRAL_RECEIVED,
        url=f"/s/{world.a.school.code}/",
        place=world.a.school.name,
    )


def _generated_file(world):
    """A finished file made for school A's homeroom teacher."""
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from carecore.access import Perm
    from carecore.models import GeneratedFile

    generated = GeneratedFile.objects.create(
        kind="classroom_list",
        title="list",
        created_by=world.a.users["homeroom"],
        school=world.a.school,
        permission=Perm.VIEW_SCHOOL,
        params={"classroom_id": world.a.classroom.pk},
        status=GeneratedFile.Status.DONE,
        filename="list.pdf",
        content_type="application/pdf",
        expires=timezone.now() + datetime.timedelta(days=1),
    )
    generated.file.save("classroom_list.pdf", ContentFile(b"%PDF-1.7"), save=True)
    return generated


def fill(route: str, values: dict) -> str:
    """Turn a route such as s/<str:school_code>/ into a path with real or dummy values."""
    import re

    def sub(match):
        name = match.group(2)
        return str(values.get(name, "1"))

    path = re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)
    path = path.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    # Regex routes from libraries (admin): replace groups with a dummy value.
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    path = re.sub(r"\([^)]*\)", "1", path)
    return "/" + path


def project_urls():
    return [
        (route, name)
        for route, name, _ in walk(get_resolver().url_patterns)
        if not route.startswith(LIBRARY_PREFIXES)
    ]


def test_every_project_url_has_expectations():
    missing = sorted({name or route for route, name in project_urls()} - set(EXPECTED))
    assert not missing, f"Add permission expectations for: {missing}"


@pytest.mark.django_db
def test_permission_matrix(world, client):
    from django.urls import reverse

    values = kwargs_for(world)
    failures = []
    for route, name in project_urls():
        expected = EXPECTED[name]
        kwargs = {k: v for k, v in values.items() if f"<{k}>" in route or f":{k}>" in route}
        url = reverse(name, kwargs=kwargs)
        request = client.post if name in POST_ONLY else client.get
        client.logout()
        response = request(url)
        if name in PUBLIC:
            if response.status_code != expected["homeroom"]:
                failures.append(f"anonymous {url}: {response.status_code}")
        elif response.status_code != REDIRECT or "/accounts/login/" not in response["Location"]:
            failures.append(f"anonymous {url}: {response.status_code}")
        for key in ROLE_KEYS:
            client.force_login(world.a.users[key])
            status = request(url).status_code
            if status != expected[key]:
                failures.append(f"{key}@A {name} {url}: {status}, expected {expected[key]}")
            # The same role at school B, network N2, district D2.
            client.force_login(world.b.users[key])
            status = request(url).status_code
            want = expected[key] if not kwargs or name in PUBLIC else NOT_FOUND
            if status != want:
                failures.append(f"{key}@B {name} {url}: {status}, expected {want}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_library_urls_never_fail_nor_leak(world, client):
    """allauth, language switching and the admin: no 5xx for anyone, the admin closed to staff
    without superuser rights, and no student name anywhere."""
    values = kwargs_for(world)
    student_name = world.a.student.first_name
    users = [None] + [world.a.users[k] for k in ROLE_KEYS]
    checked = 0
    for route, _name, _ in walk(get_resolver().url_patterns):
        if not route.startswith(LIBRARY_PREFIXES):
            continue
        url = fill(route, values)
        for user in users:
            client.logout()
            if user is not None:
                client.force_login(user)
            response = client.get(url)
            checked += 1
            assert response.status_code < 500, (url, user, response.status_code)
            if route.startswith("admin/"):
                assert response.status_code in (302, 403, 404), (url, user, response.status_code)
            assert student_name not in response.content.decode(errors="ignore"), (url, user)
    assert checked > 100


@pytest.mark.django_db
def test_nonexistent_objects_answer_like_other_schools(world, login):
    """A school code that does not exist and one the user may not see give the same 404."""
    client = login(world.a.users["coordinator"])
    assert client.get("/s/9999999999/").status_code == NOT_FOUND
    assert client.get(f"/s/{world.b.school.code}/").status_code == NOT_FOUND
    assert client.get(f"/s/{world.a.school.code}/students/999999/").status_code == NOT_FOUND
    # A's code with B's student: the student is not A's.
    url = f"/s/{world.a.school.code}/students/{world.b.student.pk}/"
    assert client.get(url).status_code == NOT_FOUND
    url = f"/s/{world.a.school.code}/classrooms/{world.b.classroom.pk}/"
    assert client.get(url).status_code == NOT_FOUND


@pytest.mark.django_db
def test_absurd_ids_in_addresses_answer_404_not_500(world, login):
    client = login(world.a.users["coordinator"])
    huge = "9" * 30
    code = world.a.school.code
    for url in (
        f"/s/{code}/classrooms/{huge}/",
        f"/s/{code}/students/{huge}/",
        f"/s/{code}/students/{world.a.student.pk}/guardians/{huge}/",
        f"/s/{code}/staff/{huge}/",
        f"/n/{huge}/",
        "/s/" + "ก" * 300 + "/",
    ):
        assert client.get(url).status_code == NOT_FOUND, url

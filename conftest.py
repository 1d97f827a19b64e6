"""Shared test fixtures: two districts, two schools, and one user per role on each side.

School A (district D1, network N1) is where the action is; school B (district D2, network N2)
holds the same roles, so every view can be requested "as the same role at another school".
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from carecore.models import Membership, Role, User
from carecore.national_id import national_id_check_digit
from districts.models import District, Network
from schools.models import AcademicYear, Classroom, Grade, HomeroomAssignment, School
from schools.services import academic_year_create
from students.models import Enrolment, Guardian, GuardianLink, Student, StudentAccount

# The production stage's tests talk to a running stack over HTTPS: deploy/stage.sh starts it and
# sets STAGE_URL; the ordinary test run leaves them out.
collect_ignore_glob = [] if os.environ.get("STAGE_URL") else ["tests/stage/*"]

# The real-worker fixtures (broker, start_worker) for tests/integration and tests/browser; the
# fake servers of what leaves the machine (tests/fakes.py: fake_line).
pytest_plugins = ["tests.worker", "tests.fakes"]

PASSWORD = "correct-horse-2568"  # noqa: S105

# Role keys used by the permission matrix; "homeroom_other" teaches another room of the school.
STAFF_ROLE_KEYS = [
    "homeroom",
    "homeroom_other",
    "counsellor",
    "discipline",
    "nurse",
    "coordinator",
    "director",
    "network",
    "district_supervisor",
    "district_admin",
]
# Parents and students as users (docs/portal.md): the parent of the side's student and that
# student's own account; they hold no membership, so every staff page of a school is 404 to them.
FAMILY_KEYS = ["parent", "student"]
ROLE_KEYS = STAFF_ROLE_KEYS + FAMILY_KEYS


def th(message: str, **params) -> str:
    """``message`` as a Thai page shows it (pages are Thai unless the user chose English)."""
    from django.utils.html import escape
    from django.utils.translation import gettext, override

    with override("th"):
        text = gettext(message)
    return escape(text % params if params else text)


def make_national_id(n: int) -> str:
    first12 = f"1{n:011d}"
    return first12 + str(national_id_check_digit(first12))


@dataclass
class Side:
    district: District
    network: Network
    school: School
    classroom: Classroom
    other_classroom: Classroom
    student: Student
    other_student: Student
    guardian: Guardian
    users: dict[str, User] = field(default_factory=dict)


@dataclass
class World:
    year: AcademicYear
    a: Side
    b: Side


def make_user(username: str, **extra) -> User:
    user = User(username=username, first_name=extra.pop("first_name", username), **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def make_student(school, classroom, n: int, number: int, **extra) -> Student:
    student = Student.objects.create(
        school=school,
        student_code=f"{n:05d}",
        national_id=make_national_id(n),
        prefix=extra.pop("prefix", Student.Prefix.BOY),
        first_name=extra.pop("first_name", f"นักเรียน{n}"),
        last_name=extra.pop("last_name", "ทดสอบ"),
        gender=extra.pop("gender", Student.Gender.MALE),
        birth_date=extra.pop("birth_date", timezone.localdate().replace(year=2015)),
        **extra,
    )
    Enrolment.objects.create(
        student=student, classroom=classroom, academic_year=classroom.academic_year, number=number
    )
    return student


def _side(tag: str, year: AcademicYear, code_base: int) -> Side:
    district = District.objects.create(
        code=f"D{tag}", name=f"District {tag}", level=District.Level.PRIMARY, province="ขอนแก่น"
    )
    network = Network.objects.create(district=district, name=f"Network {tag}")
    school = School.objects.create(
        code=f"{code_base:010d}", name=f"โรงเรียน {tag}", district=district, network=network
    )
    classroom = Classroom.objects.create(school=school, academic_year=year, grade=Grade.P4, room=1)
    other = Classroom.objects.create(school=school, academic_year=year, grade=Grade.P4, room=2)
    student = make_student(school, classroom, code_base % 1000 * 10 + 1, 1)
    other_student = make_student(school, other, code_base % 1000 * 10 + 2, 1)
    guardian = Guardian.objects.create(
        student=student,
        first_name="สมศรี",
        last_name="ทดสอบ",
        relation=Guardian.Relation.MOTHER,
        is_primary=True,
    )
    side = Side(district, network, school, classroom, other, student, other_student, guardian)
    school_roles = {
        "homeroom": Role.HOMEROOM,
        "homeroom_other": Role.HOMEROOM,
        "counsellor": Role.COUNSELLOR,
        "discipline": Role.DISCIPLINE,
        "nurse": Role.NURSE,
        "coordinator": Role.COORDINATOR,
        "director": Role.DIRECTOR,
    }
    for key, role in school_roles.items():
        user = make_user(f"{key}_{tag.lower()}", email=f"{key}_{tag.lower()}@example.org")
        Membership.objects.create(user=user, role=role, school=school)
        side.users[key] = user
    HomeroomAssignment.objects.create(classroom=classroom, teacher=side.users["homeroom"])
    HomeroomAssignment.objects.create(classroom=other, teacher=side.users["homeroom_other"])
    side.users["network"] = make_user(f"network_{tag.lower()}")
    Membership.objects.create(
        user=side.users["network"], role=Role.NETWORK_SUPERVISOR, network=network
    )
    for key, role in (
        ("district_supervisor", Role.DISTRICT_SUPERVISOR),
        ("district_admin", Role.DISTRICT_ADMIN),
    ):
        side.users[key] = make_user(f"{key}_{tag.lower()}")
        Membership.objects.create(user=side.users[key], role=role, district=district)
    side.users["parent"] = make_user(f"parent_{tag.lower()}")
    GuardianLink.objects.create(
        user=side.users["parent"],
        student=student,
        guardian=guardian,
        relationship=guardian.relation,
    )
    side.users["student"] = make_user(f"student_{tag.lower()}")
    StudentAccount.objects.create(user=side.users["student"], student=student)
    return side


def insert_statements(model, rows: int) -> int:
    """The INSERT statements that one ``bulk_create`` of ``rows`` new ``model`` rows sends to the
    test database. One on PostgreSQL. SQLite: Django caps a statement at 999 parameters
    (``features.max_query_params``, whatever ``batch_size`` asks), so a wide model's rows split
    into several; query counts that must not grow with the rows subtract that split."""
    from django.db import connection
    from django.db.models import AutoField

    fields = [
        f for f in model._meta.concrete_fields if not f.generated and not isinstance(f, AutoField)
    ]
    per_statement = max(connection.ops.bulk_batch_size(fields, [None] * rows), 1)
    return -(-rows // per_statement)


def give_photo_consent(student, user=None):
    """The guardian's current consent to home-visit photos of ``student`` (PDPA: no photo is
    added without it), unless one is recorded already."""
    from students.consent_models import GuardianConsent
    from students.consent_services import consent_give

    with scopes_disabled():
        current = GuardianConsent.objects.filter(
            student=student, purpose="home_visit_photos", withdrawn_at__isnull=True
        ).first()
        return current or consent_give(
            student=student,
            purpose="home_visit_photos",
            given_by="ผู้ปกครอง",
            given_on=timezone.localdate(),
            method="paper",
            user=user,
        )


@pytest.fixture
def world(db) -> World:
    with scopes_disabled():
        year = academic_year_create(year=AcademicYear.be_year_for(timezone.localdate()))
        return World(year=year, a=_side("A", year, 1040000001), b=_side("B", year, 1040000002))


@pytest.fixture
def term(world):
    """The world's current term: today's, or between terms the latest that has started."""
    from schools.selectors import current_term

    with scopes_disabled():
        return current_term()


def _term_number(world, number: int):
    from schools.models import Term

    with scopes_disabled():
        return Term.objects.select_related("academic_year").get(
            academic_year=world.year, number=number
        )


@pytest.fixture
def term1(world):
    """The first term of the world's year, whatever today is (tests that name it "<year>-1")."""
    return _term_number(world, 1)


@pytest.fixture
def term2(world):
    """The second term of the world's year."""
    return _term_number(world, 2)


@pytest.fixture
def of_self_report_age(world):
    """The world's ป.4 students made 12 on the academic year's first day: the SDQ self-report
    goes by age (11-17), and a ป.4 child of the default birth date is younger."""
    born = world.year.start.replace(year=world.year.start.year - 12, month=1, day=1)
    with scopes_disabled():
        for side in (world.a, world.b):
            for student in (side.student, side.other_student):
                Student.objects.filter(pk=student.pk).update(birth_date=born)
                student.birth_date = born


@pytest.fixture
def english(client, settings):
    """The test client's pages in English (users see Thai unless they choose): for tests that look
    for the English text. Use it as ``pytestmark = pytest.mark.usefixtures("english")``."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(scope="session", autouse=True)
def _static_manifest(django_test_environment):
    """Build the static manifest once per session, as the image build does: pages and PDFs then
    resolve {% static %} through the production storage, so a missing or unhashable file
    fails the tests instead of the deployment."""
    from django.conf import settings
    from django.core.management import call_command

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def _live_server_serves_static_as_production():
    """The live server of the browser tests would serve /static/ through the staticfiles finders,
    which know no hashed name; production has no such handler and WhiteNoise (a middleware of
    the app) serves the manifest's files. Do the same: hand every request to the app."""
    from django.contrib.staticfiles import handlers

    original = handlers.StaticFilesHandler
    handlers.StaticFilesHandler = lambda application: application
    try:
        yield
    finally:
        handlers.StaticFilesHandler = original


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Uploaded and generated files go to a fresh folder per test, never into the checkout."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))

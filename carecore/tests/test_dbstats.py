"""Bulk loads leave the planner informed (carecore/dbstats.py): the student and screening
imports, the demo seeder and the scale seeder ANALYZE the tables they filled once the rows are
committed, so PostgreSQL's row counts (``pg_class.reltuples``) and ``last_analyze`` move.

The statistics are PostgreSQL's: skipped on SQLite locally, failed in CI."""

import datetime

import pytest
from django.db import connection, transaction
from django_scopes import scope, scopes_disabled

from carecore.dbstats import analyze_tables
from conftest import make_national_id, make_student
from schools.models import Classroom, Term
from screening.models import CareGroup, SdqResponse
from students.models import Enrolment, Student
from tests.worker import _unavailable

# The statistics are read from other sessions' point of view only after the commit: these
# tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        _unavailable("planner statistics are PostgreSQL's (DATABASE_URL)")


def db_now() -> datetime.datetime:
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


def stats(model) -> tuple[datetime.datetime | None, float]:
    """When the table was last analysed by hand (autovacuum's runs are another column) and the
    number of rows the planner believes it has."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.last_analyze, c.reltuples FROM pg_class c"
            " JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = %s::regclass",
            [model._meta.db_table],
        )
        return cursor.fetchone()


def analysed_since(model, moment) -> bool:
    last, _rows = stats(model)
    return last is not None and last >= moment


def assert_counted(*models):
    """Analysed, and the planner's row count is the table's (small tables are read whole)."""
    for model in models:
        with scopes_disabled():
            count = model.objects.count()
        assert stats(model)[1] == count, model._meta.db_table


def students_csv(count: int, first: int = 0) -> bytes:
    lines = ["student_code,national_id,prefix,first_name,last_name,gender,birth_date,grade,room"]
    lines += [
        f"9{n:04d},{make_national_id(800000 + n)},ด.ช.,นำเข้า{n},ทดลอง,ชาย,15/06/2557,ป.5,"
        f"{n % 3 + 1}"
        for n in range(first, first + count)
    ]
    return "\n".join(lines).encode()


def import_students(world, count, first=0):
    from students.imports import import_apply

    with scope(school=world.a.school.pk):
        report = import_apply(
            data=students_csv(count, first),
            filename="students.csv",
            school=world.a.school,
            academic_year=world.year,
        )
    assert report.ok, report.errors[:3]
    return report


def test_a_student_import_analyses_its_tables_once_committed(world):
    started = db_now()
    with transaction.atomic():  # as a caller's transaction: nothing is analysed before it ends
        import_students(world, 300)
        assert not analysed_since(Student, started)
    for model in (Student, Enrolment, Classroom):
        assert analysed_since(model, started), model._meta.db_table
    assert_counted(Student, Enrolment, Classroom)
    assert stats(Student)[1] == 304  # the four of the two schools, and the 300 imported


def test_a_rolled_back_import_leaves_the_statistics_alone(world):
    started = db_now()
    with transaction.atomic():
        import_students(world, 50)
        transaction.set_rollback(True)
    assert not analysed_since(Student, started)


def test_a_small_import_into_a_large_table_is_left_to_autovacuum(world):
    import_students(world, 300)  # analysed: the planner knows of 304 students
    started = db_now()
    import_students(world, 20, first=300)  # fewer than a tenth of them
    assert not analysed_since(Student, started)
    assert stats(Student)[1] == 304
    import_students(world, 40, first=400)  # a tenth or more (of what the planner believes)
    assert analysed_since(Student, started)
    assert stats(Student)[1] == 364


def test_a_screening_import_analyses_the_forms_and_groups(world):
    from screening.imports import import_apply

    with scopes_disabled():
        codes = [world.a.student.student_code]
        for n in range(60):
            codes.append(
                make_student(world.a.school, world.a.classroom, 3000 + n, 10 + n).student_code
            )
        term = Term.objects.get(academic_year=world.year, number=1)
    header = "student_code,rater," + ",".join(f"q{i}" for i in range(1, 26))
    rows = [f"{code},teacher," + ",".join(str(i % 3) for i in range(25)) for code in codes]
    started = db_now()
    with scope(school=world.a.school.pk):
        report = import_apply(
            data="\n".join([header, *rows]).encode(),
            filename="sdq.csv",
            school=world.a.school,
            term=term,
        )
    assert report.ok, report.errors[:3]
    assert analysed_since(SdqResponse, started) and analysed_since(CareGroup, started)
    assert_counted(SdqResponse, CareGroup)
    assert stats(SdqResponse)[1] == 61


def test_the_demo_seed_analyses_every_table():
    from demo.world import demo_build

    started = db_now()
    demo_build(schools=2, students=60, seed=3)
    for model in (Student, Enrolment, Classroom, SdqResponse, CareGroup):
        assert analysed_since(model, started), model._meta.db_table
    assert_counted(Student, Enrolment, Classroom, SdqResponse, CareGroup)


def test_the_scale_seeder_analyses_what_it_copied():
    from bench.scale_seed import seed_scale

    started = db_now()
    seed_scale(districts=1, schools_per_district=1, students=30, progress=lambda message: None)
    for model in (Student, Enrolment, SdqResponse):
        assert analysed_since(model, started), model._meta.db_table
    assert_counted(Student, Enrolment)


def test_analyze_tables_names_each_table_once():
    from carecore.models import User

    assert analyze_tables([Student, User, Student]) == ["carecore_user", "students_student"]


def test_the_application_role_analyses_tables_it_does_not_own():
    """Production connects as a role that owns no table; PostgreSQL would skip its ANALYZE with a
    warning. The statistics still move."""
    from carecore import dbroles

    role = f"carecare_app_stats_{__import__('os').getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP ROLE IF EXISTS "{role}"')
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
    try:
        dbroles.grant_app_role(connection, role)
        before = db_now()
        with connection.cursor() as cursor:
            cursor.execute(f'SET ROLE "{role}"')
        try:
            assert analyze_tables([Student]) == ["students_student"]
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET ROLE")
        assert stats(Student)[0] >= before
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')

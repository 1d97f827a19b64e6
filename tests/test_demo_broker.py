"""The demo's real worker: `make demo` runs Celery on kombu's filesystem transport beside
`runserver`, both on one SQLite file. Here the same configuration runs in subprocesses (as the
demo's processes do): a fresh SQLite database is migrated, a print job is queued (it must land
as a message file, not run eagerly), and a worker started afterwards turns it into a PDF.

Nothing external is needed (no Redis, no PostgreSQL), so this test never skips."""

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from carecore.env import ENV_NAMES
from tests.worker import Worker

ROOT = Path(__file__).resolve().parent.parent

# Runs in `manage.py shell`: a school with one classroom of two students, and a class list
# queued the way the print view queues it (the message is sent when the transaction commits).
START_JOB = """
from django.db import transaction
from django_scopes import scopes_disabled

from carecore.access import Perm
from carecore.jobs import generated_file_start
from carecore.models import User
from districts.models import District, Network
from schools.models import AcademicYear, Classroom, Grade, School
from schools.services import academic_year_create
from students.models import Enrolment, Student
from carecore.national_id import national_id_check_digit
from django.utils import timezone

with scopes_disabled(), transaction.atomic():
    year = academic_year_create(year=AcademicYear.be_year_for(timezone.localdate()))
    district = District.objects.create(
        code="D1", name="District 1", level=District.Level.PRIMARY, province="ขอนแก่น"
    )
    network = Network.objects.create(district=district, name="Network 1")
    school = School.objects.create(
        code="1040000001", name="โรงเรียนทดสอบ", district=district, network=network
    )
    classroom = Classroom.objects.create(
        school=school, academic_year=year, grade=Grade.P4, room=1
    )
    for n in (1, 2):
        body = f"110170{n:06d}"
        student = Student.objects.create(
            school=school,
            student_code=f"0000{n}",
            national_id=body + str(national_id_check_digit(body)),
            prefix=Student.Prefix.BOY,
            first_name=f"นักเรียน{n}",
            last_name="ทดสอบ",
            gender=Student.Gender.MALE,
            birth_date=timezone.localdate().replace(year=2015),
        )
        Enrolment.objects.create(
            student=student, classroom=classroom, academic_year=year, number=n
        )
    user = User.objects.create(username="teacher")
    generated = generated_file_start(
        kind="classroom_list",
        title="Class list",
        user=user,
        permission=Perm.VIEW_SCHOOL,
        school=school,
        params={"classroom_id": classroom.pk},
    )
print("FILE", generated.pk.hex)
"""


def demo_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The demo's environment (Makefile: DEMO_QUEUE_ENV) on files of this test's own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ENV_NAMES and not key.startswith(("CELERY_", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="carecore.settings",
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CELERY_BROKER_URL="filesystem://localhost/",  # a host, or kombu warns that it has none
        CELERY_FILESYSTEM_DIR=str(tmp_path / "broker"),
        MEDIA_ROOT=str(tmp_path / "media"),
        LOG_LEVEL="INFO",
        **extra,
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()[-1]  # after "N objects imported automatically"


def job_row(db: Path, file_id: str) -> tuple[str, int, str]:
    with sqlite3.connect(db, timeout=20) as conn:
        return conn.execute(
            "SELECT status, progress, file FROM carecore_generatedfile WHERE id = ?", (file_id,)
        ).fetchone()


def test_a_worker_on_the_filesystem_broker_prints_from_a_sqlite_database(tmp_path):
    env = demo_env(tmp_path)
    db = tmp_path / "db.sqlite3"
    queue = tmp_path / "broker" / "queue"
    manage(env, "migrate", "--noinput")
    with sqlite3.connect(db) as conn:  # the web process and the worker share the file
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)

    # Queued, not run: the job waits as a message file until a worker takes it.
    file_id = manage(env, "shell", "-c", START_JOB).split("FILE", 1)[1].strip()
    assert job_row(db, file_id)[0] == "queued"
    messages = [p.read_text() for p in queue.iterdir() if p.name.endswith(".carecare.msg")]
    assert any(  # beside it, the dashboards' refresh of the school queued by the enrolments
        "carecore.tasks.generated_file_build_task" in m and file_id in m.replace("-", "")
        for m in messages
    ), messages

    worker = Worker("demo", tmp_path / "worker.log", env, pool="solo")
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and worker.process.poll() is None:
            status, progress, name = job_row(db, file_id)
            if status in ("done", "failed"):
                break
            time.sleep(0.2)
        assert status == "done", worker.log.read_text()
        assert progress == 100
        assert (tmp_path / "media" / name).read_bytes().startswith(b"%PDF")
        assert list(queue.iterdir()) == []  # taken off the queue
    finally:
        worker.stop()
    # A warm shutdown on SIGTERM.
    assert worker.process.returncode == 0, worker.log.read_text()


def test_without_a_broker_jobs_run_eagerly(tmp_path):
    script = (
        "import json; from django.conf import settings as s; print(json.dumps(["
        "s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_RESULT_BACKEND,"
        " s.CELERY_BROKER_TRANSPORT_OPTIONS.get('data_folder_in')]))"
    )
    queued = json.loads(manage(demo_env(tmp_path), "shell", "-c", script))
    assert queued == [False, None, str(tmp_path / "broker" / "queue")]
    env = demo_env(tmp_path)
    del env["CELERY_BROKER_URL"]
    assert json.loads(manage(env, "shell", "-c", script)) == [True, "", None]

"""An audit log that cannot be quietly rewritten: the application's database role, the hash
chain and its verification, and the audit of every photo view and file download.

The database parts need PostgreSQL: skipped on SQLite, failed in CI (tests/worker.py). The
application role is created inside the test's transaction (SET ROLE on the test connection), so
it disappears with the rollback."""

import datetime
import io
import os
import re
import threading
from contextlib import contextmanager

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from PIL import Image

from carecore import dbroles
from carecore.audit import audit_record, audit_record_many
from carecore.auditchain import audit_chain_check
from carecore.models import AuditChainHead, AuditEvent, AuditVerification
from carecore.tests.test_generated_files import start
from conftest import th
from tests.worker import _unavailable

VIEW = AuditEvent.Action.VIEW
EXPORT = AuditEvent.Action.EXPORT
AUDIT = "carecore_auditevent"
# What the owner would run to give a changed entry the hash of its new content.
REHASH = (
    "UPDATE carecore_auditevent e SET hash = carecore_auditevent_hash(e.prev_hash, e) WHERE id = %s"
)


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        _unavailable("the audit chain and the database roles need PostgreSQL (DATABASE_URL)")


def sql(statement: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        return cursor.fetchall() if cursor.description else None


def refused(statement: str) -> str:
    """Run ``statement`` in a savepoint and return the database's refusal."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        sql(statement)
    return str(caught.value)


@pytest.fixture
def app_role(postgres):
    """The application's role as ``manage.py db_roles`` sets it up, in this test's transaction."""
    role = f"carecare_app_test_{os.getpid()}"
    sql(f'CREATE ROLE "{role}" NOLOGIN')
    dbroles.grant_app_role(connection, role)
    return role


@contextmanager
def acting_as(role: str):
    sql(f'SET ROLE "{role}"')
    try:
        yield
    finally:
        sql("RESET ROLE")


def as_owner_without_trigger(statement: str, params=None):
    """What someone with the owner's rights can do: set the append-only trigger aside."""
    sql("ALTER TABLE carecore_auditevent DISABLE TRIGGER carecore_auditevent_append_only")
    sql(statement, params)
    sql("ALTER TABLE carecore_auditevent ENABLE TRIGGER carecore_auditevent_append_only")


def events_in_order() -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("seq"))


def write_events(world, n: int) -> list[AuditEvent]:
    a = world.a
    for k in range(n):
        audit_record(action=VIEW, user=a.users["director"], student=a.student, summary=f"{k}")
    return events_in_order()


def verify() -> tuple[CommandError | None, str]:
    out = io.StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except CommandError as exc:
        return exc, out.getvalue()
    return None, out.getvalue()


# --- the application's database role --------------------------------------------------------
class TestApplicationRole:
    def test_may_insert_and_read_the_audit_log_but_not_change_empty_or_unhook_it(
        self, world, app_role
    ):
        a = world.a
        with acting_as(app_role):
            event = audit_record(
                action=VIEW, user=a.users["director"], student=a.student, summary="as the app"
            )
            assert AuditEvent.objects.filter(pk=event.pk, summary="as the app").exists()
            denied = [
                refused("UPDATE carecore_auditevent SET summary = 'x'"),
                refused("DELETE FROM carecore_auditevent"),
                refused("TRUNCATE carecore_auditevent"),
                refused("TRUNCATE carecore_auditevent CASCADE"),
                refused(
                    "ALTER TABLE carecore_auditevent"
                    " DISABLE TRIGGER carecore_auditevent_append_only"
                ),
                refused("ALTER TABLE carecore_auditevent DISABLE TRIGGER ALL"),
                refused("DROP TRIGGER carecore_auditevent_chain ON carecore_auditevent"),
                refused("DROP TABLE carecore_auditevent"),
                refused(
                    "CREATE OR REPLACE FUNCTION carecore_auditevent_refuse_change() "
                    "RETURNS trigger AS $$ BEGIN RETURN NULL; END $$ LANGUAGE plpgsql"
                ),
                # Triggers off for the session: superusers only.
                refused("SET session_replication_role = replica"),
                # The chain head is written only by the insert trigger.
                refused("UPDATE carecore_auditchainhead SET seq = 0, hash = ''"),
                refused("CREATE TABLE carecore_sneaky (id int)"),
            ]
        for message in denied:
            assert re.search(r"permission denied|must be (the )?owner", message), message
        # Nothing of it happened.
        assert AuditEvent.objects.filter(pk=event.pk, summary="as the app").exists()
        error, _out = verify()
        assert error is None

    def test_does_the_application_s_own_work(self, world, app_role):
        a = world.a
        with acting_as(app_role), scopes_disabled():
            student = type(a.student).objects.get(pk=a.student.pk)
            student.nickname = "ต้นกล้า"
            student.save()
            guardian = a.guardian
            guardian.pk = None
            guardian.first_name = "สมชาย"
            guardian.save()
            guardian.delete()
            assert type(a.student).objects.get(pk=a.student.pk).nickname == "ต้นกล้า"

    def test_tables_of_later_migrations_get_the_same_grants(self, app_role):
        sql("CREATE TABLE carecore_later (id bigserial PRIMARY KEY, name text)")
        with acting_as(app_role):
            sql("INSERT INTO carecore_later (name) VALUES ('ok')")
            sql("UPDATE carecore_later SET name = 'still ok'")
            assert sql("SELECT name FROM carecore_later") == [("still ok",)]
            refused("TRUNCATE carecore_later")

    def test_exactly_select_and_insert_on_the_audit_log(self, app_role):
        assert dbroles.table_privileges(connection, app_role, AUDIT) == {"SELECT", "INSERT"}
        assert dbroles.table_privileges(connection, app_role, "carecore_auditchainhead") == {
            "SELECT"
        }
        assert dbroles.table_privileges(connection, app_role, "students_student") == {
            "SELECT",
            "INSERT",
            "UPDATE",
            "DELETE",
        }

    def test_db_roles_check_passes_and_fails_on_a_wrong_grant(self, app_role):
        out = io.StringIO()
        call_command("db_roles", "--app-role", app_role, "--check", stdout=out)
        assert "INSERT, SELECT" in out.getvalue()
        sql(f'GRANT UPDATE ON {AUDIT} TO "{app_role}"')
        with pytest.raises(CommandError, match="UPDATE"):
            call_command("db_roles", "--app-role", app_role, "--check", stdout=io.StringIO())
        # Setting the grants again takes it back.
        call_command("db_roles", "--app-role", app_role, stdout=io.StringIO())
        assert dbroles.table_privileges(connection, app_role, AUDIT) == {"SELECT", "INSERT"}

    def test_db_roles_refuses_to_grant_to_the_owner_itself(self, postgres):
        with pytest.raises(CommandError, match="DATABASE_OWNER_URL"):
            call_command("db_roles", stdout=io.StringIO())


def test_as_owner_switches_the_user_and_gives_the_connection_back(settings):
    """Migrate, restore and db_roles run on the owner's user and password, same database."""
    saved = dict(connection.settings_dict)
    settings.DATABASE_OWNER = {**saved, "USER": "carecare_owner", "PASSWORD": "owner-secret"}
    with dbroles.as_owner() as app_role:
        assert app_role == saved["USER"]
        assert connection.settings_dict["USER"] == "carecare_owner"
        assert connection.settings_dict["PASSWORD"] == "owner-secret"
        assert connection.settings_dict["NAME"] == saved["NAME"]
    assert connection.settings_dict["USER"] == saved["USER"]
    assert connection.settings_dict["PASSWORD"] == saved["PASSWORD"]
    settings.DATABASE_OWNER = None
    with dbroles.as_owner() as app_role:
        assert app_role is None and connection.settings_dict["USER"] == saved["USER"]


# --- the hash chain ----------------------------------------------------------------------------
class TestChain:
    def test_each_event_carries_the_hash_of_the_one_before(self, world, postgres):
        a = world.a
        audit_record(action=VIEW, user=a.users["director"], student=a.student)
        audit_record_many(
            students=[a.student, a.other_student], action=EXPORT, user=a.users["director"]
        )
        events = events_in_order()
        assert [e.seq for e in events] == [1, 2, 3]
        assert events[0].prev_hash == ""
        for before, after in zip(events, events[1:], strict=False):
            assert after.prev_hash == before.hash
        assert all(re.fullmatch(r"[0-9a-f]{64}", e.hash) for e in events)
        assert len({e.hash for e in events}) == 3
        head = AuditChainHead.objects.get()
        assert (head.seq, head.hash) == (3, events[-1].hash)

    def test_the_database_numbers_and_hashes_whatever_the_code_wrote(self, world, postgres):
        write_events(world, 2)
        forged = AuditEvent(action=VIEW, summary="forged", seq=99, prev_hash="0" * 64)
        forged.hash = "f" * 64
        forged.save()
        forged.refresh_from_db()
        assert forged.seq == 3 and forged.hash != "f" * 64
        assert forged.prev_hash == events_in_order()[1].hash
        assert verify()[0] is None

    def test_verify_reports_an_intact_log_and_keeps_the_result(self, world, postgres):
        write_events(world, 4)
        error, out = verify()
        assert error is None
        assert "4 entries checked" in out and "intact" in out
        result = AuditVerification.objects.get()
        assert result.ok and result.rows == 4 and result.head_seq == 4
        assert result.head_hash == events_in_order()[-1].hash

    def test_verify_finds_an_entry_the_owner_changed(self, world, postgres):
        events = write_events(world, 5)
        as_owner_without_trigger(
            "UPDATE carecore_auditevent SET user_name = 'somebody else' WHERE id = %s",
            [events[2].pk],
        )
        error, out = verify()
        assert error is not None and "1 problems" in str(error)
        assert f"Entry 3 (id {events[2].pk}) was changed" in out
        result = AuditVerification.objects.get()
        assert result.problem_count == 1
        assert result.problems == [{"kind": "changed", "seq": 3, "id": events[2].pk}]

    def test_verify_finds_a_changed_entry_whose_hash_was_recomputed(self, world, postgres):
        events = write_events(world, 4)
        # The owner changes an entry and gives it the hash of its new content.
        as_owner_without_trigger(
            "UPDATE carecore_auditevent SET summary = 'rewritten' WHERE id = %s", [events[1].pk]
        )
        as_owner_without_trigger(
            REHASH,
            [events[1].pk],
        )
        report = audit_chain_check()
        assert [p["kind"] for p in report.problems] == ["link"]
        assert report.problems[0]["seq"] == 3

    def test_verify_finds_deleted_entries_in_the_middle_and_at_the_end(self, world, postgres):
        events = write_events(world, 6)
        as_owner_without_trigger(
            "DELETE FROM carecore_auditevent WHERE id IN (%s, %s)", [events[1].pk, events[2].pk]
        )
        as_owner_without_trigger("DELETE FROM carecore_auditevent WHERE id = %s", [events[5].pk])
        error, out = verify()
        assert error is not None
        assert "Entries 2 to 3 are missing (deleted)." in out
        assert "The chain should end at entry 6 but ends at entry 5" in out
        kinds = [p["kind"] for p in AuditVerification.objects.get().problems]
        assert kinds == ["missing", "tail"]

    def test_verify_finds_a_chain_rewritten_since_the_last_verification(self, world, postgres):
        events = write_events(world, 3)
        assert verify()[0] is None
        # The owner rewrites the last entry and fixes its hash and the head: only the hash
        # that the last verification recorded still tells.
        as_owner_without_trigger(
            "UPDATE carecore_auditevent SET summary = 'new' WHERE id = %s", [events[2].pk]
        )
        as_owner_without_trigger(
            REHASH,
            [events[2].pk],
        )
        sql(
            "UPDATE carecore_auditchainhead"
            " SET hash = (SELECT hash FROM carecore_auditevent WHERE id = %s)",
            [events[2].pk],
        )
        report = audit_chain_check()
        assert [p["kind"] for p in report.problems] == ["anchor"]

    def test_verify_finds_entries_written_with_the_chain_trigger_off(self, world, postgres):
        write_events(world, 2)
        sql("ALTER TABLE carecore_auditevent DISABLE TRIGGER carecore_auditevent_chain")
        AuditEvent.objects.create(action=VIEW, summary="unchained")
        sql("ALTER TABLE carecore_auditevent ENABLE TRIGGER carecore_auditevent_chain")
        report = audit_chain_check()
        assert [p["kind"] for p in report.problems] == ["unchained"]

    def test_the_migration_chains_the_entries_written_before_it(self, postgres):
        """Migration 0011's SQL over rows that have no chain yet (as on an existing server)."""
        from importlib import import_module

        migration = import_module("carecore.migrations.0011_audit_chain_trigger")
        sql("ALTER TABLE carecore_auditevent DISABLE TRIGGER carecore_auditevent_chain")
        for k in range(3):
            AuditEvent.objects.create(action=VIEW, summary=f"old {k}")
        sql("ALTER TABLE carecore_auditevent ENABLE TRIGGER carecore_auditevent_chain")
        sql("DELETE FROM carecore_auditchainhead")
        sql(migration.CHAIN_EXISTING)
        AuditEvent.objects.create(action=VIEW, summary="new")
        events = events_in_order()
        assert [(e.seq, e.summary) for e in events] == [
            (1, "old 0"),
            (2, "old 1"),
            (3, "old 2"),
            (4, "new"),
        ]
        assert audit_chain_check().ok

    def test_the_nightly_job_is_scheduled_and_fails_loudly(self, world, postgres, settings):
        from carecore.tasks import AuditChainBroken, audit_verify_task

        entry = settings.CELERY_BEAT_SCHEDULE["audit-verify-nightly"]
        assert entry["task"] == "carecore.tasks.audit_verify_task"
        events = write_events(world, 2)
        assert audit_verify_task() == 2
        as_owner_without_trigger("DELETE FROM carecore_auditevent WHERE id = %s", [events[0].pk])
        with pytest.raises(AuditChainBroken, match="Entry 1 is missing"):
            audit_verify_task()
        assert AuditVerification.objects.order_by("-id").first().problem_count == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_append_to_one_chain():
    """Writers in two threads (two connections), each writing in transactions that hold the
    chain head a moment: the chain stays one line, numbered without a gap."""
    if connection.vendor != "postgresql":
        _unavailable("the audit chain needs PostgreSQL (DATABASE_URL)")
    per_thread = 30
    barrier = threading.Barrier(2)
    errors = []

    def writer(name: str):
        try:
            barrier.wait()
            for k in range(per_thread // 3):
                audit_record(action=VIEW, user=None, summary=f"{name} {k}")
                with transaction.atomic():
                    audit_record_many(students=[], action=VIEW, user=None)
                    audit_record(action=VIEW, user=None, summary=f"{name} {k} a")
                    sql("SELECT pg_sleep(0.002)")
                    audit_record(action=VIEW, user=None, summary=f"{name} {k} b")
        except Exception as exc:  # noqa: BLE001 (reported by the test below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    events = events_in_order()
    assert [e.seq for e in events] == list(range(1, 2 * per_thread + 1))
    assert {e.summary.split()[0] for e in events} == {"one", "two"}
    # Interleaved, not one thread's rows after the other's.
    owners = [e.summary.split()[0] for e in events]
    assert sum(1 for x, y in zip(owners, owners[1:], strict=False) if x != y) > 1
    report = audit_chain_check()
    assert report.ok and report.rows == 2 * per_thread


# --- what is audited ---------------------------------------------------------------------------
def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 140, 60)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def photo(world):
    from visits.models import VisitPhoto
    from visits.tests.test_documents import record

    visit = record(world, world.a.student)
    with scopes_disabled():
        item = VisitPhoto(visit=visit, school=visit.school, kind="outside", width=640, height=480)
        item.image.save("house.jpg", ContentFile(jpeg()), save=False)
        item.save()
    return item


def photo_url(photo, school=None) -> str:
    return reverse(
        "visits:photo",
        kwargs={
            "school_code": (school or photo.school).code,
            "visit_id": photo.visit_id,
            "photo_id": photo.pk,
        },
    )


class TestPhotoViews:
    def test_each_view_of_a_photo_is_logged_with_the_student(self, world, login, photo):
        a = world.a
        client = login(a.users["homeroom"])
        before = AuditEvent.objects.count()
        assert client.get(photo_url(photo)).status_code == 200
        assert client.get(photo_url(photo) + "?size=small").status_code == 200
        events = list(AuditEvent.objects.order_by("id")[before:])
        assert [(e.action, e.object_type, e.object_id) for e in events] == [
            (VIEW, "visitphoto", str(photo.pk)),
            (VIEW, "visitphoto", str(photo.pk)),
        ]
        assert {e.student_id for e in events} == {a.student.pk}
        assert {e.user_id for e in events} == {a.users["homeroom"].pk}
        assert {e.school_id for e in events} == {a.school.pk}
        assert events[0].summary == th("Viewed a home-visit photo")
        assert events[1].summary == th("Viewed a home-visit photo (small)")
        assert events[0].path == photo_url(photo)

    def test_a_refused_photo_logs_nothing(self, world, login, photo):
        before = AuditEvent.objects.count()
        assert login(world.a.users["nurse"]).get(photo_url(photo)).status_code in (403, 404)
        other = login(world.b.users["homeroom"])
        assert other.get(photo_url(photo)).status_code == 404
        assert other.get(photo_url(photo, world.b.school)).status_code == 404
        assert AuditEvent.objects.count() == before

    def test_the_director_sees_it_in_the_school_log(self, world, login, photo):
        login(world.a.users["homeroom"]).get(photo_url(photo))
        page = login(world.a.users["director"]).get(
            reverse("schools:audit_log", kwargs={"school_code": world.a.school.code})
        )
        assert th("Viewed a home-visit photo") in page.content.decode()


class TestFileDownloads:
    def test_each_download_is_logged(self, world, login, django_capture_on_commit_callbacks):
        a = world.a
        teacher = a.users["homeroom"]
        with django_capture_on_commit_callbacks(execute=True):
            generated = start(teacher, a.school, name="ก", student_id=a.student.pk)
        client = login(teacher)
        before = AuditEvent.objects.count()
        for _ in range(2):
            response = client.get(f"/files/{generated.pk}/download/")
            assert response.status_code == 200
            b"".join(response.streaming_content)
        events = list(AuditEvent.objects.order_by("id")[before:])
        assert len(events) == 2
        event = events[0]
        assert (event.action, event.object_type, event.object_id) == (
            EXPORT,
            "generatedfile",
            str(generated.pk),
        )
        assert (event.user_id, event.school_id, event.district_id) == (
            teacher.pk,
            a.school.pk,
            a.district.pk,
        )
        assert event.student_id == a.student.pk
        assert event.summary == th("Downloaded: %(title)s", title="Test file")

    def test_a_refused_or_unfinished_download_logs_nothing(
        self, world, login, django_capture_on_commit_callbacks
    ):
        a = world.a
        with django_capture_on_commit_callbacks(execute=True):
            done = start(a.users["homeroom"], a.school, name="ก")
        pending = start(a.users["homeroom"], a.school, name="ข")  # not built: no on-commit run
        before = AuditEvent.objects.count()
        assert login(a.users["director"]).get(f"/files/{done.pk}/download/").status_code == 404
        assert login(world.b.users["homeroom"]).get(f"/files/{done.pk}/download/").status_code == (
            404
        )
        response = login(a.users["homeroom"]).get(f"/files/{pending.pk}/download/")
        assert response.status_code == 302
        assert AuditEvent.objects.count() == before


# --- the district administrator's page -----------------------------------------------------------
def district_log(client, side) -> str:
    url = reverse("districts:district_audit_log", kwargs={"district_code": side.district.code})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


class TestVerificationOnTheDistrictPage:
    def test_says_when_it_was_last_verified_in_the_buddhist_era(self, world, login, postgres):
        from carecore.dates import format_datetime

        client = login(world.a.users["district_admin"])
        assert th("The audit log has not been verified yet: it is checked every night.") in (
            district_log(client, world.a)
        )
        write_events(world, 2)
        verify()
        result = AuditVerification.objects.get()
        page = district_log(client, world.a)
        assert 'data-audit-verification="ok"' in page
        when = format_datetime(result.finished)
        assert str(timezone.localdate().year + 543) in when and when in page

    def test_says_how_many_problems(self, world, login, postgres):
        events = write_events(world, 3)
        as_owner_without_trigger(
            "UPDATE carecore_auditevent SET summary = 'x' WHERE id = %s", [events[0].pk]
        )
        as_owner_without_trigger(
            "UPDATE carecore_auditevent SET summary = 'y' WHERE id = %s", [events[1].pk]
        )
        verify()
        page = district_log(login(world.a.users["district_admin"]), world.a)
        assert 'data-audit-verification="problems"' in page
        assert "2 " in page.split('data-audit-verification="problems"')[1][:400]

    def test_an_old_check_is_flagged(self, world, login):
        now = timezone.now()
        AuditVerification.objects.create(
            started=now - datetime.timedelta(days=3), finished=now - datetime.timedelta(days=3)
        )
        page = district_log(login(world.a.users["district_admin"]), world.a)
        stale = (
            "The nightly check has not run for more than two days: tell the system administrator."
        )
        assert th(stale) in page

    def test_the_school_log_does_not_show_it(self, world, login):
        page = login(world.a.users["director"]).get(
            reverse("schools:audit_log", kwargs={"school_code": world.a.school.code})
        )
        assert "data-audit-verification" not in page.content.decode()

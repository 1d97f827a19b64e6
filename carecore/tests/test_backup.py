"""Backup and restore (carecore/backup.py): an archive of the small demo restored into a fresh
PostgreSQL database by another process gives the same rows and the same photo bytes; a changed
archive, a database that is not empty and the --keep rotation.

The backup runs pg_dump, another process: the tests commit their data (transaction=True). They
need PostgreSQL and its client programs: skipped without them locally, failed in CI."""

import datetime
import json
import os
import secrets
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django_scopes import scopes_disabled
from psycopg import sql

from carecore.backup import MANIFEST_NAME, row_counts
from demo.world import demo_build
from visits.models import VisitPhoto

ROOT = Path(__file__).resolve().parents[2]
TODAY = datetime.date(2025, 11, 20)


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must have it: .ci/run provides it)")
    pytest.skip(reason)


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        _unavailable("backups need PostgreSQL (DATABASE_URL)")
    for program in ("pg_dump", "pg_restore"):
        if shutil.which(program) is None:
            _unavailable(f"{program} is missing (Debian package postgresql-client)")


def _server(dbname: str) -> dict:
    db = connection.settings_dict
    return {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
        "dbname": dbname,
    }


@pytest.fixture
def fresh_database(postgres):
    """An empty database of its own on the same server, dropped afterwards."""
    name = f"carecare_restore_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(**_server("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(**_server("postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def backup(output_dir: Path, *args) -> Path:
    call_command("backup", "--output-dir", str(output_dir), *args)
    (archive,) = output_dir.glob("carecare-backup-*.tar")
    return archive


def counts_in(dbname: str, tables) -> dict[str, int]:
    with psycopg.connect(**_server(dbname)) as conn:
        return {
            table: conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in tables
        }


@pytest.mark.django_db(transaction=True)
def test_an_archive_restores_into_a_fresh_database(fresh_database, settings, tmp_path):
    with scopes_disabled():
        demo_build(schools=2, students=40, seed=7, today=TODAY)
        photo = VisitPhoto.objects.order_by("pk").first()
    photo_bytes = Path(settings.MEDIA_ROOT, photo.image.name).read_bytes()
    source = row_counts()

    archive = backup(tmp_path / "backups")

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile(MANIFEST_NAME))
        assert set(tar.getnames()) == {MANIFEST_NAME, *manifest["files"]}
    assert manifest["row_counts"] == source
    assert f"media/{photo.image.name}" in manifest["files"]
    assert manifest["migrations"]["visits"].startswith("0")
    assert not list((tmp_path / "backups").glob(".*")), "no temporary file is left behind"
    assert archive.stat().st_mode & 0o077 == 0, "readable by its owner only"

    db = connection.settings_dict
    media = tmp_path / "restored-media"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "carecore.settings_test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            f"/{fresh_database}"
        ),
        "MEDIA_ROOT": str(media),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Row counts match the manifest." in result.stdout

    assert counts_in(fresh_database, source) == source
    assert sum(source.values()) > 1000
    assert (media / photo.image.name).read_bytes() == photo_bytes


def _flip_byte(archive: Path, name: str) -> None:
    with tarfile.open(archive) as tar:
        offset = tar.getmember(name).offset_data
    with archive.open("r+b") as fh:
        fh.seek(offset + 10)
        byte = fh.read(1)
        fh.seek(offset + 10)
        fh.write(bytes([byte[0] ^ 0xFF]))


@pytest.mark.parametrize("member", ["database.dump", "media/visits/photo.jpg"])
@pytest.mark.django_db(transaction=True)
def test_a_changed_archive_is_refused_naming_the_file(postgres, world, tmp_path, member):
    default_storage.save("visits/photo.jpg", ContentFile(b"\xff\xd8" + b"photo bytes" * 100))
    archive = backup(tmp_path)
    _flip_byte(archive, member)

    with pytest.raises(CommandError, match=f"{member}: its checksum does not match"):
        call_command("restore", str(archive))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_with_tables_unless_forced(postgres, world, tmp_path):
    archive = backup(tmp_path)
    with scopes_disabled():
        counts = row_counts()
        world.a.student.delete()
        assert row_counts() != counts

    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(archive))

    # --force replaces the archive's tables: the deleted student is back.
    call_command("restore", str(archive), "--force")
    connections.close_all()
    assert row_counts() == counts


@pytest.mark.django_db(transaction=True)
def test_keep_removes_the_oldest_archives(postgres, tmp_path):
    older = [
        "carecare-backup-20240101T023000Z.tar",
        "carecare-backup-20240102T023000Z.tar",
        "carecare-backup-20240103T023000Z.tar",
    ]
    for name in older:
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "notes.txt").write_text("not an archive")

    call_command("backup", "--output-dir", str(tmp_path), "--keep", "2")

    archives = sorted(p.name for p in tmp_path.glob("carecare-backup-*.tar"))
    assert len(archives) == 2
    assert archives[0] == older[-1]
    assert archives[1] > older[-1]  # the new one
    assert (tmp_path / "notes.txt").exists()


def test_sqlite_is_refused(monkeypatch, tmp_path):
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")
    with pytest.raises(CommandError, match="Backups need PostgreSQL"):
        call_command("backup", "--output-dir", str(tmp_path))
    assert not list(tmp_path.iterdir())


def test_the_nightly_backup_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["backup-nightly"]
    assert entry["task"] == "carecore.tasks.backup_nightly_task"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {30})

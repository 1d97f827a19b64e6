"""Backups of the database and the uploaded files, and their restore (docs/operations.md).

A backup is one uncompressed tar archive, ``carecare-backup-<UTC time>.tar`` (the dump and the
photos are compressed already), holding:

- ``database.dump``: ``pg_dump --format=custom`` of the database in DATABASE_URL;
- ``media/...``: every file under MEDIA_ROOT;
- ``manifest.json``: when and by which version the archive was made, the latest applied
  migration of every app, the row count of every table, and the SHA-256 of every other file in
  the archive.

The row counts and the migrations are read in the same database snapshot that pg_dump dumps
(``pg_export_snapshot`` / ``pg_dump --snapshot``), so they describe the dump exactly even while
people keep working. The archive is written under a hidden temporary name and renamed when it
is complete: a file with the archive name is always a whole archive.

Backups need PostgreSQL. The demo's SQLite database is refused rather than copied: the demo is
rebuilt with ``make demo`` at any time, and copying a SQLite file that the server is writing to
is not a backup one could trust.
"""

import datetime
import hashlib
import io
import json
import logging
import os
import re
import subprocess
import tarfile
import tempfile
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django_scopes import scopes_disabled

logger = logging.getLogger(__name__)

ARCHIVE_PATTERN = re.compile(r"^carecare-backup-\d{8}T\d{6}Z\.tar$")
DUMP_NAME = "database.dump"
MEDIA_PREFIX = "media/"
MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 1
CHUNK = 1024 * 1024
# libpq options that dj-database-url puts in OPTIONS (from ?sslmode=... in DATABASE_URL), handed
# to pg_dump and pg_restore as their environment variables.
LIBPQ_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message says why."""


# --- the database connection, for pg_dump and pg_restore ---


def _postgres_settings() -> dict:
    if connection.vendor != "postgresql":
        raise BackupError(
            f"Backups need PostgreSQL (set DATABASE_URL); this database is {connection.vendor}. "
            "The demo's SQLite database is not backed up: rebuild it with `make demo`."
        )
    return connection.settings_dict


def _pg_args(db: dict) -> list[str]:
    """Host, port, user and database name: never the password (it goes in PGPASSWORD)."""
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return [*args, "--dbname", str(db["NAME"])]


def _pg_env(db: dict) -> dict[str, str]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    for option, variable in LIBPQ_ENV.items():
        value = (db.get("OPTIONS") or {}).get(option)
        if value is not None:
            env[variable] = str(value)
    return env


def _run(command: list[str], db: dict) -> None:
    try:
        result = subprocess.run(  # noqa: S603 (a fixed program, arguments from the settings)
            command, env=_pg_env(db), capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)."
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


# --- what the manifest records ---


def app_version() -> str:
    try:
        return metadata.version("carecare")
    except metadata.PackageNotFoundError:
        return "unknown"


def row_counts() -> dict[str, int]:
    """The number of rows of every table of every installed app's models, by table name."""
    counts = {}
    with scopes_disabled():
        for model in apps.get_models(include_auto_created=True):
            meta = model._meta
            if meta.managed and not meta.proxy and meta.db_table not in counts:
                counts[meta.db_table] = model._base_manager.count()
    return dict(sorted(counts.items()))


def migration_heads() -> dict[str, str]:
    """The latest applied migration of every app, as the database's django_migrations says."""
    heads = {}
    recorder = MigrationRecorder(connection)
    if recorder.has_table():
        for app, name in recorder.migration_qs.order_by("applied", "id").values_list("app", "name"):
            heads[app] = name
    return dict(sorted(heads.items()))


# --- writing an archive ---


class _HashingReader:
    """A file object that hashes what tarfile reads from it, so each file is read once."""

    def __init__(self, raw):
        self.raw = raw
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        data = self.raw.read(size)
        self.sha256.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, arcname: str) -> dict:
    info = tar.gettarinfo(str(path), arcname=arcname)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as fh:
        reader = _HashingReader(fh)
        tar.addfile(info, reader)
    return {"sha256": reader.sha256.hexdigest(), "bytes": info.size}


def _media_files(media_root: Path, skip: Path) -> list[Path]:
    """Every regular file under MEDIA_ROOT (symbolic links are not followed), except the
    backup folder itself if someone put it inside MEDIA_ROOT."""
    if not media_root.is_dir():
        return []
    files = []
    for folder, dirnames, filenames in os.walk(media_root):
        here = Path(folder)
        dirnames[:] = sorted(d for d in dirnames if (here / d).resolve() != skip)
        files += [here / f for f in sorted(filenames) if (here / f).is_file()]
    return [f for f in files if not f.is_symlink()]


def backup_create(*, output_dir, keep: int | None = None) -> Path:
    """Write one archive of the database and MEDIA_ROOT into ``output_dir`` and return its
    path; with ``keep``, then delete the oldest archives beyond the newest ``keep``."""
    db = _postgres_settings()
    if keep is not None and keep < 1:
        raise BackupError("--keep must be at least 1 (the archive just written).")
    if connection.in_atomic_block:
        raise BackupError("A backup must start outside a database transaction.")
    output_dir = Path(output_dir).resolve()
    output_dir.mkdir(parents=True, exist_ok=True)
    created = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    final = output_dir / f"carecare-backup-{created:%Y%m%dT%H%M%SZ}.tar"
    if final.exists():
        raise BackupError(f"{final} exists already: wait a second and run the backup again.")
    partial = output_dir / f".{final.name}.partial"

    try:
        with tempfile.TemporaryDirectory(prefix=".carecare-backup-", dir=output_dir) as tmp:
            dump = Path(tmp) / DUMP_NAME
            # One REPEATABLE READ snapshot for the counts, the migrations and pg_dump.
            with connection.cursor() as cursor:
                cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                try:
                    cursor.execute("SELECT pg_export_snapshot()")
                    snapshot = cursor.fetchone()[0]
                    counts = row_counts()
                    heads = migration_heads()
                    server_version = connection.pg_version
                    _run(
                        ["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file",
                         str(dump), *_pg_args(db)],
                        db,
                    )  # fmt: skip
                finally:
                    cursor.execute("COMMIT")

            # Readable by its owner only: the archive holds every student's personal data.
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as raw:
                with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
                    files = {DUMP_NAME: _add_file(tar, dump, DUMP_NAME)}
                    dump.unlink()
                    media_root = Path(settings.MEDIA_ROOT).resolve()
                    for path in _media_files(media_root, skip=output_dir):
                        name = MEDIA_PREFIX + path.relative_to(media_root).as_posix()
                        try:
                            files[name] = _add_file(tar, path, name)
                        except FileNotFoundError:
                            continue  # deleted since the folder was listed (an expired export)
                    manifest = {
                        "format": MANIFEST_FORMAT,
                        "created": created.isoformat().replace("+00:00", "Z"),
                        "app_version": app_version(),
                        "database": {"name": db["NAME"], "server_version": server_version},
                        "migrations": heads,
                        "row_counts": counts,
                        "files": files,
                    }
                    data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
                    info = tarfile.TarInfo(MANIFEST_NAME)
                    info.size = len(data)
                    info.mtime = int(created.timestamp())
                    tar.addfile(info, io.BytesIO(data))
                raw.flush()
                os.fsync(raw.fileno())
        os.replace(partial, final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    logger.info(
        "Backup written: %s (%s tables, %s files)", final, len(counts), len(manifest["files"])
    )
    if keep is not None:
        backup_prune(output_dir=output_dir, keep=keep)
    return final


def backup_prune(*, output_dir, keep: int) -> list[Path]:
    """Delete the oldest archives in ``output_dir`` beyond the newest ``keep`` (by the time in
    their names); other files are left alone."""
    archives = sorted(
        (p for p in Path(output_dir).iterdir() if ARCHIVE_PATTERN.match(p.name) and p.is_file()),
        key=lambda p: p.name,
        reverse=True,
    )
    removed = archives[keep:]
    for path in removed:
        path.unlink()
        logger.info("Old backup removed: %s", path)
    return removed


# --- reading an archive ---


def _sha256(fh) -> str:
    digest = hashlib.sha256()
    while chunk := fh.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _check_name(name: str) -> None:
    path = PurePosixPath(name)
    inside = name == DUMP_NAME or (
        name.startswith(MEDIA_PREFIX)
        and len(path.parts) > 1
        and not path.is_absolute()
        and ".." not in path.parts
    )
    if not inside:
        raise BackupError(f"{name}: not a name a backup archive holds; refusing the archive.")


def archive_verify(archive) -> dict:
    """Check every file of the archive against its manifest and return the manifest.

    Raises BackupError naming the file when one is damaged, missing, or not in the manifest."""
    try:
        with tarfile.open(archive, "r:") as tar:
            try:
                manifest = json.load(tar.extractfile(tar.getmember(MANIFEST_NAME)))
            except KeyError:
                raise BackupError(
                    f"{archive} has no {MANIFEST_NAME}: not a backup archive."
                ) from None
            except ValueError as exc:
                raise BackupError(f"{MANIFEST_NAME} is damaged: {exc}") from None
            if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
                raise BackupError(f"{MANIFEST_NAME}: unknown archive format.")
            expected = manifest.get("files") or {}
            if DUMP_NAME not in expected:
                raise BackupError(f"{MANIFEST_NAME} lists no {DUMP_NAME}.")
            for name in expected:
                _check_name(name)
            seen = set()
            for member in tar:
                if member.name == MANIFEST_NAME:
                    continue
                if member.name not in expected:
                    raise BackupError(f"{member.name}: in the archive but not in its manifest.")
                if member.name in seen or not member.isfile():
                    raise BackupError(f"{member.name}: not a single plain file in the archive.")
                seen.add(member.name)
                if _sha256(tar.extractfile(member)) != expected[member.name]["sha256"]:
                    raise BackupError(
                        f"{member.name}: its checksum does not match the manifest "
                        "(the archive is damaged or was changed)."
                    )
            missing = sorted(set(expected) - seen)
            if missing:
                raise BackupError(f"{missing[0]}: listed in the manifest but not in the archive.")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"Cannot read {archive}: {exc}") from None
    return manifest


def _extract(tar: tarfile.TarFile, name: str, target: Path, sha256: str) -> None:
    """Write one member to ``target`` (through a temporary name), checking its checksum again."""
    member = tar.getmember(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.restoring")
    digest = hashlib.sha256()
    try:
        with tar.extractfile(member) as src, temporary.open("wb") as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(chunk)
        if digest.hexdigest() != sha256:
            raise BackupError(f"{name}: changed while it was being restored.")
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    os.utime(target, (member.mtime, member.mtime))


def database_is_empty() -> bool:
    """No table, view or sequence in the public schema."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
        )
        return cursor.fetchone()[0] == 0


def table_counts(tables) -> dict[str, int | None]:
    """Rows of each named table in the database (None: no such table). Counted by table name,
    not through the models, so that an archive of another version is compared table by table."""
    existing = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            if table not in existing:
                counts[table] = None
                continue
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def backup_restore(*, archive, force: bool = False) -> dict:
    """Restore an archive into DATABASE_URL's database and MEDIA_ROOT.

    Every checksum is checked before anything is touched. The database must be empty unless
    ``force`` (then pg_restore drops and recreates the archive's objects first). Returns what
    was restored, with ``mismatches``: {table: (rows in the manifest, rows now)}."""
    archive = Path(archive)
    db = _postgres_settings()
    manifest = archive_verify(archive)
    if not force and not database_is_empty():
        raise BackupError(
            f"The database {db['NAME']} is not empty. Restore into an empty database "
            "(createdb), or pass --force to replace the archive's tables in this one."
        )
    files = manifest["files"]
    media_root = Path(settings.MEDIA_ROOT).resolve()
    media = sorted(name for name in files if name.startswith(MEDIA_PREFIX))
    with tarfile.open(archive, "r:") as tar:
        with tempfile.TemporaryDirectory(prefix="carecare-restore-") as tmp:
            dump = Path(tmp) / DUMP_NAME
            _extract(tar, DUMP_NAME, dump, files[DUMP_NAME]["sha256"])
            _run(
                ["pg_restore", "--no-owner", "--no-acl", "--exit-on-error",
                 "--single-transaction", *(["--clean", "--if-exists"] if force else []),
                 *_pg_args(db), str(dump)],
                db,
            )  # fmt: skip
        for name in media:
            target = (media_root / name.removeprefix(MEDIA_PREFIX)).resolve()
            if not target.is_relative_to(media_root):
                raise BackupError(f"{name}: would be written outside MEDIA_ROOT.")
            _extract(tar, name, target, files[name]["sha256"])

    expected = manifest["row_counts"]
    counts = table_counts(expected)
    mismatches = {
        table: (rows, counts[table]) for table, rows in expected.items() if counts[table] != rows
    }
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return {
        "created": manifest["created"],
        "app_version": manifest["app_version"],
        "database": db["NAME"],
        "tables": len(expected),
        "rows": sum(expected.values()),
        "media_root": str(media_root),
        "media_files": len(media),
        "mismatches": mismatches,
        "pending_migrations": [f"{m.app_label}.{m.name}" for m, _backwards in pending],
    }

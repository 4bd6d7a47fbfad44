"""One-archive backups of an installation: the database and the uploaded files (media/).

The archive is a gzipped tar with

- ``manifest.json``: format, time, database engine, applied migrations and the row count of
  every table (restore compares them);
- ``database.sqlite3`` (SQLite's online backup API: consistent while the site writes) or
  ``database.pgdump`` (``pg_dump --format=custom``, restored with ``pg_restore``);
- ``media/…``: the uploaded files.

Restore loads it into the configured database, which must be empty (a fresh ``createdb``, or a
migrated database without data) unless ``force`` is given.
"""

from __future__ import annotations

import importlib.metadata
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from wennuan.lib.models import WorkerHeartbeat

FORMAT = "wennuan-backup/1"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
# Rows that `migrate` itself writes: a database holding only these counts as empty.
_SCHEMA_TABLES = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "auth_group",
    "auth_group_permissions",
}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


def _database() -> dict:
    return settings.DATABASES[DEFAULT_DB_ALIAS]


def engine_name() -> str:
    engine = _database()["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"backups support SQLite and PostgreSQL, not {engine}")


def _pg_environment() -> tuple[list[str], dict]:
    """Connection arguments and environment for pg_dump / pg_restore (password via env)."""
    db = _database()
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} not found: install Debian's postgresql-client (same major version "
            "as the server or newer)"
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()}")


# Runtime state of the workers that ran against this database, not the city's data: a restore
# starts without it (no worker has passed over the restored database yet, and /healthz must
# not say one has), so the counts that prove a restore leave it out.
_RUNTIME_TABLES = {WorkerHeartbeat._meta.db_table}


def table_counts() -> dict[str, int]:
    """Rows of every table of the installed models (and their many-to-many tables), but the
    workers' runtime state."""
    connection = connections[DEFAULT_DB_ALIAS]
    existing = set(connection.introspection.table_names())
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            tables.add(model._meta.db_table)
    tables -= _RUNTIME_TABLES
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(tables & existing):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def is_empty() -> bool:
    """No rows beyond those `migrate` writes (a fresh or a freshly migrated database)."""
    return not any(n for table, n in table_counts().items() if table not in _SCHEMA_TABLES)


def _applied_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    for app, name in sorted(recorder.applied_migrations()):
        latest[app] = max(latest.get(app, ""), name)
    return latest


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def backup(out: Path) -> dict:
    """Write the archive to ``out`` (atomically: a temporary file renamed at the end)."""
    engine = engine_name()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="wennuan-backup-") as work:
        work = Path(work)
        if engine == "sqlite":
            dump = work / SQLITE_MEMBER
            source = sqlite3.connect(_database()["NAME"])
            target = sqlite3.connect(dump)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            dump = work / PG_MEMBER
            args, env = _pg_environment()
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), *args], env)
        media_files = (
            sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.is_dir() else []
        )
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "wennuan_version": importlib.metadata.version("wennuan"),
            "engine": engine,
            "database_member": dump.name,
            "migrations": _applied_migrations(),
            "counts": table_counts(),
            "media_files": len(media_files),
        }
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
            archive.add(dump, arcname=dump.name)
            for path in media_files:
                archive.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
        partial.chmod(0o600)
        partial.replace(out)
    return manifest


def read_manifest(path: Path) -> dict:
    try:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.extractfile("manifest.json")
            manifest = json.loads(member.read())
    except (OSError, KeyError, tarfile.TarError, ValueError) as error:
        raise BackupError(f"{path} is not a Wennuan backup archive ({error})") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown backup format {manifest.get('format')!r}")
    return manifest


def restore(path: Path, *, force: bool = False) -> dict:
    """Load the archive into the configured database and media folder; returns a summary with
    the manifest's and the restored database's row counts."""
    path = Path(path)
    manifest = read_manifest(path)
    engine = engine_name()
    if manifest["engine"] != engine:
        raise BackupError(
            f"the backup is of a {manifest['engine']} database, the configured one is {engine}"
        )
    if not force and not is_empty():
        raise BackupError(
            "the configured database is not empty: restore into a new database, or use --force "
            "to replace its contents"
        )
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="wennuan-restore-") as work:
        work = Path(work)
        with tarfile.open(path, "r:gz") as archive:
            # filter="data" refuses absolute paths, links out of the folder and devices.
            archive.extractall(work, filter="data")
        dump = work / manifest["database_member"]
        connections.close_all()
        if engine == "sqlite":
            Path(_database()["NAME"]).parent.mkdir(parents=True, exist_ok=True)
            source = sqlite3.connect(dump)
            target = sqlite3.connect(_database()["NAME"])
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            args, env = _pg_environment()
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-acl",
                    "--single-transaction",
                    "--exit-on-error",
                    *args,
                    str(dump),
                ],
                env,
            )
        restored_media = work / "media"
        if restored_media.is_dir():
            if force and media_root.is_dir():
                shutil.rmtree(media_root)
            shutil.copytree(restored_media, media_root, dirs_exist_ok=True)
    counts = table_counts()
    differing = {
        table: (expected, counts.get(table))
        for table, expected in manifest["counts"].items()
        if counts.get(table) != expected
    }
    if differing:
        raise BackupError(f"restored row counts differ from the backup: {differing}")
    # The heartbeats came with the backup (_RUNTIME_TABLES): found by an outsider's restore.
    WorkerHeartbeat.objects.all().delete()
    return {"manifest": manifest, "counts": counts}

"""Backup and restore of the database and the search index files.

A backup is a directory:

- `manifest.json`: format, time, database dialect, Alembic revision, row counts per table;
- the database, either `database.sqlite3` (SQLite, copied with SQLite's online backup API: consistent while the
  site runs) or `tables/<table>.jsonl.gz` (the portable format: every row of every table through SQLAlchemy, read
  in one transaction; the default on PostgreSQL, and `--format json` on SQLite). A portable backup restores into
  any supported database, so it also moves a site from SQLite to PostgreSQL;
- `index/`: the embedded search index (FAISS, FTS5 and embedding cache files; SQLite files through the backup API).
  It is copied before the database, so it is never newer than the database; the outbox rows in the database bring
  it up to date after a restore. With Elasticsearch the index lives in the server: restore rebuilds it.
"""
import base64
import gzip
import json
import shutil
import sqlite3
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.errors import ValidationFailed
from app.extensions import db
from app.models import User
from app.services.common import audit

FORMAT = "chainmatch-backup/1"
BATCH = 1000


def _sqlite_path() -> Path | None:
    url = db.engine.url
    return Path(url.database) if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") \
        else None


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy one SQLite database with the online backup API (readers and writers may go on meanwhile)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _is_sqlite_file(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(16) == b"SQLite format 3\x00"


def _copy_index(source: Path, target: Path) -> int:
    """Copy the index directory; SQLite files through the backup API, the rest as files. Returns files copied."""
    copied = 0
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.name.endswith(("-wal", "-shm", "-journal")):
            continue
        dest = target / path.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        _copy_sqlite(path, dest) if _is_sqlite_file(path) else shutil.copy2(path, dest)
        copied += 1
    return copied


def _revision() -> str | None:
    with db.engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _counts(conn) -> dict[str, int]:
    return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            for t in db.metadata.sorted_tables}


def _encode(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _decoder(column: sa.Column):
    kind = column.type
    if isinstance(kind, sa.DateTime):
        return lambda v: None if v is None else datetime.fromisoformat(v)
    if isinstance(kind, sa.Date):
        return lambda v: None if v is None else date.fromisoformat(v)
    if isinstance(kind, sa.LargeBinary):
        return lambda v: None if v is None else base64.b64decode(v)
    return None


def _dump_tables(target: Path) -> dict[str, int]:
    """Write every table as gzipped JSON lines, all read in one transaction (a consistent snapshot)."""
    (target / "tables").mkdir(parents=True)
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        counts = {}
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns)
            with gzip.open(target / "tables" / f"{table.name}.jsonl.gz", "wt", encoding="utf-8") as out:
                rows = conn.execute(sa.select(table).order_by(*order)).mappings()
                counts[table.name] = 0
                for row in rows:
                    out.write(json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False) + "\n")
                    counts[table.name] += 1
    return counts


def _load_tables(source: Path) -> None:
    """Replace every row of every table with the backup's, in one transaction."""
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
        for table in db.metadata.sorted_tables:
            decoders = {c.name: d for c in table.columns if (d := _decoder(c))}
            path = source / "tables" / f"{table.name}.jsonl.gz"
            if not path.exists():
                continue
            batch = []
            with gzip.open(path, "rt", encoding="utf-8") as rows:
                for line in rows:
                    row = json.loads(line)
                    batch.append({k: decoders[k](v) if k in decoders else v for k, v in row.items()
                                  if k in table.columns})
                    if len(batch) >= BATCH:
                        conn.execute(table.insert(), batch)
                        batch = []
            if batch:
                conn.execute(table.insert(), batch)
        if conn.dialect.name == "postgresql":  # ids continue after the restored rows
            for table in db.metadata.sorted_tables:
                if "id" in table.columns and table.columns["id"].autoincrement is not False:
                    conn.execute(sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table.name}), 1), "
                        f"(SELECT MAX(id) FROM {table.name}) IS NOT NULL)"))


def backup_site(actor: User | None, destination: str, *, portable: bool = False) -> dict:
    """Write a backup of the database and the index files to a new directory; return its manifest."""
    target = Path(destination)
    if target.exists() and any(target.iterdir()):
        raise ValidationFailed(_("%(path)s exists and is not empty.", path=destination), field="destination")
    target.mkdir(parents=True, exist_ok=True)
    index_dir = Path(current_app.config["INDEX_DIR"])
    files = _copy_index(index_dir, target / "index") if index_dir.is_dir() else 0
    sqlite_path = _sqlite_path()
    if sqlite_path and not portable:
        _copy_sqlite(sqlite_path, target / "database.sqlite3")
        with db.engine.connect() as conn:
            counts = _counts(conn)
        database = "sqlite-file"
    else:
        counts = _dump_tables(target)
        database = "portable-json"
    manifest = {"format": FORMAT, "created_at": datetime.now().astimezone().isoformat(timespec="seconds"),
                "dialect": db.engine.dialect.name, "database": database, "revision": _revision(),
                "rows": counts, "index_files": files}
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest


def read_manifest(source: str) -> dict:
    path = Path(source) / "manifest.json"
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError):
        raise ValidationFailed(_("%(path)s is not a ChainMatch backup (no readable manifest.json).",
                                 path=source), field="source") from None
    if manifest.get("format") != FORMAT:
        raise ValidationFailed(_("Unknown backup format %(format)s.", format=manifest.get("format")), field="source")
    return manifest


def restore_site(actor: User | None, source: str) -> dict:
    """Replace the database and the index files with a backup's; return its manifest.

    The schema must already be at the backup's Alembic revision (`flask db upgrade` first)."""
    manifest = read_manifest(source)
    src = Path(source)
    current = _revision()
    if manifest["revision"] and current and manifest["revision"] != current:
        raise ValidationFailed(_("The backup is of schema revision %(theirs)s, this database is at %(ours)s.",
                                 theirs=manifest["revision"], ours=current), field="source")
    db.session.remove()
    if manifest["database"] == "sqlite-file":
        sqlite_path = _sqlite_path()
        if sqlite_path is None:
            raise ValidationFailed(_("A SQLite file backup restores into SQLite only; use a portable backup "
                                     "(flask backup --format json) to move between databases."), field="source")
        db.engine.dispose()
        _copy_sqlite(src / "database.sqlite3", sqlite_path)
        db.engine.dispose()
    else:
        _load_tables(src)
    _restore_index(src / "index", Path(current_app.config["INDEX_DIR"]))
    audit(actor, "restore", "site", None, {"backup": manifest["created_at"]})
    db.session.commit()
    return manifest


def _restore_index(source: Path, index_dir: Path) -> None:
    """Put the backup's index files in place of the current ones (the old ones are removed once replaced)."""
    staging = index_dir.with_name(index_dir.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    if source.is_dir():
        _copy_index(source, staging)
    old = index_dir.with_name(index_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if index_dir.exists():
        index_dir.rename(old)
    staging.rename(index_dir)
    shutil.rmtree(old, ignore_errors=True)

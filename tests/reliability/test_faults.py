"""Faults: an import killed halfway leaves the database as it was; a database that goes away (connections
terminated, or the server restarted) answers 503 pages, never 500, and the site recovers by itself.

The search backend failing during writes is covered where the backends live: tests/services/test_indexing.py
(embedded index unusable: writes succeed, the outbox keeps them, the index catches up) and
tests/views/test_search_elastic.py (the OpenSearch-compatible server stopped mid-test)."""
import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.models import Need, UserRole
from tests.conftest import PASSWORD, fresh_postgres_database
from tests.reliability.conftest import ROOT, free_port, prepared_app, site_env

FLASK = Path(sys.executable).parent / "flask"


def _counts() -> dict[str, int]:
    return {t.name: _db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in _db.metadata.sorted_tables}


def _big_import(path: Path, needs: int) -> None:
    path.write_text(json.dumps({"format": "chainmatch-import/1", "needs": [
        {"external_id": f"N{i}", "organization": f"Mill {i % 50}", "title": f"Imported need {i}",
         "description": "Scratches on cold rolled strip; inline inspection wanted.", "industry": "steel"}
        for i in range(needs)]}))


def _committed_needs(database_url: str) -> int:
    """The needs another connection sees (only committed rows)."""
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        count = conn.execute(sa.text("SELECT count(*) FROM needs")).scalar()
    engine.dispose()
    return count


def _writing(database_url: str) -> bool:
    """Whether another process holds an open write transaction (the import is halfway: written, not committed)."""
    if database_url.startswith("sqlite"):
        probe = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.rollback()
            return False
        except sqlite3.OperationalError:  # "database is locked": someone else is writing
            return True
        finally:
            probe.close()
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        busy = conn.execute(sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                    "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL")).scalar()
    engine.dispose()
    return bool(busy)


def test_import_killed_halfway_leaves_the_database_unchanged(database_url, tmp_path):
    big = tmp_path / "big.json"
    _big_import(big, 4000)
    with prepared_app(database_url, tmp_path):
        before = _counts()
    process = subprocess.Popen([str(FLASK), "catalogs", "import", str(big)], cwd=ROOT, env=site_env(database_url, tmp_path),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while not _writing(database_url):
            assert process.poll() is None, f"the import ended before it was killed: {process.stdout.read()[-2000:]}"
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.02)
        # Freeze it where it is (a sleep here let a fast machine commit first), then check that it is halfway:
        # still holding its write transaction, nothing of it visible to others.
        process.send_signal(signal.SIGSTOP)
        assert _writing(database_url), "the import committed before it could be stopped: make the file bigger"
        assert _committed_needs(database_url) == before["needs"], "the import committed before it could be stopped"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()

    with prepared_app(database_url, tmp_path):
        assert _counts() == before
        if database_url.startswith("sqlite"):
            assert _db.session.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
    small = tmp_path / "small.json"
    _big_import(small, 3)
    result = subprocess.run([str(FLASK), "catalogs", "import", str(small)], cwd=ROOT, capture_output=True, text=True,
                            env=site_env(database_url, tmp_path))
    assert result.returncode == 0 and "needs: 3 created" in result.stdout, result.stdout + result.stderr


# ---- the database goes away during load --------------------------------------------------------------------

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)


class ThrowawayCluster:
    """A PostgreSQL server of our own (initdb in a temp dir, its own port) that the test may stop and start."""

    def __init__(self, directory: Path):
        self.directory, self.port = directory, free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_postgres, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self.directory.mkdir(mode=0o777, parents=True)
        if self.as_postgres:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.directory / "data"), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8")

    def start(self) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.directory / "data"), "-w", "-l",
                  str(self.directory / "log"), "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1",
                  "start")

    def stop(self) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.directory / "data"), "-w", "-m", "fast", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def cluster(tmp_path_factory):
    if PG_BIN is None or not (PG_BIN / "initdb").exists() or (os.geteuid() == 0 and not shutil.which("runuser")):
        pytest.skip("no PostgreSQL server binaries to start a throwaway cluster")
    directory = Path("/tmp") / f"cm-pg-{os.getpid()}-{free_port()}"
    server = ThrowawayCluster(directory)
    server.init()
    server.start()
    yield server
    with contextlib.suppress(subprocess.CalledProcessError):
        server.stop()
    shutil.rmtree(directory, ignore_errors=True)


def _terminate_connections(url: str) -> None:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    engine.dispose()


@contextlib.contextmanager
def _site_on(url: str, tmp_path: Path):
    """A production-configured app on url with a signed-in member's client; each request has its own context."""
    with prepared_app(url, tmp_path, SESSION_COOKIE_SECURE=False, WTF_CSRF_ENABLED=False) as app:
        email = _make_member().email
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    yield app, client
    with app.app_context():
        _db.engine.dispose()


def _make_member():
    from app.models import Organization, OrgKind
    from app.services.accounts import create_user
    org = Organization(kind=OrgKind.ENTERPRISE, name="Mill", region="Hebei", slug="mill")
    _db.session.add(org)
    return create_user(None, email="member@example.com", name="Member", password=PASSWORD, role=UserRole.ENTERPRISE,
                       organization=org)


NEW_NEED = {"title": "Posted during the outage", "description": "Scratches.", "industry": "steel"}


def _assert_unavailable(response) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[-1500:]
    assert b"briefly unavailable" in response.data and response.headers["Retry-After"] == "30"


def test_terminated_database_connections_are_replaced_without_an_error(tmp_path):
    with fresh_postgres_database() as url, _site_on(url, tmp_path) as (_app, client):
        for path in ("/", "/needs", "/needs/mine"):
            assert client.get(path).status_code == 200
        _terminate_connections(url)  # what a restart or failover does to the pool's connections
        for path in ("/", "/needs", "/needs/mine"):  # the pool pings and reconnects: not even one failed request
            assert client.get(path).status_code == 200


def test_database_restart_during_load_answers_503_then_recovers(cluster, tmp_path):
    with _site_on(cluster.url, tmp_path) as (app, client):
        assert client.get("/needs/mine").status_code == 200
        cluster.stop()
        for path in ("/", "/needs", "/needs/mine", "/search?q=scratch"):
            _assert_unavailable(client.get(path))
        _assert_unavailable(client.post("/needs/new", data=NEW_NEED))
        cluster.start()
        for path in ("/", "/needs", "/needs/mine"):
            assert client.get(path).status_code == 200
        with app.app_context():  # the refused write left nothing
            assert _db.session.scalar(sa.select(sa.func.count()).select_from(Need)) == 0
        assert client.post("/needs/new", data=NEW_NEED).status_code == 302

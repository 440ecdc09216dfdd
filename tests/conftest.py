"""Shared fixtures: app (SQLite by default, PostgreSQL with --db postgres), client, runner, auth, factories."""
import contextlib
import email
import email.policy
import os
import shutil
import socketserver
import sqlite3
import tempfile
import threading
import uuid
from importlib.metadata import version
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app import create_app
from app.extensions import db as _db
from app.models import Organization, OrgKind, UserRole
from app.services import accounts as accounts_service
from app.services.catalog import load_catalogs
from app.services.common import unique_slug

PASSWORD = "correct horse battery"
# Every test process, and every site the tests start, would export the model to ONNX (≈7 s) into its own
# fresh INDEX_DIR: they share one export instead, made once per machine and library versions
# (tests/matching/test_onnx_backend.py exports into a directory of its own). Subprocesses inherit it.
EXPORT_DIR = os.environ.setdefault("EMBEDDING_EXPORT_DIR", str(Path(tempfile.gettempdir()) / (
    f"chainmatch-tests-onnx-torch{version('torch')}-ort{version('onnxruntime')}")))
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def pytest_addoption(parser):
    parser.addoption("--db", choices=("sqlite", "postgres"), default="sqlite",
                     help="database the app fixtures run on")


@contextlib.contextmanager
def fresh_postgres_database(prefix: str = "cm_test", template: str | None = None):
    """Create an empty PostgreSQL database (or a copy of `template`) on the local server; drop it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def compile_translations() -> None:
    """Compile each .po whose .mo is missing or older, as `make translations` does (pytest run on its own)."""
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f)
        fd, tmp = tempfile.mkstemp(dir=mo.parent, suffix=".tmp")  # xdist workers may race: replace atomically
        with os.fdopen(fd, "wb") as f:
            write_mo(f, catalog)
        os.replace(tmp, mo)


@pytest.fixture(scope="session", autouse=True)
def translations_compiled():
    compile_translations()


@pytest.fixture
def database_url(request, tmp_path):
    """A fresh database for one test: an empty SQLite file, or on PostgreSQL a copy of the seed (the schema
    and catalogues, which app_for_tests finds in place). The `app` fixture and a test's own app share it."""
    if request.config.getoption("--db") == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    with fresh_postgres_database(template=request.getfixturevalue("seed")[1]) as url:
        yield url


@contextlib.contextmanager
def app_for_tests(database_url: str, tmp_path, seeded: bool = False, **overrides):
    """An app on a fresh schema with the catalogues loaded, inside its app context; overrides change the config.

    seeded: the database and tmp_path/index already hold them (a copy of the `seed` fixture's).
    """
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INDEX_DIR": str(tmp_path / "index"),
        "EMBEDDING_EXPORT_DIR": EXPORT_DIR,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": "localhost",
        "WTF_CSRF_ENABLED": False,  # tests/views/test_csrf.py turns it back on
        **overrides,
    })
    with app.app_context():
        if not seeded:
            _db.create_all()
            load_catalogs(None, app.config["CATALOG_DIR"])
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture(scope="session")
def seed(request, tmp_path_factory):
    """The schema with the catalogues loaded, and their index, built once per test process.

    Every `app` starts from a copy (a file copy on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL):
    building them costs more than most tests (0.5 s on SQLite, over a second on PostgreSQL).
    Yields (database URL, PostgreSQL database name or None, index directory).
    """
    root = tmp_path_factory.mktemp("seed")
    if request.config.getoption("--db") == "sqlite":
        url = f"sqlite:///{root / 'seed.sqlite3'}"
        with app_for_tests(url, root):
            pass
        with contextlib.closing(sqlite3.connect(root / "seed.sqlite3")) as seed_db:  # one self-contained file
            seed_db.execute("PRAGMA journal_mode=DELETE")
        yield url, None, root / "index"
        return
    with fresh_postgres_database("cm_seed") as url:
        with app_for_tests(url, root):
            pass
        yield url, url.rsplit("/", 1)[1], root / "index"


@pytest.fixture
def seeded_database_url(request, seed, tmp_path):
    """The test's database_url holding a copy of the seed, with the seed's index copied to tmp_path/index."""
    seed_url, template, index = seed
    shutil.copytree(index, tmp_path / "index")
    url = request.getfixturevalue("database_url")  # the SQLite file goes where it says (shared memory for views)
    if template is None:
        shutil.copyfile(seed_url.removeprefix("sqlite:///"), url.removeprefix("sqlite:///"))
    return url


@pytest.fixture
def app(seeded_database_url, tmp_path):
    with app_for_tests(seeded_database_url, tmp_path, seeded=True) as app:
        yield app


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_org(app):
    """Create an organisation directly (organisations have no create service outside registration)."""
    def make(kind: OrgKind = OrgKind.PROVIDER, name: str | None = None, region: str = "Jiangsu") -> Organization:
        name = name or f"{kind.value.title()} {uuid.uuid4().hex[:6]}"
        org = Organization(kind=kind, name=name, region=region, slug=unique_slug(Organization, name),
                           description=f"{name} description")
        _db.session.add(org)
        _db.session.commit()
        return org
    return make


@pytest.fixture
def make_user(app, make_org):
    """Create a user through the accounts service; enterprise/provider users get their own organisation."""
    def make(role: UserRole = UserRole.ENTERPRISE, organization: Organization | None = None, email: str | None = None):
        if organization is None and role in (UserRole.ENTERPRISE, UserRole.PROVIDER):
            organization = make_org(OrgKind.ENTERPRISE if role == UserRole.ENTERPRISE else OrgKind.PROVIDER)
        email = email or f"{role.value}-{uuid.uuid4().hex[:8]}@example.com"
        return accounts_service.create_user(None, email=email, name=f"Test {role.value}", password=PASSWORD,
                                            role=role, organization=organization)
    return make


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, user, password: str = PASSWORD):
        return self._client.post("/login", data={"email": user.email, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: every received message lands in server.messages."""

    def handle(self):
        self.wfile.write(b"220 sink ready\r\n")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip().upper()
            if command.startswith("DATA"):
                self.wfile.write(b"354 go on\r\n")
                data = b"".join(iter(lambda: self.rfile.readline(), b".\r\n"))
                self.server.messages.append(email.message_from_bytes(data, policy=email.policy.default))
                self.wfile.write(b"250 queued\r\n")
            elif command.startswith("QUIT"):
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_sink(app):
    """A real SMTP server on 127.0.0.1; the app is configured to send through it."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.server_address[1])
    yield server.messages
    server.shutdown()
    server.server_close()

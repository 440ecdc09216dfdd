"""Shared fixtures: app (SQLite by default, PostgreSQL with --db postgres), client, runner, auth, factories."""
import contextlib
import email
import email.policy
import os
import socketserver
import tempfile
import threading
import uuid
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
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def pytest_addoption(parser):
    parser.addoption("--db", choices=("sqlite", "postgres"), default="sqlite",
                     help="database the app fixtures run on")


@contextlib.contextmanager
def fresh_postgres_database(prefix: str = "cm_test"):
    """Create an empty PostgreSQL database on the local server; drop it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
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
    """A fresh, empty database for one test."""
    if request.config.getoption("--db") == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    with fresh_postgres_database() as url:
        yield url


@contextlib.contextmanager
def app_for_tests(database_url: str, tmp_path, **overrides):
    """An app on a fresh schema with the catalogues loaded, inside its app context; overrides change the config."""
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INDEX_DIR": str(tmp_path / "index"),
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": "localhost",
        "WTF_CSRF_ENABLED": False,  # tests/views/test_csrf.py turns it back on
        **overrides,
    })
    with app.app_context():
        _db.create_all()
        load_catalogs(None, app.config["CATALOG_DIR"])
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def app(database_url, tmp_path):
    with app_for_tests(database_url, tmp_path) as app:
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

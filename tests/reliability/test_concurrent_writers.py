"""The default SQLite database under concurrent writers: gunicorn with 3 worker processes on one WAL file, many
members posting needs at once. No "database is locked", no error, every write is there."""
import threading

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.models import Need, Organization, OrgKind, UserRole
from app.services.accounts import create_user
from tests.conftest import PASSWORD
from tests.reliability.conftest import Browser, gunicorn_site, prepared_app, site_env

MEMBERS, NEEDS_EACH = 6, 8


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'site.sqlite3'}"


def test_three_workers_posting_needs_at_once_lose_nothing(sqlite_url, tmp_path):
    with prepared_app(sqlite_url, tmp_path):
        emails = [create_user(None, email=f"member{i}@example.com", name=f"Member {i}", password=PASSWORD,
                              role=UserRole.ENTERPRISE, organization=make_org_for(i)).email for i in range(MEMBERS)]
        assert _db.session.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
    statuses, start = [], threading.Barrier(MEMBERS)
    log = tmp_path / "gunicorn.log"

    def member(email: str) -> None:
        browser = Browser(base)
        browser.login(email, PASSWORD)
        start.wait()
        for n in range(NEEDS_EACH):
            status, _page = browser.submit("/needs/new", {
                "title": f"{email} need {n}", "description": "Scratches on strip; we need inline inspection.",
                "industry": "steel", "region": "Hebei"})
            statuses.append(status)

    with gunicorn_site(site_env(sqlite_url, tmp_path), log, workers=3) as base:
        threads = [threading.Thread(target=member, args=(email,)) for email in emails]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    output = log.read_text()
    assert "database is locked" not in output and "Traceback" not in output, output[-3000:]
    assert statuses == [302] * (MEMBERS * NEEDS_EACH)
    with prepared_app(sqlite_url, tmp_path):
        titles = set(_db.session.scalars(sa.select(Need.title)))
    assert titles == {f"{email} need {n}" for email in emails for n in range(NEEDS_EACH)}


def make_org_for(i: int) -> Organization:
    org = Organization(kind=OrgKind.ENTERPRISE, name=f"Mill {i}", region="Hebei", slug=f"mill-{i}")
    _db.session.add(org)
    _db.session.flush()
    return org

"""The migrations build, from an empty database, exactly the schema the models describe."""
import logging

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app import create_app
from app.extensions import db
from tests.conftest import fresh_postgres_database


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'migrated.sqlite3'}"


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database, whatever --db says."""
    with fresh_postgres_database("cm_migrate") as url:
        yield url


@pytest.fixture
def kept_logging():
    """Alembic's env.py applies alembic.ini's logging config; put the test session's loggers back afterwards."""
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in list(logging.root.manager.loggerDict))]
    saved = [(lg, lg.disabled, lg.level, list(lg.handlers), lg.propagate) for lg in loggers]
    yield
    for lg, disabled, level, handlers, propagate in saved:
        lg.disabled, lg.level, lg.handlers, lg.propagate = disabled, level, handlers, propagate


DATABASES = ["sqlite_url", pytest.param("postgres_url", marks=pytest.mark.postgres)]


def _schema_differences() -> list:
    """What the database's schema lacks or has beyond the models (empty when they agree)."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert context.get_current_revision() is not None
        return compare_metadata(context, db.metadata)


def _run_migrations(request, tmp_path, url, *commands: list[str]) -> list:
    """Run `flask db` commands on a fresh database; return the schema differences afterwards."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "INDEX_DIR": str(tmp_path / "index"),
                      "SQLALCHEMY_DATABASE_URI": request.getfixturevalue(url)})
    with app.app_context():
        try:
            for args in commands:
                result = app.test_cli_runner().invoke(args=["db", *args])
                assert result.exit_code == 0, (args, result.output)
            return _schema_differences()
        finally:
            db.engine.dispose()


@pytest.mark.parametrize("url", DATABASES)
def test_upgrade_from_empty_builds_the_schema_the_models_describe(request, tmp_path, kept_logging, url):
    assert _run_migrations(request, tmp_path, url, ["upgrade"]) == []


@pytest.mark.parametrize("url", DATABASES)
def test_the_latest_migration_downgrades_and_upgrades_again(request, tmp_path, kept_logging, url):
    assert _run_migrations(request, tmp_path, url, ["upgrade"], ["downgrade"], ["upgrade"]) == []

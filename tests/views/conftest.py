"""Fixtures for the view tests: a small marketplace built through the services."""
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from jinja2 import BytecodeCache

from app.models import Deployment, UserRole
from app.services import accounts as accounts_service
from app.services import cases as cases_service
from app.services import matching as matching_service
from app.services import needs as needs_service
from app.services import offers as offers_service


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Hash with argon2's cheapest settings: view tests sign in a lot; the service tests cover the real cost."""
    monkeypatch.setattr(accounts_service, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture
def database_url(database_url):
    """Put the SQLite file in shared memory where there is one: view tests commit often and fsync dominates."""
    shm = Path("/dev/shm")
    if not database_url.startswith("sqlite") or not shm.is_dir():
        yield database_url
        return
    path = shm / f"chainmatch-test-{uuid.uuid4().hex}.sqlite3"
    yield f"sqlite:///{path}"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


class _MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept for the whole run: every test builds a new app, the templates stay the same."""

    def __init__(self):
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])

    def dump_bytecode(self, bucket):
        self._store[bucket.key] = bucket.bytecode_to_string()


_TEMPLATES = _MemoryBytecodeCache()


@pytest.fixture
def view_app(app):
    """The app for a view test: the real matcher, templates compiled once per run.

    Modules opt in with `pytestmark = pytest.mark.usefixtures("view_app")`.
    """
    app.jinja_env.bytecode_cache = _TEMPLATES
    return app


@pytest.fixture
def enterprise(make_user):
    return make_user(UserRole.ENTERPRISE)


@pytest.fixture
def provider(make_user):
    return make_user(UserRole.PROVIDER)


@pytest.fixture
def other_provider(make_user):
    return make_user(UserRole.PROVIDER)


@pytest.fixture
def official(make_user):
    return make_user(UserRole.OFFICIAL)


@pytest.fixture
def admin(make_user):
    return make_user(UserRole.ADMIN)


def post_need(user, publish=True, **overrides):
    data = dict(title="Detect surface defects on hot-rolled strip",
                description="Scratches and scale on strip at 20 m/s; we need inline inspection.",
                industry="steel", scenarios=["strip-surface-defect-detection"], region="Hebei",
                budget_min=200_000, budget_max=800_000, deadline=date.today() + timedelta(days=90))
    return needs_service.post_need(user, publish=publish, **{**data, **overrides})


@pytest.fixture
def need(enterprise):
    return post_need(enterprise)


@pytest.fixture
def draft(enterprise):
    return post_need(enterprise, publish=False, title="Draft: predict converter endpoint")


@pytest.fixture
def solution(provider):
    return offers_service.create_solution(
        provider, title="VisionQC strip inspection", summary="Line-scan cameras and deep learning for strip.",
        description="Detects 40 defect classes at line speed.", industries=["steel"],
        scenarios=["strip-surface-defect-detection", "quality-inspection"], capabilities=["line-scan vision", "edge AI"],
        deployment=Deployment.EDGE, price_min=300_000, price_max=900_000)


@pytest.fixture
def product(provider):
    return offers_service.create_product(provider, name="LS-4K line-scan camera", category=None,
                                         category_label="Industrial camera", description="4K line-scan camera.",
                                         industries=["steel"])


@pytest.fixture
def case(provider, solution):
    return cases_service.submit_case(
        provider, title="Strip inspection at a Hebei mill", client="Hebei Steel Co.", industry="steel",
        scenarios=["strip-surface-defect-detection"], summary="Inline inspection on the hot strip mill.",
        results="Defect escapes down 60 %.", year=2024, solution=solution)


@pytest.fixture
def published_case(official, case):
    return cases_service.publish_case(official, case, exemplary=True)


@pytest.fixture
def match(need, solution):
    """The real matcher's stored match of the need with the solution."""
    matches = matching_service.refresh_matches(need)
    found = [m for m in matches if m.solution_id == solution.id]
    assert found, "the matcher should pair the strip-defect need with the strip inspection solution"
    return found[0]

"""Fixtures for the API tests: the view tests' small marketplace, plus bearer tokens made through the service."""
import pytest

from app.models import TokenScope
from app.services import cases as cases_service
from app.services.tokens import create_token
from tests.views.conftest import (  # noqa: F401  (fixtures shared with the view tests)
    admin,
    case,
    database_url,
    draft,
    enterprise,
    fast_password_hashing,
    need,
    official,
    other_provider,
    post_need,
    product,
    provider,
    published_case,
    solution,
)


NEED_JSON = {"title": "Predict bearing failures on the cold mill", "industry": "steel",
             "description": "Vibration data from 40 stands; we want two weeks' warning.",
             "scenarios": ["predictive-maintenance"], "region": "Hebei", "budget_min": 100000, "budget_max": 500000}


def bearer(user, scope: TokenScope = TokenScope.WRITE) -> dict:
    """Authorization headers with a fresh token of the user."""
    _token, secret = create_token(user, name=f"test {scope.value}", scope=scope)
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def unindexed(app):
    """Writes leave their outbox rows for a worker, so no request waits for the embedder (request it first)."""
    app.config["INDEXING"] = "worker"


@pytest.fixture
def unpublished_case(provider):
    return cases_service.submit_case(provider, title="Unpublished case", client="A client", industry="steel",
                                     scenarios=[], summary="s", results="r", year=None, solution=None)


def problem(response, status: int) -> dict:
    """Assert that a response is a problem document of that status; return it."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status and body["title"] and body["type"]
    return body

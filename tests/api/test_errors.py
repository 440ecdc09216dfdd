"""Every 4xx/5xx under /api/v1 is application/problem+json; the site keeps its HTML error pages."""
import pytest
from werkzeug.exceptions import TooManyRequests

from app.api import problems
from app.errors import AccountLocked
from app.models import UserRole
from app.services import accounts as accounts_service
from tests.api.conftest import bearer, problem
from tests.conftest import app_for_tests


def test_unknown_route_and_wrong_method(client):
    assert problem(client.get("/api/v1/spaceships"), 404)["type"] == "about:blank"
    problem(client.get("/api/v1"), 404)
    response = client.put("/api/v1/industries")
    problem(response, 405)
    assert "GET" in response.headers["Allow"]
    assert client.get("/no-such-page").content_type.startswith("text/html")  # the site is unchanged


def test_validation_errors_are_listed_per_field(client, enterprise):
    body = problem(client.post("/api/v1/needs", json={"title": 5, "scenarios": [1], "extra": True},
                               headers=bearer(enterprise)), 422)
    assert body["type"] == "/api/v1/problems/validation"
    assert {"title", "scenarios.0", "extra", "description", "industry"} <= set(body["errors"])
    assert problem(client.get("/api/v1/needs?page_size=1000"), 422)["errors"] == {
        "page_size": ["Must be greater than or equal to 1 and less than or equal to 100."]}
    assert problem(client.post("/api/v1/match", data="{not json", content_type="application/json"), 400)["detail"]


def test_anonymous_write_is_401_before_the_body_is_read(client):
    response = client.post("/api/v1/needs", json={})
    assert problem(response, 401)["detail"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_forbidden_is_403(client, provider, need):
    problem(client.post("/api/v1/needs", json={"title": "x", "description": "y", "industry": "steel"},
                        headers=bearer(provider)), 403)


@pytest.mark.parametrize("error, status", [(TooManyRequests(), 429), (AccountLocked("later"), 429)])
def test_rate_limits_and_lockouts_map_to_429(app, error, status):
    with app.test_request_context("/api/v1/needs"):
        response = (problems.from_http_exception(error) if isinstance(error, TooManyRequests)
                    else problems.from_domain_error(error))
    assert response.status_code == status and response.mimetype == "application/problem+json"


def test_server_errors_are_problems_without_internals(app, client):
    def broken():
        raise RuntimeError("secret internals")
    app.add_url_rule("/api/v1/broken", "broken", broken)  # a route that fails the way a bug would
    body = problem(client.get("/api/v1/broken"), 500)
    assert "secret internals" not in body["detail"]


def test_the_api_is_rate_limited_per_token_with_a_problem_document(database_url, tmp_path):
    with app_for_tests(database_url, tmp_path / "limited", RATELIMIT_API="3 per minute") as app:
        client = app.test_client()
        for _ in range(3):
            assert client.get("/api/v1/industries").status_code == 200
        refused = client.get("/api/v1/industries")
        assert refused.status_code == 429 and refused.headers["Retry-After"]
        assert refused.mimetype == "application/problem+json" and refused.get_json()["status"] == 429
        user = accounts_service.create_user(None, email="limit@example.com", name="L", password="x" * 12,
                                            role=UserRole.OFFICIAL)
        assert client.get("/api/v1/industries", headers=bearer(user)).status_code == 200  # its own count

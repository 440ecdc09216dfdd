"""With CSRF on (production): the API takes bearer tokens without a CSRF token; the site's token form does not."""
import pytest

from app.models import ApiToken
from tests.api.conftest import NEED_JSON, bearer
from tests.conftest import PASSWORD, app_for_tests


@pytest.fixture
def app(database_url, tmp_path):
    with app_for_tests(database_url, tmp_path, WTF_CSRF_ENABLED=True, INDEXING="worker") as app:
        yield app


def test_api_writes_need_no_csrf_token(client, enterprise):
    assert client.post("/api/v1/needs", json=NEED_JSON, headers=bearer(enterprise)).status_code == 201


def test_creating_or_revoking_a_token_on_the_profile_page_needs_the_csrf_token(client, db, enterprise):
    page = client.get("/login").get_data(as_text=True)
    csrf = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"email": enterprise.email, "password": PASSWORD, "csrf_token": csrf})
    assert client.get("/profile").status_code == 200  # signed in
    assert client.post("/profile/tokens", data={"name": "x", "scope": "write"}).status_code == 400
    assert db.session.scalar(db.select(ApiToken)) is None
    bearer(enterprise)
    token = db.session.scalar(db.select(ApiToken))
    assert client.post(f"/profile/tokens/{token.id}/revoke").status_code == 400
    db.session.refresh(token)
    assert token.revoked_at is None

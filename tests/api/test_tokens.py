"""Personal API tokens: created and revoked on the profile page, stored hashed, scoped, refused once revoked."""
import hashlib
import re

import pytest

from app.errors import NotFound, ValidationFailed
from app.models import ApiToken, AuditLog, TokenScope
from app.services import tokens
from tests.api.conftest import NEED_JSON, problem

SECRET = re.compile(r"cm_[A-Za-z0-9_-]{40,}")


def test_the_secret_is_shown_once_and_only_its_hash_is_stored(client, auth, db, enterprise):
    auth.login(enterprise)
    page = client.post("/profile/tokens", data={"name": "ERP sync", "scope": "write"}).get_data(as_text=True)
    secret = SECRET.search(page).group(0)
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == enterprise.id))
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.scope == TokenScope.WRITE and token.hint == secret[:8]
    assert secret not in client.get("/profile").get_data(as_text=True)
    assert "ERP sync" in client.get("/profile").get_data(as_text=True)
    assert db.session.scalar(db.select(AuditLog.action).where(AuditLog.entity == "api_token")) == "create"


def test_a_token_authenticates_until_it_is_revoked_on_the_profile_page(client, auth, db, enterprise):
    token, secret = tokens.create_token(enterprise, name="CI", scope=TokenScope.WRITE)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.post("/api/v1/needs", json=NEED_JSON, headers=headers).status_code == 201
    db.session.refresh(token)
    assert token.last_used_at is not None

    auth.login(enterprise)
    client.post(f"/profile/tokens/{token.id}/revoke")
    db.session.refresh(token)
    assert token.revoked_at is not None
    body = problem(client.post("/api/v1/needs", json=NEED_JSON, headers=headers), 401)
    assert "revoked" in body["detail"]
    problem(client.get("/api/v1/needs", headers=headers), 401)  # a revoked token is not silently anonymous


def test_a_read_token_cannot_write(client, enterprise, need):
    _token, secret = tokens.create_token(enterprise, name="reporting", scope=TokenScope.READ)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(f"/api/v1/needs/{need.slug}", headers=headers).status_code == 200
    problem(client.post("/api/v1/needs", json=NEED_JSON, headers=headers), 403)
    problem(client.patch(f"/api/v1/needs/{need.slug}", json={"title": "x"}, headers=headers), 403)
    problem(client.delete(f"/api/v1/needs/{need.slug}", headers=headers), 403)


@pytest.mark.parametrize("header", ["Bearer", "Bearer cm_unknown", "Basic dXNlcjpwYXNz", "cm_no_scheme"])
def test_malformed_or_unknown_credentials_are_refused(client, header):
    response = client.get("/api/v1/industries", headers={"Authorization": header})
    problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_deactivated_users_token_is_refused(client, db, enterprise):
    _token, secret = tokens.create_token(enterprise, name="CI", scope=TokenScope.READ)
    enterprise.active = False
    db.session.commit()
    problem(client.get("/api/v1/industries", headers={"Authorization": f"Bearer {secret}"}), 401)


def test_only_the_owner_revokes_a_token(make_user, enterprise):
    token, _secret = tokens.create_token(enterprise, name="CI", scope=TokenScope.READ)
    with pytest.raises(NotFound):
        tokens.revoke_token(make_user(), token.id)
    assert token.revoked_at is None


def test_a_token_needs_a_name(client, auth, enterprise):
    with pytest.raises(ValidationFailed):
        tokens.create_token(enterprise, name="  ", scope=TokenScope.READ)
    auth.login(enterprise)
    page = client.post("/profile/tokens", data={"name": "", "scope": "read"}).get_data(as_text=True)
    assert not SECRET.search(page)

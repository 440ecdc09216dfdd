"""Registration, sign-in and out, password reset, profile."""
import logging
import re

import pytest
import sqlalchemy as sa

from app.models import Organization, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("view_app")

NEW_PASSWORD = "a much longer secret"


def _register(client, **overrides):
    data = {"role": "enterprise", "organization_name": "Hebei Strip Works", "region": "Hebei", "name": "Li Wei",
            "email": "li.wei@example.com", "password": PASSWORD, "confirm": PASSWORD, **overrides}
    return client.post("/register", data=data)


def _count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_register_login_logout(client, db):
    response = _register(client)
    assert response.status_code == 302
    assert b"Li Wei" in client.get("/").data  # signed in right away
    user = db.session.scalar(sa.select(User).where(User.email == "li.wei@example.com"))
    assert user.organization.name == "Hebei Strip Works" and user.organization.kind == "enterprise"

    assert client.post("/logout").status_code == 302
    assert client.get("/needs/mine").status_code == 302

    response = client.post("/login", data={"email": "LI.WEI@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/needs/mine").status_code == 200


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"email": "not-an-email"}, "email", b"Invalid email address"),
    ({"confirm": "something else entirely"}, "confirm", b"The passwords do not match."),
    ({"password": "short", "confirm": "short"}, "password", b"Use at least 10 characters."),
    ({"organization_name": ""}, "organization_name", b"This field is required."),
])
def test_register_with_bad_input_shows_the_field_error_and_writes_nothing(client, db, overrides, field, message):
    response = _register(client, **overrides)
    assert response.status_code == 200
    assert f'id="{field}-error"'.encode() in response.data
    assert message in response.data
    assert _count(db, User) == 0 and _count(db, Organization) == 0


def test_register_with_a_taken_email_shows_the_conflict_on_the_field(client, db, enterprise):
    response = _register(client, email=enterprise.email)
    assert b'id="email-error"' in response.data
    assert b"already exists" in response.data
    assert _count(db, User) == 1


def test_login_with_wrong_password_is_refused(client, enterprise):
    response = client.post("/login", data={"email": enterprise.email, "password": "wrong password!"})
    assert response.status_code == 200
    assert b"Wrong e-mail or password." in response.data


def test_login_after_too_many_failures_says_the_account_is_locked(client, enterprise):
    for _attempt in range(5):
        client.post("/login", data={"email": enterprise.email, "password": "wrong password!"})
    response = client.post("/login", data={"email": enterprise.email, "password": PASSWORD})
    assert response.status_code == 200
    assert b"Too many failed sign-ins" in response.data


@pytest.mark.parametrize(("target", "expected"), [
    ("/needs", "/needs"), ("//evil.example.com/x", "/"), ("https://evil.example.com/", "/"), ("/\\evil", "/"),
])
def test_login_follows_only_local_next_links(client, enterprise, target, expected):
    response = client.post("/login", query_string={"next": target},
                           data={"email": enterprise.email, "password": PASSWORD})
    assert response.headers["Location"] == expected


def test_password_reset_end_to_end(client, enterprise, caplog):
    with caplog.at_level(logging.INFO):
        response = client.post("/reset", data={"email": enterprise.email})
    assert response.status_code == 302
    link = re.search(r"Password reset link \(valid for two hours, once\): (\S+)", caplog.text).group(1)
    path = link.split("localhost", 1)[1]

    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.post("/login", data={"email": enterprise.email, "password": PASSWORD}).status_code == 200
    assert client.post("/login", data={"email": enterprise.email, "password": NEW_PASSWORD}).status_code == 302

    client.post("/logout")
    response = client.post(path, data={"password": "yet another password", "confirm": "yet another password"})
    assert b"invalid or has expired" in response.data  # single use


def test_password_reset_request_does_not_reveal_unknown_emails(client, enterprise, caplog):
    known = client.post("/reset", data={"email": enterprise.email}, follow_redirects=True)
    unknown = client.post("/reset", data={"email": "nobody@example.com"}, follow_redirects=True)
    assert b"If this e-mail is registered" in known.data and b"If this e-mail is registered" in unknown.data
    assert "nobody@example.com" not in caplog.text


def test_profile_saves_name_and_language(client, auth, enterprise, db):
    auth.login(enterprise)
    response = client.post("/profile", data={"name": "Wang Fang", "locale": "zh_Hans"})
    assert response.status_code == 302
    db.session.refresh(enterprise)
    assert enterprise.name == "Wang Fang" and enterprise.locale == "zh_Hans"
    assert 'lang="zh-Hans"' in client.get("/profile").get_data(as_text=True)


def test_change_password_keeps_this_session_and_checks_the_current_one(client, auth, enterprise):
    auth.login(enterprise)
    response = client.post("/profile/password", data={"current_password": "not my password",
                                                      "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert b'id="current_password-error"' in response.data
    response = client.post("/profile/password", data={"current_password": PASSWORD,
                                                      "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200  # still signed in


def test_sign_in_attempts_are_rate_limited(app, client, enterprise):
    app.config["RATELIMIT_LOGIN"] = "2 per minute"
    for _attempt in range(2):
        client.post("/login", data={"email": enterprise.email, "password": "wrong password!"})
    response = client.post("/login", data={"email": enterprise.email, "password": PASSWORD})
    assert response.status_code == 429
    assert client.get("/login").status_code == 200  # only sign-in attempts count


def test_the_demo_accounts_can_sign_in(client, db):
    """`make run` prints these accounts: a user must be able to sign in with them."""
    from app.services.accounts import create_user
    from app.services.demo import DEMO_ACCOUNTS

    for email, name, role, _kind in DEMO_ACCOUNTS:
        create_user(None, email=email, name=name, password="demo password 123", role=role)
        response = client.post("/login", data={"email": email, "password": "demo password 123"})
        assert response.status_code == 302 and "/login" not in response.headers["Location"], email
        client.post("/logout")


def test_an_account_the_sign_in_form_would_refuse_is_never_created(db):
    from app.errors import ValidationFailed
    from app.models import UserRole
    from app.services.accounts import create_user

    with pytest.raises(ValidationFailed) as refused:
        create_user(None, email="someone@plant.local", name="X", password="long enough pw", role=UserRole.OFFICIAL)
    assert refused.value.field == "email"

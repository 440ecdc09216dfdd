"""Accounts: password storage, sign-in with lockout, password reset, registration."""
import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from app.errors import AccountLocked, Conflict, ValidationFailed
from app.extensions import db
from app.models import Organization, OrgKind, PasswordResetToken, User, UserRole, utcnow
from app.services import accounts
from tests.conftest import PASSWORD
from tests.services.test_needs import count, worker_indexing  # noqa: F401  (worker_indexing is autouse)

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def user(make_user):
    return make_user(UserRole.ENTERPRISE)


def fail_sign_ins(user, times: int) -> None:
    for _ in range(times):
        assert accounts.authenticate(user.email, "wrong password!") is None


def test_password_is_stored_as_an_argon2id_hash(user):
    stored = db.session.scalar(sa.select(User.password_hash).where(User.id == user.id))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert PasswordHasher().verify(stored, PASSWORD)


def test_authenticate_returns_the_user_only_for_the_right_credentials(user, subtests):
    for case, email, password, expected in [
        ("right password", user.email, PASSWORD, user),
        ("e-mail in other case", f"  {user.email.upper()} ", PASSWORD, user),
        ("wrong password", user.email, "wrong password!", None),
        ("unknown e-mail", "nobody@example.com", PASSWORD, None),
    ]:
        with subtests.test(case):
            assert accounts.authenticate(email, password) is expected


def test_four_wrong_passwords_do_not_lock_and_a_success_resets_the_count(user):
    fail_sign_ins(user, 4)
    assert accounts.authenticate(user.email, PASSWORD) is user
    fail_sign_ins(user, 4)
    assert accounts.authenticate(user.email, PASSWORD) is user
    assert db.session.get(User, user.id).locked_until is None


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(user):
    fail_sign_ins(user, 5)
    with pytest.raises(AccountLocked):
        accounts.authenticate(user.email, PASSWORD)
    with pytest.raises(AccountLocked):
        accounts.authenticate(user.email, "wrong password!")


def test_locked_account_opens_again_once_locked_until_has_passed(user):
    fail_sign_ins(user, 5)
    db.session.get(User, user.id).locked_until = utcnow() - timedelta(seconds=1)  # the lockout has run out
    db.session.commit()
    assert accounts.authenticate(user.email, PASSWORD) is user
    assert (user.failed_logins, user.locked_until) == (0, None)


def test_reset_token_is_stored_only_as_its_sha256_digest(user):
    token = accounts.request_password_reset(user.email.upper())
    rows = db.session.execute(sa.select(PasswordResetToken.__table__)).mappings().all()
    assert [row["token_hash"] for row in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in repr(rows)


def test_reset_request_for_an_unknown_email_creates_nothing(app):
    assert accounts.request_password_reset("nobody@example.com") is None
    assert count(PasswordResetToken) == 0


def test_password_reset_sets_the_password_and_signs_out_old_sessions(user):
    old_session = user.get_id()
    assert accounts.load_session_user(old_session) is user
    token = accounts.request_password_reset(user.email)

    accounts.reset_password(token, NEW_PASSWORD)

    assert accounts.load_session_user(old_session) is None
    assert accounts.load_session_user(user.get_id()) is user
    assert accounts.authenticate(user.email, NEW_PASSWORD) is user
    assert accounts.authenticate(user.email, PASSWORD) is None


def test_reset_token_works_only_once(user):
    token = accounts.request_password_reset(user.email)
    accounts.reset_password(token, NEW_PASSWORD)
    with pytest.raises(ValidationFailed) as refused:
        accounts.reset_password(token, "yet another passphrase")
    assert refused.value.field == "token"
    assert accounts.authenticate(user.email, NEW_PASSWORD) is user


def test_expired_reset_token_is_refused(user):
    token = accounts.request_password_reset(user.email)
    db.session.scalar(sa.select(PasswordResetToken)).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(ValidationFailed) as refused:
        accounts.reset_password(token, NEW_PASSWORD)
    assert refused.value.field == "token"
    assert accounts.authenticate(user.email, PASSWORD) is user


def test_reset_with_a_short_password_is_refused_and_the_link_still_works(user):
    token = accounts.request_password_reset(user.email)
    with pytest.raises(ValidationFailed) as refused:
        accounts.reset_password(token, "short")
    assert refused.value.field == "password"
    db.session.rollback()
    accounts.reset_password(token, NEW_PASSWORD)
    assert accounts.authenticate(user.email, NEW_PASSWORD) is user


def test_change_password_requires_the_current_password(user):
    with pytest.raises(ValidationFailed) as refused:
        accounts.change_password(user, "not my password", NEW_PASSWORD)
    assert refused.value.field == "current_password"
    db.session.rollback()
    assert accounts.authenticate(user.email, PASSWORD) is user


def test_change_password_sets_the_new_one_and_signs_out_old_sessions(user):
    old_session = user.get_id()
    accounts.change_password(user, PASSWORD, NEW_PASSWORD)
    assert accounts.load_session_user(old_session) is None
    assert accounts.authenticate(user.email, NEW_PASSWORD) is user


def test_registration_creates_an_organisation_of_the_right_kind(app, subtests):
    for role, kind in [(UserRole.ENTERPRISE, OrgKind.ENTERPRISE), (UserRole.PROVIDER, OrgKind.PROVIDER)]:
        with subtests.test(role=role.value):
            user = accounts.register_user(email=f"Li.Wei@{role.value}.Example.com", name="Li Wei", password=PASSWORD,
                                          role=role, organization_name="Jiangnan Gear Works", region="Jiangsu")
            db.session.expire_all()
            user = db.session.get(User, user.id)
            assert (user.email, user.role) == (f"li.wei@{role.value}.example.com", role)
            assert (user.organization.kind, user.organization.name, user.organization.region) == (
                kind, "Jiangnan Gear Works", "Jiangsu")


def test_registration_as_official_is_refused(app):
    with pytest.raises(ValidationFailed) as refused:
        accounts.register_user(email="x@example.com", name="X", password=PASSWORD, role=UserRole.OFFICIAL,
                               organization_name="Bureau")
    assert refused.value.field == "role"
    db.session.rollback()
    assert count(User) == count(Organization) == 0


def test_refused_registration_leaves_no_user_or_organisation(user, subtests):
    for case, email, password, error, field in [
        ("duplicate e-mail", user.email, PASSWORD, Conflict, "email"),
        ("duplicate e-mail in other case", user.email.upper(), PASSWORD, Conflict, "email"),
        ("short password", "new@example.com", "short", ValidationFailed, "password"),
    ]:
        with subtests.test(case):
            users, orgs = count(User), count(Organization)
            with pytest.raises(error) as refused:
                accounts.register_user(email=email, name="X", password=password, role=UserRole.PROVIDER,
                                       organization_name="Copycat Ltd")
            assert refused.value.field == field
            db.session.rollback()
            assert (count(User), count(Organization)) == (users, orgs)


def test_a_new_password_cancels_every_other_reset_link(user):
    first = accounts.request_password_reset(user.email)
    second = accounts.request_password_reset(user.email)
    accounts.reset_password(second, "a brand new passphrase")
    with pytest.raises(ValidationFailed):
        accounts.reset_password(first, "yet another passphrase")

"""Accounts: registration, sign-in with lockout, password reset, profile."""
import hashlib
import logging
import secrets
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _

from app.errors import AccountLocked, Conflict, ValidationFailed
from app.extensions import db
from app.models import Organization, OrgKind, PasswordResetToken, User, UserRole, utcnow
from app.services.common import audit, commit, enqueue_index, unique_slug

log = logging.getLogger(__name__)
_hasher = PasswordHasher()  # argon2id, 64 MiB, t=3: above OWASP's minimum
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed(_("Use at least %(n)d characters.", n=MIN_PASSWORD), field="password")


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _normalised_email(email: str) -> str:
    """The address as stored, or ValidationFailed: an address the sign-in form would refuse is never created."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise ValidationFailed(str(error), field="email") from None


def create_user(actor: User | None, *, email: str, name: str, password: str, role: UserRole,
                organization: Organization | None = None) -> User:
    """Create a user of any role (admin CLI and tests); actor None means the system."""
    email = _normalised_email(email)
    _check_password_rules(password)
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise Conflict(_("An account with this e-mail already exists."), field="email")
    user = User(email=email, name=name.strip(), password_hash=hash_password(password), role=role,
                organization=organization)
    db.session.add(user)
    db.session.flush()
    audit(actor, "create", "user", user.id, {"email": email, "role": role.value})
    commit()
    return user


def register_user(*, email: str, name: str, password: str, role: UserRole, organization_name: str,
                  region: str = "") -> User:
    """Register an enterprise or provider member together with a new organisation."""
    if role not in (UserRole.ENTERPRISE, UserRole.PROVIDER):
        raise ValidationFailed(_("Choose enterprise or provider."), field="role")
    kind = OrgKind.ENTERPRISE if role == UserRole.ENTERPRISE else OrgKind.PROVIDER
    org = Organization(kind=kind, name=organization_name.strip(), region=region.strip(),
                       slug=unique_slug(Organization, organization_name))
    db.session.add(org)
    db.session.flush()
    if kind == OrgKind.PROVIDER:
        enqueue_index("provider", org.id)
    try:
        return create_user(None, email=email, name=name, password=password, role=role, organization=org)
    except Exception:
        db.session.rollback()
        raise


def authenticate(email: str, password: str) -> User | None:
    """Return the user for these credentials; count failures and lock after too many."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        _hasher.hash(password)  # same cost as a real check: no user enumeration by timing
        return None
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        raise AccountLocked(_("Too many failed sign-ins. Try again later or reset your password."))
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until, user.failed_logins = now + LOCKOUT, 0
            audit(None, "lock", "user", user.id)
        db.session.commit()
        return None
    if not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    db.session.commit()
    return user


def load_session_user(session_id: str) -> User | None:
    """Resolve a Flask-Login id "<user id>:<session version>"; stale versions are signed out."""
    user_id, _sep, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user


def end_all_sessions(actor: User) -> None:
    """Sign the user out everywhere by bumping the session version."""
    actor.session_version += 1
    db.session.commit()


def request_password_reset(email: str) -> str | None:
    """Create a single-use reset token and mail the link; return the token (None for unknown e-mail)."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        return None
    token = secrets.token_urlsafe(32)
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    db.session.add(PasswordResetToken(user_id=user.id, token_hash=_token_digest(token),
                                      expires_at=utcnow() + timedelta(hours=hours)))
    db.session.commit()
    return token


def reset_password(token: str, new_password: str) -> User:
    """Set a new password with a valid, unused token; all other sessions end."""
    row = db.session.scalar(sa.select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_digest(token)))
    if row is None or row.used_at is not None or row.expires_at < utcnow():
        raise ValidationFailed(_("This reset link is invalid or has expired."), field="token")
    _check_password_rules(new_password)
    user = row.user
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    user.failed_logins, user.locked_until = 0, None
    _cancel_reset_links(user)
    audit(user, "reset_password", "user", user.id)
    db.session.commit()
    return user


def _cancel_reset_links(user: User) -> None:
    """A new password makes every outstanding reset link of the user useless."""
    db.session.execute(sa.update(PasswordResetToken).where(PasswordResetToken.user_id == user.id,
                                                           PasswordResetToken.used_at.is_(None))
                       .values(used_at=utcnow()))


def update_profile(actor: User, *, name: str, locale: str | None) -> User:
    """Change the acting user's own name and language."""
    actor.name = name.strip()
    actor.locale = locale or None
    audit(actor, "update", "user", actor.id, {"name": actor.name, "locale": actor.locale})
    db.session.commit()
    return actor


def set_locale(actor: User, locale: str | None) -> User:
    """Remember the acting user's interface language (None: follow the browser)."""
    if actor.locale != locale:
        actor.locale = locale
        audit(actor, "update", "user", actor.id, {"locale": locale})
        db.session.commit()
    return actor


def change_password(actor: User, current: str, new: str) -> None:
    """Change the acting user's password; every other session ends."""
    try:
        _hasher.verify(actor.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise ValidationFailed(_("Your current password is not correct."), field="current_password") from None
    _check_password_rules(new)
    actor.password_hash = hash_password(new)
    actor.session_version += 1
    _cancel_reset_links(actor)
    audit(actor, "change_password", "user", actor.id)
    db.session.commit()

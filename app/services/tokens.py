"""Personal API tokens: created and revoked by their owner, stored as a sha256 of the secret."""
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.models import ApiToken, TokenScope, User, utcnow
from app.services.common import audit, commit

PREFIX = "cm_"
HINT_LENGTH = 8
LAST_USED_RESOLUTION = timedelta(minutes=1)  # last_used_at is written at most this often per token


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(actor: User, *, name: str, scope: TokenScope) -> tuple[ApiToken, str]:
    """Create a token for the acting user; return it with its secret (shown once, never stored)."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed(_("Give the token a name of at most 100 characters."), field="name")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=actor.id, name=name, scope=TokenScope(scope), token_hash=_digest(secret),
                     hint=secret[:HINT_LENGTH])
    db.session.add(token)
    db.session.flush()
    audit(actor, "create", "api_token", token.id, {"name": name, "scope": token.scope.value})
    commit()
    return token, secret


def tokens_of(actor: User) -> list[ApiToken]:
    """Return the acting user's tokens, newest first (revoked ones included, for the record)."""
    return db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == actor.id)
                              .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()


def revoke_token(actor: User, token_id: int) -> ApiToken:
    """Revoke one of the acting user's tokens; other users' tokens count as missing."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.id:
        raise NotFound(_("This token does not exist."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit(actor, "revoke", "api_token", token.id)
        commit()
    return token


def authenticate_token(secret: str) -> ApiToken | None:
    """Return the live token for a secret (its user active), or None; notes when it was last used."""
    if not secret.startswith(PREFIX):
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.commit()
    return token

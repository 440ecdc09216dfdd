"""Helpers every service uses: slugs, audit entries, outbox rows, lookups."""
import re
import unicodedata
from typing import TypeVar

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditLog, Industry, OutboxEvent, Scenario, User
from app.services.search import check_saved_searches

M = TypeVar("M")


def slugify(text: str, max_length: int = 80) -> str:
    """Return a URL-safe slug; non-Latin text keeps its letters."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-_")
    return text[:max_length].strip("-") or "item"


# Path words of the site's own routes (/needs/new, /needs/mine, /cases/review, …): never a record's slug.
RESERVED_SLUGS = frozenset({"new", "mine", "review", "edit", "delete", "categories", "search", "item"})


def unique_slug(model: type, text: str) -> str:
    """Return a slug for text that no row of model uses yet (slugs never change once set)."""
    base = slugify(text)
    if base in RESERVED_SLUGS:
        base = f"{base}-1"
    pending = {o.slug for o in db.session.new if isinstance(o, model)}
    slug, n = base, 1
    while slug in pending or db.session.scalar(sa.select(model.id).where(model.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def audit(actor: User | None, action: str, entity: str, entity_id: int | None, changes: dict | None = None) -> None:
    """Add an audit entry to the current transaction."""
    db.session.add(
        AuditLog(user_id=actor.id if actor else None, action=action, entity=entity,
                 entity_id=entity_id, changes=changes or {})
    )


def enqueue_index(entity: str, entity_id: int) -> None:
    """Add an outbox row so the indexer picks up this record; same transaction as the write."""
    db.session.add(OutboxEvent(entity=entity, entity_id=entity_id))


def commit() -> None:
    """Commit, then run the explicit post-commit side effects (inline indexing)."""
    db.session.commit()
    indexer = current_app.extensions.get("chainmatch.indexer")
    if indexer is not None and current_app.config["INDEXING"] == "inline" and indexer.drain_quietly():
        after_indexing()


def after_indexing() -> None:
    """What follows fresh index entries: saved-search alerts. Failures are logged, never raised."""
    try:
        check_saved_searches()
    except Exception:
        db.session.rollback()
        current_app.logger.warning("saved-search alerts delayed", exc_info=True)


def get_or_404(model: type[M], ident: int | str, *, by: str = "id", include_deleted: bool = False) -> M:
    """Return one row by id or slug, raising NotFound (soft-deleted rows count as missing)."""
    row = db.session.scalar(sa.select(model).where(getattr(model, by) == ident))
    if row is None or (not include_deleted and getattr(row, "deleted_at", None) is not None):
        raise NotFound(f"{model.__name__} {ident} not found")
    return row


def industries_by_slug(slugs: list[str], field: str = "industries") -> list[Industry]:
    """Return industries for slugs in the given order; unknown slugs raise NotFound naming `field`."""
    found = {i.slug: i for i in db.session.scalars(sa.select(Industry).where(Industry.slug.in_(slugs)))}
    missing = [s for s in slugs if s not in found]
    if missing:
        raise NotFound(_("Unknown industry: %(slugs)s", slugs=", ".join(missing)), field=field)
    return [found[s] for s in dict.fromkeys(slugs)]


def scenarios_by_slug(slugs: list[str]) -> list[Scenario]:
    """Return active scenarios for slugs; unknown slugs raise NotFound."""
    found = {
        s.slug: s
        for s in db.session.scalars(sa.select(Scenario).where(Scenario.slug.in_(slugs), Scenario.retired_at.is_(None)))
    }
    missing = [s for s in slugs if s not in found]
    if missing:
        raise NotFound(_("Unknown scenario: %(slugs)s", slugs=", ".join(missing)), field="scenarios")
    return [found[s] for s in dict.fromkeys(slugs)]


def _plain(value):
    """Return an audit-log friendly form of a field value."""
    if isinstance(value, list):
        return [getattr(v, "slug", v) for v in value]
    if hasattr(value, "slug"):
        return value.slug
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _blank(record, key: str):
    """What a left-out (None) value means for a NOT NULL column with a default (e.g. an optional text: "")."""
    column = record.__table__.c.get(key)
    if column is None or column.nullable or column.default is None or not column.default.is_scalar:
        return None
    return column.default.arg


def assign(record, data: dict) -> dict:
    """Set fields on record (industry/scenario slugs resolved); return {field: new value} of what changed.
    A field left out (None) of a column that may not be empty takes the column's default."""
    changes = {}
    with db.session.no_autoflush:  # a new record is not complete until every field is set
        for key, value in data.items():
            if value is None:
                value = _blank(record, key)
            if key in ("industries", "scenarios"):
                value = (industries_by_slug if key == "industries" else scenarios_by_slug)(list(value or []))
            elif key == "industry":
                value = industries_by_slug([value], field="industry")[0]
            if getattr(record, key) != value:
                setattr(record, key, value)
                changes[key] = _plain(value)
    return changes


def check_range(low: int | None, high: int | None, field: str) -> None:
    """Refuse a money range whose minimum exceeds its maximum."""
    if low is not None and high is not None and low > high:
        raise ValidationFailed(_("The maximum must not be below the minimum."), field=field)

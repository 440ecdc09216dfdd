"""Operational records: the indexing outbox, the audit log, the log of match lists shown."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class OutboxEvent(db.Model):
    """A record that changed and must be (re)indexed; written in the same transaction."""

    __tablename__ = "outbox_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(sa.String(32))  # need, solution, product, case, provider
    entity_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)


class AuditLog(db.Model):
    """Who changed what, and when."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(64))
    entity: Mapped[str] = mapped_column(sa.String(32), index=True)
    entity_id: Mapped[int | None]
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class MatchImpression(db.Model):
    """One match shown to its need's owner at a position: the denominator of the outcome log
    (what came of it is the match's state), from which providers' track records are learnt."""

    __tablename__ = "match_impressions"
    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(sa.ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    solution_id: Mapped[int] = mapped_column(sa.ForeignKey("solutions.id", ondelete="CASCADE"))
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    industry: Mapped[str] = mapped_column(sa.String(64))  # the need's industry slug
    position: Mapped[int]
    shown_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

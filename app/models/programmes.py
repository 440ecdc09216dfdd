"""Chain-Net Synergy programmes: a leading enterprise and the SMEs of its supply chain."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, utcnow
from app.models.catalog import Industry
from app.models.market import Organization

TIERS = (1, 2, 3)


class Programme(TimestampMixin, db.Model):
    __tablename__ = "programmes"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(160), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    industry_id: Mapped[int] = mapped_column(sa.ForeignKey("industries.id"), index=True)
    lead_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)

    industry: Mapped[Industry] = relationship()
    lead: Mapped[Organization] = relationship()
    members: Mapped[list["ProgrammeMember"]] = relationship(
        back_populates="programme", cascade="all, delete-orphan",
        order_by="(ProgrammeMember.tier, ProgrammeMember.id)")
    partners: Mapped[list["ProgrammePartner"]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="ProgrammePartner.id")


class ProgrammeMember(db.Model):
    """An SME of the leading enterprise's supply chain, at tier 1, 2 or 3."""

    __tablename__ = "programme_members"
    __table_args__ = (
        sa.UniqueConstraint("programme_id", "organization_id", name="uq_programme_members_programme_org"),
        sa.CheckConstraint("tier BETWEEN 1 AND 3", name="tier"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    tier: Mapped[int]
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship(back_populates="members")
    organization: Mapped[Organization] = relationship()


class ProgrammePartner(db.Model):
    """A provider organisation taking part in a programme as a solution partner."""

    __tablename__ = "programme_partners"
    __table_args__ = (
        sa.UniqueConstraint("programme_id", "organization_id", name="uq_programme_partners_programme_org"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship(back_populates="partners")
    organization: Mapped[Organization] = relationship()

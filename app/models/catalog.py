"""Reference data: industries, scenarios, product categories, standards."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin

standard_industries = sa.Table(
    "standard_industries",
    db.metadata,
    sa.Column("standard_id", sa.ForeignKey("standards.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("industry_id", sa.ForeignKey("industries.id", ondelete="CASCADE"), primary_key=True),
)
standard_scenarios = sa.Table(
    "standard_scenarios",
    db.metadata,
    sa.Column("standard_id", sa.ForeignKey("standards.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("scenario_id", sa.ForeignKey("scenarios.id", ondelete="CASCADE"), primary_key=True),
)


class Industry(TimestampMixin, db.Model):
    __tablename__ = "industries"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    name_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    description_zh: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    scenarios: Mapped[list["Scenario"]] = relationship(back_populates="industry")

    def __repr__(self) -> str:
        return f"<Industry {self.slug}>"


class Scenario(TimestampMixin, db.Model):
    """A typical application scenario; industry is None for cross-industry ones."""

    __tablename__ = "scenarios"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    name_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    industry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("industries.id"), index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    description_zh: Mapped[str] = mapped_column(sa.Text, default="")
    technologies: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None] = mapped_column(default=None)

    industry: Mapped[Industry | None] = relationship(back_populates="scenarios")

    @property
    def is_cross_industry(self) -> bool:
        return self.industry_id is None


class ProductCategory(TimestampMixin, db.Model):
    __tablename__ = "product_categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    name_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None] = mapped_column(default=None)


class Standard(TimestampMixin, db.Model):
    __tablename__ = "standards"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    number: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(400))
    issuer: Mapped[str] = mapped_column(sa.String(200), default="")
    position: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None] = mapped_column(default=None)

    industries: Mapped[list[Industry]] = relationship(secondary=standard_industries, order_by=Industry.position)
    scenarios: Mapped[list[Scenario]] = relationship(secondary=standard_scenarios, order_by=Scenario.position)

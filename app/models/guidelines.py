"""Industry application guidelines, one versioned document per industry."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import GuidelineState, TimestampMixin, enum_column
from app.models.catalog import Industry, ProductCategory, Scenario, Standard
from app.models.market import CaseStudy, _link

GUIDELINE = ("guideline", "guidelines")
guideline_scenarios = _link("guideline_scenarios", GUIDELINE, ("scenario", "scenarios"))
guideline_categories = _link("guideline_product_categories", GUIDELINE, ("product_category", "product_categories"))
guideline_standards = _link("guideline_standards", GUIDELINE, ("standard", "standards"))
guideline_cases = _link("guideline_cases", GUIDELINE, ("case_study", "case_studies"))


class Guideline(TimestampMixin, db.Model):
    """One version of an industry's application guideline; the resource-pool links render live."""

    __tablename__ = "guidelines"
    __table_args__ = (sa.UniqueConstraint("industry_id", "version", name="uq_guidelines_industry_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    industry_id: Mapped[int] = mapped_column(sa.ForeignKey("industries.id"), index=True)
    version: Mapped[int]
    state: Mapped[GuidelineState] = mapped_column(enum_column(GuidelineState), default=GuidelineState.DRAFT)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    situation: Mapped[str] = mapped_column(sa.Text, default="")
    architecture: Mapped[str] = mapped_column(sa.Text, default="")
    published_at: Mapped[datetime | None]

    industry: Mapped[Industry] = relationship()
    scenarios: Mapped[list[Scenario]] = relationship(secondary=guideline_scenarios, order_by=Scenario.position)
    categories: Mapped[list[ProductCategory]] = relationship(secondary=guideline_categories,
                                                             order_by=ProductCategory.position)
    standards: Mapped[list[Standard]] = relationship(secondary=guideline_standards, order_by=Standard.position)
    cases: Mapped[list[CaseStudy]] = relationship(secondary=guideline_cases, order_by=CaseStudy.title)

    @property
    def is_editable(self) -> bool:
        return self.state in (GuidelineState.DRAFT, GuidelineState.IN_REVIEW)

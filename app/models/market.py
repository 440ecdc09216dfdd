"""Marketplace records: organisations, solutions, products, case studies, needs, matches."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import (
    CaseReviewAction,
    CaseReviewState,
    DeclineReason,
    Deployment,
    MatchMark,
    MatchState,
    NeedStatus,
    OrgKind,
    OrgSize,
    SoftDeleteMixin,
    TimestampMixin,
    enum_column,
    utcnow,
)
from app.models.catalog import Industry, ProductCategory, Scenario


def _link(name: str, left: tuple[str, str], right: tuple[str, str]) -> sa.Table:
    """Build a many-to-many table; left and right are (column prefix, referenced table)."""
    return sa.Table(
        name,
        db.metadata,
        *(
            sa.Column(f"{col}_id", sa.ForeignKey(f"{table}.id", ondelete="CASCADE"), primary_key=True)
            for col, table in (left, right)
        ),
    )


INDUSTRY = ("industry", "industries")
SCENARIO = ("scenario", "scenarios")
organization_industries = _link("organization_industries", ("organization", "organizations"), INDUSTRY)
solution_industries = _link("solution_industries", ("solution", "solutions"), INDUSTRY)
solution_scenarios = _link("solution_scenarios", ("solution", "solutions"), SCENARIO)
product_industries = _link("product_industries", ("product", "products"), INDUSTRY)
case_scenarios = _link("case_study_scenarios", ("case_study", "case_studies"), SCENARIO)
need_scenarios = _link("need_scenarios", ("need", "needs"), SCENARIO)


class Organization(TimestampMixin, SoftDeleteMixin, db.Model):
    """An enterprise (posts needs) or a provider (offers solutions)."""

    __tablename__ = "organizations"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrgKind] = mapped_column(enum_column(OrgKind), index=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    external_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    region: Mapped[str] = mapped_column(sa.String(100), default="", index=True)
    size: Mapped[OrgSize | None] = mapped_column(enum_column(OrgSize))
    website: Mapped[str | None] = mapped_column(sa.String(300))
    founded: Mapped[int | None]

    industries: Mapped[list[Industry]] = relationship(secondary=organization_industries, order_by=Industry.position)
    solutions: Mapped[list["Solution"]] = relationship(back_populates="provider")
    products: Mapped[list["Product"]] = relationship(back_populates="provider")
    cases: Mapped[list["CaseStudy"]] = relationship(back_populates="provider")


class Solution(TimestampMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "solutions"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(160), unique=True)
    external_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text)
    description: Mapped[str] = mapped_column(sa.Text)
    capabilities: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    deployment: Mapped[Deployment | None] = mapped_column(enum_column(Deployment))
    price_min: Mapped[int | None] = mapped_column(sa.BigInteger)
    price_max: Mapped[int | None] = mapped_column(sa.BigInteger)

    provider: Mapped[Organization] = relationship(back_populates="solutions")
    industries: Mapped[list[Industry]] = relationship(secondary=solution_industries, order_by=Industry.position)
    scenarios: Mapped[list[Scenario]] = relationship(secondary=solution_scenarios, order_by=Scenario.position)
    cases: Mapped[list["CaseStudy"]] = relationship(back_populates="solution")


class Product(TimestampMixin, SoftDeleteMixin, db.Model):
    """An item of a provider's technical product inventory."""

    __tablename__ = "products"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(160), unique=True)
    external_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("product_categories.id"), index=True)
    category_label: Mapped[str] = mapped_column(sa.String(200), default="")  # as written when no catalogue match
    description: Mapped[str] = mapped_column(sa.Text)

    provider: Mapped[Organization] = relationship(back_populates="products")
    category: Mapped[ProductCategory | None] = relationship()
    industries: Mapped[list[Industry]] = relationship(secondary=product_industries, order_by=Industry.position)

    @property
    def category_name(self) -> str:
        return self.category.name if self.category else self.category_label


class CaseStudy(TimestampMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "case_studies"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(160), unique=True)
    external_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    solution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("solutions.id"), index=True)
    industry_id: Mapped[int] = mapped_column(sa.ForeignKey("industries.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    client: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text)
    results: Mapped[str] = mapped_column(sa.Text)
    year: Mapped[int | None]
    review_state: Mapped[CaseReviewState] = mapped_column(
        enum_column(CaseReviewState), default=CaseReviewState.SUBMITTED, index=True
    )
    exemplary: Mapped[bool] = mapped_column(default=False)
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # The last (re)submission: how long a case has waited in the review queue.
    submitted_at: Mapped[datetime | None] = mapped_column(default=utcnow, index=True)
    # The version the public sees (title, client, summary, results, year) while a later edit waits for review.
    published: Mapped[dict | None] = mapped_column(sa.JSON)
    published_at: Mapped[datetime | None] = mapped_column(index=True)

    provider: Mapped[Organization] = relationship(back_populates="cases")
    reviewer: Mapped["User | None"] = relationship()
    events: Mapped[list["CaseReviewEvent"]] = relationship(back_populates="case", order_by="CaseReviewEvent.id")
    solution: Mapped[Solution | None] = relationship(back_populates="cases")
    industry: Mapped[Industry] = relationship()
    scenarios: Mapped[list[Scenario]] = relationship(secondary=case_scenarios, order_by=Scenario.position)

    @property
    def is_published(self) -> bool:
        """Whether the current text is the published one (no revision waits for review)."""
        return self.review_state == CaseReviewState.PUBLISHED

    @property
    def is_public(self) -> bool:
        """Whether a published version exists (it stays visible while a revision is reviewed)."""
        return self.published_at is not None and self.published is not None

    @property
    def public(self) -> "CaseStudy | PublishedVersion":
        """The version the public sees: the published snapshot, else the record itself."""
        return PublishedVersion(self) if self.is_public and not self.is_published else self


class PublishedVersion:
    """A case study as last published: snapshot fields over the live record's other attributes."""

    def __init__(self, case: CaseStudy):
        self._case = case

    def __getattr__(self, name: str):
        snapshot = self._case.published or {}
        return snapshot[name] if name in snapshot else getattr(self._case, name)


class CaseReviewEvent(db.Model):
    """One step of a case study's review: who did what, when, with which scores and comment."""

    __tablename__ = "case_review_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_studies.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[CaseReviewAction] = mapped_column(enum_column(CaseReviewAction))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    scores: Mapped[dict | None] = mapped_column(sa.JSON)  # ReviewCriterion value -> 1..5
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[CaseStudy] = relationship(back_populates="events")
    actor: Mapped["User | None"] = relationship(foreign_keys=[actor_id])


class Need(TimestampMixin, SoftDeleteMixin, db.Model):
    """What an enterprise wants solved."""

    __tablename__ = "needs"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(160), unique=True)
    external_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    industry_id: Mapped[int] = mapped_column(sa.ForeignKey("industries.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text)
    region: Mapped[str] = mapped_column(sa.String(100), default="")
    budget_min: Mapped[int | None] = mapped_column(sa.BigInteger)
    budget_max: Mapped[int | None] = mapped_column(sa.BigInteger)
    deadline: Mapped[date | None]
    status: Mapped[NeedStatus] = mapped_column(enum_column(NeedStatus), default=NeedStatus.OPEN, index=True)
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programmes.id", ondelete="SET NULL"), index=True)
    # Shown only to its enterprise, officials and the providers matched with it (the selection of a pilot
    # scenario that was not public): never listed, searched or indexed.
    confidential: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    organization: Mapped[Organization] = relationship()
    industry: Mapped[Industry] = relationship()
    scenarios: Mapped[list[Scenario]] = relationship(secondary=need_scenarios, order_by=Scenario.position)
    matches: Mapped[list["Match"]] = relationship(back_populates="need", order_by="Match.rank")
    programme = relationship("Programme")  # app.models.programmes imports this module


class Match(db.Model):
    """A stored, explained pairing of a need with a solution."""

    __tablename__ = "matches"
    __table_args__ = (sa.UniqueConstraint("need_id", "solution_id", name="uq_matches_need_solution"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(sa.ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    solution_id: Mapped[int] = mapped_column(sa.ForeignKey("solutions.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int]
    score: Mapped[float]
    # The matcher's reasons as records (kind, English text, contribution, args); older rows: plain lines.
    reasons: Mapped[list[dict | str]] = mapped_column(sa.JSON, default=list)
    mark: Mapped[MatchMark | None] = mapped_column(enum_column(MatchMark))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    marked_at: Mapped[datetime | None]
    state: Mapped[MatchState] = mapped_column(enum_column(MatchState), default=MatchState.SUGGESTED,
                                              server_default=MatchState.SUGGESTED.value, index=True)
    state_changed_at: Mapped[datetime | None]

    need: Mapped[Need] = relationship(back_populates="matches")
    solution: Mapped[Solution] = relationship()
    events: Mapped[list["MatchEvent"]] = relationship(back_populates="match", order_by="MatchEvent.id",
                                                      cascade="all, delete-orphan")

    @property
    def why(self) -> dict | str:
        """Why it matched: the matcher's first reason (a record; a plain line for older matches).
        Word it with app.i18n.reason_text (templates: the `reason` filter)."""
        return self.reasons[0] if self.reasons else ""


class MatchEvent(db.Model):
    """One step of a match's lifecycle: who moved it, when, from which state to which, and why."""

    __tablename__ = "match_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(sa.ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    from_state: Mapped[MatchState] = mapped_column(enum_column(MatchState, name="match_event_from"))
    to_state: Mapped[MatchState] = mapped_column(enum_column(MatchState, name="match_event_to"))
    reason: Mapped[DeclineReason | None] = mapped_column(enum_column(DeclineReason))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    match: Mapped[Match] = relationship(back_populates="events")
    user = relationship("User")  # app.models.accounts imports this module

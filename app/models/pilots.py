"""Open pilot scenarios that enterprises put to providers, and the providers' proposals."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import PilotVisibility, ProposalState, TimestampMixin, enum_column, utcnow
from app.models.catalog import Industry, Scenario
from app.models.market import CaseStudy, Match, Need, Organization, Solution, _link
from app.models.programmes import Programme

open_scenario_scenarios = _link("open_scenario_scenarios", ("open_scenario", "open_scenarios"),
                                ("scenario", "scenarios"))
open_scenario_invitees = _link("open_scenario_invitees", ("open_scenario", "open_scenarios"),
                               ("organization", "organizations"))
proposal_cases = _link("proposal_cases", ("proposal", "proposals"), ("case_study", "case_studies"))


class OpenScenario(TimestampMixin, db.Model):
    """A pilot scenario an enterprise opens in its plant for providers to answer."""

    __tablename__ = "open_scenarios"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(160), unique=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    industry_id: Mapped[int] = mapped_column(sa.ForeignKey("industries.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    problem: Mapped[str] = mapped_column(sa.Text)
    site: Mapped[str] = mapped_column(sa.String(300))
    data_access: Mapped[str] = mapped_column(sa.Text, default="")
    criteria: Mapped[list[dict]] = mapped_column(sa.JSON, default=list)  # [{"name": ..., "weight": 0-100}], sum 100
    deadline: Mapped[date]
    visibility: Mapped[PilotVisibility] = mapped_column(enum_column(PilotVisibility), default=PilotVisibility.PUBLIC)
    # Visibility PROGRAMME: the programme whose enterprises see the scenario and whose solution partners propose.
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    # The outcome. No foreign key: proposals already point here, and a key back would make a cycle.
    selected_proposal_id: Mapped[int | None]
    selected_at: Mapped[datetime | None]
    # The enterprise's need created on selection; the selected solution's match of it is in the lifecycle.
    need_id: Mapped[int | None] = mapped_column(sa.ForeignKey("needs.id"))

    organization: Mapped[Organization] = relationship()
    industry: Mapped[Industry] = relationship()
    scenarios: Mapped[list[Scenario]] = relationship(secondary=open_scenario_scenarios, order_by=Scenario.position)
    invitees: Mapped[list[Organization]] = relationship(secondary=open_scenario_invitees, order_by=Organization.name)
    programme: Mapped[Programme | None] = relationship()
    need: Mapped[Need | None] = relationship()
    proposals: Mapped[list["Proposal"]] = relationship(back_populates="open_scenario", order_by="Proposal.id")

    @property
    def is_decided(self) -> bool:
        return self.selected_proposal_id is not None

    @property
    def selected(self) -> "Proposal | None":
        return next((p for p in self.proposals if p.id == self.selected_proposal_id), None)

    @property
    def match(self) -> Match | None:
        """The lifecycle match the selection created (None before it, and for a proposal without a solution)."""
        selected = self.selected
        if self.need is None or selected is None or selected.solution_id is None:
            return None
        return next((m for m in self.need.matches if m.solution_id == selected.solution_id), None)

    @property
    def accepts_proposals(self) -> bool:
        return not self.is_decided and self.deadline >= utcnow().date()


class Proposal(TimestampMixin, db.Model):
    """A provider's structured answer to an open scenario; one per provider."""

    __tablename__ = "proposals"
    __table_args__ = (sa.UniqueConstraint("open_scenario_id", "provider_id", name="uq_proposals_scenario_provider"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    open_scenario_id: Mapped[int] = mapped_column(sa.ForeignKey("open_scenarios.id", ondelete="CASCADE"), index=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The provider's solution it offers; required for new proposals, empty on those from before (migration r009).
    solution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("solutions.id"), index=True)
    approach: Mapped[str] = mapped_column(sa.Text)
    team: Mapped[str] = mapped_column(sa.Text)
    timeline: Mapped[str] = mapped_column(sa.Text)
    price: Mapped[int] = mapped_column(sa.BigInteger)  # CNY
    state: Mapped[ProposalState] = mapped_column(enum_column(ProposalState), default=ProposalState.SUBMITTED)
    scores: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # criterion name -> 0..5, entered by the owner

    open_scenario: Mapped[OpenScenario] = relationship(back_populates="proposals")
    provider: Mapped[Organization] = relationship()
    solution: Mapped[Solution | None] = relationship()
    cases: Mapped[list[CaseStudy]] = relationship(secondary=proposal_cases, order_by=CaseStudy.title)
    messages: Mapped[list["ProposalMessage"]] = relationship(back_populates="proposal",
                                                             order_by="ProposalMessage.id")

    def weighted_total(self, criteria: list[dict]) -> float | None:
        """Return the weighted score out of 5, or None while any criterion is unscored."""
        if not criteria or any(c["name"] not in self.scores for c in criteria):
            return None
        return round(sum(self.scores[c["name"]] * c["weight"] for c in criteria) / 100, 2)


class ProposalMessage(db.Model):
    """One question or answer in the thread between the scenario owner and a proposer."""

    __tablename__ = "proposal_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    from_owner: Mapped[bool]
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="messages")

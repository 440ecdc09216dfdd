""""Hundred Cities, Thousand Parks" matching campaigns: events, registrations, 1:1 meetings."""
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import (
    CampaignStatus,
    MeetingOutcome,
    MeetingResponse,
    OrgKind,
    TimestampMixin,
    enum_column,
    utcnow,
)
from app.models.catalog import Industry
from app.models.market import Need, Organization, Solution, _link

campaign_industries = _link("campaign_industries", ("campaign", "campaigns"), ("industry", "industries"))
registration_needs = _link("campaign_registration_needs", ("registration", "campaign_registrations"),
                           ("need", "needs"))
registration_solutions = _link("campaign_registration_solutions", ("registration", "campaign_registrations"),
                               ("solution", "solutions"))


class Campaign(TimestampMixin, db.Model):
    """A matchmaking event in a city or industrial park with a grid of time slots and tables."""

    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(160), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    city: Mapped[str] = mapped_column(sa.String(100), index=True)
    park: Mapped[str] = mapped_column(sa.String(200), default="")
    event_date: Mapped[date] = mapped_column(index=True)
    venue: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    start_time: Mapped[time]
    slot_minutes: Mapped[int]
    slot_count: Mapped[int]
    table_count: Mapped[int]
    status: Mapped[CampaignStatus] = mapped_column(enum_column(CampaignStatus), default=CampaignStatus.DRAFT,
                                                   index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    industries: Mapped[list[Industry]] = relationship(secondary=campaign_industries, order_by=Industry.position)
    registrations: Mapped[list["CampaignRegistration"]] = relationship(
        back_populates="campaign", order_by="CampaignRegistration.id")
    meetings: Mapped[list["CampaignMeeting"]] = relationship(
        back_populates="campaign", order_by="(CampaignMeeting.slot, CampaignMeeting.table_no)")

    def slot_start(self, slot: int) -> time:
        """When a slot (counted from 0) begins."""
        start = datetime.combine(self.event_date, self.start_time) + timedelta(minutes=slot * self.slot_minutes)
        return start.time()


class CampaignRegistration(db.Model):
    """One organisation taking part in a campaign, with what it brings and how many meetings it wants."""

    __tablename__ = "campaign_registrations"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "organization_id", name="uq_campaign_registrations_org"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    kind: Mapped[OrgKind] = mapped_column(enum_column(OrgKind))
    registered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    max_meetings: Mapped[int]
    # Provider organisation ids the enterprise most wants to meet, most wanted first.
    priorities: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    campaign: Mapped[Campaign] = relationship(back_populates="registrations")
    organization: Mapped[Organization] = relationship()
    needs: Mapped[list[Need]] = relationship(secondary=registration_needs, order_by=Need.id)
    solutions: Mapped[list[Solution]] = relationship(secondary=registration_solutions, order_by=Solution.id)


class CampaignMeeting(db.Model):
    """A proposed 1:1 meeting of an enterprise and a provider at one table in one time slot."""

    __tablename__ = "campaign_meetings"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign_registrations.id", ondelete="CASCADE"),
                                               index=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign_registrations.id", ondelete="CASCADE"),
                                             index=True)
    need_id: Mapped[int] = mapped_column(sa.ForeignKey("needs.id"))
    solution_id: Mapped[int] = mapped_column(sa.ForeignKey("solutions.id"))
    slot: Mapped[int]
    table_no: Mapped[int]
    score: Mapped[float]
    weighted_score: Mapped[float]
    reasons: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    enterprise_response: Mapped[MeetingResponse] = mapped_column(
        enum_column(MeetingResponse, name="enterprise_response"), default=MeetingResponse.PENDING)
    provider_response: Mapped[MeetingResponse] = mapped_column(
        enum_column(MeetingResponse, name="provider_response"), default=MeetingResponse.PENDING)
    outcome: Mapped[MeetingOutcome | None] = mapped_column(enum_column(MeetingOutcome))
    agreement: Mapped[bool | None]
    outcome_note: Mapped[str] = mapped_column(sa.String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    campaign: Mapped[Campaign] = relationship(back_populates="meetings")
    enterprise: Mapped[CampaignRegistration] = relationship(foreign_keys=[enterprise_id])
    provider: Mapped[CampaignRegistration] = relationship(foreign_keys=[provider_id])
    need: Mapped[Need] = relationship()
    solution: Mapped[Solution] = relationship()

    @property
    def declined(self) -> bool:
        return MeetingResponse.DECLINED in (self.enterprise_response, self.provider_response)

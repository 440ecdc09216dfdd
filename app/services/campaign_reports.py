"""Read-only views of campaigns: listings, lookups by who asks, the participant's meetings, the report."""
import sqlalchemy as sa
from flask_babel import gettext as _

from app.errors import NotFound
from app.extensions import db
from app.models import (
    Campaign,
    CampaignMeeting,
    CampaignRegistration,
    CampaignStatus,
    Industry,
    MeetingOutcome,
    MeetingResponse,
    Need,
    NeedStatus,
    Organization,
    OrgKind,
    User,
)
from app.services.permissions import belongs_to, can_view_campaign, is_official, require

REPORT_COLUMNS = ("enterprises", "providers", "proposed", "accepted", "held", "agreements")


def _visible(actor: User | None) -> sa.Select:
    query = sa.select(Campaign)
    return query if is_official(actor) else query.where(Campaign.status != CampaignStatus.DRAFT)


def campaigns(actor: User | None, city: str | None = None) -> list[Campaign]:
    """List the campaigns the actor may see by city, then date (drafts for officials only)."""
    query = _visible(actor).order_by(Campaign.city, Campaign.event_date, Campaign.id)
    return db.session.scalars(query.where(Campaign.city == city) if city else query).all()


def cities(actor: User | None) -> list[str]:
    """Cities with a campaign the actor may see."""
    return sorted({c.city for c in campaigns(actor)})


def campaign(actor: User | None, slug: str) -> Campaign:
    """Return a campaign by slug; drafts answer NotFound to everyone but officials."""
    found = db.session.scalar(sa.select(Campaign).where(Campaign.slug == slug))
    if found is None or not can_view_campaign(actor, found):
        raise NotFound(_("This campaign does not exist."))
    return found


def open_needs_of(org: Organization | None) -> list[Need]:
    """An enterprise's needs that can be brought to a campaign."""
    if org is None or org.kind != OrgKind.ENTERPRISE:
        return []
    return db.session.scalars(sa.select(Need).where(
        Need.organization_id == org.id, Need.deleted_at.is_(None),
        Need.status.in_([NeedStatus.OPEN, NeedStatus.MATCHED])).order_by(Need.title)).all()


def registered(campaign: Campaign, kind: OrgKind) -> list[CampaignRegistration]:
    return [r for r in campaign.registrations if r.kind == kind]


def meetings_for(actor: User | None, campaign: Campaign) -> list[CampaignMeeting]:
    """The meetings the actor may see: all for officials, their own organisation's for participants."""
    if is_official(actor):
        return list(campaign.meetings)
    return [m for m in campaign.meetings
            if belongs_to(actor, m.enterprise.organization_id) or belongs_to(actor, m.provider.organization_id)]


def _accepted(meeting: CampaignMeeting) -> bool:
    return meeting.enterprise_response == meeting.provider_response == MeetingResponse.ACCEPTED


def _industries_of(reg: CampaignRegistration) -> set[Industry]:
    if reg.kind == OrgKind.ENTERPRISE:
        return {n.industry for n in reg.needs}
    return {i for s in reg.solutions for i in s.industries}


def campaign_report(item: Campaign) -> dict:
    """Count participants, proposed, accepted, held meetings and agreements, overall and by industry."""
    # The campaign's own industries are listed even with nothing in them.
    rows: dict[Industry, dict[str, int]] = {i: dict.fromkeys(REPORT_COLUMNS, 0) for i in item.industries}
    def row(industry: Industry) -> dict[str, int]:
        return rows.setdefault(industry, dict.fromkeys(REPORT_COLUMNS, 0))

    for reg in item.registrations:
        for industry in _industries_of(reg):
            row(industry)["enterprises" if reg.kind == OrgKind.ENTERPRISE else "providers"] += 1
    for meeting in item.meetings:
        counts = row(meeting.need.industry)
        counts["proposed"] += 1
        counts["accepted"] += _accepted(meeting)
        counts["held"] += meeting.outcome == MeetingOutcome.HELD
        counts["agreements"] += bool(meeting.agreement)
    totals = {
        "enterprises": len(registered(item, OrgKind.ENTERPRISE)), "providers": len(registered(item, OrgKind.PROVIDER)),
        "proposed": len(item.meetings), "accepted": sum(_accepted(m) for m in item.meetings),
        "held": sum(m.outcome == MeetingOutcome.HELD for m in item.meetings),
        "agreements": sum(bool(m.agreement) for m in item.meetings),
    }
    ordered = sorted(rows.items(), key=lambda kv: (kv[0].position, kv[0].slug))
    return {"totals": totals, "by_industry": ordered}


def participant_rows(actor: User | None, item: Campaign) -> list[list]:
    """One row per registered organisation, named, with its meetings' fate (officials only)."""
    require(is_official(actor), _("Only officials may export the named participants."))
    rows = []
    for reg in item.registrations:
        mine = [m for m in item.meetings if reg.id in (m.enterprise_id, m.provider_id)]
        offers = reg.needs if reg.kind == OrgKind.ENTERPRISE else reg.solutions
        rows.append([reg.organization.name, reg.kind.value, reg.organization.region,
                     "; ".join(o.title for o in offers), reg.max_meetings, len(mine),
                     sum(_accepted(m) for m in mine), sum(m.outcome == MeetingOutcome.HELD for m in mine),
                     sum(bool(m.agreement) for m in mine)])
    return rows

""""Hundred Cities, Thousand Parks" campaigns: create and run them, register, schedule, respond, record outcomes."""
import logging
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _

from app.errors import Conflict, InvalidState, NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.models import (
    Campaign,
    CampaignMeeting,
    CampaignRegistration,
    CampaignStatus,
    MeetingOutcome,
    MeetingResponse,
    Need,
    NeedStatus,
    Organization,
    OrgKind,
    Solution,
    User,
)
from app.services.campaign_schedule import Booking, Candidate, plan_meetings, priority_weight
from app.services.common import assign, audit, commit, unique_slug
from app.services.notifications import notify_organization
from app.services.matching import match_need_results
from app.services.permissions import belongs_to, is_official, require

log = logging.getLogger(__name__)

CAMPAIGN_FIELDS = ("title", "city", "park", "event_date", "venue", "description", "start_time", "slot_minutes",
                   "slot_count", "table_count", "industries")
EDITABLE = (CampaignStatus.DRAFT, CampaignStatus.REGISTRATION_OPEN)
SCHEDULABLE = (CampaignStatus.REGISTRATION_OPEN, CampaignStatus.SCHEDULE_PROPOSED, CampaignStatus.SCHEDULE_PUBLISHED)
# The moves an official makes by hand; registration → schedule proposed happens by scheduling.
TRANSITIONS = {
    CampaignStatus.DRAFT: CampaignStatus.REGISTRATION_OPEN,
    CampaignStatus.SCHEDULE_PROPOSED: CampaignStatus.SCHEDULE_PUBLISHED,
    CampaignStatus.SCHEDULE_PUBLISHED: CampaignStatus.HELD,
    CampaignStatus.HELD: CampaignStatus.CLOSED,
}
MATCHES_PER_NEED = 10  # a need's matches, as its own page lists them, among the registered solutions
MATCHABLE_NEEDS = (NeedStatus.OPEN, NeedStatus.MATCHED)


# ---- campaigns ------------------------------------------------------------------------------------
def check_can_run(actor: User | None) -> None:
    """Refuse anyone but officials (who create and run campaigns)."""
    require(is_official(actor), _("Only officials run campaigns."))


def _check_grid(data: dict) -> None:
    """Refuse a slot grid that runs past midnight."""
    start = datetime.combine(date.min, data["start_time"])
    if start + timedelta(minutes=data["slot_minutes"] * data["slot_count"]) > datetime.combine(date.min, time()) \
            + timedelta(days=1):
        raise ValidationFailed(_("The time slots must end by midnight."), field="slot_count")


def create_campaign(actor: User, **data) -> Campaign:
    """Create a campaign as a draft (officials only)."""
    check_can_run(actor)
    _check_grid(data)
    campaign = Campaign(slug=unique_slug(Campaign, f"{data['city']} {data['title']}"), created_by_id=actor.id)
    db.session.add(campaign)
    changes = assign(campaign, {k: data.get(k) for k in CAMPAIGN_FIELDS})
    db.session.flush()
    audit(actor, "create", "campaign", campaign.id, changes)
    commit()
    return campaign


def update_campaign(actor: User, campaign: Campaign, **data) -> Campaign:
    """Edit a campaign while it is a draft or open for registration."""
    check_can_run(actor)
    if campaign.status not in EDITABLE:
        raise InvalidState(_("The campaign can no longer be edited: its schedule has been proposed."))
    _check_grid({**{k: getattr(campaign, k) for k in ("start_time", "slot_minutes", "slot_count")}, **data})
    changes = assign(campaign, {k: v for k, v in data.items() if k in CAMPAIGN_FIELDS})
    if changes:
        audit(actor, "update", "campaign", campaign.id, changes)
    commit()
    return campaign


def advance_campaign(actor: User, campaign: Campaign, status: CampaignStatus) -> Campaign:
    """Move a campaign on: open registration, publish the schedule, mark it held, close it."""
    check_can_run(actor)
    if TRANSITIONS.get(campaign.status) != status:
        raise InvalidState(_("A campaign in state %(old)s cannot become %(new)s.",
                             old=campaign.status.value, new=status.value))
    audit(actor, "status", "campaign", campaign.id, {"status": [campaign.status.value, status.value]})
    campaign.status = status
    if status == CampaignStatus.SCHEDULE_PUBLISHED:
        _tell_schedule_published(campaign)
    commit()
    return campaign


def _campaign_url(campaign: Campaign) -> str:
    return f"/campaigns/{campaign.slug}"


def _tell_schedule_published(campaign: Campaign) -> None:
    """Every registrant hears that the schedule is out: those with meetings are asked to answer them, the
    others learn that no meeting was found for them (so they are not left waiting)."""
    scheduled = {m.enterprise_id for m in campaign.meetings} | {m.provider_id for m in campaign.meetings}
    for reg in campaign.registrations:
        if reg.id in scheduled:
            message = _("The meeting schedule of %(title)s is published: please accept or decline your meetings.",
                        title=campaign.title)
        else:
            message = _("The meeting schedule of %(title)s is published. No meeting could be arranged for you "
                        "this time: no registrant on the other side fitted your needs or solutions well enough.",
                        title=campaign.title)
        notify_organization(reg.organization_id, message, _campaign_url(campaign))


# ---- registration ---------------------------------------------------------------------------------
def _member_org(actor: User) -> Organization:
    org = actor.organization if actor is not None and actor.is_authenticated else None
    require(org is not None and belongs_to(actor, org.id),
            _("Only members of an enterprise or a provider can register it for a campaign."))
    return org


def _offers(org: Organization, campaign: Campaign, needs: list[Need], solutions: list[Solution]) -> None:
    """Check that an enterprise brings open needs, a provider solutions, its own and in the campaign's industries."""
    industries = {i.id for i in campaign.industries}
    if org.kind == OrgKind.ENTERPRISE:
        if not needs or any(n.organization_id != org.id or n.is_deleted or n.status not in MATCHABLE_NEEDS
                            for n in needs):
            raise ValidationFailed(_("Choose one or more of your open needs."), field="needs")
        if industries and any(n.industry_id not in industries for n in needs):
            raise ValidationFailed(_("Each need must be in one of the campaign's industries."), field="needs")
    else:
        if not solutions or any(s.provider_id != org.id or s.is_deleted for s in solutions):
            raise ValidationFailed(_("Choose one or more of your solutions."), field="solutions")
        if industries and any(not {i.id for i in s.industries} & industries for s in solutions):
            raise ValidationFailed(_("Each solution must serve one of the campaign's industries."), field="solutions")


def _fill(reg: CampaignRegistration, *, needs, solutions, max_meetings: int, priorities) -> dict:
    """Set what a registration brings, after checking it; return the audit changes."""
    if reg.campaign.status != CampaignStatus.REGISTRATION_OPEN:
        raise InvalidState(_("Registration for this campaign is not open."))
    if not 1 <= max_meetings <= reg.campaign.slot_count:
        raise ValidationFailed(_("Ask for between 1 and %(n)d meetings.", n=reg.campaign.slot_count),
                               field="max_meetings")
    org = reg.organization
    _offers(org, reg.campaign, list(needs), list(solutions))
    if any(p.kind != OrgKind.PROVIDER or p.is_deleted for p in priorities) or org.kind != OrgKind.ENTERPRISE \
            and priorities:
        raise ValidationFailed(_("Only enterprises rank providers, and only providers can be ranked."),
                               field="priorities")
    reg.max_meetings = max_meetings
    reg.needs, reg.solutions = (list(needs), []) if org.kind == OrgKind.ENTERPRISE else ([], list(solutions))
    reg.priorities = list(dict.fromkeys(p.id for p in priorities))
    return {"max_meetings": max_meetings, "needs": [n.id for n in reg.needs],
            "solutions": [s.id for s in reg.solutions], "priorities": reg.priorities}


def register_for_campaign(actor: User, campaign: Campaign, *, needs=(), solutions=(), max_meetings: int,
                          priorities=()) -> CampaignRegistration:
    """Register the acting user's organisation for a campaign (once), with its needs or solutions."""
    org = _member_org(actor)
    if registration_of(org, campaign) is not None:
        raise Conflict(_("%(name)s is already registered for this campaign.", name=org.name))
    reg = CampaignRegistration(campaign=campaign, organization=org, kind=org.kind, registered_by_id=actor.id)
    with db.session.no_autoflush:
        changes = _fill(reg, needs=needs, solutions=solutions, max_meetings=max_meetings, priorities=priorities)
    db.session.add(reg)
    db.session.flush()
    audit(actor, "register", "campaign", campaign.id, {"registration": reg.id, "organization": org.id, **changes})
    commit()
    return reg


def update_registration(actor: User, reg: CampaignRegistration, *, needs=(), solutions=(), max_meetings: int,
                        priorities=()) -> CampaignRegistration:
    """Change what a registered organisation brings while registration is open (its members only)."""
    require(belongs_to(actor, reg.organization_id))
    changes = _fill(reg, needs=needs, solutions=solutions, max_meetings=max_meetings, priorities=priorities)
    audit(actor, "update_registration", "campaign", reg.campaign_id, {"registration": reg.id, **changes})
    commit()
    return reg


def withdraw_registration(actor: User, reg: CampaignRegistration) -> None:
    """Take a registration back while registration is open (its members only); later, meetings are declined
    one by one instead."""
    require(belongs_to(actor, reg.organization_id))
    if reg.campaign.status != CampaignStatus.REGISTRATION_OPEN:
        raise InvalidState(_("Registration has closed: decline your meetings instead."))
    audit(actor, "withdraw_registration", "campaign", reg.campaign_id,
          {"registration": reg.id, "organization": reg.organization_id})
    reg.campaign.registrations.remove(reg)
    db.session.delete(reg)
    commit()


def registration_of(org: Organization | None, campaign: Campaign) -> CampaignRegistration | None:
    """Return an organisation's registration for a campaign, if any."""
    return next((r for r in campaign.registrations if org is not None and r.organization_id == org.id), None)


# ---- scheduling -----------------------------------------------------------------------------------
def match_candidates(campaign: Campaign) -> list[Candidate]:
    """Match every registered need against the registered solutions, weighted by the enterprise's priorities."""
    by_solution = {s.id: reg for reg in campaign.registrations if reg.kind == OrgKind.PROVIDER
                   for s in reg.solutions if not s.is_deleted}
    if not by_solution:
        return []
    filters = {"id": sorted(by_solution)}
    candidates = []
    for reg in (r for r in campaign.registrations if r.kind == OrgKind.ENTERPRISE):
        for need in (n for n in reg.needs if not n.is_deleted and n.status in MATCHABLE_NEEDS):
            for result in match_need_results(need, limit=MATCHES_PER_NEED, filters=filters):
                provider = by_solution.get(result.id)
                if provider is not None:
                    candidates.append(Candidate(
                        enterprise=reg.id, provider=provider.id, need_id=need.id, solution_id=result.id,
                        score=result.score, weight=priority_weight(reg.priorities, provider.organization_id),
                        reasons=tuple(result.reason_lines())))
    return candidates


def schedule_meetings(actor: User, campaign: Campaign) -> list[CampaignMeeting]:
    """Propose 1:1 meetings for the free places; kept meetings stay, declined pairs are not proposed again."""
    check_can_run(actor)
    if campaign.status not in SCHEDULABLE:
        raise InvalidState(_("Meetings are scheduled after registration opens and before the event."))
    kept = [m for m in campaign.meetings if not m.declined]
    declined = {(m.enterprise_id, m.provider_id) for m in campaign.meetings if m.declined}
    try:
        candidates = [c for c in match_candidates(campaign) if (c.enterprise, c.provider) not in declined]
    except Exception as error:  # the search index is down: refuse cleanly, change nothing
        log.warning("campaign matching unavailable", exc_info=True)
        raise InvalidState(_("Matching is unavailable right now; please try again later.")) from error
    plan = plan_meetings(candidates, campaign.slot_count, campaign.table_count,
                         {r.id: r.max_meetings for r in campaign.registrations},
                         [Booking(m.enterprise_id, m.provider_id, m.slot, m.table_no) for m in kept])
    meetings = [CampaignMeeting(campaign=campaign, enterprise_id=b.enterprise, provider_id=b.provider,
                                need_id=c.need_id, solution_id=c.solution_id, slot=b.slot, table_no=b.table,
                                score=c.score, weighted_score=round(c.weighted, 4), reasons=list(c.reasons))
                for c, b in plan]
    db.session.add_all(meetings)
    if campaign.status == CampaignStatus.REGISTRATION_OPEN:
        campaign.status = CampaignStatus.SCHEDULE_PROPOSED
    db.session.flush()
    audit(actor, "schedule", "campaign", campaign.id, {"proposed": [m.id for m in meetings], "kept": len(kept)})
    if campaign.status == CampaignStatus.SCHEDULE_PUBLISHED:
        for meeting in meetings:
            _tell_both(meeting, _("A new meeting is proposed for you at %(title)s (%(when)s, table %(table)d).",
                                  title=campaign.title, when=campaign.slot_start(meeting.slot).strftime("%H:%M"),
                                  table=meeting.table_no))
    commit()
    return meetings


def _tell_both(meeting: CampaignMeeting, message: str) -> None:
    db.session.refresh(meeting, ["enterprise", "provider"])
    for reg in (meeting.enterprise, meeting.provider):
        notify_organization(reg.organization_id, message, _campaign_url(meeting.campaign))


# ---- meetings -------------------------------------------------------------------------------------
def meeting_in(campaign: Campaign, meeting_id: int) -> CampaignMeeting:
    """Return one meeting of a campaign."""
    meeting = db.session.get(CampaignMeeting, meeting_id)
    if meeting is None or meeting.campaign_id != campaign.id:
        raise NotFound(_("This meeting does not exist."))
    return meeting


def respond_to_meeting(actor: User, meeting: CampaignMeeting, accept: bool) -> CampaignMeeting:
    """Accept or decline a proposed meeting for the acting user's side; a decline tells the other side."""
    sides = {"enterprise": meeting.enterprise, "provider": meeting.provider}
    side = next((name for name, reg in sides.items() if belongs_to(actor, reg.organization_id)), None)
    if side is None:
        raise PermissionDenied(_("Only the two participants answer a meeting."))
    if meeting.campaign.status != CampaignStatus.SCHEDULE_PUBLISHED:
        raise InvalidState(_("Meetings are answered once the schedule is published and before the event."))
    if meeting.declined:
        raise InvalidState(_("This meeting was declined; its place may have been given to others."))
    answer = MeetingResponse.ACCEPTED if accept else MeetingResponse.DECLINED
    setattr(meeting, f"{side}_response", answer)
    audit(actor, "meeting_response", "campaign", meeting.campaign_id,
          {"meeting": meeting.id, "side": side, "response": answer.value})
    if not accept:
        other = sides["provider" if side == "enterprise" else "enterprise"]
        notify_organization(other.organization_id, _(
            "%(name)s declined your meeting at %(title)s (%(when)s, table %(table)d).",
            name=sides[side].organization.name, title=meeting.campaign.title,
            when=meeting.campaign.slot_start(meeting.slot).strftime("%H:%M"), table=meeting.table_no),
            _campaign_url(meeting.campaign))
    commit()
    return meeting


def record_meeting_outcome(actor: User, meeting: CampaignMeeting, *, outcome: MeetingOutcome,
                           agreement: bool = False, note: str = "") -> CampaignMeeting:
    """Record whether a meeting was held and whether it reached an agreement (officials, after the event)."""
    require(is_official(actor), _("Only officials record meeting outcomes."))
    if meeting.campaign.status != CampaignStatus.HELD:
        raise InvalidState(_("Outcomes are recorded after the event, before the campaign is closed."))
    if meeting.declined:
        raise InvalidState(_("A declined meeting has no outcome."))
    if outcome == MeetingOutcome.NO_SHOW and agreement:
        raise ValidationFailed(_("A meeting nobody came to cannot reach an agreement."), field="agreement")
    meeting.outcome, meeting.agreement, meeting.outcome_note = outcome, agreement, note.strip()
    audit(actor, "meeting_outcome", "campaign", meeting.campaign_id,
          {"meeting": meeting.id, "outcome": outcome.value, "agreement": agreement, "note": meeting.outcome_note})
    commit()
    return meeting

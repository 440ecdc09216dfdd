"""Who may change what. Services enforce these; templates may ask them to hide buttons."""
from flask_babel import gettext as _

from app.errors import PermissionDenied
from app.models import (
    CaseStudy,
    Match,
    Need,
    OpenScenario,
    Organization,
    OrgKind,
    PilotVisibility,
    Product,
    Programme,
    Proposal,
    Solution,
    User,
    UserRole,
)

ENTERPRISE_SIDE, PROVIDER_SIDE = "enterprise", "provider"


def is_official(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.role in (UserRole.OFFICIAL, UserRole.ADMIN)


def is_admin(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.role == UserRole.ADMIN


def belongs_to(user: User | None, organization_id: int | None) -> bool:
    """Whether the user is a member of that (not deleted) organisation."""
    return (
        user is not None and user.is_authenticated and organization_id is not None
        and user.organization_id == organization_id and not user.organization.is_deleted
    )


def can_edit_need(user: User | None, need: Need) -> bool:
    return belongs_to(user, need.organization_id) or is_official(user)


def can_view_need(user: User | None, need: Need) -> bool:
    """Drafts are private to the posting enterprise and officials; a confidential need (a non-public pilot's
    selection) also to the providers matched with it; everything else is public."""
    if can_edit_need(user, need):
        return True
    if need.confidential:
        return any(belongs_to(user, m.solution.provider_id) for m in need.matches)
    return need.status != "draft"


def can_edit_offer(user: User | None, record: Solution | Product | CaseStudy | Organization) -> bool:
    """Provider-owned records: members of the provider, or officials."""
    owner = record.id if isinstance(record, Organization) else record.provider_id
    return belongs_to(user, owner) or is_official(user)


def can_edit_case(user: User | None, case: CaseStudy) -> bool:
    """Only the owning provider's members write a case study; officials review it instead."""
    return belongs_to(user, case.provider_id)


def can_view_case(user: User | None, case: CaseStudy) -> bool:
    """Cases never published are visible to their provider and officials only."""
    return case.is_public or can_edit_offer(user, case)


def match_sides(user: User | None, match: Match) -> set[str]:
    """The sides of a match the user acts for: the need's enterprise, the solution's provider (or neither)."""
    sides = set()
    if belongs_to(user, match.need.organization_id):
        sides.add(ENTERPRISE_SIDE)
    if belongs_to(user, match.solution.provider_id):
        sides.add(PROVIDER_SIDE)
    return sides


def can_view_match(user: User | None, match: Match) -> bool:
    """A match's follow-up (state, history) is for its two sides and officials."""
    return bool(match_sides(user, match)) or is_official(user)


def can_start_programme(user: User | None) -> bool:
    """Officials start programmes for any enterprise; enterprise members for their own."""
    return is_official(user) or (user is not None and user.is_authenticated and user.organization is not None
                                 and user.organization.kind == OrgKind.ENTERPRISE)


def can_manage_programme(user: User | None, programme: Programme) -> bool:
    """Officials and members of the leading enterprise manage a programme."""
    return belongs_to(user, programme.lead_id) or is_official(user)


def takes_part(organization_id: int | None, programme: Programme) -> bool:
    """Whether the organisation leads the programme or is one of its members."""
    return organization_id is not None and (
        organization_id == programme.lead_id or any(m.organization_id == organization_id for m in programme.members))


def in_programme(user: User | None, programme: Programme) -> bool:
    """Whether the user's (live) organisation takes part in the programme."""
    return belongs_to(user, getattr(user, "organization_id", None)) and takes_part(user.organization_id, programme)


def is_partner(user: User | None, programme: Programme) -> bool:
    """Whether the user's (live) organisation is a solution partner (provider) of the programme."""
    return belongs_to(user, getattr(user, "organization_id", None)) and any(
        p.organization_id == user.organization_id for p in programme.partners)


def can_view_programme(user: User | None, programme: Programme) -> bool:
    """The programme's enterprises, its solution partners and officials see the programme."""
    return in_programme(user, programme) or is_partner(user, programme) or is_official(user)


def owns_open_scenario(user: User | None, scenario: OpenScenario) -> bool:
    """Members of the enterprise that opened the scenario run it (score, shortlist, select)."""
    return belongs_to(user, scenario.organization_id)


def can_view_open_scenario(user: User | None, scenario: OpenScenario) -> bool:
    """Public scenarios are for everyone. Others are for the owner, officials and the providers that proposed,
    and: invitation-only ones for the invited providers; programme-only ones for the programme's enterprises
    (lead and members) and its solution partners."""
    if scenario.visibility == PilotVisibility.PUBLIC or owns_open_scenario(user, scenario) or is_official(user):
        return True
    if scenario.visibility == PilotVisibility.PROGRAMME:
        programme = scenario.programme
        allowed = programme is not None and (in_programme(user, programme) or is_partner(user, programme))
    else:
        allowed = any(belongs_to(user, org.id) for org in scenario.invitees)
    # A provider that proposed keeps reading its proposal (e.g. after leaving the programme).
    return allowed or any(belongs_to(user, p.provider_id) for p in scenario.proposals)


def can_view_proposal(user: User | None, proposal: Proposal) -> bool:
    """Proposals are private to the submitting provider and the scenario owner, officials included out."""
    return belongs_to(user, proposal.provider_id) or owns_open_scenario(user, proposal.open_scenario)


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("You are not allowed to do this."))


def require_org_member(user: User, kind: OrgKind) -> Organization:
    """Return the user's organisation of the given kind, or refuse."""
    org = user.organization
    require(org is not None and org.kind == kind and not org.is_deleted,
            _("Only members of an enterprise can do this.") if kind == OrgKind.ENTERPRISE
            else _("Only members of a provider can do this."))
    return org


def can_view_campaign(user: User | None, campaign) -> bool:
    """Campaigns are public once registration opens; drafts only to officials."""
    return campaign.status != "draft" or is_official(user)

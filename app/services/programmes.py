"""Chain-Net Synergy programmes: a leading enterprise, the SMEs of its supply chain, and their needs.

Officials and the leading enterprise's members manage a programme; its members (and the lead) see it
and post needs into it; its solution partners (providers) propose for its programme-only pilot scenarios.
Batch matching reuses the matcher (refresh_matches); the consortium view finds providers, and a small
set of providers, that cover many members' needs at once.
"""
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.models import (
    Match,
    MatchState,
    Need,
    NeedStatus,
    Organization,
    OrgKind,
    Programme,
    ProgrammeMember,
    ProgrammePartner,
    User,
)
from app.models.programmes import TIERS
from app.services.common import audit, commit, get_or_404, industries_by_slug, unique_slug
from app.services.lifecycle import CONTACTED_STATES
from app.services.matching import MATCHES_SHOWN, refresh_matches
from app.services.notifications import notify_organization
from app.services.permissions import (
    can_manage_programme,
    can_view_programme,
    in_programme,
    is_official,
    require,
    require_org_member,
    takes_part,
)

LIVE_NEED = (NeedStatus.OPEN, NeedStatus.MATCHED)


def score_floor() -> float:
    """The score a match must reach to count as covering a need (MATCH_SCORE_FLOOR)."""
    return current_app.config["MATCH_SCORE_FLOOR"]


# ---- managing a programme ---------------------------------------------------------------------

def create_programme(actor: User, *, name: str, industry: str, description: str = "",
                     lead: str | None = None) -> Programme:
    """Create a programme: officials name the leading enterprise (slug), an enterprise member leads with their own."""
    if is_official(actor):
        if not lead:
            raise ValidationFailed(_("Choose the leading enterprise."), field="lead")
        lead_org = _enterprise(lead, field="lead")
    else:
        lead_org = require_org_member(actor, OrgKind.ENTERPRISE)
        require(lead in (None, lead_org.slug), _("Only officials can start a programme for another enterprise."))
    if not name.strip():
        raise ValidationFailed(_("Give the programme a name."), field="name")
    programme = Programme(name=name.strip(), description=description, lead=lead_org,
                          industry=industries_by_slug([industry], field="industry")[0],
                          slug=unique_slug(Programme, name))
    db.session.add(programme)
    db.session.flush()
    audit(actor, "create", "programme", programme.id, {"name": programme.name, "lead": lead_org.slug,
                                                       "industry": industry})
    commit()
    return programme


def _programme_url(programme: Programme) -> str:
    return f"/programmes/{programme.slug}"


def add_member(actor: User, programme: Programme, organization: str, tier: int) -> ProgrammeMember:
    """Add an enterprise (slug) of the supply chain at tier 1, 2 or 3."""
    require(can_manage_programme(actor, programme))
    organization = _enterprise(organization)
    if organization.id == programme.lead_id:
        raise ValidationFailed(_("The leading enterprise takes part already."), field="organization")
    if tier not in TIERS:
        raise ValidationFailed(_("The tier must be 1, 2 or 3."), field="tier")
    if any(m.organization_id == organization.id for m in programme.members):
        raise Conflict(_("%(name)s is a member already.", name=organization.name), field="organization")
    member = ProgrammeMember(organization=organization, tier=tier)
    programme.members.append(member)
    audit(actor, "add_member", "programme", programme.id, {"organization": organization.slug, "tier": tier})
    notify_organization(organization.id, _("%(org)s is now a tier-%(tier)d member of the programme “%(programme)s”: "
                                            "post your needs in it to be matched with the chain.",
                                            org=organization.name, tier=tier, programme=programme.name),
                        _programme_url(programme))
    commit()
    return member


def remove_member(actor: User, programme: Programme, organization: str) -> None:
    """Remove a member (slug); its needs leave the programme (they stay posted)."""
    require(can_manage_programme(actor, programme))
    member = next((m for m in programme.members if m.organization.slug == organization), None)
    if member is None:
        raise NotFound(_("This page does not exist."))
    organization = member.organization
    programme.members.remove(member)
    db.session.execute(sa.update(Need).where(Need.programme_id == programme.id,
                                             Need.organization_id == organization.id).values(programme_id=None))
    audit(actor, "remove_member", "programme", programme.id, {"organization": organization.slug})
    commit()


def add_partner(actor: User, programme: Programme, provider: str) -> ProgrammePartner:
    """Add a provider organisation (slug) as a solution partner: it proposes for the programme's pilot scenarios."""
    require(can_manage_programme(actor, programme))
    organization = _organization(provider, OrgKind.PROVIDER, field="provider")
    if any(p.organization_id == organization.id for p in programme.partners):
        raise Conflict(_("%(name)s is a solution partner already.", name=organization.name), field="provider")
    partner = ProgrammePartner(organization=organization)
    programme.partners.append(partner)
    audit(actor, "add_partner", "programme", programme.id, {"organization": organization.slug})
    notify_organization(organization.id, _("%(org)s is now a solution partner of the programme “%(programme)s”: "
                                            "you may propose for its programme-only pilot scenarios.",
                                            org=organization.name, programme=programme.name),
                        _programme_url(programme))
    commit()
    return partner


def remove_partner(actor: User, programme: Programme, provider: str) -> None:
    """Remove a solution partner (slug); proposals it already made stay with their scenarios."""
    require(can_manage_programme(actor, programme))
    partner = next((p for p in programme.partners if p.organization.slug == provider), None)
    if partner is None:
        raise NotFound(_("This page does not exist."))
    programme.partners.remove(partner)
    audit(actor, "remove_partner", "programme", programme.id, {"organization": provider})
    commit()


def programme_for_need(organization_id: int, slug: str | None, current: Programme | None) -> Programme | None:
    """Resolve the programme a need is posted into; the need's enterprise must take part (an unchanged one stays)."""
    if not slug:
        return None
    if current is not None and current.slug == slug:
        return current
    return taken_part_in(organization_id, slug, _("A need can go only into a programme its enterprise takes part in."))


def taken_part_in(organization_id: int, slug: str, refusal: str) -> Programme:
    """The programme (slug) if the organisation leads it or belongs to it; otherwise the refusal, on the
    `programme` field."""
    programme = db.session.scalar(sa.select(Programme).where(Programme.slug == slug))
    if programme is None or not takes_part(organization_id, programme):
        raise ValidationFailed(refusal, field="programme")
    return programme


# ---- reading -------------------------------------------------------------------------------------

def visible_programmes(actor: User) -> list[Programme]:
    """Every programme for officials; for others the ones their organisation leads, belongs to or is a solution
    partner of."""
    query = sa.select(Programme).order_by(Programme.name)
    if not is_official(actor):
        org_id = actor.organization_id or -1
        query = query.where(sa.or_(Programme.lead_id == org_id,
                                   Programme.members.any(ProgrammeMember.organization_id == org_id),
                                   Programme.partners.any(ProgrammePartner.organization_id == org_id)))
    return db.session.scalars(query).all()


def postable_programmes(actor: User) -> list[Programme]:
    """The programmes the actor may post needs into (their organisation leads or belongs to them)."""
    return [p for p in visible_programmes(actor) if in_programme(actor, p)]


def get_programme(actor: User | None, slug: str) -> Programme:
    """Return a programme the actor may see; others get NotFound."""
    programme = get_or_404(Programme, slug, by="slug")
    if not can_view_programme(actor, programme):
        raise NotFound(_("This page does not exist."))
    return programme


def _enterprise(slug: str, field: str = "organization") -> Organization:
    """An enterprise named by slug (a refusal names the form field)."""
    return _organization(slug, OrgKind.ENTERPRISE, field)


def _organization(slug: str, kind: OrgKind, field: str) -> Organization:
    """A live organisation of that kind named by slug (a refusal names the form field)."""
    org = db.session.scalar(sa.select(Organization).where(Organization.slug == slug, Organization.deleted_at.is_(None)))
    if org is None or org.kind != kind:
        raise ValidationFailed(_("Choose an enterprise.") if kind == OrgKind.ENTERPRISE else _("Choose a provider."),
                               field=field)
    return org


def live_needs(programme: Programme) -> list[Need]:
    """The programme's open (or matched) needs, oldest first; not the confidential ones (a pilot scenario's
    selection), which only their progress counts."""
    return db.session.scalars(sa.select(Need).where(Need.programme_id == programme.id, Need.deleted_at.is_(None),
                                                    Need.confidential.is_(False), Need.status.in_(LIVE_NEED))
                              .order_by(Need.id)).all()


# ---- batch matching and the consortium view ------------------------------------------------------

def match_programme(actor: User, programme: Programme) -> int:
    """Recompute the stored matches of every open need of the programme; returns how many needs were matched."""
    require(can_manage_programme(actor, programme))
    needs = live_needs(programme)
    for need in needs:
        refresh_matches(need)
    audit(actor, "match", "programme", programme.id, {"needs": len(needs)})
    commit()
    return len(needs)


def greedy_cover(coverage: Mapping[Hashable, set]) -> list[tuple[Hashable, set]]:
    """A small set of keys whose sets together cover as much as possible (greedy set cover).

    Picks, again and again, the key that covers most of what is still uncovered; ties go to the key
    covering more in all, then to the order of `coverage`. Returns (key, newly covered) in pick order.
    """
    uncovered = set().union(*coverage.values()) if coverage else set()
    order = {key: n for n, key in enumerate(coverage)}
    picks = []
    while uncovered:
        key = max(coverage, key=lambda k: (len(coverage[k] & uncovered), len(coverage[k]), -order[k]))
        gain = coverage[key] & uncovered
        if not gain:
            break
        picks.append((key, gain))
        uncovered -= gain
    return picks


@dataclass
class ProviderCover:
    provider: Organization
    needs: list[Need]  # the needs this provider covers (in the cover: the ones it newly covers)
    solutions: dict[int, str] = field(default_factory=dict)  # need id -> title of its best covering solution


@dataclass
class Consortium:
    ranking: list[ProviderCover]  # every provider covering a need, most needs first
    cover: list[ProviderCover]  # the greedy set cover, in pick order
    uncovered: list[Need]  # needs no provider covers
    floor: float

    def chart_rows(self, limit: int = 15) -> list[tuple[str, int]]:
        """(provider, needs covered) of the best-covering providers, for bar_chart."""
        return [(item.provider.name, len(item.needs)) for item in self.ranking[:limit]]


def covering_matches(needs: list[Need], floor: float) -> list[Match]:
    """Stored matches within each need's top ten that reach the floor, on live solutions."""
    if not needs:
        return []
    return [m for m in db.session.scalars(sa.select(Match).where(
        Match.need_id.in_([n.id for n in needs]), Match.rank <= MATCHES_SHOWN, Match.score >= floor)
        .order_by(Match.need_id, Match.rank)) if not m.solution.is_deleted]


def consortium(actor: User, programme: Programme) -> Consortium:
    """Providers ranked by how many members' needs they cover, and a greedy cover of all the needs."""
    require(can_view_programme(actor, programme))
    needs = live_needs(programme)
    floor = score_floor()
    by_id = {n.id: n for n in needs}
    covered: dict[int, set[int]] = {}
    solutions: dict[int, dict[int, str]] = {}
    providers: dict[int, Organization] = {}
    for match in covering_matches(needs, floor):
        provider = match.solution.provider
        providers[provider.id] = provider
        covered.setdefault(provider.id, set()).add(match.need_id)
        solutions.setdefault(provider.id, {}).setdefault(match.need_id, match.solution.title)  # best rank first
    ordered = sorted(covered, key=lambda pid: (-len(covered[pid]), providers[pid].name))
    coverage = {pid: covered[pid] for pid in ordered}

    def entry(pid: int, need_ids: set[int]) -> ProviderCover:
        return ProviderCover(providers[pid], [by_id[i] for i in sorted(need_ids)], solutions[pid])

    all_covered = set().union(*coverage.values()) if coverage else set()
    return Consortium(ranking=[entry(pid, ids) for pid, ids in coverage.items()],
                      cover=[entry(pid, gain) for pid, gain in greedy_cover(coverage)],
                      uncovered=[n for n in needs if n.id not in all_covered], floor=floor)


# ---- progress per member -------------------------------------------------------------------------

PROGRESS_STEPS = ("posted", "matched", "contacted", "agreed", "delivered")


@dataclass
class MemberProgress:
    organization: Organization
    tier: int | None  # None for the leading enterprise
    counts: dict[str, int]


def progress(actor: User, programme: Programme) -> list[MemberProgress]:
    """Per member (and the lead): needs posted in the programme, and how many were matched, contacted, agreed,
    delivered (a need counts once it has a match at or past that step)."""
    require(can_view_programme(actor, programme))
    needs = db.session.scalars(sa.select(Need).where(Need.programme_id == programme.id,
                                                     Need.deleted_at.is_(None))).all()
    floor = score_floor()
    reached = {
        "matched": lambda m: m.score >= floor,
        "contacted": lambda m: m.state in CONTACTED_STATES,
        "agreed": lambda m: m.state in (MatchState.AGREED, MatchState.DELIVERED),
        "delivered": lambda m: m.state == MatchState.DELIVERED,
    }
    rows = [(programme.lead, None)] + [(m.organization, m.tier) for m in programme.members]
    out = []
    for org, tier in rows:
        own = [n for n in needs if n.organization_id == org.id]
        counts = {"posted": len(own)}
        counts.update({step: sum(1 for n in own if any(test(m) for m in n.matches)) for step, test in reached.items()})
        out.append(MemberProgress(org, tier, counts))
    return out

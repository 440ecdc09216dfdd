"""Open pilot scenarios: an enterprise opens one, providers propose, the owner compares, asks and selects.

The selected proposal is the outcome (`OpenScenario.selected_proposal_id`). Selecting it also records the
scenario as a need of the enterprise (`OpenScenario.need_id`, status matched) and the proposal's solution as
an agreed match of that need, so that the two sides follow it up in the match lifecycle (/matches).
"""
import logging
from datetime import date

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from app.errors import Conflict, InvalidState, NotFound, ValidationFailed
from app.extensions import db
from app.models import (
    AuditLog,
    CaseStudy,
    Match,
    OpenScenario,
    Organization,
    OrgKind,
    PilotVisibility,
    Programme,
    Proposal,
    ProposalMessage,
    ProposalState,
    Solution,
    User,
    utcnow,
)
from app.services import directory
from app.services.common import assign, audit, commit, get_or_404, unique_slug
from app.services.lifecycle import add_agreed_match
from app.services.matching import match_text_results
from app.services.needs import add_matched_need
from app.services.notifications import notify_organization
from app.services.permissions import (
    can_view_open_scenario,
    can_view_proposal,
    owns_open_scenario,
    require,
    require_org_member,
    takes_part,
)
from app.services.programmes import taken_part_in

log = logging.getLogger(__name__)
EDITABLE_FIELDS = ("title", "problem", "site", "data_access", "industry", "scenarios", "deadline")
SCENARIO_FIELDS = (*EDITABLE_FIELDS, "visibility")
PROPOSAL_FIELDS = ("approach", "team", "timeline", "price")
RECOMMENDED_PROVIDERS = 5
MAX_SCORE = 5


def _check_criteria(criteria: list[dict]) -> list[dict]:
    """Return the criteria cleaned; names unique and non-empty, whole-number weights summing to 100."""
    names = [str(c.get("name", "")).strip() for c in criteria]
    if not criteria or any(not n for n in names) or len(set(names)) != len(names):
        raise ValidationFailed(_("Name each criterion once."), field="criteria")
    weights = [c.get("weight") for c in criteria]
    if any(not isinstance(w, int) or w <= 0 for w in weights) or sum(weights) != 100:
        raise ValidationFailed(_("The weights must be positive whole numbers that add up to 100."), field="criteria")
    return [{"name": n, "weight": w} for n, w in zip(names, weights, strict=True)]


def provider_organisations() -> list[Organization]:
    """Return the live provider organisations, by name, for invitations."""
    return db.session.scalars(sa.select(Organization).where(
        Organization.kind == OrgKind.PROVIDER, Organization.deleted_at.is_(None)).order_by(Organization.name)).all()


def _providers_by_slug(slugs: list[str]) -> list[Organization]:
    found = {o.slug: o for o in db.session.scalars(sa.select(Organization).where(
        Organization.slug.in_(slugs), Organization.kind == OrgKind.PROVIDER, Organization.deleted_at.is_(None)))}
    missing = [s for s in slugs if s not in found]
    if missing:
        raise NotFound(_("Unknown provider: %(slugs)s", slugs=", ".join(missing)), field="invitees")
    return [found[s] for s in dict.fromkeys(slugs)]


def _member_of(actor: User | None, kind: OrgKind) -> Organization:
    require(actor is not None and actor.is_authenticated)
    return require_org_member(actor, kind)


def open_scenario(actor: User, *, criteria: list[dict], invitees: list[str] = (), programme: str | None = None,
                  **data) -> OpenScenario:
    """Open a pilot scenario for the acting user's enterprise and tell fitting (invited, partner) providers."""
    org = _member_of(actor, OrgKind.ENTERPRISE)
    if data.get("deadline") is None or data["deadline"] < date.today():
        raise ValidationFailed(_("The deadline must not be in the past."), field="deadline")
    visibility = data.get("visibility")
    if visibility == PilotVisibility.INVITED and not invitees:
        raise ValidationFailed(_("Invite at least one provider."), field="invitees")
    scenario = OpenScenario(
        organization=org, author_id=actor.id, slug=unique_slug(OpenScenario, data["title"]),
        criteria=_check_criteria(criteria),
        invitees=_providers_by_slug(list(invitees)) if visibility == PilotVisibility.INVITED else [],
        programme=_programme_taken_part_in(org, programme) if visibility == PilotVisibility.PROGRAMME else None)
    db.session.add(scenario)
    changes = assign(scenario, {k: data.get(k) for k in SCENARIO_FIELDS})
    db.session.flush()
    audit(actor, "open", "open_scenario", scenario.id, {
        **changes, "criteria": scenario.criteria, "invitees": [o.slug for o in scenario.invitees],
        **({"programme": scenario.programme.slug} if scenario.programme else {})})
    _announce(scenario)
    commit()
    return scenario


def _programme_taken_part_in(org: Organization, slug: str | None) -> Programme:
    """The programme (slug) of a programme-only scenario: one the opening enterprise leads or belongs to."""
    if not slug:
        raise ValidationFailed(_("Choose the programme whose members may see the scenario."), field="programme")
    return taken_part_in(org.id, slug, _("Choose a programme your enterprise takes part in."))


def _announce(scenario: OpenScenario) -> None:
    """Notify invited providers or the programme's solution partners, or for a public scenario the providers
    whose solutions fit it best (with the reason)."""
    url = _scenario_url(scenario)
    if scenario.visibility == PilotVisibility.INVITED:
        _invite(scenario, scenario.invitees)
        return
    if scenario.visibility == PilotVisibility.PROGRAMME:
        for partner in scenario.programme.partners:
            notify_organization(partner.organization_id, _(
                "As a solution partner of “%(programme)s” you may propose for its pilot scenario “%(title)s”.",
                programme=scenario.programme.name, title=scenario.title), url)
        return
    for provider_id, reason in recommended_providers(scenario):
        notify_organization(provider_id, _("A new pilot scenario fits your solutions: “%(title)s” — %(reason)s",
                                           title=scenario.title, reason=reason), url)


def _invite(scenario: OpenScenario, providers: list[Organization]) -> None:
    for org in providers:
        notify_organization(org.id, _("You are invited to propose for the pilot scenario “%(title)s”.",
                                      title=scenario.title), _scenario_url(scenario))


def update_open_scenario(actor: User, scenario: OpenScenario, *, criteria: list[dict], invitees: list[str] = (),
                         **data) -> OpenScenario:
    """Edit a scenario until a proposal is selected; the providers that proposed are told.

    The criteria stay as they are once a proposal has come in (it answers them, and scores are kept per
    criterion). Who may see it stays too, except that an invitation-only scenario may invite other providers
    (the new ones are told); a provider that proposed stays invited. A deadline that passed may be extended.
    """
    require(owns_open_scenario(actor, scenario))
    if scenario.is_decided:
        raise InvalidState(_("A proposal has already been selected for this scenario."))
    deadline = data.get("deadline")
    if deadline is None or (deadline != scenario.deadline and deadline < date.today()):
        raise ValidationFailed(_("The deadline must not be in the past."), field="deadline")
    changes = {}
    criteria = _check_criteria(criteria)
    if criteria != scenario.criteria:
        if scenario.proposals:
            raise ValidationFailed(_("The criteria cannot change once proposals have come in: they answer them."),
                                   field="criteria")
        scenario.criteria = changes["criteria"] = criteria
    if scenario.visibility == PilotVisibility.INVITED:
        proposed = {p.provider_id for p in scenario.proposals}
        wanted = _providers_by_slug(list(invitees)) + [o for o in scenario.invitees if o.id in proposed]
        if not wanted:
            raise ValidationFailed(_("Invite at least one provider."), field="invitees")
        before = {o.id for o in scenario.invitees}
        scenario.invitees = list({o.id: o for o in wanted}.values())
        if {o.id for o in scenario.invitees} != before:
            changes["invitees"] = [o.slug for o in scenario.invitees]
        _invite(scenario, [o for o in scenario.invitees if o.id not in before])
    changes.update(assign(scenario, {k: data.get(k) for k in EDITABLE_FIELDS}))
    if changes:
        audit(actor, "update", "open_scenario", scenario.id, changes)
        for proposal in scenario.proposals:
            notify_organization(proposal.provider_id, _(
                "“%(title)s”, which you proposed for, was changed by its owner: read it again.",
                title=scenario.title), _scenario_url(scenario))
    commit()
    return scenario


def recommended_providers(scenario: OpenScenario) -> list[tuple[int, str]]:
    """Return (provider id, one-line reason) for the providers of the best-fitting solutions.

    An index that is down gives no recommendations; it never blocks opening a scenario.
    """
    try:
        results = match_text_results(f"{scenario.title}. {scenario.problem}", scenario.industry.slug, limit=20)
    except Exception:
        log.warning("recommendations for open scenario %s unavailable", scenario.id, exc_info=True)
        return []
    picked: dict[int, str] = {}
    for result in results:
        if result.provider is not None and result.provider not in picked and len(picked) < RECOMMENDED_PROVIDERS:
            picked[result.provider] = (result.reason_lines() or [_("similar to your solution %(key)s",
                                                                    key=result.key)])[0]
    return list(picked.items())


def get_open_scenario(actor: User | None, slug: str) -> OpenScenario:
    """Return an open scenario the actor may see; invitation- and programme-only ones count as missing for others."""
    scenario = get_or_404(OpenScenario, slug, by="slug")
    if not can_view_open_scenario(actor, scenario):
        raise NotFound(_("This page does not exist."))
    return scenario


def editable_open_scenario(actor: User | None, slug: str) -> OpenScenario:
    """Return a scenario the actor may edit (its owner); others get 404 or 403 as for reading it."""
    scenario = get_open_scenario(actor, slug)
    require(owns_open_scenario(actor, scenario))
    return scenario


def list_open_scenarios(actor: User | None, programme: Programme | None = None) -> list[OpenScenario]:
    """Return the scenarios the actor may see (those opened in `programme` when given), those still taking
    proposals first, newest first."""
    query = sa.select(OpenScenario).order_by(OpenScenario.deadline.desc(), OpenScenario.id.desc())
    if programme is not None:
        query = query.where(OpenScenario.programme_id == programme.id)
    rows = db.session.scalars(query)
    visible = [s for s in rows if can_view_open_scenario(actor, s)]
    return sorted(visible, key=lambda s: not s.accepts_proposals)


def get_proposal(actor: User | None, scenario: OpenScenario, proposal_id: int) -> Proposal:
    """Return a proposal of the scenario that the actor may read (its provider or the owner); others get 404."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.open_scenario_id != scenario.id or not can_view_proposal(actor, proposal):
        raise NotFound(_("This page does not exist."))
    return proposal


def visible_proposals(actor: User | None, scenario: OpenScenario) -> list[Proposal]:
    """Return the proposals the actor may read: all of them for the owner, its own for a provider."""
    return [p for p in scenario.proposals if can_view_proposal(actor, p)]


def own_cases(actor: User) -> list[CaseStudy]:
    """Return the published case studies of the actor's provider, to cite as references."""
    return db.session.scalars(sa.select(CaseStudy).where(
        CaseStudy.provider_id == actor.organization_id, CaseStudy.review_state == "published",
        CaseStudy.deleted_at.is_(None)).order_by(CaseStudy.title)).all()


def own_solutions(actor: User) -> list[Solution]:
    """Return the live solutions of the actor's provider, one of which a proposal offers."""
    return directory.solutions_of(actor.organization)


def submit_proposal(actor: User, scenario: OpenScenario, *, solution: int | None = None, cases: list[int] = (),
                    **data) -> Proposal:
    """Submit the acting provider's one proposal to a scenario before its deadline, offering one of its solutions."""
    org = _member_of(actor, OrgKind.PROVIDER)
    require(can_view_open_scenario(actor, scenario))
    if not scenario.accepts_proposals:
        raise InvalidState(_("This scenario no longer takes proposals."))
    if any(p.provider_id == org.id for p in scenario.proposals):
        raise Conflict(_("Your organisation has already proposed for this scenario."))
    offered = next((s for s in own_solutions(actor) if s.id == solution), None)
    if offered is None:
        raise ValidationFailed(_("Choose the solution you offer from your organisation's solutions."),
                               field="solution")
    allowed = {c.id: c for c in own_cases(actor)}
    if any(c not in allowed for c in cases):
        raise ValidationFailed(_("Choose reference cases from your own published case studies."), field="cases")
    proposal = Proposal(open_scenario=scenario, provider=org, author_id=actor.id, solution=offered,
                        cases=[allowed[c] for c in dict.fromkeys(cases)], **{k: data[k] for k in PROPOSAL_FIELDS})
    db.session.add(proposal)
    db.session.flush()
    audit(actor, "propose", "open_scenario", scenario.id, {"proposal": proposal.id, "provider": org.slug,
                                                           "solution": offered.slug})
    notify_organization(scenario.organization_id, _("%(provider)s proposed for “%(title)s”.", provider=org.name,
                                                    title=scenario.title), _proposal_url(proposal))
    commit()
    return proposal


def _scenario_url(scenario: OpenScenario) -> str:
    return url_for("pilots.detail", slug=scenario.slug)


def _proposal_url(proposal: Proposal) -> str:
    return url_for("pilots.proposal", slug=proposal.open_scenario.slug, proposal_id=proposal.id)


def _require_owner_deciding(actor: User, proposal: Proposal) -> OpenScenario:
    scenario = proposal.open_scenario
    require(owns_open_scenario(actor, scenario))
    if scenario.is_decided:
        raise InvalidState(_("A proposal has already been selected for this scenario."))
    return scenario


def score_proposal(actor: User, proposal: Proposal, scores: dict[str, int]) -> Proposal:
    """Record the owner's 0–5 score of a proposal on each criterion."""
    scenario = _require_owner_deciding(actor, proposal)
    names = {c["name"] for c in scenario.criteria}
    if set(scores) != names or any(not isinstance(v, int) or not 0 <= v <= MAX_SCORE for v in scores.values()):
        raise ValidationFailed(_("Score every criterion from 0 to 5."))
    proposal.scores = dict(scores)
    audit(actor, "score", "open_scenario", scenario.id, {"proposal": proposal.id, "scores": proposal.scores})
    commit()
    return proposal


def shortlist_proposal(actor: User, proposal: Proposal) -> Proposal:
    """Put a submitted proposal on the owner's shortlist."""
    scenario = _require_owner_deciding(actor, proposal)
    if proposal.state != ProposalState.SUBMITTED:
        raise InvalidState(_("Only a submitted proposal can be shortlisted."))
    proposal.state = ProposalState.SHORTLISTED
    audit(actor, "shortlist", "open_scenario", scenario.id, {"proposal": proposal.id})
    notify_organization(proposal.provider_id, _("Your proposal for “%(title)s” is shortlisted.",
                                                title=scenario.title), _proposal_url(proposal))
    commit()
    return proposal


def select_proposal(actor: User, proposal: Proposal) -> Proposal:
    """Select a proposal as the outcome; every other one is declined and its provider told.

    Its solution becomes an agreed match of a new (matched) need of the enterprise; a proposal without a live
    solution (made before proposals named one, or its solution withdrawn since) is selected without one.
    """
    scenario = _require_owner_deciding(actor, proposal)
    now = utcnow()
    proposal.state, scenario.selected_proposal_id, scenario.selected_at = ProposalState.SELECTED, proposal.id, now
    live = proposal.solution is not None and not proposal.solution.is_deleted
    match = _agreed_match(actor, scenario, proposal) if live else None
    notify_organization(proposal.provider_id, _("Your proposal for “%(title)s” is selected.", title=scenario.title),
                        _proposal_url(proposal))
    for other in scenario.proposals:
        if other is not proposal:
            other.state = ProposalState.DECLINED
            notify_organization(other.provider_id, _("Your proposal for “%(title)s” was not selected.",
                                                     title=scenario.title), _proposal_url(other))
    audit(actor, "select", "open_scenario", scenario.id,
          {"proposal": proposal.id, "declined": [p.id for p in scenario.proposals if p is not proposal],
           "match": match.id if match else None})
    commit()
    return proposal


def _agreed_match(actor: User, scenario: OpenScenario, proposal: Proposal) -> Match:
    """Record the scenario as a matched need of the enterprise, and the proposal's solution as its agreed match.
    A programme-only scenario's need is the programme's (its progress counts it) while the enterprise still
    takes part in it."""
    parts = [scenario.problem, _("Site: %(site)s", site=scenario.site)]
    if scenario.data_access:
        parts.append(_("Data access offered: %(data)s", data=scenario.data_access))
    scenario.need = add_matched_need(
        actor, confidential=scenario.visibility != PilotVisibility.PUBLIC, title=scenario.title,
        description="\n\n".join(parts), industry=scenario.industry.slug,
        scenarios=[s.slug for s in scenario.scenarios if s.retired_at is None],
        programme=scenario.programme if scenario.programme and takes_part(scenario.organization_id,
                                                                           scenario.programme) else None)
    total = proposal.weighted_total(scenario.criteria)
    score = 1.0 if total is None else round(total / MAX_SCORE, 4)
    reason = {"kind": "pilot", "contribution": score, "args": {"title": scenario.title, "scenario": scenario.slug},
              "text": f"Selected from the proposals to the open pilot scenario “{scenario.title}”"}
    return add_agreed_match(actor, scenario.need, proposal.solution, score, [reason])


def post_message(actor: User, proposal: Proposal, body: str) -> ProposalMessage:
    """Ask (owner) or answer (provider) in a proposal's thread; the other side is notified in-app."""
    require(can_view_proposal(actor, proposal))
    scenario = proposal.open_scenario
    from_owner = owns_open_scenario(actor, scenario)
    if not body.strip():  # refused before a message exists: nothing joins the proposal's thread
        raise ValidationFailed(_("Write your question or answer."), field="body")
    message = ProposalMessage(proposal=proposal, author_id=actor.id, from_owner=from_owner, body=body.strip())
    db.session.add(message)
    db.session.flush()
    audit(actor, "ask" if from_owner else "answer", "open_scenario", scenario.id,
          {"proposal": proposal.id, "message": message.id})
    other = proposal.provider_id if from_owner else scenario.organization_id
    notify_organization(other, _("New message on the proposal for “%(title)s”.", title=scenario.title),
                        _proposal_url(proposal))
    commit()
    return message


def history(actor: User | None, scenario: OpenScenario) -> list[tuple[AuditLog, User | None]]:
    """Return every recorded step of a scenario (who, when, what), oldest first; the owner's view only."""
    require(owns_open_scenario(actor, scenario))
    entries = db.session.scalars(sa.select(AuditLog).where(AuditLog.entity == "open_scenario",
                                                           AuditLog.entity_id == scenario.id)
                                 .order_by(AuditLog.created_at, AuditLog.id)).all()
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_({e.user_id for e in entries})))}
    return [(e, users.get(e.user_id)) for e in entries]


def comparison(scenario: OpenScenario) -> list[tuple[Proposal, float | None]]:
    """Return the proposals with their weighted totals, best first (unscored last)."""
    rows = [(p, p.weighted_total(scenario.criteria)) for p in scenario.proposals]
    return sorted(rows, key=lambda row: (row[1] is None, -(row[1] or 0), row[0].id))

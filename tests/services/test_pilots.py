"""Open pilot scenarios: who may open, see and propose; privacy of proposals; deadline; scoring and selection."""
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from werkzeug.datastructures import MultiDict

from app.config import Config
from app.errors import Conflict, InvalidState, NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.i18n import reason_text
from app.models import (
    AuditLog,
    MatchState,
    NeedStatus,
    Notification,
    OpenScenario,
    OutboxEvent,
    PilotVisibility,
    ProposalState,
    UserRole,
)
from app.indexing import get_indexer
from app.services import accounts as accounts_service
from app.services import lifecycle
from app.services import matching as matching_service
from app.services import needs as needs_service
from app.services import cases as cases_service
from app.services import offers as offers_service
from app.services import pilots
from app.services import programmes
from app.services import directory
from app.services import search as search_service
from app.services.permissions import can_view_need, can_view_proposal

CRITERIA = [{"name": "Detection rate", "weight": 60}, {"name": "Cost", "weight": 40}]
ROLES = ("anonymous", "owner", "other_enterprise", "provider", "official", "admin")


def open_pilot(user, **overrides) -> OpenScenario:
    data = dict(title="Inline inspection of hot strip in our Tangshan mill",
                problem="Scale and scratches on strip at 20 m/s; we want defects found inline.",
                site="Tangshan hot strip mill, line 2", data_access="Six months of labelled images.",
                criteria=CRITERIA, deadline=date.today() + timedelta(days=30), industry="steel",
                scenarios=["strip-surface-defect-detection"], visibility=PilotVisibility.PUBLIC)
    return pilots.open_scenario(user, **{**data, **overrides})


def offer(provider_member, title="VisionQC strip inspection"):
    """A solution of the member's provider, listed through the offers service."""
    return offers_service.create_solution(
        provider_member, title=title, summary="Line-scan cameras and deep learning for strip.",
        description="Detects scratches, scale and 40 defect classes on hot strip at line speed.",
        industries=["steel"], scenarios=["strip-surface-defect-detection"], capabilities=["line-scan vision"],
        deployment=None, price_min=300_000, price_max=900_000)


def propose(user, scenario, **overrides):
    """Propose for the scenario; a provider's member offers a solution of its own listed for the occasion."""
    is_provider = user is not None and user.role == UserRole.PROVIDER
    data = dict(approach="Line-scan cameras and a defect classifier at the edge.", team="Four engineers.",
                timeline="Twelve weeks.", price=450_000, cases=[],
                solution=offer(user).id if is_provider and "solution" not in overrides else None)
    return pilots.submit_proposal(user, scenario, **{**data, **overrides})


@pytest.fixture(autouse=True)
def worker_indexing(monkeypatch):
    """Leave indexing to the worker (no embedding of records); the matcher test below indexes what it needs."""
    monkeypatch.setattr(Config, "INDEXING", "worker")
    # Six users a test: argon2's cheapest settings (tests/services/test_accounts.py covers the real cost).
    monkeypatch.setattr(accounts_service, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture
def owner(make_user):
    return make_user(UserRole.ENTERPRISE)


@pytest.fixture
def people(owner, make_user):
    """One user per role; the provider has its own organisation."""
    return {"anonymous": None, "owner": owner, "other_enterprise": make_user(UserRole.ENTERPRISE),
            "provider": make_user(UserRole.PROVIDER), "official": make_user(UserRole.OFFICIAL),
            "admin": make_user(UserRole.ADMIN)}


@pytest.fixture
def scenario(owner):
    return open_pilot(owner)


@pytest.fixture
def proposer(make_user):
    return make_user(UserRole.PROVIDER)


@pytest.fixture
def proposal(proposer, scenario):
    return propose(proposer, scenario)


def notes(user) -> list[str]:
    return db.session.scalars(sa.select(Notification.message).where(Notification.user_id == user.id)).all()


@pytest.mark.parametrize("role", ROLES)
def test_only_enterprise_members_open_scenarios(people, role):
    if role in ("owner", "other_enterprise"):
        assert open_pilot(people[role]).organization_id == people[role].organization_id
    else:
        with pytest.raises(PermissionDenied):
            open_pilot(people[role])


@pytest.mark.parametrize("weights", [[60, 30], [100, 0], [50, 50.5]])
def test_criteria_weights_must_be_positive_whole_numbers_summing_to_100(owner, weights):
    criteria = [{"name": "A", "weight": weights[0]}, {"name": "B", "weight": weights[1]}]
    with pytest.raises(ValidationFailed) as refused:
        open_pilot(owner, criteria=criteria)
    assert refused.value.field == "criteria"


def test_criteria_names_must_be_unique(owner):
    with pytest.raises(ValidationFailed):
        open_pilot(owner, criteria=[{"name": "A", "weight": 50}, {"name": "A", "weight": 50}])


@pytest.mark.parametrize("role,sees", [("anonymous", False), ("owner", True), ("other_enterprise", False),
                                       ("provider", False), ("official", True), ("admin", True)])
def test_invitation_only_scenarios_are_hidden_from_everyone_else(people, make_user, owner, role, sees):
    invited = make_user(UserRole.PROVIDER)
    scenario = open_pilot(owner, visibility=PilotVisibility.INVITED, invitees=[invited.organization.slug])
    assert pilots.get_open_scenario(invited, scenario.slug) == scenario
    assert "invited" in notes(invited)[0]
    if sees:
        assert pilots.get_open_scenario(people[role], scenario.slug) == scenario
    else:
        with pytest.raises(NotFound):
            pilots.get_open_scenario(people[role], scenario.slug)
        assert scenario not in pilots.list_open_scenarios(people[role])
        if role == "provider":
            with pytest.raises(PermissionDenied):
                propose(people[role], scenario)


def edit(user, scenario, **changes):
    """Edit the scenario through the service, sending its current values for every field not changed."""
    data = dict(title=scenario.title, problem=scenario.problem, site=scenario.site, data_access=scenario.data_access,
                criteria=scenario.criteria, deadline=scenario.deadline, industry=scenario.industry.slug,
                scenarios=[s.slug for s in scenario.scenarios], invitees=[o.slug for o in scenario.invitees])
    return pilots.update_open_scenario(user, scenario, **{**data, **changes})


@pytest.mark.parametrize("role", ROLES)
def test_only_the_owner_edits_a_scenario(people, scenario, role):
    if role != "owner":
        with pytest.raises(PermissionDenied):
            edit(people[role], scenario, title="Hijacked")
        db.session.rollback()
        assert db.session.get(OpenScenario, scenario.id).title != "Hijacked"
        return
    edit(people[role], scenario, title="Inline inspection of hot strip, lines 2 and 3")
    db.session.expire_all()
    assert db.session.get(OpenScenario, scenario.id).title == "Inline inspection of hot strip, lines 2 and 3"


def test_editing_extends_the_deadline_and_tells_the_providers_that_proposed(scenario, proposal, proposer, owner):
    scenario.deadline = date.today() - timedelta(days=1)  # passed: proposals are closed
    db.session.commit()
    assert not scenario.accepts_proposals
    later = date.today() + timedelta(days=14)
    edit(owner, scenario, deadline=later, site="Tangshan hot strip mill, lines 2 and 3")
    assert scenario.accepts_proposals and scenario.deadline == later
    assert "changed by its owner" in notes(proposer)[-1] and scenario.title in notes(proposer)[-1]
    entry = db.session.scalars(sa.select(AuditLog).where(AuditLog.entity == "open_scenario",
                                                         AuditLog.action == "update")).one()
    assert set(entry.changes) == {"deadline", "site"}
    with pytest.raises(ValidationFailed) as refused:
        edit(owner, scenario, deadline=date.today() - timedelta(days=2))
    assert refused.value.field == "deadline"


def test_the_criteria_change_only_until_a_proposal_comes_in(scenario, proposer, owner):
    fairer = [{"name": "Detection rate", "weight": 50}, {"name": "Cost", "weight": 30},
              {"name": "Support", "weight": 20}]
    edit(owner, scenario, criteria=fairer)
    assert scenario.criteria == fairer
    with pytest.raises(ValidationFailed) as refused:  # still checked: the weights add up to 90
        edit(owner, scenario, criteria=[{"name": "Cost", "weight": 90}])
    assert refused.value.field == "criteria"
    db.session.rollback()
    propose(proposer, scenario)
    with pytest.raises(ValidationFailed) as refused:
        edit(owner, scenario, criteria=CRITERIA)
    assert refused.value.field == "criteria"
    db.session.rollback()
    assert db.session.get(OpenScenario, scenario.id).criteria == fairer
    edit(owner, scenario, title="Same criteria, new title")  # the criteria sent unchanged are fine
    assert scenario.title == "Same criteria, new title"


def test_a_decided_scenario_is_not_edited(scenario, proposal, owner):
    pilots.select_proposal(owner, proposal)
    with pytest.raises(InvalidState):
        edit(owner, scenario, title="Too late")


def test_an_invitation_only_scenario_invites_more_providers_and_keeps_those_that_proposed(owner, make_user):
    first, second, third = (make_user(UserRole.PROVIDER) for _ in range(3))
    scenario = open_pilot(owner, visibility=PilotVisibility.INVITED,
                          invitees=[first.organization.slug, second.organization.slug])
    propose(first, scenario)
    told = len(notes(first))
    edit(owner, scenario, invitees=[third.organization.slug])
    assert {o.id for o in scenario.invitees} == {first.organization_id, third.organization_id}
    assert "invited" in notes(third)[-1]
    with pytest.raises(NotFound):
        pilots.get_open_scenario(second, scenario.slug)
    assert len(notes(first)) == told + 1 and "changed by its owner" in notes(first)[-1]
    with pytest.raises(NotFound) as refused:
        edit(owner, scenario, invitees=["no-such-provider"])
    assert refused.value.field == "invitees"


@pytest.fixture
def chain(owner, make_user):
    """A programme led by another enterprise: the owner's enterprise and one more are members, one provider is
    its solution partner."""
    lead, member, partner = make_user(UserRole.ENTERPRISE), make_user(UserRole.ENTERPRISE), make_user(UserRole.PROVIDER)
    programme = programmes.create_programme(lead, name="Tangshan strip chain", industry="steel")
    for n, org in enumerate((owner.organization, member.organization), start=1):
        programmes.add_member(lead, programme, org.slug, n)
    programmes.add_partner(lead, programme, partner.organization.slug)
    return SimpleNamespace(programme=programme, lead=lead, member=member, partner=partner)


def programme_pilot(owner, chain) -> OpenScenario:
    return open_pilot(owner, visibility=PilotVisibility.PROGRAMME, programme=chain.programme.slug)


@pytest.mark.parametrize("role,sees", [("anonymous", False), ("owner", True), ("other_enterprise", False),
                                       ("provider", False), ("official", True), ("admin", True), ("lead", True),
                                       ("member", True), ("partner", True)])
def test_programme_only_scenarios_are_seen_by_the_programme_and_answered_by_its_partners(people, chain, owner,
                                                                                         role, sees):
    scenario = programme_pilot(owner, chain)
    user = people.get(role) or getattr(chain, role, None)
    if sees:
        assert pilots.get_open_scenario(user, scenario.slug) == scenario
        assert scenario in pilots.list_open_scenarios(user)
    else:
        with pytest.raises(NotFound):
            pilots.get_open_scenario(user, scenario.slug)
        assert scenario not in pilots.list_open_scenarios(user)
    if role == "partner":
        assert propose(user, scenario).provider_id == chain.partner.organization_id
    elif role != "anonymous":  # enterprises and officials never propose; a provider outside the programme neither
        with pytest.raises(PermissionDenied):
            propose(user, scenario)
        assert scenario.proposals == []


def test_a_programme_only_scenario_tells_the_partners_and_no_one_else(people, chain, owner):
    told = {user.id: len(notes(user)) for user in (chain.partner, chain.member, people["provider"])}  # joining
    scenario = programme_pilot(owner, chain)
    (message,) = notes(chain.partner)[told[chain.partner.id]:]
    assert chain.programme.name in message and scenario.title in message
    assert [len(notes(user)) for user in (chain.member, people["provider"])] == [
        told[chain.member.id], told[people["provider"].id]]


def test_a_programme_only_scenario_needs_a_programme_the_enterprise_takes_part_in(owner, chain, make_user):
    elsewhere = programmes.create_programme(make_user(UserRole.ENTERPRISE), name="Another chain", industry="steel")
    for slug in (None, elsewhere.slug, "no-such-programme"):
        with pytest.raises(ValidationFailed) as refused:
            open_pilot(owner, visibility=PilotVisibility.PROGRAMME, programme=slug)
        assert refused.value.field == "programme"
        db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OpenScenario)) == 0
    led = open_pilot(chain.lead, visibility=PilotVisibility.PROGRAMME, programme=chain.programme.slug)
    assert led.programme == chain.programme  # the leading enterprise takes part too
    public = open_pilot(owner, programme=chain.programme.slug)  # a programme matters only to programme-only ones
    assert public.programme is None


def test_a_partner_that_leaves_keeps_its_proposal_but_no_longer_sees_new_scenarios(chain, owner):
    scenario = programme_pilot(owner, chain)
    proposal = propose(chain.partner, scenario)
    programmes.remove_partner(chain.lead, chain.programme, chain.partner.organization.slug)
    assert pilots.get_proposal(chain.partner, pilots.get_open_scenario(chain.partner, scenario.slug),
                               proposal.id) == proposal
    later = programme_pilot(owner, chain)
    with pytest.raises(NotFound):
        pilots.get_open_scenario(chain.partner, later.slug)
    with pytest.raises(PermissionDenied):
        propose(chain.partner, later)


@pytest.mark.parametrize("role,reads", [("anonymous", False), ("owner", True), ("other_enterprise", False),
                                        ("provider", False), ("official", False), ("admin", False)])
def test_proposals_are_private_to_the_submitter_and_the_owner(people, scenario, proposal, proposer, role, reads):
    assert pilots.get_proposal(proposer, scenario, proposal.id) == proposal
    assert can_view_proposal(people[role], proposal) is reads
    assert (pilots.visible_proposals(people[role], scenario) == [proposal]) is reads
    if not reads:
        with pytest.raises(NotFound):
            pilots.get_proposal(people[role], scenario, proposal.id)


def test_a_provider_proposes_once_and_the_owner_is_notified(scenario, proposal, proposer, owner):
    assert proposal.state == ProposalState.SUBMITTED and proposal.price == 450_000
    assert any(proposer.organization.name in n for n in notes(owner))
    with pytest.raises(Conflict):
        propose(proposer, scenario)


@pytest.mark.parametrize("role", ["anonymous", "owner", "official"])
def test_only_providers_propose(people, scenario, role):
    with pytest.raises(PermissionDenied):
        propose(people[role], scenario)


def test_no_proposals_after_the_deadline(scenario, proposer):
    scenario.deadline = date.today() - timedelta(days=1)
    db.session.commit()
    with pytest.raises(InvalidState):
        propose(proposer, scenario)
    assert scenario.proposals == []


def test_reference_cases_come_from_the_providers_own_published_cases(scenario, proposer, make_user, people):
    official = people["official"]
    def case(provider, title):
        solution = offers_service.create_solution(
            provider, title=f"{title} solution", summary="Vision.", description="Vision.", industries=["steel"],
            scenarios=[], capabilities=[], deployment=None, price_min=None, price_max=None)
        made = cases_service.submit_case(provider, title=title, client="Mill", industry="steel", scenarios=[],
                                         summary="Inline inspection.", results="Fewer escapes.", year=2024,
                                         solution=solution)
        return cases_service.publish_case(official, made, exemplary=False)

    other = make_user(UserRole.PROVIDER)
    mine, theirs = case(proposer, "Our strip case"), case(other, "Their strip case")
    with pytest.raises(ValidationFailed):
        propose(proposer, scenario, cases=[theirs.id])
    assert [c.title for c in propose(proposer, scenario, cases=[mine.id]).cases] == ["Our strip case"]


def test_a_proposal_offers_one_of_the_providers_own_live_solutions(scenario, proposer, make_user):
    mine, theirs, withdrawn = offer(proposer), offer(make_user(UserRole.PROVIDER)), offer(proposer, "Old inspection")
    offers_service.delete_solution(proposer, withdrawn)
    for solution in (None, theirs.id, withdrawn.id, 10_000):
        with pytest.raises(ValidationFailed) as refused:
            propose(proposer, scenario, solution=solution)
        assert refused.value.field == "solution"
        db.session.rollback()
    assert scenario.proposals == []
    assert pilots.own_solutions(proposer) == [mine]
    assert propose(proposer, scenario, solution=mine.id).solution == mine


def test_owner_scores_and_the_weighted_total_follows_the_weights(scenario, proposal, owner):
    pilots.score_proposal(owner, proposal, {"Detection rate": 5, "Cost": 2})
    assert proposal.weighted_total(scenario.criteria) == 3.8  # (5*60 + 2*40) / 100
    with pytest.raises(ValidationFailed):
        pilots.score_proposal(owner, proposal, {"Detection rate": 6, "Cost": 2})
    with pytest.raises(ValidationFailed):
        pilots.score_proposal(owner, proposal, {"Detection rate": 3})


@pytest.mark.parametrize("role", ["other_enterprise", "provider", "official", "admin"])
def test_only_the_owner_scores_shortlists_and_selects(people, proposal, role):
    for act in (lambda u: pilots.score_proposal(u, proposal, {"Detection rate": 1, "Cost": 1}),
                lambda u: pilots.shortlist_proposal(u, proposal), lambda u: pilots.select_proposal(u, proposal)):
        with pytest.raises(PermissionDenied):
            act(people[role])
    assert proposal.state == ProposalState.SUBMITTED and proposal.scores == {}


def test_shortlist_then_select_declines_the_others_and_records_the_outcome(scenario, proposal, proposer, owner,
                                                                           make_user):
    rival = make_user(UserRole.PROVIDER)
    other = propose(rival, scenario, price=300_000)
    pilots.shortlist_proposal(owner, proposal)
    with pytest.raises(InvalidState):
        pilots.shortlist_proposal(owner, proposal)
    pilots.select_proposal(owner, proposal)
    assert (proposal.state, other.state) == (ProposalState.SELECTED, ProposalState.DECLINED)
    assert scenario.selected_proposal_id == proposal.id and scenario.selected_at is not None
    assert any("is selected" in n for n in notes(proposer))
    assert any("not selected" in n for n in notes(rival))
    with pytest.raises(InvalidState):
        pilots.select_proposal(owner, other)
    with pytest.raises(InvalidState):
        propose(make_user(UserRole.PROVIDER), scenario)


def test_selecting_a_proposal_records_a_matched_need_and_an_agreed_match_the_customer_then_delivers(
        scenario, proposal, proposer, owner):
    pilots.score_proposal(owner, proposal, {"Detection rate": 5, "Cost": 2})  # 3.8 of 5
    pilots.select_proposal(owner, proposal)
    need, match = scenario.need, scenario.match
    assert (need.organization_id, need.author_id, need.title) == (owner.organization_id, owner.id, scenario.title)
    assert need.status == NeedStatus.MATCHED and need.industry.slug == "steel"
    assert [s.slug for s in need.scenarios] == ["strip-surface-defect-detection"]
    assert all(part in need.description for part in (scenario.problem, scenario.site, scenario.data_access))
    assert (match.need, match.solution, match.rank, match.score) == (need, proposal.solution, 1, 0.76)
    assert match.state == MatchState.AGREED and [r["kind"] for r in match.reasons] == ["pilot"]
    assert reason_text(match.why) == f"Selected from the proposals to the open pilot scenario “{scenario.title}”"
    assert [(e.from_state, e.to_state, e.user_id) for e in match.events] == [
        (MatchState.SUGGESTED, MatchState.AGREED, owner.id)]
    audited = db.session.execute(sa.select(AuditLog.action, AuditLog.entity, AuditLog.entity_id)).all()
    assert {("create", "need", need.id), ("advance", "match", match.id)} <= set(audited)
    assert db.session.scalar(sa.select(OutboxEvent.id).where(OutboxEvent.entity == "need",
                                                             OutboxEvent.entity_id == need.id)) is not None
    with pytest.raises(PermissionDenied):  # the customer confirms delivery, not the provider
        lifecycle.advance_match(proposer, match, MatchState.DELIVERED)
    lifecycle.advance_match(owner, match, MatchState.DELIVERED)
    assert match.state == MatchState.DELIVERED and len(match.events) == 2


def test_an_unscored_selection_scores_its_match_1(scenario, proposal, owner):
    pilots.select_proposal(owner, proposal)
    assert scenario.match.score == 1.0


def test_the_selected_need_is_not_offered_as_open_and_keeps_its_agreed_match_when_rematched(scenario, proposal,
                                                                                          owner):
    pilots.select_proposal(owner, proposal)
    need = scenario.need
    twin = needs_service.post_need(owner, title=need.title, description=need.description, industry="steel",
                                   scenarios=["strip-surface-defect-detection"])  # the same, but open
    get_indexer().drain()
    offered = [n.id for n, _result in matching_service.ranked_needs_for_solution(proposal.solution, limit=50)]
    assert twin.id in offered and need.id not in offered
    matches = matching_service.refresh_matches(need)  # as `flask matching refresh` or the need page does
    assert [(m.solution_id, m.rank, m.score, m.state) for m in matches if m.state != MatchState.SUGGESTED] == [
        (proposal.solution_id, 1, 1.0, MatchState.AGREED)]
    assert scenario.match.reasons[0]["kind"] == "pilot"
    assert all(m.rank > 1 for m in matches if m.solution_id != proposal.solution_id)


@pytest.mark.parametrize("visibility", [PilotVisibility.PUBLIC, PilotVisibility.INVITED])
def test_the_selected_need_is_as_public_as_the_scenario_was(people, owner, proposer, visibility):
    """An invitation- (or programme-) only scenario stays confidential once selected: its need is seen by the
    enterprise, officials and the selected provider only, and is never listed, searched or indexed."""
    invitees = [proposer.organization.slug] if visibility == PilotVisibility.INVITED else []
    scenario = open_pilot(owner, visibility=visibility, invitees=invitees)
    pilots.select_proposal(owner, propose(proposer, scenario))
    need = scenario.need
    get_indexer().drain()
    public = visibility == PilotVisibility.PUBLIC
    assert need.confidential is not public
    for who, sees in ((owner, True), (proposer, True), (people["official"], True), (people["anonymous"], public),
                      (people["provider"], public), (people["other_enterprise"], public)):
        assert can_view_need(who, need) is sees, who
        listed = db.session.scalars(directory.visible_needs(who)).all()
        assert (need in listed) is (public or who in (owner, people["official"])), who  # the provider: on /matches
    found = search_service.search_site(None, search_service.parse_request(MultiDict({"q": scenario.title})))
    assert (("need", need.id) in {(r.hit.type, r.hit.id) for r in found.results}) is public
    assert (need.id in get_indexer().matcher.collection("need").docs) is public


def test_a_programme_only_selection_counts_in_the_programme_but_is_not_listed_there(chain, owner):
    scenario = programme_pilot(owner, chain)
    pilots.select_proposal(owner, propose(chain.partner, scenario))
    need = scenario.need
    assert need.programme_id == chain.programme.id and need.confidential
    row = next(r for r in programmes.progress(chain.lead, chain.programme) if r.organization.id == owner.organization_id)
    assert (row.counts["posted"], row.counts["agreed"]) == (1, 1)
    assert need not in programmes.live_needs(chain.programme)  # the programme page lists it to no one
    consortium = programmes.consortium(chain.lead, chain.programme)
    assert all(need not in item.needs for item in consortium.ranking) and need not in consortium.uncovered


def test_a_selection_stays_out_of_a_programme_the_enterprise_has_left(chain, owner):
    scenario = programme_pilot(owner, chain)
    proposal = propose(chain.partner, scenario)
    programmes.remove_member(chain.lead, chain.programme, owner.organization.slug)
    pilots.select_proposal(owner, proposal)
    assert scenario.need.programme_id is None


@pytest.mark.parametrize("solution", ["none", "withdrawn"])
def test_a_proposal_without_a_live_solution_is_selected_without_a_match(scenario, proposal, proposer, owner,
                                                                         solution):
    if solution == "none":
        proposal.solution_id = None  # as rows from before migration r009 are
        db.session.commit()
    else:
        offers_service.delete_solution(proposer, proposal.solution)
    pilots.select_proposal(owner, proposal)
    assert proposal.state == ProposalState.SELECTED and scenario.selected_proposal_id == proposal.id
    assert scenario.need is None and scenario.match is None


def test_questions_and_answers_notify_the_other_side_and_every_step_is_in_the_history(
        scenario, proposal, proposer, owner, people):
    pilots.post_message(owner, proposal, "Can you run at 25 m/s?")
    assert any("New message" in n for n in notes(proposer))
    pilots.post_message(proposer, proposal, "Yes, with a second camera.")
    assert any("New message" in n for n in notes(owner))
    assert [m.from_owner for m in proposal.messages] == [True, False]
    with pytest.raises(PermissionDenied):
        pilots.post_message(people["provider"], proposal, "Me too")
    with pytest.raises(ValidationFailed):
        pilots.post_message(owner, proposal, "   ")
    assert len(proposal.messages) == 2  # the refused one never joined the thread
    pilots.select_proposal(owner, proposal)
    steps = [(entry.action, user.id) for entry, user in pilots.history(owner, scenario)]
    assert steps == [("open", owner.id), ("propose", proposer.id), ("ask", owner.id), ("answer", proposer.id),
                     ("select", owner.id)]
    with pytest.raises(PermissionDenied):
        pilots.history(proposer, scenario)


def test_a_public_scenario_is_recommended_to_the_providers_of_fitting_solutions(owner, proposer, make_user):
    offer(proposer)
    colleague = make_user(UserRole.PROVIDER, organization=proposer.organization)
    unrelated = make_user(UserRole.PROVIDER)  # no solutions: nothing of it can fit
    get_indexer().drain()
    scenario = open_pilot(owner)
    for member in (proposer, colleague):
        (message,) = notes(member)
        assert scenario.title in message and " — " in message  # the matcher's one-line reason follows
    assert notes(unrelated) == []

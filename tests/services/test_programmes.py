"""Chain-Net programmes: who manages them, members and their needs, the consortium view, progress."""
import pytest
import sqlalchemy as sa

from app.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.models import AuditLog, Match, MatchState, Programme, ProgrammeMember, ProgrammePartner, UserRole
from app.services import notifications, programmes
from app.services.needs import update_need
from app.services.offers import delete_solution
from app.services.programmes import greedy_cover
from tests.services.test_needs import count, post_need, worker_indexing  # noqa: F401  (worker_indexing is autouse)
from tests.services.test_offers import create_solution

# ---- greedy set cover on hand-made cases --------------------------------------------------------


def test_greedy_cover_takes_the_biggest_gain_each_time():
    coverage = {"A": {1, 2, 3, 4}, "B": {1, 2, 5}, "C": {3, 4, 6}, "D": {5, 6}}
    assert greedy_cover(coverage) == [("A", {1, 2, 3, 4}), ("D", {5, 6})]


def test_greedy_cover_skips_providers_that_add_nothing_and_stops_when_all_is_covered():
    coverage = {"small": {1}, "big": {1, 2, 3}, "other": {4}, "useless": {2, 3}}
    assert greedy_cover(coverage) == [("big", {1, 2, 3}), ("other", {4})]


def test_greedy_cover_breaks_ties_by_total_coverage_then_given_order():
    # After "X" both "Y" and "Z" add one need; "Z" covers more in all, so it goes first.
    coverage = {"X": {1, 2}, "Y": {3}, "Z": {2, 3}, "W": {4}}
    assert greedy_cover(coverage) == [("X", {1, 2}), ("Z", {3}), ("W", {4})]
    assert greedy_cover({"P": {1}, "Q": {1}}) == [("P", {1})]


def test_greedy_cover_of_nothing_is_empty():
    assert greedy_cover({}) == []
    assert greedy_cover({"A": set()}) == []


# ---- a programme with members -------------------------------------------------------------------


class Chain:
    """A leading enterprise, two supply-chain SMEs, an outsider enterprise, providers, an official."""

    def __init__(self, make_user):
        self.lead = make_user(UserRole.ENTERPRISE)
        self.sme1 = make_user(UserRole.ENTERPRISE)
        self.sme2 = make_user(UserRole.ENTERPRISE)
        self.outsider = make_user(UserRole.ENTERPRISE)
        self.provider = make_user(UserRole.PROVIDER)
        self.official = make_user(UserRole.OFFICIAL)
        self.admin = make_user(UserRole.ADMIN)
        self.programme = programmes.create_programme(self.lead, name="Yangtze steel chain", industry="steel")
        programmes.add_member(self.lead, self.programme, self.sme1.organization.slug, 1)
        programmes.add_member(self.lead, self.programme, self.sme2.organization.slug, 2)

    def actor(self, name):
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def chain(make_user):
    return Chain(make_user)


def test_an_enterprise_member_starts_a_programme_led_by_its_own_enterprise(chain):
    assert chain.programme.lead_id == chain.lead.organization_id
    assert [(m.organization_id, m.tier) for m in chain.programme.members] == [
        (chain.sme1.organization_id, 1), (chain.sme2.organization_id, 2)]
    assert count(AuditLog, entity="programme") == 3


def test_an_official_starts_a_programme_for_a_named_enterprise(chain):
    programme = programmes.create_programme(chain.official, name="Auto parts chain", industry="construction-machinery",
                                            lead=chain.outsider.organization.slug)
    assert programme.lead_id == chain.outsider.organization_id
    with pytest.raises(ValidationFailed) as error:
        programmes.create_programme(chain.official, name="No lead", industry="steel")
    assert error.value.field == "lead"


@pytest.mark.parametrize(("who", "lead"), [("sme1", "outsider"), ("provider", None), ("provider", "outsider")])
def test_others_cannot_start_a_programme_for_an_enterprise(chain, who, lead):
    with pytest.raises(PermissionDenied):
        programmes.create_programme(chain.actor(who), name="Hijack", industry="steel",
                                    lead=chain.outsider.organization.slug if lead else None)
    db.session.rollback()
    assert count(Programme) == 1


MANAGE = [  # (actor, may manage)
    ("lead", True), ("official", True), ("admin", True),
    ("sme1", False), ("outsider", False), ("provider", False), ("anonymous", False),
]


@pytest.mark.parametrize(("who", "allowed"), MANAGE)
def test_only_officials_and_the_lead_add_and_remove_members(chain, who, allowed):
    actor, slug = chain.actor(who), chain.outsider.organization.slug
    if not allowed:
        with pytest.raises(PermissionDenied):
            programmes.add_member(actor, chain.programme, slug, 3)
        with pytest.raises(PermissionDenied):
            programmes.remove_member(actor, chain.programme, chain.sme1.organization.slug)
        with pytest.raises(PermissionDenied):
            programmes.match_programme(actor, chain.programme)
        db.session.rollback()
        assert count(ProgrammeMember) == 2
        return
    programmes.add_member(actor, chain.programme, slug, 3)
    programmes.remove_member(actor, chain.programme, chain.sme1.organization.slug)
    assert programmes.match_programme(actor, chain.programme) == 0  # no open need yet
    db.session.expire_all()
    assert {m.organization_id for m in chain.programme.members} == {chain.sme2.organization_id,
                                                                    chain.outsider.organization_id}


def test_members_must_be_enterprises_once_each_and_on_a_known_tier(chain):
    cases = [(chain.provider.organization.slug, 1, ValidationFailed), ("no-such-org", 1, ValidationFailed),
             (chain.sme1.organization.slug, 1, Conflict), (chain.lead.organization.slug, 1, ValidationFailed),
             (chain.outsider.organization.slug, 4, ValidationFailed)]
    for slug, tier, error in cases:
        with pytest.raises(error):
            programmes.add_member(chain.lead, chain.programme, slug, tier)
        db.session.rollback()
    assert count(ProgrammeMember) == 2


@pytest.mark.parametrize(("who", "allowed"), MANAGE)
def test_only_officials_and_the_lead_add_and_remove_solution_partners(chain, make_user, who, allowed):
    actor, other = chain.actor(who), make_user(UserRole.PROVIDER).organization
    programmes.add_partner(chain.lead, chain.programme, chain.provider.organization.slug)
    if not allowed:
        with pytest.raises(PermissionDenied):
            programmes.add_partner(actor, chain.programme, other.slug)
        with pytest.raises(PermissionDenied):
            programmes.remove_partner(actor, chain.programme, chain.provider.organization.slug)
        db.session.rollback()
        assert [p.organization_id for p in chain.programme.partners] == [chain.provider.organization_id]
        return
    programmes.add_partner(actor, chain.programme, other.slug)
    programmes.remove_partner(actor, chain.programme, chain.provider.organization.slug)
    db.session.expire_all()
    assert [p.organization_id for p in chain.programme.partners] == [other.id]
    assert [e.action for e in db.session.scalars(sa.select(AuditLog).where(
        AuditLog.entity == "programme", AuditLog.action.like("%partner")).order_by(AuditLog.id))] == [
        "add_partner", "add_partner", "remove_partner"]


def test_solution_partners_must_be_providers_once_each(chain):
    programmes.add_partner(chain.lead, chain.programme, chain.provider.organization.slug)
    cases = [(chain.sme1.organization.slug, ValidationFailed), (chain.outsider.organization.slug, ValidationFailed),
             ("no-such-org", ValidationFailed), (chain.provider.organization.slug, Conflict)]
    for slug, error in cases:
        with pytest.raises(error) as refused:
            programmes.add_partner(chain.lead, chain.programme, slug)
        assert refused.value.field == "provider"
        db.session.rollback()
    assert count(ProgrammePartner) == 1
    with pytest.raises(NotFound):
        programmes.remove_partner(chain.lead, chain.programme, chain.sme1.organization.slug)


@pytest.mark.parametrize(("who", "visible"), [("lead", True), ("sme1", True), ("official", True), ("admin", True),
                                              ("partner", True), ("outsider", False), ("provider", False),
                                              ("anonymous", False)])
def test_members_partners_the_lead_and_officials_see_a_programme(chain, make_user, who, visible):
    chain.partner = make_user(UserRole.PROVIDER)
    programmes.add_partner(chain.lead, chain.programme, chain.partner.organization.slug)
    actor = chain.actor(who)
    if visible:
        assert programmes.get_programme(actor, chain.programme.slug) == chain.programme
    else:
        with pytest.raises(NotFound):
            programmes.get_programme(actor, chain.programme.slug)
    if actor is not None:
        assert (chain.programme in programmes.visible_programmes(actor)) == visible


def test_new_members_and_partners_are_told_with_a_link_to_the_programme(chain, make_user):
    colleague = make_user(UserRole.ENTERPRISE, organization=chain.outsider.organization)
    partner = make_user(UserRole.PROVIDER)
    programmes.add_member(chain.lead, chain.programme, chain.outsider.organization.slug, 3)
    programmes.add_partner(chain.official, chain.programme, partner.organization.slug)
    url = f"/programmes/{chain.programme.slug}"
    for user in (chain.outsider, colleague):
        (note,) = notifications.notifications(user)
        assert note.url == url and "tier-3 member" in note.message and chain.programme.name in note.message
    (note,) = notifications.notifications(partner)
    assert note.url == url and "solution partner" in note.message
    assert notifications.notifications(chain.provider) == []  # a provider not added hears nothing


def test_members_post_needs_into_the_programme_and_outsiders_cannot(chain):
    need = post_need(chain.sme1, programme=chain.programme.slug)
    assert need.programme_id == chain.programme.id
    with pytest.raises(ValidationFailed) as error:
        post_need(chain.outsider, programme=chain.programme.slug)
    assert error.value.field == "programme"
    db.session.rollback()
    update_need(chain.official, need, title="Edited by an official")  # the programme stays as it was
    assert need.programme_id == chain.programme.id
    update_need(chain.sme1, need, programme=None)
    assert need.programme_id is None
    update_need(chain.official, need, programme=chain.programme.slug)  # the need's enterprise takes part
    assert need.programme_id == chain.programme.id
    outside = post_need(chain.outsider)
    with pytest.raises(ValidationFailed):
        update_need(chain.official, outside, programme=chain.programme.slug)


def test_removing_a_member_takes_its_needs_out_of_the_programme(chain):
    need = post_need(chain.sme1, programme=chain.programme.slug)
    kept = post_need(chain.sme2, programme=chain.programme.slug)
    programmes.remove_member(chain.lead, chain.programme, chain.sme1.organization.slug)
    db.session.expire_all()
    assert need.programme_id is None and need.deleted_at is None
    assert kept.programme_id == chain.programme.id


# ---- consortium and progress over stored matches ----------------------------------------------------


def _match(need, solution, rank, score, state=MatchState.SUGGESTED):
    db.session.add(Match(need=need, solution=solution, rank=rank, score=score, reasons=["Scenario: x"], state=state))


@pytest.fixture
def market(chain, make_user):
    """Four needs of the chain and three providers: the hand-made cover case A/B/D of the first test."""
    needs = [post_need(user, title=f"Need {n}", programme=chain.programme.slug)
             for n, user in enumerate([chain.sme1, chain.sme1, chain.sme2, chain.lead], start=1)]
    makers = {name: make_user(UserRole.PROVIDER) for name in ("Alpha", "Beta", "Delta")}
    for name, user in makers.items():
        user.organization.name = f"{name} AI"
    solutions = {name: create_solution(user, title=f"{name} solution") for name, user in makers.items()}
    for n in (0, 1, 2):
        _match(needs[n], solutions["Alpha"], rank=n + 1, score=0.9)  # Alpha covers needs 1-3
    _match(needs[2], solutions["Beta"], rank=2, score=0.8)
    _match(needs[3], solutions["Beta"], rank=1, score=0.8)  # Beta covers needs 3-4
    _match(needs[3], solutions["Delta"], rank=2, score=0.05)  # below the floor: no cover
    _match(needs[0], solutions["Delta"], rank=11, score=0.9)  # outside the top ten: no cover
    db.session.commit()
    return needs, solutions, makers


def test_consortium_ranks_providers_by_needs_covered_and_proposes_a_cover(chain, market):
    needs, _, _ = market
    result = programmes.consortium(chain.sme1, chain.programme)
    assert [(c.provider.name, [n.title for n in c.needs]) for c in result.ranking] == [
        ("Alpha AI", ["Need 1", "Need 2", "Need 3"]), ("Beta AI", ["Need 3", "Need 4"])]
    assert [(c.provider.name, [n.title for n in c.needs]) for c in result.cover] == [
        ("Alpha AI", ["Need 1", "Need 2", "Need 3"]), ("Beta AI", ["Need 4"])]
    assert result.cover[1].solutions[needs[3].id] == "Beta solution"
    assert result.uncovered == []
    assert result.chart_rows() == [("Alpha AI", 3), ("Beta AI", 2)]


def test_consortium_leaves_out_withdrawn_solutions_and_lists_uncovered_needs(chain, market):
    _, solutions, makers = market
    delete_solution(makers["Beta"], solutions["Beta"])
    result = programmes.consortium(chain.official, chain.programme)
    assert [c.provider.name for c in result.ranking] == ["Alpha AI"]
    assert [c.provider.name for c in result.cover] == ["Alpha AI"]
    assert [n.title for n in result.uncovered] == ["Need 4"]


def test_progress_counts_each_members_needs_at_each_step(chain, market):
    needs, _, _ = market
    needs[0].matches[0].state = MatchState.DELIVERED
    needs[2].matches[0].state = MatchState.IN_DISCUSSION
    needs[3].matches[0].state = MatchState.DECLINED
    db.session.commit()
    rows = {row.organization.id: (row.tier, row.counts) for row in programmes.progress(chain.lead, chain.programme)}
    steps = ("posted", "matched", "contacted", "agreed", "delivered")
    assert {org: (tier, tuple(c[s] for s in steps)) for org, (tier, c) in rows.items()} == {
        chain.lead.organization_id: (None, (1, 1, 0, 0, 0)),
        chain.sme1.organization_id: (1, (2, 2, 1, 1, 1)),
        chain.sme2.organization_id: (2, (1, 1, 1, 0, 0)),
    }
    with pytest.raises(PermissionDenied):
        programmes.progress(chain.outsider, chain.programme)

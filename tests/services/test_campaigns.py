"""Campaigns: who runs them, their states, registration rules, and the meeting planner's guarantees."""
import random
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from app.errors import Conflict, InvalidState, NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.models import AuditLog, Campaign, CampaignRegistration, CampaignStatus, OrgKind, UserRole
from app.models.campaigns import registration_needs
from app.services import campaign_reports, campaigns
from app.services.campaign_schedule import Booking, Candidate, plan_meetings, priority_weight
from tests.services.test_needs import worker_indexing  # noqa: F401  (autouse)
from tests.services.test_needs import count, post_need, stored
from tests.services.test_offers import create_solution
from tests.views.conftest import fast_password_hashing  # noqa: F401  (autouse: these tests make many users)

CAMPAIGN = {
    "title": "Steel and power matchmaking day",
    "city": "Tangshan",
    "park": "Caofeidian Industrial Park",
    "event_date": date.today() + timedelta(days=30),
    "venue": "Exhibition hall B",
    "description": "One-to-one meetings between mills and AI providers.",
    "start_time": time(9, 0),
    "slot_minutes": 20,
    "slot_count": 6,
    "table_count": 4,
    "industries": ["steel", "power"],
}


def create_campaign(user, **overrides) -> Campaign:
    """Create a valid campaign through the service (the factory of every campaign in these tests)."""
    return campaigns.create_campaign(user, **{**CAMPAIGN, **overrides})


class _Users(dict):
    """One user per role (and a second provider), created on first use."""

    def __init__(self, make_user):
        super().__init__()
        self._make = make_user

    def __missing__(self, role):
        self[role] = self._make(UserRole.PROVIDER if role == "other_provider" else role)
        return self[role]


@pytest.fixture
def users(make_user):
    return _Users(make_user)


@pytest.fixture
def official(users):
    return users[UserRole.OFFICIAL]


@pytest.fixture
def open_campaign(official):
    return campaigns.advance_campaign(official, create_campaign(official), CampaignStatus.REGISTRATION_OPEN)


def register_enterprise(user, campaign, **overrides):
    data = {"needs": [post_need(user)], "max_meetings": 3, **overrides}
    return campaigns.register_for_campaign(user, campaign, **data)


def register_provider(user, campaign, **overrides):
    data = {"solutions": [create_solution(user)], "max_meetings": 3, **overrides}
    return campaigns.register_for_campaign(user, campaign, **data)


# ---- campaigns ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("role", "allowed"), [
    (UserRole.OFFICIAL, True), (UserRole.ADMIN, True), (UserRole.ENTERPRISE, False), (UserRole.PROVIDER, False),
])
def test_only_officials_create_campaigns(users, role, allowed):
    if not allowed:
        with pytest.raises(PermissionDenied):
            create_campaign(users[role])
        assert count(Campaign) == 0
        return
    campaign = stored(create_campaign(users[role]))
    assert campaign.status == CampaignStatus.DRAFT
    assert (campaign.city, campaign.park, campaign.slot_count, campaign.table_count) == ("Tangshan", CAMPAIGN["park"],
                                                                                        6, 4)
    assert [i.slug for i in campaign.industries] == ["steel", "power"]
    assert campaign.slot_start(5) == time(10, 40)
    assert count(AuditLog, entity="campaign", action="create", entity_id=campaign.id) == 1


def test_a_slot_grid_past_midnight_is_refused_on_the_slot_count(official):
    with pytest.raises(ValidationFailed) as refused:
        create_campaign(official, start_time=time(22, 0), slot_minutes=30, slot_count=5)
    assert refused.value.field == "slot_count"
    db.session.rollback()
    assert count(Campaign) == 0


@pytest.mark.parametrize("role", [UserRole.ENTERPRISE, UserRole.PROVIDER])
def test_only_officials_edit_or_advance_campaigns(users, open_campaign, role):
    with pytest.raises(PermissionDenied):
        campaigns.update_campaign(users[role], open_campaign, title="Hijacked")
    with pytest.raises(PermissionDenied):
        campaigns.advance_campaign(users[role], open_campaign, CampaignStatus.SCHEDULE_PUBLISHED)
    assert stored(open_campaign).title == CAMPAIGN["title"]


ALLOWED_MOVES = {(CampaignStatus.DRAFT, CampaignStatus.REGISTRATION_OPEN),
                 (CampaignStatus.SCHEDULE_PROPOSED, CampaignStatus.SCHEDULE_PUBLISHED),
                 (CampaignStatus.SCHEDULE_PUBLISHED, CampaignStatus.HELD),
                 (CampaignStatus.HELD, CampaignStatus.CLOSED)}


@pytest.mark.parametrize("old", list(CampaignStatus))
def test_campaign_moves_only_forward_one_step_at_a_time(official, old):
    campaign = create_campaign(official)
    for new in (s for s in CampaignStatus if s != old):
        campaign.status = old
        db.session.commit()
        if (old, new) in ALLOWED_MOVES:
            campaigns.advance_campaign(official, campaign, new)
            assert stored(campaign).status == new
        else:
            with pytest.raises(InvalidState):
                campaigns.advance_campaign(official, campaign, new)
            assert stored(campaign).status == old
    moves = sum(1 for move in ALLOWED_MOVES if move[0] == old)
    assert count(AuditLog, entity="campaign", action="status") == moves


@pytest.mark.parametrize("status", [s for s in CampaignStatus if s not in campaigns.EDITABLE])
def test_campaign_cannot_be_edited_once_its_schedule_is_proposed(official, status):
    campaign = create_campaign(official)
    campaign.status = status
    db.session.commit()
    with pytest.raises(InvalidState):
        campaigns.update_campaign(official, campaign, title="Too late")


def test_drafts_are_seen_by_officials_only_and_the_list_runs_by_city_and_date(official, users, open_campaign):
    draft = create_campaign(official, title="Not yet announced")
    week_later = CAMPAIGN["event_date"] + timedelta(days=7)
    later = campaigns.advance_campaign(official, create_campaign(official, city="Baotou", event_date=week_later),
                                       CampaignStatus.REGISTRATION_OPEN)
    earlier = campaigns.advance_campaign(official, create_campaign(official, city="Baotou"),
                                         CampaignStatus.REGISTRATION_OPEN)
    for visitor in (None, users[UserRole.ENTERPRISE]):
        assert campaign_reports.campaigns(visitor) == [earlier, later, open_campaign]
        with pytest.raises(NotFound):
            campaign_reports.campaign(visitor, draft.slug)
    assert campaign_reports.campaigns(None, city="Baotou") == [earlier, later]
    assert draft in campaign_reports.campaigns(official)
    assert campaign_reports.campaign(official, draft.slug) == draft


# ---- registration ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("role", "allowed"), [
    (UserRole.ENTERPRISE, True), (UserRole.PROVIDER, True), (UserRole.OFFICIAL, False), (UserRole.ADMIN, False),
])
def test_a_member_registers_its_own_organisation_and_officials_cannot(users, open_campaign, role, allowed):
    user = users[role]
    register = register_enterprise if role == UserRole.ENTERPRISE else register_provider
    if not allowed:
        with pytest.raises(PermissionDenied):
            campaigns.register_for_campaign(user, open_campaign, max_meetings=2)
        assert count(CampaignRegistration) == 0
        return
    reg = stored(register(user, open_campaign))
    assert (reg.organization_id, reg.kind, reg.registered_by_id, reg.max_meetings) == (
        user.organization_id, user.organization.kind, user.id, 3)
    assert len(reg.needs if role == UserRole.ENTERPRISE else reg.solutions) == 1
    assert count(AuditLog, entity="campaign", action="register") == 1


def test_an_organisation_registers_once(users, open_campaign, make_user):
    user = users[UserRole.ENTERPRISE]
    register_enterprise(user, open_campaign)
    colleague = make_user(UserRole.ENTERPRISE, organization=user.organization)
    with pytest.raises(Conflict):
        register_enterprise(colleague, open_campaign)
    db.session.rollback()
    assert count(CampaignRegistration) == 1


@pytest.mark.parametrize("status", [s for s in CampaignStatus if s != CampaignStatus.REGISTRATION_OPEN])
def test_registration_only_while_open(users, official, status):
    campaign = create_campaign(official)
    campaign.status = status
    db.session.commit()
    with pytest.raises(InvalidState):
        register_enterprise(users[UserRole.ENTERPRISE], campaign)
    db.session.rollback()
    assert count(CampaignRegistration) == 0


@pytest.mark.parametrize(("case", "field"), [
    ("no needs", "needs"), ("another enterprise's need", "needs"), ("draft need", "needs"),
    ("need outside the campaign's industries", "needs"), ("zero meetings", "max_meetings"),
    ("more meetings than slots", "max_meetings"), ("an enterprise ranked as a provider", "priorities"),
])
def test_enterprise_registration_refuses_what_it_may_not_bring(users, open_campaign, make_user, case, field):
    user = users[UserRole.ENTERPRISE]
    data = {
        "no needs": {"needs": []},
        "another enterprise's need": {"needs": [post_need(make_user(UserRole.ENTERPRISE))]},
        "draft need": {"needs": [post_need(user, publish=False)]},
        "need outside the campaign's industries": {"needs": [post_need(user, industry="textiles", scenarios=[])]},
        "zero meetings": {"max_meetings": 0},
        "more meetings than slots": {"max_meetings": CAMPAIGN["slot_count"] + 1},
        "an enterprise ranked as a provider": {"priorities": [make_user(UserRole.ENTERPRISE).organization]},
    }[case]
    with pytest.raises(ValidationFailed) as refused:
        register_enterprise(user, open_campaign, **data)
    assert refused.value.field == field
    db.session.rollback()
    assert count(CampaignRegistration) == 0


@pytest.mark.parametrize(("case", "field"), [
    ("no solutions", "solutions"), ("another provider's solution", "solutions"),
    ("solution outside the campaign's industries", "solutions"), ("a provider ranking providers", "priorities"),
])
def test_provider_registration_refuses_what_it_may_not_bring(users, open_campaign, case, field):
    user = users[UserRole.PROVIDER]
    data = {
        "no solutions": {"solutions": []},
        "another provider's solution": {"solutions": [create_solution(users["other_provider"])]},
        "solution outside the campaign's industries": {"solutions": [create_solution(
            user, industries=["textiles"], scenarios=[])]},
        "a provider ranking providers": {"priorities": [users["other_provider"].organization]},
    }[case]
    with pytest.raises(ValidationFailed) as refused:
        register_provider(user, open_campaign, **data)
    assert refused.value.field == field


REGISTRATION_ACTORS = pytest.mark.parametrize(("role", "allowed"), [
    ("member", True), (UserRole.PROVIDER, False), (UserRole.OFFICIAL, False), ("other enterprise", False),
])


def _registration_and_actor(users, open_campaign, make_user, role):
    """The enterprise's registration, and a user in the given role: a colleague, another enterprise's member…"""
    owner = users[UserRole.ENTERPRISE]
    reg = register_enterprise(owner, open_campaign)
    if role == "member":
        return reg, make_user(UserRole.ENTERPRISE, organization=owner.organization)
    return reg, make_user(UserRole.ENTERPRISE) if role == "other enterprise" else users[role]


@REGISTRATION_ACTORS
def test_only_members_change_their_registration(users, open_campaign, make_user, role, allowed):
    reg, actor = _registration_and_actor(users, open_campaign, make_user, role)
    provider_org = users[UserRole.PROVIDER].organization
    change = {"needs": list(reg.needs), "max_meetings": 5, "priorities": [provider_org]}
    if allowed:
        campaigns.update_registration(actor, reg, **change)
        assert (stored(reg).max_meetings, stored(reg).priorities) == (5, [provider_org.id])
    else:
        with pytest.raises(PermissionDenied):
            campaigns.update_registration(actor, reg, **change)
        assert stored(reg).max_meetings == 3


@REGISTRATION_ACTORS
def test_only_members_withdraw_their_registration_and_its_needs_go_with_it(users, open_campaign, make_user, role,
                                                                          allowed):
    reg, actor = _registration_and_actor(users, open_campaign, make_user, role)
    if not allowed:
        with pytest.raises(PermissionDenied):
            campaigns.withdraw_registration(actor, reg)
        assert count(CampaignRegistration) == 1
        return
    campaigns.withdraw_registration(actor, reg)
    db.session.expire_all()
    assert count(CampaignRegistration) == 0 and open_campaign.registrations == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(registration_needs)) == 0
    assert count(AuditLog, entity="campaign", action="withdraw_registration") == 1
    register_enterprise(users[UserRole.ENTERPRISE], open_campaign)  # and may register again while it is open
    assert count(CampaignRegistration) == 1


def test_a_registration_is_not_withdrawn_once_registration_has_closed(users, open_campaign, official):
    reg = register_enterprise(users[UserRole.ENTERPRISE], open_campaign)
    campaigns.schedule_meetings(official, open_campaign)
    with pytest.raises(InvalidState):
        campaigns.withdraw_registration(users[UserRole.ENTERPRISE], reg)
    db.session.rollback()
    assert count(CampaignRegistration) == 1


@pytest.mark.parametrize("role", [UserRole.ENTERPRISE, UserRole.PROVIDER])
def test_participants_cannot_schedule_meetings(users, open_campaign, role):
    with pytest.raises(PermissionDenied):
        campaigns.schedule_meetings(users[role], open_campaign)
    assert stored(open_campaign).status == CampaignStatus.REGISTRATION_OPEN


def test_participants_export_is_for_officials_only(users, open_campaign):
    register_enterprise(users[UserRole.ENTERPRISE], open_campaign)
    rows = campaign_reports.participant_rows(users[UserRole.OFFICIAL], open_campaign)
    assert [r[:2] for r in rows] == [[users[UserRole.ENTERPRISE].organization.name, "enterprise"]]
    for role in (UserRole.ENTERPRISE, UserRole.PROVIDER):
        with pytest.raises(PermissionDenied):
            campaign_reports.participant_rows(users[role], open_campaign)
    with pytest.raises(PermissionDenied):
        campaign_reports.participant_rows(None, open_campaign)


# ---- the planner ----------------------------------------------------------------------------------
def test_priority_weights_follow_the_enterprises_ranking():
    assert [priority_weight([7, 3, 9], p) for p in (7, 3, 9, 4)] == [1.5, 1.3, 1.15, 1.0]
    assert priority_weight([], 7) == 1.0


def test_a_first_choice_provider_is_met_before_a_slightly_better_plain_match():
    plain = Candidate(enterprise=1, provider=10, need_id=1, solution_id=100, score=0.8)
    wished = Candidate(enterprise=1, provider=11, need_id=1, solution_id=110, score=0.7, weight=1.5)
    plan = plan_meetings([plain, wished], slots=4, tables=4, limits={1: 1, 10: 4, 11: 4})
    assert [c for c, _ in plan] == [wished]


def _random_world(rng: random.Random):
    """Random registrations: participants, matched candidates, limits and already booked meetings."""
    enterprises = list(range(1, rng.randint(1, 12) + 1))
    providers = list(range(100, 100 + rng.randint(1, 12)))
    slots, tables = rng.randint(1, 6), rng.randint(1, 5)
    limits = {p: rng.randint(0, slots) for p in enterprises + providers}
    candidates = [Candidate(e, p, need_id=e * 10 + k, solution_id=p * 10 + k, score=round(rng.random(), 3),
                            weight=rng.choice((1.0, 1.0, 1.15, 1.3, 1.5)))
                  for e in enterprises for p in providers for k in range(rng.randint(0, 2)) if rng.random() < 0.6]
    booked = [b for _, b in plan_meetings(rng.sample(candidates, len(candidates) // 4), slots, tables, limits)]
    return candidates, slots, tables, limits, booked


@pytest.mark.parametrize("seed", range(300))
def test_planner_never_double_books_respects_limits_and_only_pairs_matched_sides(seed):
    candidates, slots, tables, limits, booked = _random_world(random.Random(seed))
    plan = plan_meetings(candidates, slots, tables, limits, booked)
    everything = booked + [b for _, b in plan]
    for slot in range(slots):
        in_slot = [b for b in everything if b.slot == slot]
        people = [x for b in in_slot for x in (b.enterprise, b.provider)]
        assert len(people) == len(set(people)), "somebody is in two meetings at once"
        assert len({b.table for b in in_slot}) == len(in_slot), "a table is used twice at once"
    assert all(0 <= b.slot < slots and 1 <= b.table <= tables for b in everything)
    for participant, limit in limits.items():
        assert sum(participant in (b.enterprise, b.provider) for b in everything) <= limit
    pairs = [(b.enterprise, b.provider) for b in everything]
    assert len(pairs) == len(set(pairs)), "a pair meets twice"
    assert all(c in candidates and (c.enterprise, c.provider) == (b.enterprise, b.provider) for c, b in plan)
    _assert_greedy_left_nothing_placeable(candidates, slots, tables, limits, everything)


def _assert_greedy_left_nothing_placeable(candidates, slots, tables, limits, everything):
    """Every matched pair left out is blocked: by a limit, or by having no slot with both free and a table free."""
    met = {(b.enterprise, b.provider) for b in everything}
    for c in candidates:
        if (c.enterprise, c.provider) in met:
            continue
        used = lambda x: sum(x in (b.enterprise, b.provider) for b in everything)  # noqa: E731
        if used(c.enterprise) >= limits[c.enterprise] or used(c.provider) >= limits[c.provider]:
            continue
        for slot in range(slots):
            in_slot = [b for b in everything if b.slot == slot]
            busy = {x for b in in_slot for x in (b.enterprise, b.provider)}
            assert c.enterprise in busy or c.provider in busy or len(in_slot) == tables, \
                f"{c} could still have met in slot {slot}"


def test_planner_keeps_booked_meetings_and_fills_around_them():
    booked = [Booking(enterprise=1, provider=10, slot=0, table=1)]
    again = Candidate(1, 10, need_id=1, solution_id=100, score=0.9)
    other = Candidate(2, 10, need_id=2, solution_id=100, score=0.5)
    plan = plan_meetings([again, other], slots=2, tables=1, limits={1: 2, 2: 2, 10: 2}, booked=booked)
    assert plan == [(other, Booking(enterprise=2, provider=10, slot=1, table=1))]

"""Campaign meetings with the real matcher: scheduling, answers, declines, re-scheduling, outcomes, report."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.errors import InvalidState, PermissionDenied, ValidationFailed
from app.extensions import db
from app.models import CampaignStatus, MeetingOutcome, MeetingResponse, Notification, OrgKind, UserRole
from app.services import campaign_reports, campaigns
from app.services.matching import match_need_results
from tests.services.test_campaigns import create_campaign
from tests.services.test_needs import post_need
from tests.services.test_offers import create_solution
from tests.views.conftest import fast_password_hashing  # noqa: F401  (autouse: these tests make many users)

pytestmark = pytest.mark.slow

BEARINGS = {"title": "Warn us before mill bearings fail", "scenarios": ["predictive-maintenance"],
            "description": "Vibration and temperature of 40 roll bearings; a week's warning before failure."}
VIBRATION = {"title": "VibeGuard bearing health monitoring", "scenarios": ["predictive-maintenance"],
             "summary": "Vibration sensors and models that predict bearing and gearbox failures.",
             "description": "Wireless accelerometers, spectrum analysis and remaining-life prediction.",
             "capabilities": ["vibration analysis", "remaining useful life"], "deployment": None,
             "price_min": None, "price_max": None}


@pytest.fixture
def world(make_user):
    """Two enterprises and two registered providers; a third provider's fitting solution is not registered."""
    official = make_user(UserRole.OFFICIAL)
    campaign = campaigns.advance_campaign(official, create_campaign(official, slot_count=3, table_count=1),
                                          CampaignStatus.REGISTRATION_OPEN)
    people = {kind: make_user(kind) for kind in (UserRole.ENTERPRISE, UserRole.PROVIDER)}
    people["mill2"], people["vibration"], people["outsider"] = (make_user(UserRole.ENTERPRISE),
                                                                make_user(UserRole.PROVIDER),
                                                                make_user(UserRole.PROVIDER))
    vision, vibe = create_solution(people[UserRole.PROVIDER]), create_solution(people["vibration"], **VIBRATION)
    outsider = create_solution(people["outsider"], title="StripEye surface inspection")
    for who, solution in ((UserRole.PROVIDER, vision), ("vibration", vibe)):
        campaigns.register_for_campaign(people[who], campaign, solutions=[solution], max_meetings=3)
    mill_needs = [post_need(people[UserRole.ENTERPRISE]), post_need(people[UserRole.ENTERPRISE], **BEARINGS)]
    campaigns.register_for_campaign(people[UserRole.ENTERPRISE], campaign, needs=mill_needs, max_meetings=2,
                                    priorities=[people["vibration"].organization])
    campaigns.register_for_campaign(people["mill2"], campaign, needs=[post_need(people["mill2"], **BEARINGS)],
                                    max_meetings=2)
    return {"official": official, "campaign": campaign, "people": people, "outsider": outsider,
            "registered": {vision.id, vibe.id}}


@pytest.fixture
def published(world):
    campaigns.schedule_meetings(world["official"], world["campaign"])
    campaigns.advance_campaign(world["official"], world["campaign"], CampaignStatus.SCHEDULE_PUBLISHED)
    return world


def _check_schedule(campaign):
    """No double booking in any slot, and nobody above their limit."""
    meetings = [m for m in campaign.meetings if not m.declined]
    for slot in range(campaign.slot_count):
        in_slot = [m for m in meetings if m.slot == slot]
        people = [x for m in in_slot for x in (m.enterprise_id, m.provider_id)]
        assert len(people) == len(set(people)) and len({m.table_no for m in in_slot}) == len(in_slot)
        assert all(1 <= m.table_no <= campaign.table_count for m in in_slot)
    for reg in campaign.registrations:
        assert sum(reg.id in (m.enterprise_id, m.provider_id) for m in meetings) <= reg.max_meetings


def test_schedule_meets_registered_needs_with_registered_solutions_the_matcher_pairs(world):
    campaign = world["campaign"]
    meetings = campaigns.schedule_meetings(world["official"], campaign)
    assert campaign.status == CampaignStatus.SCHEDULE_PROPOSED
    assert len(meetings) == 3  # one table, three slots: the fourth matched pair finds no place
    _check_schedule(campaign)
    filters = {"id": sorted(world["registered"])}
    for meeting in meetings:
        assert meeting.solution_id in world["registered"] and meeting.solution_id != world["outsider"].id
        assert meeting.need.organization_id == meeting.enterprise.organization_id
        assert meeting.solution.provider_id == meeting.provider.organization_id
        matched = {r.id: r for r in match_need_results(meeting.need, filters=filters)}
        assert meeting.solution_id in matched and meeting.score == matched[meeting.solution_id].score
        assert meeting.reasons
    mill = world["people"][UserRole.ENTERPRISE].organization_id
    first = min((m for m in meetings if m.enterprise.organization_id == mill), key=lambda m: m.slot)
    assert first.provider.organization_id == world["people"]["vibration"].organization_id  # its first choice
    assert first.weighted_score == pytest.approx(first.score * 1.5, abs=1e-3)


def test_publishing_tells_every_registrant_whether_it_has_meetings(world, make_user):
    campaign, people = world["campaign"], world["people"]
    canteen = make_user(UserRole.ENTERPRISE)
    campaigns.register_for_campaign(canteen, campaign, max_meetings=2, needs=[post_need(
        canteen, title="Plan the staff canteen's weekly menu", scenarios=[],
        description="Menus for 300 staff that respect the budget and the cooks' rota.")])
    campaigns.schedule_meetings(world["official"], campaign)
    campaigns.advance_campaign(world["official"], campaign, CampaignStatus.SCHEDULE_PUBLISHED)
    scheduled = {r.organization_id for m in campaign.meetings for r in (m.enterprise, m.provider)}
    assert canteen.organization_id not in scheduled and len(scheduled) == 4
    for user in [*people.values(), canteen]:
        if user.organization_id not in {r.organization_id for r in campaign.registrations}:
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                                     .where(Notification.user_id == user.id)) == 0
            continue
        (note,) = db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)).all()
        assert note.url == f"/campaigns/{campaign.slug}"
        wanted = "please accept or decline" if user.organization_id in scheduled else "No meeting could be arranged"
        assert wanted in note.message, (user.email, note.message)


@pytest.mark.parametrize(("who", "allowed"), [
    (UserRole.ENTERPRISE, True), ("vision provider", True), ("outsider", False), ("official", False),
    ("anonymous", False),
])
def test_only_the_two_participants_answer_a_meeting(published, who, allowed):
    meeting = next(m for m in published["campaign"].meetings
                   if m.provider.organization_id == published["people"][UserRole.PROVIDER].organization_id)
    actor = {"vision provider": published["people"][UserRole.PROVIDER], "official": published["official"],
             "anonymous": None}.get(who) or published["people"].get(who)
    if not allowed:
        with pytest.raises(PermissionDenied):
            campaigns.respond_to_meeting(actor, meeting, True)
        return
    campaigns.respond_to_meeting(actor, meeting, True)
    side = "enterprise" if who == UserRole.ENTERPRISE else "provider"
    assert getattr(meeting, f"{side}_response") == MeetingResponse.ACCEPTED


def test_declining_tells_the_other_side_and_rescheduling_fills_the_freed_place_with_another_pair(published):
    campaign, people = published["campaign"], published["people"]
    mill = people[UserRole.ENTERPRISE]
    meeting = next(m for m in campaign.meetings if m.enterprise.organization_id == mill.organization_id
                   and m.provider.organization_id == people[UserRole.PROVIDER].organization_id)
    before = {m.id: (m.slot, m.table_no) for m in campaign.meetings if m.id != meeting.id}
    campaigns.respond_to_meeting(mill, meeting, False)
    told = db.session.scalars(sa.select(Notification).where(Notification.user_id == people[UserRole.PROVIDER].id)
                              .order_by(Notification.id)).all()
    assert mill.organization.name in told[-1].message and "declined" in told[-1].message
    with pytest.raises(InvalidState):
        campaigns.respond_to_meeting(people[UserRole.PROVIDER], meeting, True)

    fresh = campaigns.schedule_meetings(published["official"], campaign)
    assert {m.id: (m.slot, m.table_no) for m in campaign.meetings if m.id in before} == before
    assert [(m.slot, m.table_no) for m in fresh] == [(meeting.slot, meeting.table_no)]
    assert (fresh[0].enterprise_id, fresh[0].provider_id) != (meeting.enterprise_id, meeting.provider_id)
    assert fresh[0].enterprise.organization_id == people["mill2"].organization_id
    news = db.session.scalars(sa.select(Notification.message).where(Notification.user_id == people["mill2"].id)
                              .order_by(Notification.id)).all()
    assert len(news) == 2 and "A new meeting is proposed" in news[-1]  # the published schedule, then the new meeting
    _check_schedule(campaign)


def test_answers_wait_for_the_published_schedule(world):
    campaigns.schedule_meetings(world["official"], world["campaign"])
    meeting = world["campaign"].meetings[0]
    with pytest.raises(InvalidState):
        campaigns.respond_to_meeting(world["people"][UserRole.ENTERPRISE], meeting, True)


def test_officials_record_outcomes_after_the_event_and_the_report_counts_them(published):
    campaign, official = published["campaign"], published["official"]
    first, second, *_ = [m for m in campaign.meetings]
    with pytest.raises(InvalidState):
        campaigns.record_meeting_outcome(official, first, outcome=MeetingOutcome.HELD)
    campaigns.advance_campaign(official, campaign, CampaignStatus.HELD)
    for actor in (published["people"][UserRole.ENTERPRISE], published["people"][UserRole.PROVIDER]):
        with pytest.raises(PermissionDenied):
            campaigns.record_meeting_outcome(actor, first, outcome=MeetingOutcome.HELD, agreement=True)
    with pytest.raises(ValidationFailed) as refused:
        campaigns.record_meeting_outcome(official, second, outcome=MeetingOutcome.NO_SHOW, agreement=True)
    assert refused.value.field == "agreement"
    campaigns.record_meeting_outcome(official, first, outcome=MeetingOutcome.HELD, agreement=True, note=" Pilot ")
    campaigns.record_meeting_outcome(official, second, outcome=MeetingOutcome.NO_SHOW)
    assert (first.outcome, first.agreement, first.outcome_note) == (MeetingOutcome.HELD, True, "Pilot")

    report = campaign_reports.campaign_report(campaign)
    assert report["totals"] == {"enterprises": 2, "providers": 2, "proposed": 3, "accepted": 0, "held": 1,
                                "agreements": 1}
    by_industry = {industry.slug: counts for industry, counts in report["by_industry"]}
    assert list(by_industry) == ["steel", "power"]  # the campaign's industries, in catalogue order
    assert by_industry["steel"] == report["totals"] and set(by_industry["power"].values()) == {0}
    rows = campaign_reports.participant_rows(official, campaign)
    assert sorted(r[1] for r in rows) == [OrgKind.ENTERPRISE.value] * 2 + [OrgKind.PROVIDER.value] * 2
    assert sum(r[7] for r in rows) == 2 and sum(r[8] for r in rows) == 2  # both sides of the held meeting

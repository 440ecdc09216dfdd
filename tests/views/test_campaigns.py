"""Campaign pages: the public list, running a campaign, registering, meetings, outcomes, the report and exports."""
import csv
import io
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from app.models import (
    Campaign,
    CampaignRegistration,
    CampaignStatus,
    MeetingOutcome,
    MeetingResponse,
    Notification,
    UserRole,
)
from app.services import campaigns as campaigns_service
from tests.views.conftest import post_need

pytestmark = pytest.mark.usefixtures("view_app")

EVENT_DATE = date.today() + timedelta(days=30)


def _form(**overrides):
    data = {"title": "Steel matchmaking day", "city": "Tangshan", "park": "Caofeidian Park",
            "event_date": EVENT_DATE.isoformat(), "venue": "Hall B", "description": "Meet the providers.",
            "industries": ["steel"], "start_time": "09:00", "slot_minutes": "20", "slot_count": "4",
            "table_count": "2"}
    return {**data, **overrides}


def _create(official, status=CampaignStatus.REGISTRATION_OPEN, **overrides):
    data = {**_form(), "event_date": EVENT_DATE, "start_time": time(9, 0),
            "slot_minutes": 20, "slot_count": 4, "table_count": 2, **overrides}
    campaign = campaigns_service.create_campaign(official, **data)
    if status != CampaignStatus.DRAFT:
        campaigns_service.advance_campaign(official, campaign, status)
    return campaign


@pytest.fixture
def campaign(official):
    return _create(official)


@pytest.fixture
def draft_campaign(official):
    return _create(official, CampaignStatus.DRAFT, title="Secret plans")


@pytest.fixture
def scheduled(campaign, official, enterprise, provider, need, solution):
    """The enterprise's need and the provider's solution registered, scheduled and published."""
    campaigns_service.register_for_campaign(enterprise, campaign, needs=[need], max_meetings=2)
    campaigns_service.register_for_campaign(provider, campaign, solutions=[solution], max_meetings=2)
    campaigns_service.schedule_meetings(official, campaign)
    campaigns_service.advance_campaign(official, campaign, CampaignStatus.SCHEDULE_PUBLISHED)
    return campaign


def test_public_list_groups_campaigns_by_city_and_hides_drafts(client, official, campaign, draft_campaign):
    other = _create(official, city="Baotou", title="Rare earths day")
    page = client.get("/campaigns").get_data(as_text=True)
    assert 'href="/campaigns"' in client.get("/").get_data(as_text=True)  # in the site navigation
    assert page.index("<h2>Baotou</h2>") < page.index(other.title) < page.index("<h2>Tangshan</h2>") \
        < page.index(campaign.title)
    assert draft_campaign.title not in page
    filtered = client.get("/campaigns?city=Baotou").get_data(as_text=True)
    assert other.title in filtered and campaign.title not in filtered
    assert client.get(f"/campaigns/{draft_campaign.slug}").status_code == 404
    detail = client.get(f"/campaigns/{campaign.slug}").get_data(as_text=True)
    assert "Hall B" in detail and "4 slots of 20 minutes from 09:00, 2 tables" in detail


def test_official_creates_a_campaign_and_opens_registration(client, auth, official, db):
    auth.login(official)
    response = client.post("/campaigns/new", data=_form())
    campaign = db.session.scalar(sa.select(Campaign))
    assert response.headers["Location"] == f"/campaigns/{campaign.slug}"
    assert campaign.status == CampaignStatus.DRAFT and [i.slug for i in campaign.industries] == ["steel"]
    client.post(f"/campaigns/{campaign.slug}/open")
    db.session.refresh(campaign)
    assert campaign.status == CampaignStatus.REGISTRATION_OPEN


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"start_time": "23:00", "slot_minutes": "30", "slot_count": "4"}, "slot_count", "must end by midnight"),
    ({"city": ""}, "city", "This field is required."),
    ({"table_count": "0"}, "table_count", "Number must be between 1 and 500."),
    ({"event_date": "someday"}, "event_date", "Not a valid date value."),
    ({"industries": ["atlantis"]}, "industries", "is not a valid choice"),
])
def test_campaign_form_with_bad_input_shows_the_field_error(client, auth, official, db, overrides, field, message):
    auth.login(official)
    response = client.post("/campaigns/new", data=_form(**overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and f'id="{field}-error"' in page and message in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Campaign)) == 0


def test_enterprise_registers_its_need_and_then_changes_the_registration(client, auth, campaign, enterprise, need,
                                                                        provider, solution, db):
    campaigns_service.register_for_campaign(provider, campaign, solutions=[solution], max_meetings=3)
    auth.login(enterprise)
    form = client.get(f"/campaigns/{campaign.slug}/register").get_data(as_text=True)
    assert need.title in form and provider.organization.name in form and 'name="solutions"' not in form
    response = client.post(f"/campaigns/{campaign.slug}/register",
                           data={"needs": [str(need.id)], "max_meetings": "2",
                                 "priority_1": str(provider.organization_id)})
    assert response.headers["Location"] == f"/campaigns/{campaign.slug}"
    reg = db.session.scalar(sa.select(CampaignRegistration).where(CampaignRegistration.kind == "enterprise"))
    assert ([n.id for n in reg.needs], reg.max_meetings, reg.priorities) == ([need.id], 2, [provider.organization_id])
    assert "for at most 2 meetings" in client.get(f"/campaigns/{campaign.slug}").get_data(as_text=True)
    client.post(f"/campaigns/{campaign.slug}/register", data={"needs": [str(need.id)], "max_meetings": "4"})
    db.session.refresh(reg)
    assert (reg.max_meetings, reg.priorities) == (4, [])


def test_a_registrant_withdraws_from_the_campaign_page_and_others_cannot(client, auth, campaign, enterprise, need,
                                                                        make_user, db):
    campaigns_service.register_for_campaign(enterprise, campaign, needs=[need], max_meetings=2)
    auth.login(enterprise)
    page = client.get(f"/campaigns/{campaign.slug}").get_data(as_text=True)
    assert f'action="/campaigns/{campaign.slug}/register/withdraw"' in page
    auth.logout()
    auth.login(make_user(UserRole.ENTERPRISE))  # not registered: nothing of its own to withdraw
    assert client.post(f"/campaigns/{campaign.slug}/register/withdraw").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CampaignRegistration)) == 1
    auth.logout()
    auth.login(enterprise)
    response = client.post(f"/campaigns/{campaign.slug}/register/withdraw", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "is no longer registered" in body and "is not registered." in body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CampaignRegistration)) == 0


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"max_meetings": "2"}, "needs", "Choose one or more of your open needs."),
    ({"needs": ["999999"], "max_meetings": "2"}, "needs", "not a valid choice"),
    ({"needs": ["{need}"], "max_meetings": "99"}, "max_meetings", "Ask for between 1 and 4 meetings."),
    ({"needs": ["{need}"], "max_meetings": ""}, "max_meetings", "This field is required."),
])
def test_registration_form_with_bad_input_shows_the_field_error(client, auth, campaign, enterprise, need, db,
                                                                data, field, message):
    auth.login(enterprise)
    data = {k: [v.format(need=need.id) for v in vs] if isinstance(vs, list) else vs for k, vs in data.items()}
    page = client.post(f"/campaigns/{campaign.slug}/register", data=data).get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CampaignRegistration)) == 0


def test_registration_refused_when_closed_is_a_message_not_an_error_page(client, auth, official, enterprise, need,
                                                                        db):
    campaign = _create(official, CampaignStatus.DRAFT)
    campaign.status = CampaignStatus.SCHEDULE_PROPOSED
    db.session.commit()
    auth.login(enterprise)
    page = client.post(f"/campaigns/{campaign.slug}/register", data={"needs": [str(need.id)], "max_meetings": "1"})
    assert page.status_code == 200 and "Registration for this campaign is not open." in page.get_data(as_text=True)


def test_participants_answer_meetings_and_a_decline_tells_the_other_side(client, auth, scheduled, enterprise,
                                                                         provider, solution, db):
    meeting = scheduled.meetings[0]
    auth.login(enterprise)
    page = client.get(f"/campaigns/{scheduled.slug}").get_data(as_text=True)
    section = page.split('id="meetings"')[1]
    assert solution.title in section and "09:00" in section and 'class="reasons"' in section
    client.post(f"/campaigns/{scheduled.slug}/meetings/{meeting.id}/decline")
    db.session.refresh(meeting)
    assert meeting.enterprise_response == MeetingResponse.DECLINED
    told = db.session.scalars(sa.select(Notification.message).where(Notification.user_id == provider.id)).all()
    assert any("declined" in message for message in told)
    auth.logout()
    auth.login(provider)
    response = client.post(f"/campaigns/{scheduled.slug}/meetings/{meeting.id}/accept", follow_redirects=True)
    assert "This meeting was declined" in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["other_provider", "official", "admin"])
def test_outsiders_cannot_answer_a_meeting(client, auth, scheduled, who, request):
    auth.login(request.getfixturevalue(who))
    meeting = scheduled.meetings[0]
    assert client.post(f"/campaigns/{scheduled.slug}/meetings/{meeting.id}/accept").status_code == 403


def test_official_records_outcomes_and_the_report_shows_and_exports_them(client, auth, scheduled, official,
                                                                         enterprise, db):
    meeting = scheduled.meetings[0]
    auth.login(official)
    client.post(f"/campaigns/{scheduled.slug}/held")
    client.post(f"/campaigns/{scheduled.slug}/meetings/{meeting.id}/outcome",
                data={"outcome": "held", "agreement": "y", "note": "Pilot in Q3"})
    db.session.refresh(meeting)
    assert (meeting.outcome, meeting.agreement, meeting.outcome_note) == (MeetingOutcome.HELD, True, "Pilot in Q3")
    page = client.get(f"/campaigns/{scheduled.slug}/report").get_data(as_text=True)
    assert page.count('<svg class="chart"') == 6 and "<title>Agreements by industry</title>" in page
    participants = client.get(f"/campaigns/{scheduled.slug}/participants.csv").get_data(as_text=True)
    assert enterprise.organization.name in participants

    auth.logout()
    rows = list(csv.reader(io.StringIO(client.get(f"/campaigns/{scheduled.slug}/report.csv")
                                       .get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["industry", "enterprises", "providers", "proposed", "accepted", "held", "agreements"]
    assert rows[-1] == ["All industries", "1", "1", "1", "0", "1", "1"]
    assert client.get(f"/campaigns/{scheduled.slug}/participants.csv").status_code == 302
    auth.login(enterprise)
    assert client.get(f"/campaigns/{scheduled.slug}/participants.csv").status_code == 403


def test_outcome_form_without_a_choice_is_a_message(client, auth, scheduled, official):
    auth.login(official)
    client.post(f"/campaigns/{scheduled.slug}/held")
    response = client.post(f"/campaigns/{scheduled.slug}/meetings/{scheduled.meetings[0].id}/outcome",
                           data={"outcome": "maybe"}, follow_redirects=True)
    assert response.status_code == 200 and "Choose whether the meeting was held." in response.get_data(as_text=True)


OFFICIAL_PAGES = ["/campaigns/new", "/campaigns/{slug}/edit", "/campaigns/{slug}/participants.csv"]
OFFICIAL_ACTIONS = ["/campaigns/{slug}/open", "/campaigns/{slug}/schedule", "/campaigns/{slug}/publish",
                    "/campaigns/{slug}/held", "/campaigns/{slug}/close"]


@pytest.mark.parametrize("path", OFFICIAL_PAGES + ["/campaigns/{slug}/register"])
def test_campaign_pages_send_anonymous_visitors_to_sign_in(client, campaign, path):
    response = client.get(path.format(slug=campaign.slug))
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("who", ["enterprise", "provider"])
@pytest.mark.parametrize("path", OFFICIAL_ACTIONS + ["/campaigns/new", "/campaigns/{slug}/edit"])
def test_participants_cannot_run_a_campaign(client, auth, campaign, request, who, path):
    auth.login(request.getfixturevalue(who))
    response = client.post(path.format(slug=campaign.slug), data=_form())
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["official", "admin"])
def test_officials_cannot_register_an_organisation(client, auth, campaign, request, who):
    auth.login(request.getfixturevalue(who))
    assert client.get(f"/campaigns/{campaign.slug}/register").status_code == 403

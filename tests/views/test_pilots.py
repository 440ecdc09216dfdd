"""Open pilot scenarios through the pages: open, propose, privacy, compare and score, select, deadline, CSRF."""
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.models import MatchState, OpenScenario, PilotVisibility, Proposal, ProposalState, UserRole
from app.services import offers as offers_service
from app.services import pilots
from app.services import programmes as programmes_service

pytestmark = pytest.mark.usefixtures("view_app")
APPROACH = "Line-scan cameras with an edge classifier"


def _scenario_form(**overrides):
    data = {"title": "Inline strip inspection pilot", "problem": "Scale and scratches at 20 m/s.",
            "site": "Tangshan mill, line 2", "data_access": "Labelled images.",
            "criteria": "Detection rate: 70\nCost: 30", "deadline": (date.today() + timedelta(days=20)).isoformat(),
            "industry": "steel", "visibility": "public"}
    return {**data, **overrides}


@pytest.fixture
def scenario(enterprise):
    return pilots.open_scenario(enterprise, criteria=[{"name": "Detection rate", "weight": 70},
                                                      {"name": "Cost", "weight": 30}],
                                title="Inline strip inspection pilot", problem="Scale and scratches at 20 m/s.",
                                site="Tangshan mill", data_access="", industry="steel", scenarios=[],
                                deadline=date.today() + timedelta(days=20), visibility=PilotVisibility.PUBLIC)


@pytest.fixture
def proposal(provider, scenario, solution):
    return pilots.submit_proposal(provider, scenario, solution=solution.id, approach=APPROACH,
                                  team="Four engineers", timeline="Twelve weeks", price=450_000, cases=[])


def _url(scenario, proposal=None, action=""):
    base = f"/pilots/{scenario.slug}"
    return f"{base}/proposals/{proposal.id}{action}" if proposal else base


def test_enterprise_opens_a_scenario(client, auth, enterprise, db):
    auth.login(enterprise)
    response = client.post("/pilots/new", data=_scenario_form(), follow_redirects=True)
    scenario = db.session.scalar(sa.select(OpenScenario))
    assert response.request.path == f"/pilots/{scenario.slug}"
    assert "Your pilot scenario is open" in response.get_data(as_text=True)
    assert scenario.criteria == [{"name": "Detection rate", "weight": 70}, {"name": "Cost", "weight": 30}]
    assert "Inline strip inspection pilot" in client.get("/pilots").get_data(as_text=True)


@pytest.mark.parametrize("criteria,error", [("Detection rate: 70\nCost: 20", "add up to 100"),
                                            ("Detection rate seventy", "name: weight")])
def test_bad_criteria_show_on_the_field_and_save_nothing(client, auth, enterprise, db, criteria, error):
    auth.login(enterprise)
    response = client.post("/pilots/new", data=_scenario_form(criteria=criteria))
    assert response.status_code == 200 and error in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(OpenScenario)) is None


@pytest.fixture
def programme(enterprise, other_provider):
    """A programme the enterprise leads, with other_provider as its solution partner."""
    programme = programmes_service.create_programme(enterprise, name="Tangshan strip chain", industry="steel")
    programmes_service.add_partner(enterprise, programme, other_provider.organization.slug)
    return programme


def test_enterprise_opens_a_programme_only_scenario(client, auth, enterprise, other_provider, provider, programme,
                                                    db):
    auth.login(enterprise)
    form = client.get("/pilots/new").get_data(as_text=True)
    assert f'<option value="{programme.slug}">{programme.name}</option>' in form
    response = client.post("/pilots/new", data=_scenario_form(visibility="programme", programme=programme.slug),
                           follow_redirects=True)
    scenario = db.session.scalar(sa.select(OpenScenario))
    assert scenario.visibility == PilotVisibility.PROGRAMME and scenario.programme_id == programme.id
    page = response.get_data(as_text=True)
    assert f"The solution partners of the programme “{programme.name}”" in page
    assert other_provider.organization.name in page
    auth.logout()
    auth.login(other_provider)
    assert "Submit a proposal" in client.get(_url(scenario)).get_data(as_text=True)
    assert "Programme members only" in client.get("/pilots").get_data(as_text=True)
    auth.logout()
    auth.login(provider)  # not a partner
    assert client.get(_url(scenario)).status_code == 404
    assert client.get(f"{_url(scenario)}/propose").status_code == 404
    assert scenario.title not in client.get("/pilots").get_data(as_text=True)


@pytest.mark.parametrize("chosen", ["", "elsewhere"])
def test_a_programme_only_scenario_without_a_programme_of_the_enterprise_shows_the_error_on_the_field(
        client, auth, enterprise, make_user, db, chosen):
    elsewhere = programmes_service.create_programme(make_user(UserRole.ENTERPRISE), name="Elsewhere", industry="steel")
    auth.login(enterprise)
    response = client.post("/pilots/new", data=_scenario_form(visibility="programme",
                                                             programme=elsewhere.slug if chosen else ""))
    assert response.status_code == 200 and b'id="programme-error"' in response.data
    assert db.session.scalar(sa.select(OpenScenario)) is None


def _proposal_form(solution, **overrides):
    return {"solution": str(solution.id) if solution else "", "approach": APPROACH, "team": "Four",
            "price": "450000", "timeline": "Twelve weeks", **overrides}


def test_the_owner_edits_a_scenario_from_its_page_and_the_proposer_is_told(client, auth, enterprise, provider,
                                                                           proposal, scenario, db):
    auth.login(enterprise)
    page = client.get(_url(scenario)).get_data(as_text=True)
    assert f'href="/pilots/{scenario.slug}/edit"' in page
    form = client.get(f"/pilots/{scenario.slug}/edit").get_data(as_text=True)
    assert "Tangshan mill" in form and "Detection rate: 70" in form and 'name="visibility"' not in form
    later = (date.today() + timedelta(days=40)).isoformat()
    response = client.post(f"/pilots/{scenario.slug}/edit", follow_redirects=True, data=_scenario_form(
        site="Tangshan mill, lines 2 and 3", criteria="Detection rate: 70\nCost: 30", deadline=later))
    assert response.request.path == _url(scenario) and "The scenario is saved" in response.get_data(as_text=True)
    db.session.expire_all()
    saved = db.session.get(OpenScenario, scenario.id)
    assert saved.site == "Tangshan mill, lines 2 and 3" and saved.deadline.isoformat() == later
    # the criteria are fixed once a proposal came in: the error is on the field and nothing is saved
    refused = client.post(f"/pilots/{scenario.slug}/edit", data=_scenario_form(site="Elsewhere", criteria="Cost: 100"))
    body = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "cannot change once proposals have come in" in body
    assert re.search(r'<textarea[^>]*aria-invalid="true"[^>]*name="criteria"', body)
    db.session.expire_all()
    assert db.session.get(OpenScenario, scenario.id).site == "Tangshan mill, lines 2 and 3"
    auth.logout()
    auth.login(provider)
    assert client.get(f"/pilots/{scenario.slug}/edit").status_code == 403
    assert client.post(f"/pilots/{scenario.slug}/edit", data=_scenario_form(title="Hijacked")).status_code == 403
    assert "changed by its owner" in client.get("/searches").get_data(as_text=True)


def test_provider_proposes_and_reads_its_proposal(client, auth, provider, scenario, solution, db):
    auth.login(provider)
    form = client.get(f"{_url(scenario)}/propose").get_data(as_text=True)
    assert f'<option value="{solution.id}">{solution.title}</option>' in form and "List a solution first" not in form
    response = client.post(f"{_url(scenario)}/propose", data=_proposal_form(solution), follow_redirects=True)
    proposal = db.session.scalar(sa.select(Proposal))
    assert response.request.path == _url(scenario, proposal)
    page = response.get_data(as_text=True)
    assert "Your proposal is submitted" in page and APPROACH in page
    assert f'<a href="/solutions/{solution.slug}">{solution.title}</a>' in page


@pytest.mark.parametrize("choice", ["none", "other", "junk"])
def test_a_proposal_without_one_of_the_providers_solutions_shows_the_error_on_the_field(
        client, auth, provider, other_provider, scenario, solution, db, choice):
    theirs = offers_service.create_solution(other_provider, title="Their inspection", summary="s", description="d",
                                            industries=["steel"], scenarios=[], capabilities=[], deployment=None,
                                            price_min=None, price_max=None)
    auth.login(provider)
    chosen = {"none": "", "other": str(theirs.id), "junk": "abc"}[choice]
    response = client.post(f"{_url(scenario)}/propose", data={**_proposal_form(None), "solution": chosen})
    assert response.status_code == 200 and b'id="solution-error"' in response.data
    assert db.session.scalar(sa.select(Proposal)) is None


def test_a_provider_without_solutions_is_told_to_list_one_first(client, auth, other_provider, scenario):
    auth.login(other_provider)
    form = client.get(f"{_url(scenario)}/propose").get_data(as_text=True)
    assert "List a solution first" in form and 'href="/solutions/new"' in form


@pytest.mark.parametrize("who,status", [("anonymous", 302), ("enterprise", 200), ("provider", 200),
                                        ("other_provider", 404), ("other_enterprise", 404), ("official", 404),
                                        ("admin", 404)])
def test_proposal_page_is_private(client, auth, make_user, proposal, scenario, who, status, request):
    if who == "other_enterprise":
        auth.login(make_user(UserRole.ENTERPRISE))
    elif who != "anonymous":
        auth.login(request.getfixturevalue(who))
    response = client.get(_url(scenario, proposal))
    assert response.status_code == status
    assert (APPROACH in response.get_data(as_text=True)) is (status == 200)
    detail = client.get(_url(scenario)).get_data(as_text=True)
    assert ("Twelve weeks" in detail) is (who == "enterprise")  # the comparison is the owner's alone


def test_owner_compares_scores_and_selects(client, auth, enterprise, provider, proposal, scenario, solution, db):
    auth.login(enterprise)
    page = client.get(_url(scenario)).get_data(as_text=True)
    assert "Proposals side by side" in page and "History" in page
    assert f'<a href="/solutions/{solution.slug}">{solution.title}</a>' in page.split('id="compare"')[1]
    assert f"submitted a proposal · {provider.organization.name}" in page
    response = client.post(_url(scenario, proposal, "/score"), data={"c0": "5", "c1": "2"}, follow_redirects=True)
    assert "The scores are saved." in response.get_data(as_text=True) and "4.10" in response.get_data(as_text=True)
    response = client.post(_url(scenario, proposal, "/score"), data={"c0": "7", "c1": "2"}, follow_redirects=True)
    assert "Score every criterion from 0 to 5." in response.get_data(as_text=True)
    response = client.post(_url(scenario, proposal, "/select"))
    assert response.status_code == 302 and response.headers["Location"] == f"{_url(scenario)}#compare"
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).state == ProposalState.SELECTED
    match = db.session.get(OpenScenario, scenario.id).match
    assert match.state == MatchState.AGREED
    page = client.get(_url(scenario)).get_data(as_text=True)
    assert "Decided on" in page and f'href="/matches/{match.id}"' in page
    assert "Selected from the proposals to the open pilot scenario" in client.get(f"/matches/{match.id}").get_data(
        as_text=True)


def test_both_sides_reach_the_agreed_match_and_a_declined_provider_does_not(client, auth, enterprise, provider,
                                                                            other_provider, proposal, scenario,
                                                                            solution, db):
    rival = pilots.submit_proposal(other_provider, scenario, solution=offers_service.create_solution(
        other_provider, title="Rival inspection", summary="s", description="d", industries=["steel"], scenarios=[],
        capabilities=[], deployment=None, price_min=None, price_max=None).id, approach="Another approach",
        team="Two", timeline="Ten weeks", price=300_000, cases=[])
    pilots.select_proposal(enterprise, proposal)
    match_link = f'href="/matches/{scenario.match.id}"'
    auth.login(provider)
    assert match_link in client.get(_url(scenario)).get_data(as_text=True)
    assert match_link in client.get(_url(scenario, proposal)).get_data(as_text=True)
    assert client.get(f"/matches/{scenario.match.id}").status_code == 200
    auth.logout()
    auth.login(other_provider)
    assert match_link not in client.get(_url(scenario)).get_data(as_text=True)
    assert match_link not in client.get(_url(scenario, rival)).get_data(as_text=True)
    assert client.get(f"/matches/{scenario.match.id}").status_code == 404
    auth.logout()
    auth.login(enterprise)  # the customer records delivery on the match page, as for any match
    response = client.post(f"/matches/{scenario.match.id}/advance", data={"state": "delivered"},
                           follow_redirects=True)
    assert "The match is now Delivered." in response.get_data(as_text=True)


def test_selecting_a_proposal_without_a_solution_says_no_match_was_created(client, auth, enterprise, proposal,
                                                                           scenario, db):
    proposal.solution_id = None  # as proposals made before this migration are
    db.session.commit()
    auth.login(enterprise)
    client.post(_url(scenario, proposal, "/select"))
    for page in (client.get(_url(scenario)), client.get(_url(scenario, proposal))):
        assert "so no match was created" in page.get_data(as_text=True)
        assert "/matches/" not in page.get_data(as_text=True)


def test_provider_cannot_select_its_own_proposal(client, auth, provider, proposal, scenario, db):
    auth.login(provider)
    assert client.post(_url(scenario, proposal, "/select")).status_code == 403
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).state == ProposalState.SUBMITTED


def test_question_thread(client, auth, enterprise, provider, proposal, scenario):
    auth.login(enterprise)
    response = client.post(_url(scenario, proposal), data={"body": "Can you run at 25 m/s?"}, follow_redirects=True)
    assert "Your message is sent." in response.get_data(as_text=True)
    auth.logout()
    auth.login(provider)
    assert "Can you run at 25 m/s?" in client.get(_url(scenario, proposal)).get_data(as_text=True)


def test_no_proposals_after_the_deadline(client, auth, provider, scenario, solution, db):
    scenario.deadline = date.today() - timedelta(days=1)
    db.session.commit()
    auth.login(provider)
    assert "The deadline has passed" in client.get(_url(scenario)).get_data(as_text=True)
    response = client.post(f"{_url(scenario)}/propose", data=_proposal_form(solution), follow_redirects=True)
    assert "no longer takes proposals" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Proposal)) is None


def test_decisions_need_a_csrf_token(app, client, auth, enterprise, proposal, scenario, db):
    auth.login(enterprise)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(_url(scenario, proposal, "/select")).status_code == 400
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).state == ProposalState.SUBMITTED
    page = client.get(_url(scenario)).get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(_url(scenario, proposal, "/score"), data={"c0": "4", "c1": "4", "csrf_token": token},
                           follow_redirects=True)
    assert "The scores are saved." in response.get_data(as_text=True)

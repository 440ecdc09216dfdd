"""With CSRF protection on (as in production), a POST without a token is refused and writes nothing."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.models import Need, PilotVisibility, Programme, Proposal, Scenario
from app.services import pilots as pilots_service
from app.services import programmes as programmes_service
from tests.conftest import PASSWORD, app_for_tests

pytestmark = pytest.mark.usefixtures("view_app")


@pytest.fixture
def app(database_url, tmp_path):
    with app_for_tests(database_url, tmp_path, WTF_CSRF_ENABLED=True) as app:
        yield app


def _token(client, path):
    page = client.get(path).get_data(as_text=True)
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


def test_login_without_a_token_is_refused(client, enterprise):
    response = client.post("/login", data={"email": enterprise.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/needs/mine").status_code == 302  # not signed in


def _login(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": _token(client, "/login")})
    assert response.status_code == 302


def test_new_need_without_a_token_is_refused(client, enterprise, db):
    _login(client, enterprise)
    response = client.post("/needs/new", data={"title": "Sneaky", "description": "x", "industry": "steel"})
    assert response.status_code == 400
    assert db.session.scalars(sa.select(Need)).all() == []


def test_pages_carry_the_token_in_every_post_form(client, enterprise, need):
    _login(client, enterprise)
    page = client.get(f"/needs/{need.slug}").get_data(as_text=True)
    assert page.count('<form method="post"') == page.count('name="csrf_token"')


@pytest.mark.parametrize("path", ["/cases/{case}/review", "/catalog/manage", "/catalog/manage/categories",
                                  "/catalog/manage/scenarios/quality-inspection/merge"])
def test_officials_pages_carry_the_token_in_every_post_form(client, official, case, path):
    _login(client, official)
    page = client.get(path.format(case=case.slug)).get_data(as_text=True)
    assert page.count('<form method="post"') == page.count('name="csrf_token"') > 0


@pytest.mark.parametrize("path", ["/cases/{case}/assign", "/cases/{case}/publish", "/cases/{case}/exemplary",
                                  "/catalog/manage/scenarios/quality-inspection/retire"])
def test_officials_actions_without_a_token_are_refused(client, official, case, db, path):
    _login(client, official)
    assert client.post(path.format(case=case.slug), data={"reviewer": str(official.id)}).status_code == 400
    db.session.refresh(case)
    assert len(case.events) == 1
    assert db.session.scalar(sa.select(Scenario.retired_at).where(Scenario.slug == "quality-inspection")) is None

def test_moving_a_match_without_a_token_is_refused(client, enterprise, match, db):
    _login(client, enterprise)
    page = client.get(f"/matches/{match.id}").get_data(as_text=True)
    assert page.count('<form method="post"') == page.count('name="csrf_token"') >= 2  # sign out + next step
    response = client.post(f"/matches/{match.id}/advance", data={"state": "contacted"})
    assert response.status_code == 400
    db.session.expire_all()
    assert match.state == "suggested" and match.events == []


def test_language_switch_without_a_token_changes_nothing(client, enterprise, db):
    _login(client, enterprise)
    assert client.post("/language/zh_Hans").status_code == 400
    db.session.refresh(enterprise)
    assert enterprise.locale is None
    token = _token(client, "/profile")
    assert client.post("/language/zh_Hans", data={"csrf_token": token}).status_code == 302
    db.session.refresh(enterprise)
    assert enterprise.locale == "zh_Hans"


def test_solution_partner_forms_carry_the_token_and_refuse_without_it(client, enterprise, provider, db):
    programme = programmes_service.create_programme(enterprise, name="Strip chain", industry="steel")
    programmes_service.add_partner(enterprise, programme, provider.organization.slug)
    _login(client, enterprise)
    page = client.get(f"/programmes/{programme.slug}").get_data(as_text=True)
    assert page.count('<form method="post"') == page.count('name="csrf_token"') >= 3  # + add partner, remove
    assert client.post(f"/programmes/{programme.slug}/partners/{provider.organization.slug}/remove").status_code == 400
    assert client.post(f"/programmes/{programme.slug}/partners", data={"provider": "x"}).status_code == 400
    assert len(db.session.get(Programme, programme.id).partners) == 1


def test_a_proposal_without_a_token_is_refused(client, enterprise, provider, solution, db):
    scenario = pilots_service.open_scenario(
        enterprise, title="Inline strip inspection pilot", problem="Scale marks.", site="Line 2", data_access="",
        criteria=[{"name": "Fit", "weight": 100}], deadline=date.today() + timedelta(days=20), industry="steel",
        scenarios=[], visibility=PilotVisibility.PUBLIC)
    _login(client, provider)
    form = client.get(f"/pilots/{scenario.slug}/propose").get_data(as_text=True)
    assert form.count('<form method="post"') == form.count('name="csrf_token"')
    response = client.post(f"/pilots/{scenario.slug}/propose", data={
        "solution": str(solution.id), "approach": "a", "team": "t", "timeline": "t", "price": "1"})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(Proposal)) is None

"""Chain-Net programme pages: start one, add members, post needs into it, batch matching and the consortium."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.models import Need, PilotVisibility, Programme, UserRole
from app.services import pilots as pilots_service
from app.services import programmes as programmes_service
from tests.views.conftest import post_need

pytestmark = pytest.mark.usefixtures("view_app")


@pytest.fixture
def sme(make_user):
    return make_user(UserRole.ENTERPRISE)


@pytest.fixture
def programme(enterprise, sme):
    programme = programmes_service.create_programme(enterprise, name="Hebei strip chain", industry="steel")
    programmes_service.add_member(enterprise, programme, sme.organization.slug, 2)
    return programme


def test_an_enterprise_starts_a_programme_and_adds_a_member(client, auth, enterprise, sme, db):
    auth.login(enterprise)
    response = client.post("/programmes/new", data={"name": "Tangshan mills", "industry": "steel"})
    programme = db.session.scalar(sa.select(Programme))
    assert response.headers["Location"] == f"/programmes/{programme.slug}"
    assert programme.lead_id == enterprise.organization_id
    response = client.post(f"/programmes/{programme.slug}/members",
                           data={"organization": sme.organization.slug, "tier": "3"})
    assert response.status_code == 302
    page = client.get(f"/programmes/{programme.slug}").get_data(as_text=True)
    assert sme.organization.name in page.split('id="progress"')[1]
    again = client.post(f"/programmes/{programme.slug}/members", data={"organization": sme.organization.slug,
                                                                       "tier": "1"})
    assert again.status_code == 422 and b'id="organization-error"' in again.data


def test_an_official_must_name_the_leading_enterprise(client, auth, official, enterprise, db):
    auth.login(official)
    response = client.post("/programmes/new", data={"name": "No lead", "industry": "steel"})
    assert b'id="lead-error"' in response.data
    client.post("/programmes/new", data={"name": "Led", "industry": "steel", "lead": enterprise.organization.slug})
    assert db.session.scalar(sa.select(Programme)).lead_id == enterprise.organization_id


def test_a_member_posts_a_need_into_the_programme_from_the_need_form(client, auth, sme, programme, db):
    auth.login(sme)
    page = client.get(f"/programmes/{programme.slug}").get_data(as_text=True)
    assert f"/needs/new?programme={programme.slug}" in page
    assert "/members" not in page  # members see, they do not manage
    form = client.get(f"/needs/new?programme={programme.slug}").get_data(as_text=True)
    assert f'<option selected value="{programme.slug}">' in form
    client.post("/needs/new", data={"title": "Scale marks on cold strip", "description": "Marks after pickling.",
                                    "industry": "steel", "programme": programme.slug, "submit": "Publish"})
    need = db.session.scalar(sa.select(Need))
    assert need.programme_id == programme.id
    assert need.title in client.get(f"/programmes/{programme.slug}").get_data(as_text=True).split('id="needs"')[1]


def test_batch_matching_fills_the_consortium_view(client, auth, enterprise, sme, programme, solution):
    post_need(sme, programme=programme.slug)
    auth.login(enterprise)
    response = client.post(f"/programmes/{programme.slug}/match")
    assert response.headers["Location"] == f"/programmes/{programme.slug}/consortium"
    page = client.get(f"/programmes/{programme.slug}/consortium").get_data(as_text=True)
    cover = page.split('id="cover"')[1].split('id="ranking"')[0]
    assert solution.provider.name in cover and solution.title in cover
    assert '<svg class="chart"' in page.split('id="ranking"')[1]


@pytest.mark.parametrize(("who", "status"), [("provider", 404), ("other_enterprise", 404), ("official", 200)])
def test_outsiders_do_not_see_a_programme(client, auth, make_user, provider, official, programme, who, status):
    users = {"provider": provider, "official": official, "other_enterprise": make_user(UserRole.ENTERPRISE)}
    auth.login(users[who])
    assert client.get(f"/programmes/{programme.slug}").status_code == status
    assert client.get(f"/programmes/{programme.slug}/consortium").status_code == status
    assert (programme.name in client.get("/programmes").get_data(as_text=True)) == (status == 200)


def test_members_cannot_manage_and_providers_cannot_start(client, auth, sme, provider, programme, db):
    auth.login(sme)
    assert client.post(f"/programmes/{programme.slug}/match").status_code == 403
    assert client.post(f"/programmes/{programme.slug}/members/{sme.organization.slug}/remove").status_code == 403
    assert len(db.session.get(Programme, programme.id).members) == 1
    auth.logout()
    auth.login(provider)
    assert client.get("/programmes/new").status_code == 403


def test_the_lead_adds_and_removes_a_solution_partner(client, auth, enterprise, sme, provider, programme, db):
    auth.login(enterprise)
    slug = provider.organization.slug
    response = client.post(f"/programmes/{programme.slug}/partners", data={"provider": slug}, follow_redirects=True)
    partners = response.get_data(as_text=True).split('id="partners"')[1].split('id="needs"')[0]
    assert "is now a solution partner" in response.get_data(as_text=True)
    assert provider.organization.name in partners and f"/partners/{slug}/remove" in partners
    again = client.post(f"/programmes/{programme.slug}/partners", data={"provider": slug})
    assert again.status_code == 422 and b'id="provider-error"' in again.data
    assert b"solution partner already" in again.data
    response = client.post(f"/programmes/{programme.slug}/partners/{slug}/remove", follow_redirects=True)
    assert "has left the programme" in response.get_data(as_text=True)
    assert db.session.get(Programme, programme.id).partners == []


@pytest.mark.parametrize("choice", ["", "enterprise", "no-such-provider"])
def test_a_partner_that_is_not_a_provider_shows_an_error_on_the_field(client, auth, enterprise, sme, programme, db,
                                                                     choice):
    auth.login(enterprise)
    provider = sme.organization.slug if choice == "enterprise" else choice
    response = client.post(f"/programmes/{programme.slug}/partners", data={"provider": provider})
    assert response.status_code == 422 and b'id="provider-error"' in response.data
    assert db.session.get(Programme, programme.id).partners == []


def test_members_see_the_partners_but_do_not_manage_them(client, auth, enterprise, sme, provider, programme, db):
    programmes_service.add_partner(enterprise, programme, provider.organization.slug)
    auth.login(sme)
    page = client.get(f"/programmes/{programme.slug}").get_data(as_text=True)
    assert provider.organization.name in page.split('id="partners"')[1] and "/partners" not in page
    assert client.post(f"/programmes/{programme.slug}/partners/{provider.organization.slug}/remove").status_code == 403
    assert client.post(f"/programmes/{programme.slug}/partners",
                       data={"provider": provider.organization.slug}).status_code == 403
    assert len(db.session.get(Programme, programme.id).partners) == 1


def test_a_partner_finds_the_programme_and_its_pilot_scenarios_but_does_not_manage_it(client, auth, enterprise,
                                                                                      provider, programme, db):
    programmes_service.add_partner(enterprise, programme, provider.organization.slug)
    pilot = pilots_service.open_scenario(
        enterprise, title="Find scale marks on hot strip", problem="Scale marks.", site="Line 2", data_access="",
        criteria=[{"name": "Fit", "weight": 100}], deadline=date.today() + timedelta(days=20), industry="steel",
        scenarios=[], visibility=PilotVisibility.PROGRAMME, programme=programme.slug)
    auth.login(provider)
    listing = client.get("/programmes").get_data(as_text=True)
    assert f'href="/programmes/{programme.slug}"' in listing
    page = client.get(f"/programmes/{programme.slug}").get_data(as_text=True)
    assert f'href="/pilots/{pilot.slug}"' in page.split('id="pilots"')[1].split('id="needs"')[0]
    assert "/members" not in page and "/partners/" not in page and "Post a need in this programme" not in page
    pilot_page = client.get(f"/pilots/{pilot.slug}").get_data(as_text=True)
    assert f'href="/programmes/{programme.slug}"' in pilot_page
    programmes_service.remove_partner(enterprise, programme, provider.organization.slug)
    assert client.get(f"/programmes/{programme.slug}").status_code == 404

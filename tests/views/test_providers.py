"""Provider directory and profiles, solutions and products through the site."""
import pytest
import sqlalchemy as sa

from app.models import Organization, OrgSize, Product, Solution

pytestmark = pytest.mark.usefixtures("view_app")


def _solution_form(**overrides):
    data = {"title": "FurnaceMind burden optimiser", "summary": "Optimises blast furnace burden.",
            "description": "Model-predictive control over burden distribution.", "industries": ["steel"],
            "scenarios": ["blast-furnace-burden-optimization"], "capabilities": "MPC, soft sensors , ",
            "deployment": "on-premise", "price_min": "500000", "price_max": "1500000"}
    return {**data, **overrides}


def test_provider_lists_a_solution(client, auth, provider, db):
    auth.login(provider)
    response = client.post("/solutions/new", data=_solution_form())
    solution = db.session.scalar(sa.select(Solution))
    assert response.headers["Location"] == f"/solutions/{solution.slug}"
    assert solution.capabilities == ["MPC", "soft sensors"] and solution.deployment == "on-premise"
    page = client.get(f"/solutions/{solution.slug}").get_data(as_text=True)
    assert "CN¥500,000 – CN¥1,500,000" in page and "soft sensors" in page
    assert "Open needs that fit" in page  # shown to the provider's own members


def test_solution_price_range_is_checked(client, auth, provider, db):
    auth.login(provider)
    response = client.post("/solutions/new", data=_solution_form(price_min="9", price_max="1"))
    assert b'id="price_max-error"' in response.data
    assert db.session.scalars(sa.select(Solution)).all() == []


def test_solution_form_requires_a_title(client, auth, provider, db):
    auth.login(provider)
    response = client.post("/solutions/new", data=_solution_form(title=""))
    assert b'id="title-error"' in response.data
    assert db.session.scalars(sa.select(Solution)).all() == []


def test_enterprise_cannot_list_a_solution(client, auth, enterprise, db):
    auth.login(enterprise)
    assert client.post("/solutions/new", data=_solution_form()).status_code == 403
    assert db.session.scalars(sa.select(Solution)).all() == []


def test_provider_cannot_edit_another_providers_solution(client, auth, solution, other_provider, db):
    auth.login(other_provider)
    assert client.get(f"/solutions/{solution.slug}/edit").status_code == 403
    response = client.post(f"/solutions/{solution.slug}/edit", data=_solution_form(title="Hijacked"))
    assert response.status_code == 403
    assert client.post(f"/solutions/{solution.slug}/delete").status_code == 403
    db.session.refresh(solution)
    assert solution.title != "Hijacked" and solution.deleted_at is None
    assert b"/edit" not in client.get(f"/solutions/{solution.slug}").data.split(b"<main")[1]


def test_provider_edits_and_withdraws_its_solution(client, auth, provider, solution, db):
    auth.login(provider)
    page = client.get(f"/solutions/{solution.slug}/edit").get_data(as_text=True)
    assert 'value="line-scan vision, edge AI"' in page
    response = client.post(f"/solutions/{solution.slug}/edit", data=_solution_form(title="VisionQC 2"))
    assert response.status_code == 302
    db.session.refresh(solution)
    assert solution.title == "VisionQC 2"
    assert client.post(f"/solutions/{solution.slug}/delete").status_code == 302
    assert client.get(f"/solutions/{solution.slug}").status_code == 404


def test_provider_manages_its_product_inventory(client, auth, provider, db):
    auth.login(provider)
    data = {"name": "Edge box X1", "category": "edge-ai-computer", "category_label": "",
            "description": "Fanless edge computer.", "industries": ["steel", "power"]}
    response = client.post("/products/new", data=data)
    product = db.session.scalar(sa.select(Product))
    assert response.headers["Location"] == f"/products/{product.slug}"
    assert product.category.slug == "edge-ai-computer"
    assert client.post(f"/products/{product.slug}/edit", data={**data, "name": "Edge box X2"}).status_code == 302
    assert db.session.get(Product, product.id).name == "Edge box X2"
    assert b"Edge box X2" in client.get("/industries/power").data  # the industry's product inventory
    assert client.post(f"/products/{product.slug}/delete").status_code == 302
    assert client.get(f"/products/{product.slug}").status_code == 404


def test_provider_edits_its_profile(client, auth, provider, db):
    auth.login(provider)
    org = provider.organization
    data = {"name": org.name, "description": "Vision for heavy industry.", "region": "Jiangsu", "size": "small",
            "website": "https://vision.example.com", "founded": "2015", "industries": ["steel"]}
    assert client.post(f"/providers/{org.slug}/edit", data={**data, "website": "not a url"}).status_code == 200
    response = client.post(f"/providers/{org.slug}/edit", data=data)
    assert response.status_code == 302
    org = db.session.get(Organization, org.id)
    assert org.size == OrgSize.SMALL and [i.slug for i in org.industries] == ["steel"]


def test_provider_directory_filters(client, provider, other_provider, db):
    org = db.session.get(Organization, provider.organization_id)
    org.description, org.size = "Line-scan vision systems", OrgSize.SMALL
    db.session.commit()
    page = client.get("/providers", query_string={"q": "LINE-SCAN"}).get_data(as_text=True)
    assert org.name in page and other_provider.organization.name not in page
    page = client.get("/providers", query_string={"size": "small"}).get_data(as_text=True)
    assert org.name in page and other_provider.organization.name not in page
    page = client.get("/providers", query_string={"q": "100%"}).get_data(as_text=True)
    assert org.name not in page  # LIKE wildcards are taken literally
    response = client.get("/providers", query_string={"size": "gigantic", "industry": "atlantis"})
    assert response.status_code == 200 and b"Not a valid choice" in response.data  # ignored, and said so


def test_provider_page_shows_offers_but_not_unpublished_cases(client, provider, solution, product, case):
    page = client.get(f"/providers/{provider.organization.slug}").get_data(as_text=True)
    assert solution.title in page and product.name in page and case.title not in page


def test_solution_page_shows_fitting_needs_to_its_provider_only(client, auth, monkeypatch, provider, other_provider,
                                                                solution, need):
    from app.services import matching
    monkeypatch.setattr(matching, "needs_for_solution", lambda s, limit=10: [(need, ["Same scenario: strip defects"])])
    monkeypatch.setattr(matching, "similar", lambda kind, record, limit=5: [solution])
    auth.login(provider)
    page = client.get(f"/solutions/{solution.slug}").get_data(as_text=True)
    assert need.title in page and "Same scenario: strip defects" in page and "Similar solutions" in page
    client.post("/logout")
    auth.login(other_provider)
    page = client.get(f"/solutions/{solution.slug}").get_data(as_text=True)
    assert "Open needs that fit" not in page and need.title not in page

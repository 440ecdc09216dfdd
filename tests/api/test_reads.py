"""Read-only resources: industries, scenarios, standards, providers, search; OpenAPI document and docs page."""
import json

from tests.api.conftest import problem


def test_industries_scenarios_and_standards(client):
    industries = client.get("/api/v1/industries?page_size=100")
    assert json.loads(industries.headers["X-Pagination"])["total"] == len(industries.get_json()) == 12
    steel = client.get("/api/v1/industries/steel").get_json()
    assert steel["slug"] == "steel" and steel["name"]
    scenario = client.get("/api/v1/scenarios/strip-surface-defect-detection").get_json()
    assert scenario["industry"] == "steel"
    standards = client.get("/api/v1/standards?industry=steel&page_size=100").get_json()
    assert standards and all(not s["industries"] or "steel" in s["industries"] for s in standards)
    one = standards[0]
    assert client.get(f"/api/v1/standards/{one['slug']}").get_json()["number"] == one["number"]
    problem(client.get("/api/v1/industries/atlantis"), 404)


def test_providers_directory(client, provider, enterprise):
    org = provider.organization
    listed = client.get(f"/api/v1/providers?q={org.name}").get_json()
    assert [p["slug"] for p in listed] == [org.slug]
    assert client.get(f"/api/v1/providers/{org.slug}").get_json()["name"] == org.name
    problem(client.get(f"/api/v1/providers/{enterprise.organization.slug}"), 404)  # an enterprise is no provider


def test_search_finds_solutions_and_never_drafts(client, solution, draft):
    response = client.get("/api/v1/search?q=strip+inspection&type=solution")
    body = response.get_json()
    assert response.status_code == 200 and body["fallback"] is False
    assert body["results"][0]["slug"] == solution.slug and body["results"][0]["type"] == "solution"
    assert "solution" in body["facets"]["type"]
    assert json.loads(response.headers["X-Pagination"])["total"] == body["total"]
    drafts = client.get("/api/v1/search?q=converter+endpoint&type=need").get_json()
    assert draft.slug not in [r["slug"] for r in drafts["results"]]
    problem(client.get("/api/v1/search?type=spaceship"), 422)


def test_openapi_document_and_docs_page(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and spec["info"]["title"] == "ChainMatch API"
    assert {"/api/v1/needs", "/api/v1/match", "/api/v1/search", "/api/v1/cases/{slug}"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "application/problem+json" in spec["components"]["responses"]["DEFAULT_ERROR"]["content"]
    page = client.get("/api/v1/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "<script>" not in html  # no inline script: the initialiser is a file
    for asset in ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css", "js/api-docs.js"):
        assert f"/static/{asset}" in html
        assert client.get(f"/static/{asset}").status_code == 200
    assert client.get("/static/vendor/swagger-ui/LICENSE").status_code == 200

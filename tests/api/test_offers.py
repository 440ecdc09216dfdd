"""/api/v1/solutions, /products, /cases: providers write through the offers and cases services."""
from app.models import CaseReviewState, CaseStudy, Product, Solution, TokenScope
from tests.api.conftest import bearer, problem

SOLUTION = {"title": "Furnace twin", "summary": "A digital twin of the reheating furnace.",
            "description": "Cuts gas use by tuning zone set points.", "industries": ["steel"],
            "scenarios": ["quality-inspection"], "capabilities": ["digital twin"], "deployment": "on-premise",
            "price_min": 100000, "price_max": 400000}
PRODUCT = {"name": "Edge box", "category_label": "Edge computer", "description": "Fanless edge computer.",
           "industries": ["steel"]}
CASE = {"title": "Twin at a Hebei mill", "client": "Hebei Steel", "industry": "steel", "summary": "s",
        "results": "Gas use down 8 %.", "year": 2024}


def test_solution_lifecycle_through_the_api(client, db, provider):
    headers = bearer(provider)
    created = client.post("/api/v1/solutions", json=SOLUTION, headers=headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["provider"] == provider.organization.slug and body["deployment"] == "on-premise"
    assert body["created_at"].endswith("+00:00")
    slug = body["slug"]
    assert client.get(f"/api/v1/solutions?provider={provider.organization.slug}").get_json()[0]["slug"] == slug
    assert client.get("/api/v1/solutions?deployment=cloud").get_json() == []
    patched = client.patch(f"/api/v1/solutions/{slug}", json={"price_max": 500000}, headers=headers).get_json()
    assert patched["price_max"] == 500000 and patched["title"] == "Furnace twin"
    inverted = problem(client.patch(f"/api/v1/solutions/{slug}", json={"price_min": 900000}, headers=headers), 422)
    assert list(inverted["errors"]) == ["price_max"]
    assert client.delete(f"/api/v1/solutions/{slug}", headers=headers).status_code == 204
    assert db.session.scalar(db.select(Solution).where(Solution.slug == slug)).deleted_at is not None
    problem(client.get(f"/api/v1/solutions/{slug}"), 404)


def test_product_category_is_a_slug_and_an_unknown_one_is_a_field_error(client, provider):
    headers = bearer(provider)
    camera = client.post("/api/v1/products", json={**PRODUCT, "category": "industrial-camera-vision"},
                         headers=headers)
    assert camera.status_code == 201 and camera.get_json()["category"] == "industrial-camera-vision"
    unknown = problem(client.post("/api/v1/products", json={**PRODUCT, "category": "atlantis"}, headers=headers), 422)
    assert list(unknown["errors"]) == ["category"]
    created = client.post("/api/v1/products", json=PRODUCT, headers=headers).get_json()
    assert created["category"] is None and created["category_label"] == "Edge computer"
    assert client.get(f"/api/v1/products/{created['slug']}").get_json()["name"] == "Edge box"


def test_product_update_and_delete(client, db, provider, product):
    headers = bearer(provider)
    patched = client.patch(f"/api/v1/products/{product.slug}", json={"name": "LS-8K"}, headers=headers)
    assert patched.get_json()["name"] == "LS-8K"
    assert client.delete(f"/api/v1/products/{product.slug}", headers=headers).status_code == 204
    assert db.session.get(Product, product.id).deleted_at is not None


def test_case_submitted_then_edited_goes_back_to_review(client, db, provider, official, solution, published_case):
    headers = bearer(provider)
    created = client.post("/api/v1/cases", json={**CASE, "solution": solution.slug}, headers=headers)
    assert created.status_code == 201 and created.get_json()["review_state"] == "submitted"
    assert created.get_json()["solution"] == solution.slug
    problem(client.get(f"/api/v1/cases/{created.get_json()['slug']}"), 404)  # unpublished: not public

    edited = client.patch(f"/api/v1/cases/{published_case.slug}", json={"results": "Escapes down 70 %."},
                          headers=headers)
    assert edited.status_code == 200 and edited.get_json()["review_state"] == "submitted"
    assert db.session.get(CaseStudy, published_case.id).review_state == CaseReviewState.SUBMITTED
    # until the revision is published, readers see the published version; the provider sees its edit
    assert client.get(f"/api/v1/cases/{published_case.slug}").get_json()["results"] == "Defect escapes down 60 %."
    own = client.get(f"/api/v1/cases/{published_case.slug}", headers=bearer(provider, TokenScope.READ))
    assert own.get_json()["results"] == "Escapes down 70 %."


def test_case_cannot_cite_another_providers_solution(client, other_provider, solution):
    body = problem(client.post("/api/v1/cases", json={**CASE, "solution": solution.slug},
                               headers=bearer(other_provider)), 422)
    assert list(body["errors"]) == ["solution"]


def test_case_list_shows_own_unpublished_cases_to_their_provider_only(client, provider, other_provider,
                                                                       unpublished_case, published_case):
    public = [c["slug"] for c in client.get("/api/v1/cases").get_json()]
    own = [c["slug"] for c in client.get("/api/v1/cases", headers=bearer(provider)).get_json()]
    other = [c["slug"] for c in client.get("/api/v1/cases", headers=bearer(other_provider)).get_json()]
    assert public == other == [published_case.slug]
    assert sorted(own) == sorted([published_case.slug, unpublished_case.slug])
    assert client.get("/api/v1/cases?exemplary=true").get_json()[0]["exemplary"] is True

"""/api/v1/needs: listing with pages and ETags, drafts for their enterprise, writes through the needs service."""
import json
from datetime import date, timedelta

from app.models import AuditLog, Need, NeedStatus, TokenScope
from tests.api.conftest import NEED_JSON as NEW_NEED
from tests.api.conftest import bearer, post_need, problem


def test_list_pages_with_x_pagination_and_link_headers(client, enterprise):
    for n in range(3):
        post_need(enterprise, title=f"Need number {n}")
    response = client.get("/api/v1/needs?page=2&page_size=2")
    assert response.status_code == 200
    meta = json.loads(response.headers["X-Pagination"])
    assert meta == {"total": 3, "total_pages": 2, "first_page": 1, "last_page": 2, "page": 2, "previous_page": 1}
    assert [n["title"] for n in response.get_json()] == ["Need number 0"]  # newest first
    assert 'page=1&page_size=2>; rel="prev"' in response.headers["Link"]
    assert 'rel="next"' not in response.headers["Link"]


def test_list_filters_and_hides_other_enterprises_drafts(client, need, draft, make_user):
    assert [n["slug"] for n in client.get("/api/v1/needs").get_json()] == [need.slug]
    assert client.get("/api/v1/needs?status=draft").get_json() == []
    outsider = bearer(make_user())
    assert client.get("/api/v1/needs?status=draft", headers=outsider).get_json() == []
    assert [n["slug"] for n in client.get("/api/v1/needs?industry=steel&q=strip").get_json()] == [need.slug]
    assert client.get("/api/v1/needs?industry=textiles").get_json() == []


def test_token_user_sees_own_drafts(client, enterprise, draft):
    headers = bearer(enterprise, TokenScope.READ)
    assert [n["slug"] for n in client.get("/api/v1/needs?status=draft", headers=headers).get_json()] == [draft.slug]
    body = client.get(f"/api/v1/needs/{draft.slug}", headers=headers).get_json()
    assert body["status"] == "draft" and body["organization"] == enterprise.organization.slug
    problem(client.get(f"/api/v1/needs/{draft.slug}"), 404)


def test_detail_etag_answers_304_until_the_need_changes(client, enterprise, need):
    first = client.get(f"/api/v1/needs/{need.slug}")
    etag = first.headers["ETag"]
    assert first.get_json()["budget_max"] == 800_000 and first.get_json()["scenarios"] == [
        "strip-surface-defect-detection"]
    again = client.get(f"/api/v1/needs/{need.slug}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    client.patch(f"/api/v1/needs/{need.slug}", json={"title": "A new title"}, headers=bearer(enterprise))
    changed = client.get(f"/api/v1/needs/{need.slug}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_create_draft_then_publish_update_and_delete(client, db, enterprise):
    headers = bearer(enterprise)
    created = client.post("/api/v1/needs", json={**NEW_NEED, "publish": False}, headers=headers)
    assert created.status_code == 201, created.get_json()
    slug = created.get_json()["slug"]
    need = db.session.scalar(db.select(Need).where(Need.slug == slug))
    assert need.status == NeedStatus.DRAFT and need.author_id == enterprise.id and need.budget_min == 100000

    updated = client.patch(f"/api/v1/needs/{slug}", json={"status": "open", "budget_max": 600000}, headers=headers)
    assert updated.status_code == 200
    assert updated.get_json()["status"] == "open" and updated.get_json()["budget_max"] == 600000
    assert client.get(f"/api/v1/needs/{slug}").status_code == 200  # public now

    assert client.delete(f"/api/v1/needs/{slug}", headers=headers).status_code == 204
    problem(client.get(f"/api/v1/needs/{slug}"), 404)
    actions = db.session.scalars(db.select(AuditLog.action).where(AuditLog.entity == "need",
                                                                  AuditLog.entity_id == need.id)).all()
    assert actions == ["create", "update", "status", "delete"]


def test_invalid_input_names_each_field(client, enterprise):
    headers = bearer(enterprise)
    body = problem(client.post("/api/v1/needs", json={"title": "", "industry": "steel", "budget_min": -1},
                               headers=headers), 422)
    assert set(body["errors"]) == {"title", "description", "budget_min"}
    past = {**NEW_NEED, "deadline": (date.today() - timedelta(days=1)).isoformat()}
    assert problem(client.post("/api/v1/needs", json=past, headers=headers), 422)["errors"] == {
        "deadline": ["The deadline must not be in the past."]}
    unknown = problem(client.post("/api/v1/needs", json={**NEW_NEED, "industry": "atlantis"}, headers=headers), 422)
    assert list(unknown["errors"]) == ["industry"]
    inverted = problem(client.post("/api/v1/needs", json={**NEW_NEED, "budget_min": 9, "budget_max": 1},
                                   headers=headers), 422)
    assert list(inverted["errors"]) == ["budget_max"]


def test_refused_status_change_is_a_conflict(client, enterprise, need):
    body = problem(client.patch(f"/api/v1/needs/{need.slug}", json={"status": "draft"}, headers=bearer(enterprise)),
                   409)
    assert "cannot become draft" in body["detail"]


def test_a_closed_need_is_reopened_before_its_fields_change(client, enterprise, need):
    headers = bearer(enterprise)
    assert client.patch(f"/api/v1/needs/{need.slug}", json={"status": "closed"}, headers=headers).status_code == 200
    problem(client.patch(f"/api/v1/needs/{need.slug}", json={"title": "Still closed"}, headers=headers), 409)
    reopened = client.patch(f"/api/v1/needs/{need.slug}", json={"status": "open", "title": "Reopened"},
                            headers=headers)
    assert reopened.status_code == 200
    assert (reopened.get_json()["status"], reopened.get_json()["title"]) == ("open", "Reopened")

"""Case studies: submitting, reviewing, publishing as exemplary."""
import pytest
import sqlalchemy as sa

from app.models import CaseReviewState, CaseStudy

pytestmark = pytest.mark.usefixtures("view_app")


def _case_form(solution_slug="", **overrides):
    data = {"title": "Burden optimisation at a Hebei furnace", "client": "Tangshan Iron", "industry": "steel",
            "scenarios": ["blast-furnace-burden-optimization"], "summary": "Deployed on BF 3.",
            "results": "Coke rate down 8 kg/t.", "year": "2023", "solution": solution_slug}
    return {**data, **overrides}


def test_provider_submits_a_case_citing_its_solution(client, auth, provider, solution, db):
    auth.login(provider)
    assert solution.slug.encode() in client.get("/cases/new").data
    response = client.post("/cases/new", data=_case_form(solution.slug))
    case = db.session.scalar(sa.select(CaseStudy))
    assert response.headers["Location"] == f"/cases/{case.slug}"
    assert case.solution_id == solution.id and case.review_state == CaseReviewState.SUBMITTED


def test_case_cannot_cite_another_providers_solution(client, auth, other_provider, solution, db):
    auth.login(other_provider)
    response = client.post("/cases/new", data=_case_form(solution.slug))
    assert b'id="solution-error"' in response.data
    assert db.session.scalars(sa.select(CaseStudy)).all() == []


def test_case_form_checks_the_year(client, auth, provider, db):
    auth.login(provider)
    response = client.post("/cases/new", data=_case_form(year="20x3"))
    assert b'id="year-error"' in response.data
    assert db.session.scalars(sa.select(CaseStudy)).all() == []


def test_official_reviews_and_publishes_an_exemplary_case(client, auth, official, case, db):
    assert client.get("/cases").data.count(case.title.encode()) == 0
    auth.login(official)
    assert case.title.encode() in client.get("/cases/review").data
    response = client.post(f"/cases/{case.slug}/publish", data={"exemplary": "y"})
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.is_published and case.exemplary
    client.post("/logout")
    assert case.title.encode() in client.get("/cases?exemplary=y").data
    assert case.title.encode() in client.get("/industries/steel").data
    assert case.title.encode() in client.get("/").data


def test_provider_cannot_publish_its_own_case(client, auth, provider, case, db):
    auth.login(provider)
    assert client.post(f"/cases/{case.slug}/publish", data={"exemplary": "y"}).status_code == 403
    db.session.refresh(case)
    assert not case.is_published


def test_provider_edit_sends_a_published_case_back_to_review(client, auth, provider, published_case, solution, db):
    auth.login(provider)
    response = client.post(f"/cases/{published_case.slug}/edit", data=_case_form(solution.slug, title="Updated"))
    assert response.status_code == 302
    db.session.refresh(published_case)
    assert published_case.title == "Updated" and published_case.review_state == CaseReviewState.SUBMITTED

"""The officials' case review pages, the published version during re-review, exemplary case pages."""
import re

import pytest

from app.models import CaseReviewState, ReviewCriterion, UserRole
from app.services import cases as cases_service

pytestmark = pytest.mark.usefixtures("view_app")

SCORES = {c.value: "4" for c in ReviewCriterion}


def followed(client, response) -> str:
    """The page a redirect leads to (where its flash message shows)."""
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_official_assigns_scores_and_publishes_from_the_review_page(client, auth, official, case, db):
    auth.login(official)
    page = client.get(f"/cases/{case.slug}/review").get_data(as_text=True)
    assert "Depth of AI + industrial internet integration" in page and "Replicability" in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # several forms on one page, each label finds its own field
    page = followed(client, client.post(f"/cases/{case.slug}/assign", data={"reviewer": str(official.id)}))
    assert "The reviewer is assigned." in page
    page = followed(client, client.post(f"/cases/{case.slug}/score", data={**SCORES, "remarks": "Well measured."}))
    assert "Your scores are recorded." in page and "Well measured." in page and "4 / 5" in page
    response = client.post(f"/cases/{case.slug}/publish", data={"exemplary": "y"})
    assert response.headers["Location"] == f"/cases/{case.slug}/review"
    page = followed(client, response)
    assert "The case study is published." in page
    assert [e.action.value for e in case.events] == ["submitted", "assigned", "scored", "published"]
    assert "Reviewer assigned" in page and official.name in page


def test_a_missing_score_shows_on_its_field(client, auth, official, case, db):
    auth.login(official)
    response = client.post(f"/cases/{case.slug}/score", data={k: v for k, v in SCORES.items() if k != "benefit"})
    assert response.status_code == 200 and b'id="benefit-error"' in response.data
    db.session.refresh(case)
    assert len(case.events) == 1


def test_sending_back_without_a_reason_shows_on_the_comment(client, auth, official, case, db):
    auth.login(official)
    response = client.post(f"/cases/{case.slug}/decide", data={"request_changes": "y", "comment": ""})
    assert response.status_code == 200 and b'id="comment-error"' in response.data
    page = followed(client, client.post(f"/cases/{case.slug}/decide",
                                        data={"request_changes": "y", "comment": "Add before/after figures."}))
    assert "The provider is asked for changes." in page
    db.session.refresh(case)
    assert case.review_state == CaseReviewState.CHANGES_REQUESTED


def test_official_unmarks_and_marks_an_exemplary_case(client, auth, official, published_case, db):
    auth.login(official)
    page = followed(client, client.post(f"/cases/{published_case.slug}/exemplary", data={}))
    assert "Exemplary cases are updated." in page
    db.session.refresh(published_case)
    assert not published_case.exemplary
    client.post(f"/cases/{published_case.slug}/exemplary", data={"exemplary": "y"})
    db.session.refresh(published_case)
    assert published_case.exemplary


REVIEW_POSTS = [("assign", {"reviewer": "1"}), ("score", SCORES), ("decide", {"reject": "y", "comment": "No."}),
                ("publish", {"exemplary": "y"}), ("exemplary", {"exemplary": "y"})]


@pytest.mark.parametrize("who", ["provider", "other_provider", "enterprise"])
@pytest.mark.parametrize("action, data", REVIEW_POSTS)
def test_non_officials_cannot_take_review_steps(client, auth, request, case, db, who, action, data):
    auth.login(request.getfixturevalue(who))
    assert client.post(f"/cases/{case.slug}/{action}", data=data).status_code == 403
    db.session.refresh(case)
    assert case.review_state == CaseReviewState.SUBMITTED and len(case.events) == 1


def test_review_queue_filters_by_industry(client, auth, official, case, provider):
    aviation = cases_service.submit_case(provider, title="Composite NDT at an airframer", client="AVIC plant",
                                         industry="aviation", scenarios=[], summary="s", results="r", year=2024,
                                         solution=None)
    auth.login(official)
    page = client.get("/cases/review?industry=aviation").get_data(as_text=True)
    assert aviation.title in page and case.title not in page
    page = client.get("/cases/review?reviewer=none&older_than=30").get_data(as_text=True)
    assert "Nothing is waiting for review." in page


def test_the_public_sees_the_published_version_while_a_revision_waits(client, auth, provider, published_case):
    title = published_case.title
    cases_service.update_case(provider, published_case, title="Revised title awaiting review")
    for path in (f"/cases/{published_case.slug}", "/cases", "/industries/steel/exemplary-cases"):
        page = client.get(path).get_data(as_text=True)
        assert title in page and "Revised title awaiting review" not in page, path
    auth.login(provider)
    page = client.get(f"/cases/{published_case.slug}").get_data(as_text=True)
    assert "Revised title awaiting review" in page and "the public sees the version published on" in page


def test_exemplary_cases_have_a_page_per_industry_and_scenario(client, published_case, make_user):
    assert "/industries/steel/exemplary-cases" in client.get("/industries/steel").get_data(as_text=True)
    scenario_page = client.get("/scenarios/strip-surface-defect-detection").get_data(as_text=True)
    assert "/scenarios/strip-surface-defect-detection/exemplary-cases" in scenario_page
    for path in ("/industries/steel/exemplary-cases", "/scenarios/strip-surface-defect-detection/exemplary-cases"):
        assert published_case.title in client.get(path).get_data(as_text=True), path
    assert published_case.title not in client.get("/industries/aviation/exemplary-cases").get_data(as_text=True)
    cases_service.set_exemplary(make_user(UserRole.OFFICIAL), published_case, False)
    page = client.get("/industries/steel/exemplary-cases").get_data(as_text=True)
    assert published_case.title not in page and "No exemplary cases selected here yet." in page

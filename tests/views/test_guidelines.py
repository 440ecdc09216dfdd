"""Industry application guidelines through the pages: writing, review, publication, versions, diff, print."""
import pytest

from app.models import GuidelineState, Industry
from app.services import guidelines
from app.services.common import get_or_404

pytestmark = pytest.mark.usefixtures("view_app")
FORM = {"situation": "Steel runs hot and continuous.", "architecture": "Edge cameras and a plant data platform.",
        "scenarios": ["strip-surface-defect-detection"]}


@pytest.fixture
def published(official, published_case):
    steel = get_or_404(Industry, "steel", by="slug")
    first = guidelines.start_version(official, steel)
    guidelines.update_guideline(official, first, **FORM, categories=[], standards=[], cases=[published_case.slug])
    for state in (GuidelineState.IN_REVIEW, GuidelineState.PUBLISHED):
        guidelines.set_guideline_state(official, first, state)
    return first


def test_official_writes_reviews_and_publishes(client, auth, official):
    auth.login(official)
    response = client.post("/guidelines/steel/new")
    assert response.status_code == 302 and response.headers["Location"] == "/guidelines/steel/v1/edit"
    response = client.post("/guidelines/steel/v1/edit", data=FORM, follow_redirects=True)
    assert "The guideline is saved." in response.get_data(as_text=True)
    assert "Version 1 is now In review." in client.post("/guidelines/steel/v1/submit", follow_redirects=True) \
        .get_data(as_text=True)
    client.post("/guidelines/steel/v1/publish")
    auth.logout()
    page = client.get("/guidelines/steel").get_data(as_text=True)
    assert "Steel runs hot and continuous." in page and "Strip" in page
    assert 'href="/guidelines/steel"' in client.get("/industries/steel").get_data(as_text=True)
    assert "version 1, published" in client.get("/guidelines").get_data(as_text=True)


def test_publishing_a_draft_straight_away_is_refused_with_a_message(client, auth, official):
    auth.login(official)
    client.post("/guidelines/steel/new")
    response = client.post("/guidelines/steel/v1/publish", follow_redirects=True)
    assert "cannot become published" in response.get_data(as_text=True)


@pytest.mark.parametrize("who,status", [("anonymous", 404), ("enterprise", 404), ("provider", 404),
                                        ("official", 200), ("admin", 200)])
def test_drafts_are_only_for_officials(client, auth, official, who, status, request):
    guidelines.start_version(official, get_or_404(Industry, "steel", by="slug"))
    if who != "anonymous":
        auth.login(request.getfixturevalue(who))
    assert client.get("/guidelines/steel/v1").status_code == status
    assert client.get("/guidelines/steel").status_code == status  # nothing published yet


@pytest.mark.parametrize("who,status", [("enterprise", 403), ("provider", 403)])
def test_only_officials_start_versions(client, auth, who, status, request):
    auth.login(request.getfixturevalue(who))
    assert client.post("/guidelines/steel/new").status_code == status


def test_the_diff_is_escaped_per_field_without_inline_styles(client, auth, official, published):
    auth.login(official)
    client.post("/guidelines/steel/new")
    client.post("/guidelines/steel/v2/edit", data={**FORM, "situation": "Steel runs <b>hot</b> and continuous.",
                                                   "cases": [published.cases[0].slug]})
    page = client.get("/guidelines/steel/diff?old=1&new=2").get_data(as_text=True)
    assert '<ins class="diff-ins">&lt;b&gt;hot&lt;/b&gt;</ins>' in page and '<del class="diff-del">hot</del>' in page
    assert "style=" not in page and "Reference architecture" not in page  # unchanged fields are left out
    assert client.get("/guidelines/steel/diff?old=1&new=x").status_code == 404


def test_live_pool_links_and_a_print_stylesheet(client, published, published_case, db):
    page = client.get("/guidelines/steel").get_data(as_text=True)
    assert f'href="http://localhost/cases/{published_case.slug}"' in page and 'class="guideline print-links"' in page
    published_case.title = "Renamed strip case"
    db.session.commit()
    assert "Renamed strip case" in client.get("/guidelines/steel").get_data(as_text=True)
    css = client.get("/static/css/site.css").get_data(as_text=True)
    print_rules = css.split("@media print")[1]
    assert ".site-header" in print_rules and "attr(href)" in print_rules

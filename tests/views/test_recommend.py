"""Recommendation pages: enterprise and provider dashboards, industry highlights; each says why."""
import pytest

from app.models import MatchState, UserRole
from app.services import matching
from app.services.lifecycle import advance_match
from app.services.offers import create_solution, delete_solution
from tests.views.conftest import post_need

pytestmark = pytest.mark.usefixtures("view_app")


def test_enterprise_dashboard_recommends_solutions_for_each_open_need(client, auth, enterprise, need, solution):
    auth.login(enterprise)
    page = client.get("/dashboard").get_data(as_text=True)
    assert need.title in page and solution.title in page
    assert "Why:" in page


def test_enterprises_like_yours_also_contacted(client, auth, make_user, enterprise, solution):
    other = make_user(UserRole.ENTERPRISE)
    their_need = post_need(other, title="Scratches on our strip coils")
    contacted = next(m for m in matching.refresh_matches(their_need) if m.solution_id == solution.id)
    advance_match(other, contacted, MatchState.CONTACTED)
    post_need(enterprise, title="Pits and scratches on cold strip")
    auth.login(enterprise)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Enterprises like yours also contacted" in page
    assert "Contacted by 1 enterprise in Steel" in page


def test_provider_dashboard_lists_fitting_open_needs_newest_first_within_relevance(client, auth, provider, solution,
                                                                                  enterprise):
    older = post_need(enterprise, title="Strip surface defects on the hot mill")
    newer = post_need(enterprise, title="Strip surface defects on the hot mill line")
    auth.login(provider)
    page = client.get("/dashboard").get_data(as_text=True)
    assert solution.title in page and "Why:" in page
    assert page.index(f"/needs/{newer.slug}\"") < page.index(f"/needs/{older.slug}\"")


def test_industry_page_recommends_solutions_per_scenario_with_why(client, solution):
    page = client.get("/industries/steel").get_data(as_text=True)
    assert "Most relevant solutions and exemplary cases per scenario" in page
    section = page[page.index('id="recommended"'):page.index('id="products"')]
    assert solution.title in section and "Why:" in section


def test_dashboard_needs_sign_in_and_sends_officials_to_the_review_queue(client, auth, official):
    assert "/login" in client.get("/dashboard").headers["Location"]
    auth.login(official)
    assert client.get("/dashboard").headers["Location"].endswith("/cases/review")


def test_provider_without_solutions_is_invited_to_list_one(client, auth, make_user):
    auth.login(make_user(UserRole.PROVIDER))
    assert "You have not listed a solution yet." in client.get("/dashboard").get_data(as_text=True)


def test_deleted_solutions_are_never_recommended(client, auth, provider, enterprise, need):
    gone = create_solution(provider, title="Withdrawn strip inspection", summary="Strip defects.",
                           description="Line-scan strip defect detection.", industries=["steel"],
                           scenarios=["strip-surface-defect-detection"], capabilities=[], deployment=None,
                           price_min=None, price_max=None)
    delete_solution(provider, gone)
    auth.login(enterprise)
    assert "Withdrawn strip inspection" not in client.get("/dashboard").get_data(as_text=True)

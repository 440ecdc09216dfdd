"""The search page: hybrid results, facets as shareable links, hidden records stay hidden, database fallback,
saved searches that notify."""
import copy

import pytest
import sqlalchemy as sa

from app.indexing import get_indexer
from app.models import Notification, SavedSearch, UserRole
from app.services.imports import import_records
from app.services.needs import post_need
from app.services.offers import create_solution
from tests.cli.test_contract_cli import MORE
from tests.services.test_imports import VALID


@pytest.fixture
def market(db):
    import_records(None, copy.deepcopy(VALID))
    import_records(None, copy.deepcopy(MORE))


def test_plain_words_find_the_technical_solution(client, market):
    page = client.get("/search?q=gearbox+keeps+breaking+without+warning").get_data(as_text=True)
    assert "Vibration-based predictive maintenance for mill drives" in page


def test_keyword_hits_are_highlighted_and_escaped(client, market):
    page = client.get("/search?q=scratches").get_data(as_text=True)
    assert "<mark>scratches</mark>" in page or "<mark>Scratches</mark>" in page
    assert "<script>" not in client.get("/search?q=<script>alert(1)</script>").get_data(as_text=True)


def test_facet_links_narrow_results_and_urls_are_shareable(client, market):
    everything = client.get("/search").get_data(as_text=True)
    assert "Transformer load forecasting" in everything and "Strip surface inspection" in everything
    power = client.get("/search?industry=power&type=solution").get_data(as_text=True)
    assert "Transformer load forecasting" in power and "Strip surface inspection" not in power
    assert 'href="/search?industry=power&amp;type=solution&amp;industry=' not in power  # no duplicated values
    assert "industry=power" in power and 'aria-current="true"' in power


def test_drafts_and_unreviewed_cases_never_appear(client, market, make_user):
    member = make_user(UserRole.ENTERPRISE)
    post_need(member, publish=False, title="Secret draft about scratches", description="Not public yet.",
              industry="steel", scenarios=[], region="", budget_min=None, budget_max=None, deadline=None)
    page = client.get("/search?q=scratches").get_data(as_text=True)
    assert "Secret draft about scratches" not in page
    assert "Cold rolling line inspection" not in page  # the imported case is still only submitted


def test_facet_clicks_can_load_only_the_results_fragment(client, market):
    response = client.get("/search?q=strip", headers={"X-Requested-With": "chainmatch-search"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and "result-list" in html


def test_empty_search_suggests_spellings(client, market):
    page = client.get("/search?q=inspektion&region=Tibet").get_data(as_text=True)
    assert "Nothing matches this search." in page
    assert 'q=inspection' in page  # did you mean


def test_empty_search_offers_to_relax_a_filter(client, market):
    page = client.get("/search?q=strip+inspection&region=Tibet").get_data(as_text=True)
    assert "Nothing matches this search." in page
    assert "Remove the Region filter:" in page


def test_chinese_query_searches_chinese_catalogue_text(client, market):
    page = client.get("/search?q=预测性维护&type=scenario").get_data(as_text=True)
    assert "1 result" in page or "results" in page
    assert "Predictive" in page


def test_backend_down_answers_from_the_database_with_a_notice(client, market, tmp_path):
    indexer = get_indexer()
    down = tmp_path / "down"
    down.write_text("x")
    indexer.index_dir, indexer._matcher = down, None
    response = client.get("/search?q=strip")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Search is temporarily limited" in page and "Strip surface inspection" in page


def test_anonymous_users_cannot_save_searches(client, market):
    response = client.post("/search/save", data={"name": "x", "query": "q=strip"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_saved_search_notifies_of_a_new_matching_item(client, auth, db, market, make_user):
    buyer = make_user(UserRole.ENTERPRISE)
    auth.login(buyer)
    client.post("/search/save", data={"name": "Power forecasting", "query": "q=load+forecasting&type=solution"})
    saved = db.session.scalar(sa.select(SavedSearch).where(SavedSearch.user_id == buyer.id))
    assert saved.name == "Power forecasting"
    create_solution(make_user(UserRole.PROVIDER), title="Day-ahead load forecasting for industrial parks",
                    summary="Forecasts park load.", description="Load forecasting with weather features.",
                    industries=["power"], scenarios=["load-forecasting"], capabilities=[], deployment=None,
                    price_min=None, price_max=None)
    notes = db.session.scalars(sa.select(Notification).where(Notification.user_id == buyer.id)).all()
    assert [n.message for n in notes] == [
        "New result for your saved search “Power forecasting”: Day-ahead load forecasting for industrial parks"]
    page = client.get("/searches").get_data(as_text=True)
    assert "Power forecasting" in page and "Day-ahead load forecasting" in page

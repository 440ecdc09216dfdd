"""Industries, their resource pools, scenarios and standards."""
import pytest

pytestmark = pytest.mark.usefixtures("view_app")


def test_home_page_shows_the_twelve_industries(client):
    page = client.get("/").get_data(as_text=True)
    assert page.count('href="/industries/') >= 12
    assert 'action="/search"' in page


def test_industry_pool_shows_scenarios_suppliers_products_and_standards(client, solution, product, provider, db):
    org = provider.organization
    org.industries = solution.industries
    db.session.commit()
    page = client.get("/industries/steel").get_data(as_text=True)
    assert 'href="/scenarios/strip-surface-defect-detection"' in page
    assert 'href="/scenarios/quality-inspection"' in page  # cross-industry
    assert product.name in page and org.name in page
    assert 'href="/providers?industry=steel"' in page
    assert "<table>" in page


def test_scenario_page_lists_its_solutions(client, solution):
    page = client.get("/scenarios/strip-surface-defect-detection").get_data(as_text=True)
    assert solution.title in page


def test_standards_filter_by_industry(client):
    everything = client.get("/standards").get_data(as_text=True)
    steel = client.get("/standards?industry=steel").get_data(as_text=True)
    assert steel.count("<tr>") <= everything.count("<tr>")


def test_language_links_switch_the_page_language(client):
    client.post("/language/zh_Hans")
    assert 'lang="zh-Hans"' in client.get("/industries").get_data(as_text=True)

"""Chinese end to end, through the real site, matcher and keyword index: a provider lists a solution in
Chinese, an enterprise posts a need in Chinese through the form and reads its matches, a visitor searches
in Chinese and sees the Chinese words highlighted. Runs on SQLite and, with --db postgres, PostgreSQL."""
import re

import pytest

from app.models import Deployment, Need
from app.services import offers as offers_service

pytestmark = pytest.mark.usefixtures("view_app")


@pytest.fixture
def chinese_solution(provider):
    return offers_service.create_solution(
        provider, title="带钢表面缺陷在线检测系统", summary="线阵相机与深度学习，在线识别热轧带钢表面缺陷。",
        description="以全线速检测划痕、氧化铁皮、孔洞和边裂，生成卷材缺陷图谱，误报率低。", industries=["steel"],
        scenarios=["strip-surface-defect-detection"], capabilities=["线阵视觉", "边缘计算"],
        deployment=Deployment.EDGE, price_min=300_000, price_max=900_000)


def test_a_need_posted_in_chinese_is_matched_and_found_by_chinese_search(client, auth, enterprise, chinese_solution,
                                                                          solution, db):
    """`solution` is an English one in the same scenario: the need's words must tell the two apart."""
    auth.login(enterprise)
    client.post("/language/zh_Hans")
    response = client.post("/needs/new", data={
        "title": "热轧带钢表面缺陷检测", "description": "热轧产线上带钢表面的划痕和氧化铁皮经常漏检，希望在线自动检测并分级。",
        "industry": "steel", "region": "Hebei", "budget_min": "200000", "budget_max": "800000", "submit": "发布"},
        follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "您的需求已发布。" in page and "热轧带钢表面缺陷检测" in page
    need = db.session.scalar(db.select(Need).where(Need.title == "热轧带钢表面缺陷检测"))
    assert need is not None and need.region == "Hebei"

    # Its explained matches: the Chinese solution, with reasons in Chinese that quote the need's words.
    first = page.split('class="match-list"', 1)[1].split("</li>\n    <li", 1)[0]
    assert chinese_solution.title in first  # ranked above the English solution
    reasons = first.split('class="reasons"', 1)[1].split("</ul>", 1)[0]
    assert "回应需求中的：" in reasons and "表面缺陷" in reasons and "服务行业：钢铁" in reasons

    # A visitor's Chinese search finds both, with the query's Chinese words highlighted.
    visitor = client.application.test_client()
    visitor.post("/language/zh_Hans")
    results = visitor.get("/search?q=表面缺陷").get_data(as_text=True)
    assert '<html lang="zh-Hans">' in results
    assert need.title in results and chinese_solution.title in results
    assert re.search(r"<mark>[^<]*表面缺陷[^<]*</mark>", results)

    # A facet click narrows to solutions; the URL carries the Chinese query and can be shared.
    narrowed = visitor.get("/search?q=%E8%A1%A8%E9%9D%A2%E7%BC%BA%E9%99%B7&type=solution").get_data(as_text=True)
    assert chinese_solution.title in narrowed and need.title not in narrowed


def test_a_chinese_search_finds_an_english_solution_by_its_meaning_and_marks_its_words(client, solution):
    """Most of the marketplace is written in English: a Chinese reader's search must still reach it."""
    results = client.get("/search?q=带钢缺陷视觉检测&type=solution").get_data(as_text=True)
    assert solution.title in results
    assert re.search(r"<mark>(strip|defect|inspection)[^<]*</mark>", results, re.IGNORECASE)

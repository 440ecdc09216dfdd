"""One contract for every search backend: same documents in, same facet counts and filtering out, sane ranking.

Runs against the embedded backend (FAISS + FTS5) and against a real OpenSearch-compatible server
(osmem-server, started by its pytest plugin) for everything it supports; the kNN part runs against a
real Elasticsearch when ELASTICSEARCH_URL is set, and is reported as skipped otherwise.
"""
import os
import uuid

import pytest

from matching import Doc, Matcher
from matching.elastic import ElasticSearchBackend, connect
from matching.search import EmbeddedSearch, SearchRequest

COLLECTIONS = ("solution", "case", "need")
SCOPES = {"case": {"status": ["published"]}, "need": {"status": ["open", "matched"]}}


def d(i, title, body, created, **kw):
    return Doc(id=i, key=f"k{i}", title=title, body=body, created=created, **kw)


DOCS = {
    "solution": [
        d(1, "Strip surface inspection", "Line-scan cameras and deep learning find scratches and pits on cold "
          "rolled strip.", "2026-01-01", industries=["steel"], scenarios=["quality-inspection"], region="Hebei",
          deployment="edge", price_min=800_000, price_max=2_500_000, facets={"exemplary": True}),
        d(2, "Bearing remaining-life prediction", "Vibration sensors and LSTM models predict bearing failures "
          "on rolling mill drives.", "2026-02-01", industries=["steel", "power"],
          scenarios=["predictive-maintenance"], region="Jiangsu", deployment="on-premise", price_min=300_000,
          price_max=900_000),
        d(3, "Feeder load forecasting", "Gradient boosting forecasts substation load from SCADA history.",
          "2026-03-01", industries=["power"], scenarios=["load-forecasting"], region="Guangdong",
          deployment="cloud", price_min=6_000_000, price_max=7_000_000),
        d(4, "带钢表面缺陷检测", "基于深度学习的带钢表面缺陷检测系统，适用于冷轧产线。", "2026-04-01",
          industries=["steel"], scenarios=["quality-inspection"], region="Hebei", deployment="edge"),
    ],
    "case": [
        d(10, "Cold strip inspection at Handan", "Escapes of scratched coils fell from 1.8% to 0.3%.",
          "2025-05-01", industries=["steel"], scenarios=["quality-inspection"], region="Hebei", status="published",
          facets={"exemplary": True}),
        d(11, "Unreviewed case about scratches", "Draft results on strip scratches.", "2025-06-01",
          industries=["steel"], region="Hebei", status="submitted"),
    ],
    "need": [
        d(20, "Coils come back scratched", "Customers return cold rolled coils with scratches and pits.",
          "2026-05-01", industries=["steel"], region="Hebei", status="open"),
        d(21, "Private draft need about scratches", "Not posted yet.", "2026-06-01", industries=["steel"],
          status="draft"),
    ],
}


def load(backend):
    for collection, docs in DOCS.items():
        backend.upsert(collection, docs)
    return backend


@pytest.fixture(params=["embedded", "opensearch", "elasticsearch"])
def backend(request, tmp_path, embedder):
    if request.param == "embedded":
        return load(EmbeddedSearch(Matcher(tmp_path / "ix", embedder), COLLECTIONS))
    if request.param == "opensearch":
        url, knn = request.getfixturevalue("osmem_url"), False
    else:
        url, knn = os.environ.get("ELASTICSEARCH_URL"), True
        if not url:
            pytest.skip("ELASTICSEARCH_URL not set: no real Elasticsearch to run the kNN contract against")
    prefix = f"cmtest{uuid.uuid4().hex[:8]}"
    return load(ElasticSearchBackend(connect(url), embedder, COLLECTIONS, prefix=prefix, knn=knn))


@pytest.fixture
def knn_backend(backend):
    if getattr(backend, "knn", True) is False:
        pytest.skip("this server has no dense_vector kNN (osmem-server); covered by the embedded and ES runs")
    return backend


def search(backend, **kw):
    return backend.search(SearchRequest(**kw), SCOPES)


def test_browsing_counts_every_visible_record_and_no_hidden_one(backend):
    result = search(backend)
    assert result.total == 6  # 4 solutions, the published case, the open need
    assert {(h.type, h.id) for h in result.hits} == {("solution", 1), ("solution", 2), ("solution", 3),
                                                     ("solution", 4), ("case", 10), ("need", 20)}
    assert result.facets["type"] == {"solution": 4, "case": 1, "need": 1}
    assert result.facets["industry"] == {"steel": 5, "power": 2}
    assert result.facets["region"] == {"Hebei": 4, "Jiangsu": 1, "Guangdong": 1}
    assert result.facets["deployment"] == {"edge": 2, "on-premise": 1, "cloud": 1}
    assert result.facets["price"] == {"500k-2m": 2, "2m-5m": 1, "lt-500k": 1, "gte-5m": 1}
    assert result.facets["exemplary"] == {"yes": 2}


def test_selecting_a_value_narrows_the_other_facets_but_not_its_own(backend):
    result = search(backend, filters={"region": ["Hebei"]})
    assert result.total == 4
    assert result.facets["region"] == {"Hebei": 4, "Jiangsu": 1, "Guangdong": 1}  # siblings stay selectable
    assert result.facets["industry"] == {"steel": 4}
    both = search(backend, filters={"region": ["Hebei", "Jiangsu"], "type": ["solution"]})
    assert {h.id for h in both.hits} == {1, 2, 4}
    assert both.facets["type"] == {"solution": 3, "case": 1, "need": 1}


def test_newest_first_and_pagination(backend):
    first = search(backend, sort="newest", per_page=2, page=1)
    second = search(backend, sort="newest", per_page=2, page=2)
    assert [h.id for h in first.hits] == [20, 4] and [h.id for h in second.hits] == [3, 2]
    assert first.total == second.total == 6


def test_keyword_search_ranks_the_record_about_it_first_and_highlights(backend):
    result = search(backend, text="scratches on cold rolled strip", types=["solution"])
    assert result.hits[0].id == 1
    assert "\x02" in result.hits[0].snippet


def test_text_search_never_returns_hidden_records(backend):
    result = search(backend, text="scratches")
    assert ("case", 11) not in {(h.type, h.id) for h in result.hits}
    assert ("need", 21) not in {(h.type, h.id) for h in result.hits}


def test_chinese_queries_find_chinese_records(backend):
    assert search(backend, text="表面缺陷检测", types=["solution"]).hits[0].id == 4


def test_a_chinese_query_finds_english_records_and_an_english_one_chinese_records(backend):
    """Through the glossary: the English record about bearings for a Chinese query about them, and the
    Chinese record about strip surface defects for an English query about them."""
    assert search(backend, text="轴承寿命预测", types=["solution"]).hits[0].id == 2
    english = search(backend, text="steel strip surface defect", types=["solution"])
    assert 4 in {h.id for h in english.hits}


def test_no_results_offers_spelling_suggestions(backend):
    result = search(backend, text="inspektion", types=["solution"], filters={"region": ["Tibet"]})
    assert result.total == 0
    assert "inspection" in result.suggestions


def test_plain_words_find_records_by_meaning(knn_backend):
    result = search(knn_backend, text="our motors keep breaking down without any warning", types=["solution"])
    assert result.hits and result.hits[0].id == 2


def test_a_filter_finds_records_far_down_the_unfiltered_ranking(tmp_path, embedder):
    """Facet selections apply inside retrieval: 'search top-k, then filter' would find nothing here."""
    search_ = EmbeddedSearch(Matcher(tmp_path / "ix", embedder), COLLECTIONS)
    search_.VECTOR_K = search_.KEYWORD_K = 3
    strong = [d(100 + i, f"Strip scratch inspection {i}", "Cameras find scratches on cold rolled strip.",
                "2026-01-01", industries=["steel"]) for i in range(6)]
    weak = d(200, "Textile line camera", "A camera watches fabric for flaws; it also spots scratches.",
             "2026-01-02", industries=["textiles"])
    search_.upsert("solution", [*strong, weak])
    unfiltered = search_.search(SearchRequest(text="scratches on strip"))
    assert 200 not in {h.id for h in unfiltered.hits}
    filtered = search_.search(SearchRequest(text="scratches on strip", filters={"industry": ["textiles"]}))
    assert [h.id for h in filtered.hits] == [200] and filtered.total == 1
    assert filtered.facets["industry"]["textiles"] == 1


def test_browsing_sees_a_new_record_at_once(tmp_path, embedder):
    search_ = load(EmbeddedSearch(Matcher(tmp_path / "ix", embedder), COLLECTIONS))
    assert search(search_).total == 6
    search_.upsert("solution", [d(5, "Boiler tuning", "Combustion tuning.", "2026-07-01", industries=["power"])])
    after = search(search_)
    assert after.total == 7 and after.hits[0].id == 5 and after.facets["industry"]["power"] == 3


def test_a_scope_applied_after_retrieval_gives_what_it_gives_applied_inside(tmp_path, embedder):
    """The embedded backend applies a scope that drops few records (drafts, unreviewed cases) after retrieval,
    asking for as many more; the hits, their order and the counts must be those of the scope applied inside."""
    after = load(EmbeddedSearch(Matcher(tmp_path / "after", embedder), COLLECTIONS))
    inside = load(EmbeddedSearch(Matcher(tmp_path / "inside", embedder), COLLECTIONS))
    inside.POST_FILTER_MAX = -1
    for text in ("scratches on coils", "private draft about scratches", "带钢缺陷"):
        a, b = search(after, text=text), search(inside, text=text)
        assert [(h.type, h.id) for h in a.hits] == [(h.type, h.id) for h in b.hits]
        assert (a.total, a.facets) == (b.total, b.facets)
        assert not {("case", 11), ("need", 21)} & {(h.type, h.id) for h in a.hits}
    assert ("need", 20) in {(h.type, h.id) for h in search(after, text="scratches on coils").hits}

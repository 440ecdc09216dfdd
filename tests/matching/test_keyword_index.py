"""FTS5 trigram keyword index: BM25, word forms, Chinese, safe queries, filters by id."""
import pytest

from matching.keyword_index import KeywordIndex
from matching.text import fts_query


DOCS = [
    (1, "Strip surface inspection", "Line-scan cameras detect scratches on cold rolled strip."),
    (2, "Load forecasting", "Forecasts feeder load with gradient boosting."),
    (3, "钢铁表面缺陷检测", "基于深度学习的带钢表面缺陷检测系统"),
    (4, "Gearbox monitoring", "Vibration sensors inspect gearbox health; inspection reports weekly."),
]


@pytest.fixture
def index(tmp_path):
    """Without the glossary: each language only finds its own words (the word counts below rely on it)."""
    ix = KeywordIndex(tmp_path / "kw.sqlite3", glossary=False)
    ix.upsert("solution", DOCS)
    return ix


def test_with_the_glossary_each_language_finds_the_other(tmp_path, index):
    glossed = KeywordIndex(tmp_path / "glossed.sqlite3")
    glossed.upsert("solution", DOCS)
    assert 3 in [i for i, _ in glossed.search("solution", "surface defect inspection of steel strip")]
    assert 3 not in [i for i, _ in index.search("solution", "surface defect inspection of steel strip")]
    assert glossed.search("solution", "齿轮箱振动")[0][0] == 4  # gearbox vibration
    assert index.search("solution", "齿轮箱振动") == []
    # the trigram table keeps the text as written: snippets never show the glosses
    assert "strip" not in glossed.highlight("solution", 3, "表面缺陷")


def test_bm25_ranks_the_document_about_the_query_first(index):
    assert index.search("solution", "scratches on rolled strip")[0][0] == 1


def test_word_forms_match_through_stems(index):
    ids = [i for i, _ in index.search("solution", "inspecting")]
    assert 1 in ids and 4 in ids


def test_chinese_queries_match_chinese_text(index):
    assert index.search("solution", "表面缺陷")[0][0] == 3


@pytest.mark.parametrize("text", ['"unbalanced', "NEAR(a b)", "title:strip", "a OR", "* ^ -", "'; DROP TABLE x; --"])
def test_operator_text_never_breaks_the_query(index, text):
    index.search("solution", text)  # no sqlite3.OperationalError


def test_queries_are_quoted_terms_joined_by_or():
    assert fts_query('strip "defects" NEAR(x)') == '"strip" OR "defect" OR "near"'


def test_allowed_ids_filter_results(index):
    assert [i for i, _ in index.search("solution", "inspection", allowed={4})] == [4]
    assert index.search("solution", "inspection", allowed=set()) == []


def test_remove_and_snippet(index):
    index.remove("solution", [1])
    assert 1 not in [i for i, _ in index.search("solution", "strip")]
    assert "\x02" in index.highlight("solution", 2, "feeder load")


def test_filtered_search_keeps_the_full_text_index_in_charge(index):
    """With a plain rowid constraint SQLite walks the id list and tests MATCH row by row (seconds at 100k)."""
    statements = []
    index.reader().set_trace_callback(statements.append)
    index.search("solution", "inspection", allowed={1, 4})
    index.reader().set_trace_callback(None)
    searches = [s for s in statements if " MATCH " in s]
    assert searches
    for sql in searches:
        plan = " ".join(row[3] for row in index.reader().execute("EXPLAIN QUERY PLAN " + sql))
        assert "VIRTUAL TABLE INDEX 0:M" in plan and ":=" not in plan, plan


def test_a_large_catalogue_ranks_by_its_rarest_words_within_the_postings_budget(index):
    """Common words cost ranking time on every row that has them; the rare words decide the ranking."""
    index.postings_budget = 2  # "inspection" is in 2 rows, "strip" in 1, "gearbox" in 1
    assert index._rarest("fts_solution_words", ["inspection", "strip", "gearbox"]) == ["strip", "gearbox"]
    assert {i for i, _ in index.search("solution", "strip inspection gearbox")} == {1, 4}


def test_only_very_common_words_still_find_records_newest_first(index):
    index.postings_budget = 1
    assert [i for i, _ in index.search("solution", "inspection")] == [4, 1]


def test_a_write_refreshes_word_frequencies(index):
    assert index._frequency("fts_solution_words", "gearbox") == 1
    index.upsert("solution", [(5, "Gearbox twin", "Gearbox digital twin.")])
    assert index._frequency("fts_solution_words", "gearbox") == 2


def test_reads_from_several_threads_see_committed_writes(index):
    from concurrent.futures import ThreadPoolExecutor

    index.upsert("solution", [(9, "Boiler combustion tuning", "Tunes boiler combustion.")])
    with ThreadPoolExecutor(4) as pool:
        found = list(pool.map(lambda _: [i for i, _ in index.search("solution", "boiler")], range(8)))
    assert found == [[9]] * 8

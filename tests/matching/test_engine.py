"""The hybrid matcher end to end with the real model: semantic reach, fusion, fit, diversity, reasons."""
import pytest

from matching import Doc, Matcher, ModelMismatch, Query, ScenarioInfo

SCENARIOS = [
    ScenarioInfo("predictive-maintenance", "Predictive maintenance", None,
                 "Machines break down without warning, unplanned downtime. Vibration analysis, remaining useful life."),
    ScenarioInfo("quality-inspection", "Quality inspection", None,
                 "Defects slip past inspectors, customer complaints. Machine vision, deep learning defect detection."),
    ScenarioInfo("load-forecasting", "Load forecasting", "power",
                 "Grid dispatchers need tomorrow's demand. Time-series forecasting of load."),
]


def solution(i, title, body, provider, industries=("steel",), scenarios=(), **kw):
    return Doc(id=i, key=f"s{i}", title=title, body=body, provider=provider, provider_key=f"p{provider}",
               industries=list(industries), scenarios=list(scenarios), **kw)


DOCS = [
    solution(1, "RUL estimation for rotating equipment",
             "Wireless accelerometers, envelope spectrum analysis and LSTM remaining-useful-life models flag "
             "bearing and gear wear weeks ahead.", 1, scenarios=["predictive-maintenance"],
             cases=[{"title": "Mill drive pilot", "results": "Unplanned stops down 63%", "exemplary": True}],
             standards=["ISO 13374-1:2003"]),
    solution(2, "Line-scan surface inspection", "Deep-learning machine vision detects scratches and pits on strip.",
             2, scenarios=["quality-inspection"]),
    solution(3, "Feeder load forecasting", "Gradient boosting forecasts substation load from SCADA history.",
             3, industries=["power"], scenarios=["load-forecasting"]),
    solution(4, "Energy dashboard", "Meters and dashboards for electricity consumption per workshop.", 4),
]


@pytest.fixture
def matcher(tmp_path, embedder):
    m = Matcher(tmp_path / "ix", embedder)
    m.set_scenarios(SCENARIOS)
    m.set_industry_names({"steel": "Steel", "power": "Power"})
    m.upsert("solution", DOCS)
    return m


def test_plain_words_find_the_technical_solution_without_shared_keywords(matcher):
    need = Query("The big motor on our conveyor died twice this year with no warning and the line stood still.",
                 industries=["steel"])
    results = matcher.match(need, limit=3)
    assert results[0].key == "s1"
    reasons = " | ".join(results[0].reason_lines())
    assert "Predictive maintenance (inferred from the need's description)" in reasons
    assert "exemplary case" in reasons and "Unplanned stops down 63%" in reasons
    assert "ISO 13374-1:2003" in reasons
    assert "Serves the industry: Steel (+" in reasons  # names, not slugs


def test_reasons_name_matched_terms_and_what_the_solution_does_not_show(matcher):
    results = matcher.match(Query("scratches on strip and bearing wear", industries=["steel"]), limit=4)
    by_key = {r.key: r.reason_lines() for r in results}
    assert any(line.startswith("Answers:") and "scratches" in line for line in by_key["s2"])
    assert any(line.startswith("Does not mention:") and "bearing" in line for line in by_key["s2"])


def test_reasons_carry_the_facts_a_translation_needs(matcher):
    results = matcher.match(Query("The motor on our conveyor died with no warning", industries=["steel"]), limit=1)
    facts = {r["kind"]: r["args"] for r in results[0].reason_records()}
    assert facts["industry"] == {"industries": ["steel"]}  # slugs: the site words them in the reader's language
    assert facts["scenario"] == {"scenario": "predictive-maintenance", "stated": False}
    assert facts["evidence"]["exemplary"] is True and facts["evidence"]["title"] == "Mill drive pilot"
    assert facts["standards"] == {"standards": ["ISO 13374-1:2003"]}
    assert [r["text"] for r in results[0].reason_records()] == results[0].reason_lines()


def test_chinese_words_a_need_shares_are_shown_as_its_phrases(matcher):
    matcher.upsert("solution", [solution(9, "带钢表面缺陷检测", "线阵相机在线检测带钢表面缺陷。", 9)])
    results = matcher.match(Query("热轧带钢表面缺陷漏检", industries=["steel"]), limit=5)
    answers = next(r for r in results if r.key == "s9").reasons[0]
    assert answers.kind == "terms" and answers.args["terms"][0] == "带钢表面缺陷"


@pytest.mark.parametrize(("need", "best"), [
    ("我们轧钢线上那台大电机今年已经坏了两次，事先一点征兆都没有，整条线停了好几天。", "s1"),
    ("冷轧带钢表面老是有划痕和麻点，靠人工目检经常漏掉，客户投诉了才知道。", "s2"),
])
def test_a_need_written_in_chinese_finds_the_english_solution(matcher, need, best):
    results = matcher.match(Query(need, industries=["steel"]), limit=3)
    assert results[0].key == best, [(r.key, r.score) for r in results]


def test_an_english_solution_answers_a_chinese_need_in_the_needs_own_words(matcher):
    (result,) = matcher.match(Query("冷轧带钢表面老是有划痕，客户投诉了才知道。", industries=["steel"]), limit=1)
    answers = result.reasons[0]
    assert answers.kind == "terms" and "划痕" in answers.args["terms"]  # not the English word it stands for
    assert not any(term.isascii() for term in answers.args["terms"])


def test_industry_filter_keeps_every_allowed_result(matcher):
    results = matcher.match(Query("forecast electricity demand"), limit=10, filters={"industries": "power"})
    assert [r.key for r in results] == ["s3"]


def test_no_provider_fills_the_list(tmp_path, embedder):
    m = Matcher(tmp_path / "ix2", embedder)
    docs = [solution(i, f"Vision inspection variant {i}", "Machine vision finds surface defects.", 1)
            for i in range(1, 8)]
    docs += [solution(20 + i, f"Other inspection {i}", "Cameras check parts for defects.", 10 + i)
             for i in range(1, 9)]
    m.upsert("solution", docs)
    results = m.match(Query("machine vision surface defects"), limit=10)
    assert sum(1 for r in results if r.provider == 1) == 2
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)


def test_structured_fit_breaks_ties_toward_budget_and_industry(tmp_path, embedder):
    m = Matcher(tmp_path / "ix3", embedder)
    body = "Machine vision inspection of welded seams."
    m.upsert("solution", [
        solution(1, "Weld seam vision A", body, 1, industries=["aviation"], price_min=5_000_000, price_max=9_000_000),
        solution(2, "Weld seam vision B", body, 2, industries=["construction-machinery"], price_min=200_000,
                 price_max=600_000),
    ])
    need = Query("inspect weld seams with cameras", industries=["construction-machinery"],
                 budget_min=300_000, budget_max=500_000)
    assert [r.key for r in m.match(need)] == ["s2", "s1"]


def test_index_persists_and_other_processes_see_saves(tmp_path, embedder, matcher):
    matcher.save()
    reader = Matcher(tmp_path / "ix", embedder)
    assert reader.count("solution") == 4
    matcher.remove("solution", [4])
    matcher.save()
    reader.refresh_if_stale()
    assert reader.count("solution") == 3


def test_index_built_with_another_model_is_refused(tmp_path, embedder, matcher):
    matcher.save()
    other = Matcher(tmp_path / "ix", embedder)
    other.embedder.model_id, saved = "another-model@0", other.embedder.model_id
    try:
        with pytest.raises(ModelMismatch):
            other.count("solution")
    finally:
        other.embedder.model_id = saved


def test_similar_returns_neighbours_but_not_the_record_itself(matcher):
    keys = [r.key for r in matcher.similar("solution", 2, limit=2)]
    assert "s2" not in keys and len(keys) == 2


def test_a_need_that_refuses_the_cloud_prefers_on_premise_solutions(tmp_path, embedder):
    m = Matcher(tmp_path / "ix4", embedder)
    body = "Predicts bearing failures from vibration data."
    m.upsert("solution", [solution(1, "Bearing watch", body, 1, deployment="cloud"),
                          solution(2, "Bearing watch", body, 2, deployment="on-premise")])
    results = m.match(Query("Our data must not leave the plant, no cloud. Bearings fail without warning."))
    assert [r.key for r in results] == ["s2", "s1"]
    assert any("Deploys on-premise, as the need asks" in line for line in results[0].reason_lines())
    assert any("the need asks for on-premise" in line for line in results[1].reason_lines())


def test_a_provider_track_record_lifts_its_solution_and_says_so(tmp_path, embedder):
    from matching.track_record import track_records

    m = Matcher(tmp_path / "ix", embedder)
    twins = [solution(i, "Strip surface inspection", "Machine vision finds scratches on strip.", provider=i)
             for i in (1, 2)]
    m.upsert("solution", twins)
    query = Query("scratches on strip", industries=["steel"])
    assert "Provider's track record" not in " ".join(sum((r.reason_lines() for r in m.match(query)), []))
    impressions = [((1, "steel"), 1)] * 50 + [((2, "steel"), 1)] * 50 + [((1, "power"), 1)] * 50
    outcomes = [((2, "steel"), 1, 1.0)] * 20 + [((1, "steel"), 1, 0.3)] * 2 + [((1, "power"), 1, 1.0)] * 10
    m.set_track_records(track_records(impressions, outcomes))
    results = m.match(query)
    assert results[0].key == "s2" and results[0].score > results[1].score
    assert any(line.startswith("Provider's track record: 20 agreed or delivered") for line in results[0].reason_lines())
    # provider 1's record in power says nothing about steel
    off = m.match(query, weights=m.weights.with_(track_record=0.0))
    assert all("track record" not in line for r in off for line in r.reason_lines())

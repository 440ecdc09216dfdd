"""Provider track record: position-bias correction, shrinkage, and its place in the ranking."""
from matching.track_record import propensity, simulate_outcomes, track_records


def test_an_unknown_or_average_provider_scores_zero():
    records = track_records([("a", 1), ("b", 1)], [("a", 1, 1.0), ("b", 1, 1.0)])
    assert abs(records["a"].feature) < 1e-9 and abs(records["b"].feature) < 1e-9
    assert track_records([], []) == {}


def test_an_outcome_far_down_the_list_counts_more_than_one_at_the_top():
    """Both providers got one outcome from ten showings; B was shown at rank 8, where few people look."""
    impressions = [("a", 1)] * 10 + [("b", 8)] * 10 + [("c", 2)] * 10
    outcomes = [("a", 1, 1.0), ("b", 8, 1.0), ("c", 2, 1.0)]
    records = track_records(impressions, outcomes)
    assert records["b"].feature > records["c"].feature > records["a"].feature
    assert propensity(1) == 1.0 and propensity(8) == 0.125


def test_few_outcomes_are_shrunk_toward_the_average():
    """One lucky outcome from one showing must not beat a long, good record."""
    impressions = [("lucky", 1)] + [("steady", 1)] * 100 + [("others", 1)] * 400
    outcomes = [("lucky", 1, 1.0)] + [("steady", 1, 1.0)] * 40 + [("others", 1, 1.0)] * 60
    records = track_records(impressions, outcomes)
    assert records["steady"].feature > records["lucky"].feature > 0
    assert records["steady"].agreed == 40 and records["others"].feature < 0


def test_the_simulated_log_rewards_relevant_results_and_is_reproducible():
    shown = [[("good", "s1"), ("poor", "s2")], [("poor", "s3"), ("good", "s4")]]
    relevance = [{"s1": 3}, {"s4": 3}]
    log = simulate_outcomes(shown, relevance, sessions=200, seed=1)
    assert log == simulate_outcomes(shown, relevance, sessions=200, seed=1)
    records = track_records(*log)
    assert records["good"].feature > 0 > records["poor"].feature

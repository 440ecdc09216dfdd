"""Ranking metrics on hand-computed cases."""
import math

from matching.metrics import ndcg_at_k, recall_at_k, reciprocal_rank


def test_perfect_ranking_scores_one():
    grades = {"a": 3, "b": 1}
    assert ndcg_at_k(["a", "b", "c"], grades) == 1.0
    assert recall_at_k(["a", "b"], grades) == 1.0
    assert reciprocal_rank(["a"], grades) == 1.0


def test_swapped_ranking_is_penalised_by_the_dcg_formula():
    grades = {"a": 3, "b": 1}
    expected = (1 + 7 / math.log2(3)) / (7 + 1 / math.log2(3))
    assert math.isclose(ndcg_at_k(["b", "a"], grades), expected)
    assert reciprocal_rank(["x", "y", "b"], grades) == 1 / 3
    assert recall_at_k(["a", "x"], grades, k=1) == 0.5

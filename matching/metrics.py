"""Ranking quality metrics over graded relevance labels."""
import math


def dcg(gains: list[float]) -> float:
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at_k(ranked: list, grades: dict, k: int = 10) -> float:
    """Normalised DCG of the first k results against graded labels (0 = not relevant)."""
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    return dcg([grades.get(r, 0) for r in ranked[:k]]) / ideal if ideal else 0.0


def recall_at_k(ranked: list, grades: dict, k: int = 10) -> float:
    relevant = {r for r, g in grades.items() if g > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: list, grades: dict) -> float:
    for i, r in enumerate(ranked):
        if grades.get(r, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def summarise(runs: list[tuple[list, dict]], k: int = 10) -> dict[str, float]:
    """Mean nDCG@k, Recall@k and MRR over (ranking, grades) pairs."""
    n = max(len(runs), 1)
    return {
        f"ndcg@{k}": sum(ndcg_at_k(r, g, k) for r, g in runs) / n,
        f"recall@{k}": sum(recall_at_k(r, g, k) for r, g in runs) / n,
        "mrr": sum(reciprocal_rank(r, g) for r, g in runs) / n,
    }

"""Every ranking weight of the matcher, in one place.

The values were chosen by `python -m matching.tune` (grid search maximising
nDCG@10 on the labelled development set catalogs/eval/labels-*.json over the
demo data); see README "Matching quality" for the resulting table. Change them
only with a new evaluation run.
"""
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Weights:
    # --- fusion of the two retrieval signals (each min-max normalised over the candidates) ---
    vector: float = 0.70  # semantic similarity (MiniLM cosine)
    keyword: float = 0.30  # BM25 over the trigram index
    # The keyword share shrinks when the query and the candidates share few words
    # (plain shop-floor needs): effective keyword weight = keyword * coverage ** keyword_coverage_power,
    # coverage = share of the query's content terms that the best keyword hit contains.
    keyword_coverage_power: float = 1.0
    rrf_k: int = 60  # only for the plain RRF baseline reported by `flask matching evaluate`

    # --- structured fit, added to the fused score (each feature is in [0, 1]) ---
    industry: float = 0.15  # the solution serves the need's industry
    scenario: float = 0.20  # catalogue scenarios shared (stated by the need, or inferred from its text)
    budget: float = 0.05  # the need's budget overlaps the solution's price range
    region: float = 0.02  # provider in the same province
    evidence: float = 0.05  # published case studies behind the solution (exemplary count more)

    # --- scenario inference: the catalogue as the bridge between plain words and technical terms ---
    scenario_top: int = 3  # scenarios inferred from a need's text
    scenario_min_similarity: float = 0.30

    # --- candidates and diversity ---
    candidates: int = 100  # from each retriever
    max_per_provider: int = 2  # in any top 10

    def with_(self, **changes) -> "Weights":
        return replace(self, **changes)


DEFAULT = Weights()

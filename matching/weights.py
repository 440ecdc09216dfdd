"""Every ranking weight of the matcher, in one place.

The values come from `flask matching tune catalogs/eval/dev-labels.json`
(coordinate descent maximising the mean nDCG@10 over need styles, each style
counting equally). Runs of 2026-11-25 on 94, then 130 needs gave keyword=0.45
(we kept it although tuning asked for 0.60). Re-run of 2026-11-26 with the ONNX
int8 embedder (the default now) and the rarest-words keyword query: 0.9054 with
the earlier values, 0.9106 tuned; the tuned point leans further toward meaning
(keyword 0.30, and its share falls faster when the best keyword hit covers few
of the need's words: power 2.0) and toward exemplary evidence (0.10). That is
the direction shared/FIELD_NOTES.md points to for real plant managers' needs
(plain MiniLM cosine beat BM25 there by a wide margin), so we take it. See
README "Matching quality". Change a weight only with a new evaluation run.
"""
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Weights:
    # --- fusion of the two retrieval signals (each min-max normalised over the candidates) ---
    vector: float = 0.70  # semantic similarity (MiniLM cosine)
    keyword: float = 0.30  # BM25 (FTS5: porter word table; trigram table for Chinese)
    # The keyword share shrinks when the query and the candidates share few words
    # (plain shop-floor needs): effective keyword weight = keyword * coverage ** keyword_coverage_power,
    # coverage = share of the query's content terms that the best keyword hit contains.
    keyword_coverage_power: float = 2.0
    # ... and times agreement ** keyword_agreement_power, agreement = share of the two retrievers' top 20 in common.
    keyword_agreement_power: float = 0.0
    vector_spread: float = 0.30  # least cosine range min-max normalisation stretches to [0, 1]
    rrf_k: int = 60  # only for the plain RRF baseline reported by `flask matching evaluate`

    # --- structured fit, added to the fused score (each feature is in [0, 1]) ---
    industry: float = 0.25  # the solution serves the need's industry
    scenario: float = 0.10  # catalogue scenarios shared (stated by the need, or inferred from its text)
    budget: float = 0.05  # the need's budget overlaps the solution's price range
    region: float = 0.02  # provider in the same province
    evidence: float = 0.10  # published case studies behind the solution (exemplary count more)
    deployment: float = 0.03  # deploys as the need asks ("no cloud" → on-premise); neutral when unsaid
    # Provider track record from logged outcomes (matching/track_record.py), in (-1, 1): 0 when unknown.
    # 0 switches it off. `flask matching evaluate --outcomes simulated` (README): on the dev set 0.01-0.02
    # change nothing, 0.04 and more cost 0.005-0.007 nDCG@10; raise it only on a real outcome log.
    track_record: float = 0.02

    # --- scenario inference: the catalogue as the bridge between plain words and technical terms ---
    scenario_top: int = 3  # scenarios inferred from a need's text
    scenario_min_similarity: float = 0.30

    # --- candidates and diversity ---
    candidates: int = 100  # from each retriever
    max_per_provider: int = 2  # in any top 10

    @property
    def total(self) -> float:
        """The largest possible score before normalising to [0, 1]."""
        return (1.0 + self.industry + self.scenario + self.budget + self.region + self.evidence + self.deployment
                + self.track_record)

    def with_(self, **changes) -> "Weights":
        return replace(self, **changes)


DEFAULT = Weights()

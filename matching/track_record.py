"""Provider track record: what became of the matches a provider was shown in, as a ranking feature.

Inputs are plain records of the match lists users saw (an impression: key, position) and of what
came of them (an outcome: key, position, value; agreed or delivered 1.0, in discussion 0.5,
contacted 0.3, declined 0). The key is (provider, industry): a provider's record in the need's
industry, since delivering in steel says little about textiles.

Two corrections keep the feature honest:

- **Position bias.** People read the top of a list first, so a provider shown at rank 1 collects
  outcomes because of its rank. Each impression counts as its examination propensity
  `1 / rank ** POSITION_POWER` (the usual inverse-propensity model of position bias): a provider's
  exposure is the sum of its propensities, and its rate is outcome value per unit of exposure.
- **Few outcomes.** A provider with one lucky outcome must not outrank one with a long record:
  rates are shrunk toward the overall rate (a beta-binomial prior worth PRIOR_EXPOSURE units of
  exposure), so a provider with little history scores about average.

The feature is in (-1, 1): 0 for an average or unknown provider, positive for a better record.
"""
from collections import defaultdict
from dataclasses import dataclass
from random import Random

POSITION_POWER = 1.0
PRIOR_EXPOSURE = 10.0
OUTCOME_VALUES = {"delivered": 1.0, "agreed": 1.0, "in_discussion": 0.5, "contacted": 0.3, "declined": 0.0}


@dataclass(frozen=True)
class TrackRecord:
    provider: object
    feature: float  # in (-1, 1); 0 = average or unknown
    outcomes: int  # outcomes with a positive value (contacted or better)
    agreed: int  # agreed or delivered
    exposure: float  # position-weighted impressions


def propensity(position: int) -> float:
    """How likely a result at this 1-based position is to be looked at, relative to the first."""
    return 1.0 / max(position, 1) ** POSITION_POWER


def track_records(impressions, outcomes) -> dict[object, TrackRecord]:
    """Provider -> TrackRecord from (provider, position) impressions and (provider, position, value) outcomes."""
    exposure: dict = defaultdict(float)
    value: dict = defaultdict(float)
    positive: dict = defaultdict(int)
    agreed: dict = defaultdict(int)
    for provider, position, *count in impressions:  # (key, position) or (key, position, times shown)
        exposure[provider] += propensity(position) * (count[0] if count else 1)
    for provider, _position, worth in outcomes:
        value[provider] += worth
        positive[provider] += worth > 0
        agreed[provider] += worth >= 1.0
    total_exposure = sum(exposure.values())
    if not total_exposure:
        return {}
    prior = sum(value.values()) / total_exposure
    if prior <= 0:
        return {}
    out = {}
    for provider in exposure:
        rate = (value[provider] + PRIOR_EXPOSURE * prior) / (exposure[provider] + PRIOR_EXPOSURE)
        out[provider] = TrackRecord(provider, (rate - prior) / (rate + prior), positive[provider], agreed[provider],
                                    round(exposure[provider], 2))
    return out


def simulate_outcomes(shown: list[list[tuple[object, int]]], relevance: list[dict], sessions: int = 20,
                      seed: int = 7) -> tuple[list, list]:
    """A simulated outcome log for evaluation: each list is shown `sessions` times; a result is looked at
    with its position's propensity and leads to an outcome with a probability that grows with its graded
    relevance (0–3). shown[i]: (provider, item) in rank order; relevance[i]: item -> grade."""
    rng = Random(seed)
    chance = {0: 0.03, 1: 0.15, 2: 0.35, 3: 0.6}
    impressions, outcomes = [], []
    for ranked, grades in zip(shown, relevance):
        for _ in range(sessions):
            for position, (provider, item) in enumerate(ranked, start=1):
                impressions.append((provider, position))
                if rng.random() < propensity(position) and rng.random() < chance[min(3, grades.get(item, 0))]:
                    outcomes.append((provider, position, 1.0 if rng.random() < 0.5 else OUTCOME_VALUES["contacted"]))
    return impressions, outcomes

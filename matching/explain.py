"""Why a result matched, and what the need asks that the result does not show."""
from matching.documents import Doc, Query, Reason
from matching.text import cjk_phrases, is_cjk
from matching.weights import Weights

MAX_TERMS = 6


def _fmt_money(value: int | None) -> str:
    return "?" if value is None else f"¥{value:,}"


def _by_rarity(stems: list[str], pool_texts: list[str]) -> list[str]:
    """Order stems from the most specific (found in few candidates) to the most common."""
    df = {t: sum(1 for x in pool_texts if t in x) for t in stems}
    return sorted(stems, key=lambda t: (df[t], -len(t)))


def _matched(doc_lower: str, terms: dict[str, str], pool_texts: list[str], query_text: str) -> list[str]:
    """The need's words this doc contains, the most specific first (common words last, cut off);
    Chinese pieces joined back into the phrases of the need they cover, first."""
    found = [t for t in terms if t in doc_lower]
    common = len(pool_texts) * 0.6  # in most candidates: says little about this one
    specific = [terms[t] for t in _by_rarity(found, pool_texts) if sum(1 for x in pool_texts if t in x) <= common]
    chinese = [t for t in specific if is_cjk(t)]
    return [*cjk_phrases(chinese, query_text), *(t for t in specific if not is_cjk(t))][:MAX_TERMS]


def _gaps(doc_lower: str, terms: dict[str, str], pool_texts: list[str]) -> list[str]:
    """The need's most specific words that this doc does not contain (but some candidates do)."""
    missing = [t for t in terms if t not in doc_lower and len(t) >= 4]
    # A word no candidate contains says nothing about this one; prefer words some candidates show.
    shown = [t for t in missing if any(t in x for x in pool_texts)]
    return [terms[t] for t in _by_rarity(shown, pool_texts)[:4]]


def explain(doc: Doc, query: Query, terms: dict[str, str], features: dict[str, float], base: float,
            w: Weights, need_scenarios: dict[str, float], scenario_names: dict[str, str], wish: str | None,
            pool: list[Doc], record=None) -> list[Reason]:
    """Build the per-result reasons, each with its contribution to the score."""
    norm = w.total
    doc_lower = doc.text.lower()
    pool_texts = [d.text.lower() for d in pool]
    matched = _matched(doc_lower, terms, pool_texts, query.text)
    reasons = []
    if matched:
        reasons.append(Reason("terms", "Answers: " + ", ".join(matched), 0.0, {"terms": matched}))
    reasons.append(Reason("semantic", f"Close in meaning to the need (text fit {base:.2f})", round(base / norm, 3),
                          {"fit": round(base, 2)}))

    def add(kind: str, text: str, **args) -> None:
        value = getattr(w, kind) * features[kind] / norm
        if value > 0:
            reasons.append(Reason(kind, f"{text} (+{value:.2f})", round(value, 3), args))

    if features["industry"]:
        shared = sorted(set(query.industries) & set(doc.industries))
        add("industry", f"Serves the industry: {', '.join(scenario_names.get(i, i) for i in shared)}", industries=shared)
    if features["scenario"]:
        shared = [s for s in doc.scenarios if s in need_scenarios]
        best = max(shared, key=lambda s: need_scenarios[s])
        how = "stated in the need" if best in query.scenarios else "inferred from the need's description"
        add("scenario", f"Scenario: {scenario_names.get(best, best)} ({how})", scenario=best,
            stated=best in query.scenarios)
    if features["budget"] == 1.0:
        add("budget", f"Price range {_fmt_money(doc.price_min)}–{_fmt_money(doc.price_max)} fits the budget",
            price_min=doc.price_min, price_max=doc.price_max)
    if features["region"]:
        add("region", f"Provider in the same region: {doc.region}", region=doc.region)
    if features["deployment"] == 1.0:
        add("deployment", f"Deploys {doc.deployment}, as the need asks ({wish})", deployment=doc.deployment,
            wish=wish)
    if doc.cases:
        case = next((c for c in doc.cases if c.get("exemplary")), doc.cases[0])
        label = "exemplary case" if case.get("exemplary") else "published case"
        results = case.get("results", "")
        results = results if len(results) <= 140 else results[:137].rstrip() + "…"
        reasons.append(Reason("evidence", f"Backed by {label} \u201c{case['title']}\u201d: {results}",
                              round(w.evidence * features["evidence"] / norm, 3),
                              {"exemplary": bool(case.get("exemplary")), "title": case["title"], "results": results}))
    if features.get("track_record", 0.0) > 0 and record is not None:
        add("track_record", f"Provider's track record: {record.agreed} agreed or delivered and "
                            f"{record.outcomes - record.agreed} other positive outcomes of earlier matches",
            agreed=record.agreed, others=record.outcomes - record.agreed)
    if doc.standards:
        reasons.append(Reason("standards", "Concerns standards: " + ", ".join(doc.standards[:3]), 0.0,
                              {"standards": doc.standards[:3]}))
    gaps = _gaps(doc_lower, terms, pool_texts)
    stated_missing = [s for s in query.scenarios if s not in doc.scenarios][:2]
    if stated_missing:
        reasons.append(Reason("gap", "Not filed under the need's scenario: "
                              + ", ".join(scenario_names.get(s, s) for s in stated_missing), 0.0,
                              {"missing": "scenario", "scenarios": stated_missing}))
    if gaps:
        reasons.append(Reason("gap", "Does not mention: " + ", ".join(gaps), 0.0, {"missing": "terms", "terms": gaps}))
    if features["budget"] == 0.0:
        reasons.append(Reason("gap", f"Price from {_fmt_money(doc.price_min)} is above the budget", 0.0,
                              {"missing": "budget", "price_min": doc.price_min}))
    if features["deployment"] == 0.0:
        reasons.append(Reason("gap", f"Deploys {doc.deployment}; the need asks for {wish}", 0.0,
                              {"missing": "deployment", "deployment": doc.deployment, "wish": wish}))
    return reasons

"""Matching: needs against solutions, free-text queries, similar records, stored explained matches, evaluation."""
import logging
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.errors import ValidationFailed
from app.extensions import db
from app.indexing import MODELS, get_indexer
from app.models import Industry, Match, MatchImpression, MatchState, Need, NeedStatus, Solution, User, utcnow
from app.services.permissions import belongs_to
from matching import METHODS, Query, Result
from matching.metrics import summarise
from matching.track_record import simulate_outcomes, track_records
from matching.weights import DEFAULT

log = logging.getLogger(__name__)
MATCHES_SHOWN = 10
MATCHES_FRESH_FOR = timedelta(hours=6)
IMPRESSIONS_EVERY = timedelta(minutes=30)
METHOD_LABELS = {"vector": "vector only", "keyword": "keyword only (BM25)", "rrf": "fused (plain RRF, k=60)",
                 "fused": "fused (coverage-weighted)", "full": "fused + re-ranked (ChainMatch)"}


def need_query(need: Need) -> Query:
    """Describe a need to the matcher."""
    return Query(text=f"{need.title}. {need.description}", industries=[need.industry.slug],
                 scenarios=[s.slug for s in need.scenarios], region=need.region,
                 budget_min=need.budget_min, budget_max=need.budget_max)


def match_need_results(need: Need, limit: int = MATCHES_SHOWN, method: str = "full",
                       filters: dict | None = None) -> list[Result]:
    """Rank solutions for a need, best first, with reasons (among those passing `filters` when given)."""
    return get_indexer().matcher.match(need_query(need), "solution", limit=limit, method=method, filters=filters)


def match_text_results(text: str, industry: str | None = None, limit: int = MATCHES_SHOWN,
                       region: str | None = None, deployment: str | None = None) -> list[Result]:
    """Rank solutions for free text, within one industry, provider region and deployment when given."""
    if industry is not None and db.session.scalar(sa.select(Industry.id).where(Industry.slug == industry)) is None:
        raise ValidationFailed(_("Unknown industry: %(slug)s", slug=industry), field="industry")
    query = Query(text=text, industries=[industry] if industry else [], region=region or "", deployment=deployment)
    filters = {k: v for k, v in (("industries", industry), ("region", region), ("deployment", deployment)) if v}
    return get_indexer().matcher.match(query, "solution", limit=limit, filters=filters or None)


def cli_results(results: list[Result]) -> list[dict]:
    """Shape results as IMPORT_FORMAT.md's matcher output."""
    return [{"rank": n, "solution": r.key, "provider": r.provider_key, "score": round(r.score, 4),
             "reasons": r.reason_lines()} for n, r in enumerate(results, start=1)]


# Reasons of matches made outside the matcher (a selected pilot proposal): such a match keeps its rank, score
# and reasons when the need's matches are recomputed, and the matcher's list follows it.
PINNED_KINDS = {"pilot"}


def refresh_matches(need: Need) -> list[Match]:
    """Recompute and store a need's matches, keeping those marked or already under way."""
    pinned = {m.solution_id for m in need.matches if any(isinstance(r, dict) and r.get("kind") in PINNED_KINDS
                                                         for r in m.reasons)}
    results = [r for r in match_need_results(need) if r.id not in pinned][:MATCHES_SHOWN - len(pinned)]
    existing = {m.solution_id: m for m in need.matches if m.solution_id not in pinned}
    keep = set()
    for rank, result in enumerate(results, start=1 + len(pinned)):
        match = existing.get(result.id) or Match(need=need, solution_id=result.id)
        match.rank, match.score, match.reasons, match.created_at = rank, result.score, result.reason_records(), utcnow()
        db.session.add(match)
        keep.add(result.id)
    for solution_id, match in existing.items():
        if solution_id not in keep:
            if match.mark is None and match.state == MatchState.SUGGESTED:
                db.session.delete(match)
            else:
                match.rank = MATCHES_SHOWN + 1  # marked or under way: kept, shown after the current list
    db.session.commit()
    db.session.refresh(need)
    return need.matches


def open_needs() -> list[Need]:
    """Every open or matched need, oldest first."""
    return db.session.scalars(sa.select(Need).where(Need.status.in_([NeedStatus.OPEN, NeedStatus.MATCHED]),
                                                    Need.deleted_at.is_(None)).order_by(Need.id)).all()


def matches_for(actor: User | None, need: Need) -> list[Match]:
    """Return a need's ranked matches, recomputing them when stale (older than the need or a few hours);
    the list shown to the need's own enterprise is logged (providers' track records learn from it)."""
    if need.status not in (NeedStatus.OPEN, NeedStatus.MATCHED) or need.is_deleted:
        return need.matches
    matches = need.matches
    newest = max((m.created_at for m in need.matches), default=None)
    if newest is None or newest < need.updated_at or newest < utcnow() - MATCHES_FRESH_FOR:
        try:
            matches = refresh_matches(need)
        except Exception:  # index unavailable: show what was stored, never fail the page
            db.session.rollback()
            log.warning("matching unavailable; showing stored matches", exc_info=True)
            matches = need.matches
    log_impressions(actor, need, matches)
    return matches


def log_impressions(actor: User | None, need: Need, matches: list[Match]) -> None:
    """Log the match list a member of the need's enterprise sees, position by position (once per
    IMPRESSIONS_EVERY per need, so reloading a page does not count as being shown again)."""
    if not matches or not belongs_to(actor, need.organization_id):
        return
    recent = db.session.scalar(sa.select(MatchImpression.id).where(
        MatchImpression.need_id == need.id, MatchImpression.shown_at > utcnow() - IMPRESSIONS_EVERY).limit(1))
    if recent is not None:
        return
    db.session.add_all(MatchImpression(need_id=need.id, solution_id=m.solution_id, provider_id=m.solution.provider_id,
                                       industry=need.industry.slug, position=m.rank)
                       for m in matches if m.rank <= MATCHES_SHOWN)
    db.session.commit()


def _records(collection: str, results: list[Result]) -> list:
    model = MODELS[collection]
    rows = {r.id: r for r in db.session.scalars(sa.select(model).where(model.id.in_([x.id for x in results])))}
    return [rows[x.id] for x in results if x.id in rows and not rows[x.id].is_deleted]


def similar(kind: str, record, limit: int = 5) -> list:
    """Records of the same kind close in meaning ("similar solutions", "similar needs"); [] if the index is down."""
    filters = {"status": [NeedStatus.OPEN.value, NeedStatus.MATCHED.value]} if kind == "need" else None
    try:
        return _records(kind, get_indexer().matcher.similar(kind, record.id, limit=limit, filters=filters))
    except Exception:
        log.warning("similar %s unavailable", kind, exc_info=True)
        return []


def ranked_needs_for_solution(solution: Solution, limit: int = 10) -> list[tuple[Need, Result]]:
    """Open needs that fit a solution, best first, with the matcher's result; [] if the index is down."""
    query = Query(text=f"{solution.title}. {solution.summary} {solution.description}",
                  industries=[i.slug for i in solution.industries], scenarios=[s.slug for s in solution.scenarios])
    try:
        results = get_indexer().matcher.match(query, "need", limit=limit, filters={"status": NeedStatus.OPEN.value})
    except Exception:
        log.warning("needs for solution %s unavailable", solution.id, exc_info=True)
        return []
    needs = {n.id: n for n in _records("need", results)}
    return [(needs[r.id], r) for r in results if r.id in needs]


def needs_for_solution(solution: Solution, limit: int = 10) -> list[tuple[Need, list[dict]]]:
    """Open needs that fit a solution, best first, each with the matcher's reasons (records, as stored)."""
    return [(need, result.reason_records()) for need, result in ranked_needs_for_solution(solution, limit)]


def evaluate_labels(data: dict, k: int = 10) -> dict[str, dict]:
    """Score every method on a labels file: {method: {style: {metric: value}}, "counts": {style: needs}}."""
    labels = data.get("needs", [])
    needs = {n.external_id: n for n in db.session.scalars(
        sa.select(Need).where(Need.external_id.in_([x["need"] for x in labels])))}
    missing = [x["need"] for x in labels if x["need"] not in needs]
    if missing:
        raise ValidationFailed(_("Labelled needs not in the database: %(ids)s", ids=", ".join(missing[:10])))
    table: dict[str, dict] = {"counts": {}}
    for method in METHODS:
        runs: dict[str, list] = {"all": []}
        for label in labels:
            ranked = [r.key for r in match_need_results(needs[label["need"]], limit=k, method=method)]
            run = (ranked, label["relevant"])
            runs["all"].append(run)
            if label.get("style"):
                runs.setdefault(label["style"], []).append(run)
        table[method] = {style: summarise(r, k) for style, r in runs.items() if r}
        table["counts"] = {style: len(r) for style, r in runs.items() if r}
    return table


TRACK_RECORD_SWEEP = (0.0, 0.01, 0.02, 0.04, 0.08)


def evaluate_track_record(data: dict, k: int = 10, sessions: int = 20, seed: int = 7) -> dict[str, dict]:
    """The ranking with and without the provider track record, on a simulated outcome log.

    The labelled needs are split in two halves: the first half's match lists are "shown" `sessions`
    times and produce simulated outcomes (matching/track_record.py: position-biased looks, outcome
    chance growing with the labelled relevance); the track records learnt from that log re-rank the
    second half, which is scored with and without them. No need is scored on its own outcomes.
    """
    labels = data.get("needs", [])
    needs = {n.external_id: n for n in db.session.scalars(
        sa.select(Need).where(Need.external_id.in_([x["need"] for x in labels])))}
    labels = [x for x in labels if x["need"] in needs]
    learn, test = labels[0::2], labels[1::2]
    matcher = get_indexer().matcher
    saved, docs = matcher._track, matcher.collection("solution").docs
    try:
        matcher.set_track_records({})
        shown = [[((docs[r.id].provider, needs[x["need"]].industry.slug), r.key)
                  for r in match_need_results(needs[x["need"]], limit=k)] for x in learn]
        impressions, outcomes = simulate_outcomes(shown, [x["relevant"] for x in learn], sessions, seed)
        matcher.set_track_records(track_records(impressions, outcomes))
        table = {"counts": {"learn": len(learn), "test": len(test), "outcomes": len(outcomes)}}
        for weight in TRACK_RECORD_SWEEP:
            weights = matcher.weights.with_(track_record=weight)
            runs = [([r.key for r in matcher.match(need_query(needs[x["need"]]), "solution", limit=k,
                                                   weights=weights)], x["relevant"]) for x in test]
            table[weight] = summarise(runs, k)
        return table
    finally:
        matcher.set_track_records(saved)


def format_track_record_evaluation(table: dict[str, dict], k: int) -> str:
    """Render the track-record evaluation as Markdown."""
    counts = table["counts"]
    lines = [f"Provider track record, learnt from {counts['outcomes']} simulated outcomes of {counts['learn']} needs' "
             f"match lists, scored on the other {counts['test']} needs:", "",
             f"| ranking | nDCG@{k} | Recall@{k} | MRR |", "| --- | --- | --- | --- |"]
    for weight in TRACK_RECORD_SWEEP:
        m = table[weight]
        title = ("fused + re-ranked, without track record" if not weight else
                 f"… + track record, weight {weight}" + (" (the default)" if weight == DEFAULT.track_record else ""))
        lines.append(f"| {title} | {m[f'ndcg@{k}']:.3f} | {m[f'recall@{k}']:.3f} | {m['mrr']:.3f} |")
    return "\n".join(lines)


def format_evaluation(table: dict[str, dict], k: int) -> str:
    """Render the evaluation as Markdown: all needs, then nDCG@k by need style."""
    counts = table["counts"]
    styles = [s for s in counts if s != "all"]
    lines = [f"| method | nDCG@{k} | Recall@{k} | MRR |", "| --- | --- | --- | --- |"]
    for method in METHODS:
        m = table[method]["all"]
        lines.append(f"| {METHOD_LABELS[method]} | {m[f'ndcg@{k}']:.3f} | {m[f'recall@{k}']:.3f} | {m['mrr']:.3f} |")
    lines += ["", f"nDCG@{k} by need style:", "",
              "| method | " + " | ".join(f"{s} ({counts[s]})" for s in styles) + " |",
              "|" + " --- |" * (1 + len(styles))]
    for method in METHODS:
        lines.append(f"| {METHOD_LABELS[method]} | "
                     + " | ".join(f"{table[method][s][f'ndcg@{k}']:.3f}" for s in styles) + " |")
    return "\n".join(lines) + f"\n\n{counts['all']} labelled needs; graded relevance 1-3."


TUNING_GRID = {
    "keyword": (0.1, 0.2, 0.3, 0.45, 0.6),
    "keyword_coverage_power": (0.0, 0.5, 1.0, 2.0),
    "keyword_agreement_power": (0.0, 0.25, 0.5, 1.0),
    "industry": (0.0, 0.05, 0.1, 0.15, 0.25),
    "scenario": (0.0, 0.1, 0.2, 0.3, 0.4),
    "evidence": (0.0, 0.02, 0.05, 0.1),
    "budget": (0.0, 0.02, 0.05, 0.1),
    "deployment": (0.0, 0.03, 0.06),
    "vector_spread": (0.1, 0.2, 0.3),
}


def tune_weights(data: dict, k: int = 10, passes: int = 2):
    """Coordinate descent over TUNING_GRID maximising the mean nDCG@k over need styles.

    Each style (plain, technical, no-overlap) counts equally, so the many keyword-friendly
    needs cannot pull the weights away from what plain-words needs require.
    Yields (weights, score) after each improvement.
    """
    matcher = get_indexer().matcher
    labels = data.get("needs", [])
    needs = {n.external_id: n for n in db.session.scalars(
        sa.select(Need).where(Need.external_id.in_([x["need"] for x in labels])))}
    queries = [(need_query(needs[x["need"]]), x["relevant"], x.get("style", "technical")) for x in labels
               if x["need"] in needs]

    def score(weights) -> float:
        by_style: dict[str, list] = {}
        for query, grades, style in queries:
            ranked = [r.key for r in matcher.match(query, "solution", limit=k, weights=weights)]
            by_style.setdefault(style, []).append((ranked, grades))
        return sum(summarise(r, k)[f"ndcg@{k}"] for r in by_style.values()) / len(by_style)

    best, best_score = matcher.weights, score(matcher.weights)
    yield best, best_score
    for _pass in range(passes):
        for name, values in TUNING_GRID.items():
            for value in values:
                candidate = best.with_(**{name: value})
                value_score = score(candidate)
                if value_score > best_score + 1e-4:
                    best, best_score = candidate, value_score
                    yield best, best_score

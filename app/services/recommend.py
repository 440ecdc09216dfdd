"""Recommendations for the dashboards and the industry pages; each one says why in one line."""
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import get_locale, ngettext

from app.extensions import db
from app.indexing import get_indexer
from app.models import (
    CaseStudy,
    Industry,
    Match,
    MatchState,
    Need,
    NeedStatus,
    OrgKind,
    Scenario,
    Solution,
    User,
)
from app.services import matching
from app.services.directory import industries, published_cases
from app.services.permissions import require_org_member
from matching import Query

# A match that reached one of these states was contacted (declined ones may not have been).
CONTACTED_STATES = (MatchState.CONTACTED, MatchState.IN_DISCUSSION, MatchState.AGREED, MatchState.DELIVERED)
# Which of the matcher's reasons best says why, in order of preference: by kind, or, for plain
# English lines stored before reasons were records, by how the line begins.
_WHY = (("evidence", "Backed by"), ("scenario", "Scenario:"), ("terms", "Answers:"),
        ("industry", "Serves the industry"), ("semantic", "Close in meaning"))


def _is(reason: dict | str, kind: str, prefix: str) -> bool:
    return reason.startswith(prefix) if isinstance(reason, str) else reason.get("kind") == kind


def why(reasons: list[dict | str]) -> dict | str:
    """One of the matcher's reasons: evidence first, then scenario, words, industry, meaning."""
    for kind, prefix in _WHY:
        for reason in reasons:
            if _is(reason, kind, prefix):
                return reason
    return reasons[0] if reasons else ""


@dataclass
class Recommendation:
    record: object
    why: dict | str  # a reason record (templates word it with the `reason` filter)
    score: float = 0.0


@dataclass
class NeedRecommendations:
    need: Need
    solutions: list[Recommendation]


def enterprise_dashboard(actor: User, per_need: int = 3) -> tuple[list[NeedRecommendations], list[Recommendation]]:
    """For each open need of the actor's enterprise its best solutions; and what similar enterprises contacted."""
    org = require_org_member(actor, OrgKind.ENTERPRISE)
    needs = db.session.scalars(sa.select(Need).where(
        Need.organization_id == org.id, Need.deleted_at.is_(None),
        Need.status.in_([NeedStatus.OPEN, NeedStatus.MATCHED])).order_by(Need.created_at.desc())).all()
    per = [NeedRecommendations(n, [Recommendation(m.solution, why(m.reasons), m.score)
                                   for m in matching.matches_for(actor, n)[:per_need]
                                   if not m.solution.is_deleted]) for n in needs]
    return per, also_contacted(org.id, {n.industry_id for n in needs})


def also_contacted(org_id: int, industry_ids: set[int], limit: int = 5) -> list[Recommendation]:
    """Solutions that other enterprises of the same industries contacted, most contacted first."""
    if not industry_ids:
        return []
    contacted = sa.func.count(sa.distinct(Need.organization_id))
    rows = db.session.execute(
        sa.select(Match.solution_id, contacted, sa.func.min(Industry.slug))
        .join(Need, Match.need_id == Need.id).join(Industry, Need.industry_id == Industry.id)
        .where(Match.state.in_(CONTACTED_STATES), Need.organization_id != org_id, Need.industry_id.in_(industry_ids))
        .group_by(Match.solution_id).order_by(contacted.desc()).limit(limit)).all()
    solutions = {s.id: s for s in db.session.scalars(sa.select(Solution).where(
        Solution.id.in_([r[0] for r in rows]), Solution.deleted_at.is_(None)))}
    zh = get_locale().language == "zh"
    names = {i.slug: i.name_zh if zh and i.name_zh else i.name for i in industries()}
    return [Recommendation(solutions[sid], ngettext(
        "Contacted by %(num)d enterprise in %(industry)s", "Contacted by %(num)d enterprises in %(industry)s", n,
        industry=names[slug]))
            for sid, n, slug in rows if sid in solutions]


def provider_dashboard(actor: User, per_solution: int = 5) -> list[tuple[Solution, list[Recommendation]]]:
    """For each solution of the actor's provider, fitting open needs: newest first within relevance tiers."""
    org = require_org_member(actor, OrgKind.PROVIDER)
    solutions = db.session.scalars(sa.select(Solution).where(Solution.provider_id == org.id,
                                                             Solution.deleted_at.is_(None))).all()
    out = []
    for solution in solutions:
        found = matching.ranked_needs_for_solution(solution, limit=per_solution * 2)
        recs = [Recommendation(need, why(result.reason_records()), result.score) for need, result in found]
        # Relevance first in coarse tiers of 0.1, newest first inside a tier.
        recs.sort(key=lambda r: (round(r.score, 1), r.record.created_at), reverse=True)
        out.append((solution, recs[:per_solution]))
    return out


def industry_highlights(industry: Industry, per_scenario: int = 3) -> list[tuple[Scenario, list, list]]:
    """Per scenario of an industry: its most relevant solutions (with why) and exemplary cases."""
    scenarios = db.session.scalars(sa.select(Scenario).where(
        Scenario.industry_id == industry.id, Scenario.retired_at.is_(None)).order_by(Scenario.position)).all()
    out = []
    for scenario in scenarios:
        query = Query(text=f"{scenario.name}. {scenario.description}", industries=[industry.slug],
                      scenarios=[scenario.slug])
        try:
            results = get_indexer().matcher.match(query, "solution", limit=per_scenario,
                                                  filters={"industries": industry.slug})
        except Exception:  # the index is down: the rest of the page still renders
            results = []
        solutions = {s.id: s for s in db.session.scalars(sa.select(Solution).where(
            Solution.id.in_([r.id for r in results]), Solution.deleted_at.is_(None)))}
        recs = [Recommendation(solutions[r.id], why(r.reason_records()), r.score) for r in results if r.id in solutions]
        cases = db.session.scalars(published_cases(exemplary=True).where(
            CaseStudy.industry_id == industry.id, CaseStudy.scenarios.any(Scenario.id == scenario.id))
            .limit(per_scenario)).all()
        out.append((scenario, recs, cases))
    return out


"""The officials' dashboard: supply and demand per industry and region, the match funnel, time to first
contact, and the gaps in supply (open needs no solution matches well). Officials and admins only."""
import statistics
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import Industry, Match, MatchEvent, MatchState, Need, NeedStatus, Organization, Solution, User
from app.models.market import solution_industries
from app.services.permissions import is_official, require

PUBLISHED = (NeedStatus.OPEN, NeedStatus.MATCHED, NeedStatus.CLOSED)  # every need but drafts


@dataclass
class Table:
    """One table of the dashboard: what the page shows, the chart draws and the CSV holds."""

    header: tuple[str, ...]
    rows: list[tuple]

    def column(self, n: int) -> list[tuple[str, float]]:
        """(first cell, nth cell) of every row, for bar_chart."""
        return [(str(row[0]), row[n]) for row in self.rows]


def _count_by(key, *where) -> dict:
    return dict(db.session.execute(sa.select(key, sa.func.count()).where(*where).group_by(key)).all())


def per_industry(actor: User) -> Table:
    """Needs (published) and solutions (live) per industry, in catalogue order."""
    require(is_official(actor))
    needs = _count_by(Need.industry_id, Need.deleted_at.is_(None), Need.status.in_(PUBLISHED))
    solutions = dict(db.session.execute(
        sa.select(solution_industries.c.industry_id, sa.func.count())
        .join(Solution, Solution.id == solution_industries.c.solution_id)
        .where(Solution.deleted_at.is_(None)).group_by(solution_industries.c.industry_id)).all())
    industries = db.session.scalars(sa.select(Industry).order_by(Industry.position)).all()
    return Table(("industry", "needs", "solutions"),
                 [(i.name, needs.get(i.id, 0), solutions.get(i.id, 0)) for i in industries])


def per_region(actor: User) -> Table:
    """Needs (by the need's region) and solutions (by their provider's region), most active regions first."""
    require(is_official(actor))
    needs = _count_by(Need.region, Need.deleted_at.is_(None), Need.status.in_(PUBLISHED))
    solutions = dict(db.session.execute(
        sa.select(Organization.region, sa.func.count()).join(Solution, Solution.provider_id == Organization.id)
        .where(Solution.deleted_at.is_(None)).group_by(Organization.region)).all())
    regions = sorted(set(needs) | set(solutions), key=lambda r: (-(needs.get(r, 0) + solutions.get(r, 0)), r))
    return Table(("region", "needs", "solutions"),
                 [(r or "—", needs.get(r, 0), solutions.get(r, 0)) for r in regions])


def funnel(actor: User) -> Table:
    """Matches per lifecycle state now, and how many ever reached each state (steps are kept as events)."""
    require(is_official(actor))
    now = _count_by(Match.state)
    reached = dict(db.session.execute(sa.select(MatchEvent.to_state, sa.func.count(sa.distinct(MatchEvent.match_id)))
                                      .group_by(MatchEvent.to_state)).all())
    reached[MatchState.SUGGESTED] = sum(now.values())
    return Table(("state", "matches now", "matches that reached it"),
                 [(state.value, now.get(state, 0), reached.get(state, 0)) for state in MatchState])


def time_to_first_contact(actor: User) -> tuple[float | None, int]:
    """Median days from a need's publication to the first contact on any of its matches; and how many needs."""
    require(is_official(actor))
    first = sa.func.min(MatchEvent.created_at)
    rows = db.session.execute(
        sa.select(Need.created_at, first).join(Match, Match.need_id == Need.id)
        .join(MatchEvent, MatchEvent.match_id == Match.id)
        .where(MatchEvent.to_state == MatchState.CONTACTED, Need.deleted_at.is_(None)).group_by(Need.id)).all()
    days = [max((contact - posted).total_seconds(), 0) / 86400 for posted, contact in rows]
    return (round(statistics.median(days), 1) if days else None), len(days)


def gaps(actor: User) -> Table:
    """Open needs without a stored match at or above the score floor, per industry: the gaps in supply.

    `best score` is the need's best stored match; empty when it was never matched (`flask matching refresh`)."""
    require(is_official(actor))
    best = sa.select(sa.func.max(Match.score)).where(Match.need_id == Need.id).scalar_subquery()
    rows = db.session.execute(
        sa.select(Industry.name, Need.title, Organization.name, Need.region, Need.created_at, best, Need.slug)
        .join(Industry, Need.industry_id == Industry.id).join(Organization, Need.organization_id == Organization.id)
        .where(Need.status == NeedStatus.OPEN, Need.deleted_at.is_(None),
               sa.func.coalesce(best, -1.0) < current_app.config["MATCH_SCORE_FLOOR"])
        .order_by(Industry.position, Need.created_at)).all()
    return Table(("industry", "need", "enterprise", "region", "posted", "best score", "slug"),
                 [(i, t, o, r, c.date().isoformat(), "" if b is None else round(b, 2), s)
                  for i, t, o, r, c, b, s in rows])


def gaps_per_industry(table: Table) -> list[tuple[str, int]]:
    """How many gap needs each industry has, most first (for the chart)."""
    counts: dict[str, int] = {}
    for row in table.rows:
        counts[row[0]] = counts.get(row[0], 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])


TABLES = {"industries": per_industry, "regions": per_region, "funnel": funnel, "gaps": gaps}

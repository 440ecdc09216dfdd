"""The officials' dashboard figures: supply and demand, the funnel, time to first contact, gaps in supply."""
from datetime import timedelta

import pytest

from app.errors import PermissionDenied
from app.extensions import db
from app.models import Match, MatchState, NeedStatus, UserRole
from app.services import officials
from app.services.lifecycle import advance_match
from app.services.needs import close_need, set_need_status
from tests.services.test_needs import post_need, worker_indexing  # noqa: F401  (worker_indexing is autouse)
from tests.services.test_offers import create_solution


@pytest.fixture
def world(make_user):
    """Three needs (steel in Hebei, steel in Jiangsu, a closed one), one solution, a draft that never counts."""
    enterprise, provider = make_user(UserRole.ENTERPRISE), make_user(UserRole.PROVIDER)  # provider region: Jiangsu
    good = post_need(enterprise, title="Well matched", region="Hebei")
    gap = post_need(enterprise, title="Nobody offers this", region="Jiangsu")
    closed = post_need(enterprise, title="Closed and unmatched", region="Hebei")
    close_need(enterprise, closed)
    post_need(enterprise, title="A draft", publish=False, region="Hebei")
    solution = create_solution(provider)  # steel + construction machinery in the service tests' factory
    match = Match(need=good, solution=solution, rank=1, score=0.9, reasons=["Scenario: x"])
    weak = Match(need=gap, solution=solution, rank=1, score=0.1, reasons=["Close in meaning"])
    db.session.add_all([match, weak])
    db.session.commit()
    return {"official": make_user(UserRole.OFFICIAL), "enterprise": enterprise, "provider": provider,
            "match": match, "weak": weak, "good": good, "gap": gap, "solution": solution}


@pytest.mark.parametrize(("role", "allowed"), [(UserRole.OFFICIAL, True), (UserRole.ADMIN, True),
                                               (UserRole.ENTERPRISE, False), (UserRole.PROVIDER, False)])
def test_only_officials_and_admins_read_the_dashboard(make_user, role, allowed):
    user = make_user(role)
    for table in (*officials.TABLES.values(), officials.time_to_first_contact):
        if allowed:
            table(user)
        else:
            with pytest.raises(PermissionDenied):
                table(user)


def test_needs_and_solutions_per_industry_and_region(world):
    rows = {row[0]: row[1:] for row in officials.per_industry(world["official"]).rows}
    assert rows["Steel"] == (3, 1)  # published needs (the closed one too, not the draft), live solutions
    assert rows["Aviation"] == (0, 0)
    regions = officials.per_region(world["official"]).rows
    assert regions == [("Hebei", 2, 0), ("Jiangsu", 1, 1)]


def test_the_funnel_counts_states_now_and_steps_ever_reached(world):
    advance_match(world["enterprise"], world["match"], MatchState.CONTACTED)
    advance_match(world["provider"], world["match"], MatchState.IN_DISCUSSION)
    advance_match(world["provider"], world["weak"], MatchState.DECLINED, reason="capability")
    rows = {row[0]: row[1:] for row in officials.funnel(world["official"]).rows}
    assert rows == {"suggested": (0, 2), "contacted": (0, 1), "in_discussion": (1, 1), "agreed": (0, 0),
                    "delivered": (0, 0), "declined": (1, 1)}


def test_median_time_to_first_contact_runs_from_publication(world):
    assert officials.time_to_first_contact(world["official"]) == (None, 0)
    advance_match(world["enterprise"], world["match"], MatchState.CONTACTED)
    advance_match(world["provider"], world["weak"], MatchState.CONTACTED)
    world["good"].created_at -= timedelta(days=4)
    world["gap"].created_at -= timedelta(days=2)
    db.session.commit()
    assert officials.time_to_first_contact(world["official"]) == (3.0, 2)


def test_gaps_are_open_needs_without_a_match_above_the_floor(world, app):
    table = officials.gaps(world["official"])
    assert [(row[0], row[1], row[5]) for row in table.rows] == [("Steel", "Nobody offers this", 0.1)]
    assert officials.gaps_per_industry(table) == [("Steel", 1)]
    never = post_need(world["enterprise"], title="Never matched", industry="textiles")
    assert [(row[0], row[1], row[5]) for row in officials.gaps(world["official"]).rows][-1] == (
        "Textiles", never.title, "")  # listed, with no best score: matching never ran for it
    close_need(world["enterprise"], never)
    app.config["MATCH_SCORE_FLOOR"] = 0.05
    assert officials.gaps(world["official"]).rows == []
    set_need_status(world["enterprise"], world["gap"], NeedStatus.CLOSED)
    app.config["MATCH_SCORE_FLOOR"] = 0.95
    assert [row[1] for row in officials.gaps(world["official"]).rows] == ["Well matched"]

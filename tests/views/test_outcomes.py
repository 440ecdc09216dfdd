"""Outcomes that teach the ranking: the match lists shown are logged, outcomes become track records."""
import pytest
import sqlalchemy as sa

from app.indexing import get_indexer
from app.models import Deployment, MatchImpression, MatchState
from app.services import lifecycle
from app.services import matching as matching_service
from app.services import offers as offers_service

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("view_app")]


def shown(db) -> list[tuple[int, int]]:
    return db.session.execute(sa.select(MatchImpression.solution_id, MatchImpression.position)
                              .order_by(MatchImpression.position)).all()


@pytest.fixture
def rival(other_provider):
    return offers_service.create_solution(
        other_provider, title="StripEye surface inspection", summary="Cameras and AI for strip surfaces.",
        description="Finds scratches and scale on hot-rolled strip.", industries=["steel"],
        scenarios=["strip-surface-defect-detection"], capabilities=["machine vision"], deployment=Deployment.EDGE,
        price_min=250_000, price_max=700_000)


def test_the_list_the_owner_sees_is_logged_once_and_nobody_elses_view_counts(client, auth, db, enterprise, provider,
                                                                             need, solution, rival):
    client.get(f"/needs/{need.slug}")  # a visitor
    auth.login(provider)
    client.get(f"/needs/{need.slug}")
    assert shown(db) == []
    auth.logout()
    auth.login(enterprise)
    client.get(f"/needs/{need.slug}")
    first = shown(db)
    assert {s for s, _ in first} >= {solution.id, rival.id} and [p for _, p in first] == list(range(1, len(first) + 1))
    client.get(f"/needs/{need.slug}")  # a reload is not a second showing
    assert shown(db) == first


def test_an_agreed_match_gives_its_provider_a_better_track_record_in_that_industry(
        client, auth, db, enterprise, provider, other_provider, need, solution, rival):
    auth.login(enterprise)
    client.get(f"/needs/{need.slug}")
    match = next(m for m in need.matches if m.solution_id == solution.id)
    for state in (MatchState.CONTACTED, MatchState.IN_DISCUSSION, MatchState.AGREED):
        lifecycle.advance_match(enterprise, match, state)
    indexer = get_indexer()
    indexer.load_track_records()
    records = indexer.matcher._track
    assert records[(provider.organization_id, "steel")].agreed == 1
    assert records[(provider.organization_id, "steel")].feature > 0 > records[(other_provider.organization_id,
                                                                                "steel")].feature
    results = matching_service.match_need_results(need)
    ours = next(r for r in results if r.id == solution.id)
    assert any(r.kind == "track_record" for r in ours.reasons)


def test_track_records_can_be_switched_off(app, db, enterprise, need, solution):
    indexer = get_indexer()
    indexer.track_record = False
    indexer.matcher.set_track_records({})
    db.session.add(MatchImpression(need_id=need.id, solution_id=solution.id, provider_id=solution.provider_id,
                                   industry="steel", position=1))
    db.session.commit()
    indexer._track_read_at = float("-inf")
    assert indexer.matcher._track == {}

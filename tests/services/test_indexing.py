"""Keeping the index in sync: outbox rows in the write's transaction, drained after commit; a down index never
blocks or loses a write; rebuild and status."""
import sqlalchemy as sa

from app.indexing import get_indexer
from app.models import OutboxEvent, UserRole
from app.services import matching
from app.services.needs import post_need, update_need
from app.services.offers import create_solution

NEED = dict(title="Coils come back scratched", description="Customers return cold rolled coils with scratches.",
            industry="steel", scenarios=[], region="Hebei", budget_min=None, budget_max=None, deadline=None)


def outbox(db):
    return db.session.scalars(sa.select(OutboxEvent)).all()


def test_a_write_is_indexed_right_after_commit_in_development(db, make_user):
    need = post_need(make_user(UserRole.ENTERPRISE), **NEED)
    assert outbox(db) == []
    assert need.id in get_indexer().matcher.collection("need").docs


def test_worker_mode_leaves_the_outbox_row_for_the_worker(app, db, make_user, runner):
    app.config["INDEXING"] = "worker"
    need = post_need(make_user(UserRole.ENTERPRISE), **NEED)
    assert [(e.entity, e.entity_id) for e in outbox(db)] == [("need", need.id)]
    assert "indexed 1 change(s)" in runner.invoke(args=["index", "worker", "--once"]).output
    assert outbox(db) == []


def test_in_worker_mode_the_worker_alerts_saved_searches_of_what_it_indexed(app, db, make_user, runner):
    """Production runs the worker: a saved search must hear of a new matching item from it, not only from
    development's inline indexing."""
    from werkzeug.datastructures import MultiDict

    from app.models import Notification
    from app.services.search import save_search

    app.config["INDEXING"] = "worker"
    buyer = make_user(UserRole.ENTERPRISE)
    save_search(buyer, "Scratched coils", MultiDict({"q": "scratched coils", "type": "need"}))
    post_need(make_user(UserRole.ENTERPRISE), **NEED)
    assert db.session.scalars(sa.select(Notification).where(Notification.user_id == buyer.id)).all() == []
    assert "indexed 1 change(s)" in runner.invoke(args=["index", "worker", "--once"]).output
    (alert,) = db.session.scalars(sa.select(Notification).where(Notification.user_id == buyer.id)).all()
    assert "Coils come back scratched" in alert.message


def test_index_down_delays_indexing_but_never_blocks_or_loses_a_write(db, make_user, tmp_path):
    indexer = get_indexer()
    down = tmp_path / "index-down"
    down.write_text("a file where the index directory should be")
    indexer.index_dir, indexer._matcher = down, None
    member = make_user(UserRole.ENTERPRISE)
    need = post_need(member, **NEED)  # the write succeeds while the index is down
    update_need(member, need, title="Coils come back scratched and dented")
    pending = outbox(db)
    assert {(e.entity, e.entity_id) for e in pending} == {("need", need.id)}
    assert all(e.attempts >= 1 and e.last_error for e in pending)

    indexer.index_dir = tmp_path / "index-back"  # the index comes back
    assert indexer.drain_quietly() == len(pending)
    assert outbox(db) == []
    assert indexer.matcher.collection("need").docs[need.id].title == "Coils come back scratched and dented"


def test_pages_fall_back_to_stored_matches_when_the_index_is_down(db, make_user, tmp_path):
    need = post_need(make_user(UserRole.ENTERPRISE), **NEED)
    indexer = get_indexer()
    down = tmp_path / "down"
    down.write_text("x")
    indexer.index_dir, indexer._matcher = down, None
    assert matching.matches_for(None, need) == []
    assert matching.similar("need", need) == []


def test_rebuild_and_status(db, make_user, runner):
    provider = make_user(UserRole.PROVIDER)
    create_solution(provider, title="Strip inspection", summary="Finds scratches.", description="Line-scan vision.",
                    industries=["steel"], scenarios=["quality-inspection"], capabilities=["machine vision"],
                    deployment=None, price_min=None, price_max=None)
    result = runner.invoke(args=["index", "rebuild"])
    assert result.exit_code == 0 and "solution: 1" in result.output
    status = runner.invoke(args=["index", "status"]).output
    assert "solution documents: 1" in status and "pending outbox rows: 0" in status
    assert f"model: {get_indexer().matcher.embedder.model_id}" in status


def test_the_embedded_search_keeps_its_facet_cache_between_requests(db):
    """A new search object per request rebuilt every facet posting list each time (seconds at 100k)."""
    indexer = get_indexer()
    assert indexer.search is indexer.search

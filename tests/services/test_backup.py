"""`flask backup` / `flask restore`: backup, wipe, restore gives back the same rows and the same search results."""
import re
import shutil

import pytest
import sqlalchemy as sa

from app.indexing import get_indexer
from app.models import User, UserRole
from app.services.needs import post_need
from app.services.offers import create_solution

NEED = dict(description="Customers return cold rolled coils with scratches.", industry="steel", scenarios=[],
            region="Hebei", budget_min=None, budget_max=None, deadline=None)


@pytest.fixture
def marketplace(db, make_user):
    provider = make_user(UserRole.PROVIDER)
    create_solution(provider, title="Strip scratch finder", summary="Finds scratches on strip.",
                    description="Line-scan cameras detect scratches on cold rolled strip.", industries=["steel"],
                    scenarios=["quality-inspection"], capabilities=["vision"], deployment=None, price_min=100,
                    price_max=900)
    member = make_user(UserRole.ENTERPRISE)
    post_need(member, title="Coils come back scratched", **NEED)
    post_need(member, publish=False, title="A draft about furnace temperature", **NEED)
    return member


def snapshot(db) -> dict[str, list]:
    """Every row of every table, in primary-key order."""
    db.session.expire_all()
    with db.engine.connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns))]
                for t in db.metadata.sorted_tables}


def search_results(client) -> list[str]:
    page = client.get("/search?q=scratches").get_data(as_text=True)
    return re.findall(r'href="(/(?:solutions|needs|providers|products|cases)/[^"?]+)"', page)


def wipe(db, app):
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
    shutil.rmtree(app.config["INDEX_DIR"])
    get_indexer().forget()


@pytest.mark.parametrize("fmt", ["native", "json"])
def test_backup_wipe_restore_gives_the_same_data_and_search_results(app, db, client, runner, marketplace, tmp_path,
                                                                    fmt, request):
    if fmt == "native" and db.engine.dialect.name != "sqlite":
        pytest.skip("the native format is SQLite's file backup")
    before, results = snapshot(db), search_results(client)
    assert "/solutions/strip-scratch-finder" in results and "/needs/coils-come-back-scratched" in results

    result = runner.invoke(args=["backup", str(tmp_path / "backup"), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert "backup written" in result.output
    post_need(marketplace, title="Written after the backup", **NEED)  # the restore takes the site back before it
    wipe(db, app)
    assert search_results(client) == [] and snapshot(db)["needs"] == []

    result = runner.invoke(args=["restore", str(tmp_path / "backup"), "--yes"])
    assert result.exit_code == 0, result.output
    after = snapshot(db)
    after["audit_log"] = [row for row in after["audit_log"] if row[2] != "restore"]
    assert after == before
    assert search_results(client) == results
    assert get_indexer().matcher.count("need") == 2  # the draft is indexed too (pages filter it)


def test_restore_goes_on_numbering_after_the_restored_rows(db, runner, marketplace, tmp_path):
    member_id = marketplace.id
    assert runner.invoke(args=["backup", str(tmp_path / "b"), "--format", "json"]).exit_code == 0
    assert runner.invoke(args=["restore", str(tmp_path / "b"), "--yes"]).exit_code == 0
    need = post_need(db.session.get(User, member_id), title="A new need after the restore", **NEED)
    assert need.id == 3


def test_backup_refuses_a_directory_that_is_not_empty_and_restore_refuses_a_non_backup(runner, tmp_path, db):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something").write_text("x")
    result = runner.invoke(args=["backup", str(tmp_path / "full")])
    assert result.exit_code == 1 and "is not empty" in result.output
    result = runner.invoke(args=["restore", str(tmp_path / "full"), "--yes"])
    assert result.exit_code == 1 and "not a ChainMatch backup" in result.output


def test_restore_asks_for_confirmation(runner, tmp_path, db, marketplace):
    assert runner.invoke(args=["backup", str(tmp_path / "b"), "--format", "json"]).exit_code == 0
    result = runner.invoke(args=["restore", str(tmp_path / "b")], input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output

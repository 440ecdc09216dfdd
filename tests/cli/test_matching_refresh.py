"""`flask matching refresh` stores the matches of every open need."""
import sqlalchemy as sa

from app.extensions import db
from app.models import Match, Need
from tests.cli.test_contract_cli import loaded  # noqa: F401  (fixture)


def test_refresh_stores_matches_of_every_open_need(runner, loaded):  # noqa: F811
    open_needs = db.session.scalar(sa.select(sa.func.count()).select_from(Need).where(Need.status == "open"))
    result = runner.invoke(args=["matching", "refresh"])
    assert result.exit_code == 0, result.output
    assert f"{open_needs} open needs matched" in result.output
    gearbox = db.session.scalar(sa.select(Need).where(Need.external_id == "n2"))
    stored = db.session.scalars(sa.select(Match).where(Match.need_id == gearbox.id).order_by(Match.rank)).all()
    assert stored and stored[0].solution.external_id == "s3"
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(Match.need_id)))) == open_needs

"""The demo data: a programme with solution partners and pilot scenarios, loaded once."""
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from app.config import Config
from app.errors import NotFound
from app.extensions import db
from app.models import OpenScenario, PilotVisibility, Programme, Proposal, User, UserRole
from app.services import accounts as accounts_service
from app.services import pilots
from app.services.demo import DEMO_ACCOUNTS, load_demo


@pytest.fixture(autouse=True)
def worker_indexing(monkeypatch):
    """Leave indexing to the worker: the demo's records are not embedded here."""
    monkeypatch.setattr(Config, "INDEXING", "worker")
    monkeypatch.setattr(accounts_service, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_demo_shows_a_programme_only_scenario_to_its_partner_and_a_proposal_naming_a_solution(app, make_user):
    load_demo(f"{app.config['CATALOG_DIR']}/demo")
    enterprise, provider = (db.session.scalar(sa.select(User).where(User.email == email))
                            for email, _name, role, _kind in DEMO_ACCOUNTS if role != UserRole.OFFICIAL)
    programme = db.session.scalar(sa.select(Programme))
    assert programme.lead_id == enterprise.organization_id and len(programme.members) == 2
    assert provider.organization_id in {p.organization_id for p in programme.partners}
    public, programme_only = db.session.scalars(sa.select(OpenScenario).order_by(OpenScenario.id)).all()
    assert public.visibility == PilotVisibility.PUBLIC
    (proposal,) = public.proposals
    assert proposal.provider_id == proposal.solution.provider_id == provider.organization_id
    assert (programme_only.visibility, programme_only.programme) == (PilotVisibility.PROGRAMME, programme)
    assert pilots.get_open_scenario(provider, programme_only.slug) == programme_only
    with pytest.raises(NotFound):
        pilots.get_open_scenario(make_user(UserRole.PROVIDER), programme_only.slug)

    load_demo(f"{app.config['CATALOG_DIR']}/demo")  # loading again adds no second programme or scenario
    assert (_count(Programme), _count(OpenScenario), _count(Proposal)) == (1, 2, 1)

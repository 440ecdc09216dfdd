"""Who may change what: every write service against every actor it must refuse, and the actors it must serve."""
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from app.errors import PermissionDenied
from app.extensions import db
from app.models import AuditLog, CaseStudy, Match, MatchMark, Need, NeedStatus, Product, Solution, UserRole
from app.services import cases, needs, offers
from tests.services.test_cases import submit_case
from tests.services.test_needs import count, post_need, worker_indexing  # noqa: F401  (worker_indexing is autouse)
from tests.services.test_offers import create_product, create_solution


class Marketplace:
    """An enterprise with needs, a provider with offers, a rival of each, an official and an admin.

    Users are made on first use; every record method builds a fresh record.
    """

    ROLES = {"enterprise": UserRole.ENTERPRISE, "other enterprise": UserRole.ENTERPRISE,
             "provider": UserRole.PROVIDER, "other provider": UserRole.PROVIDER,
             "official": UserRole.OFFICIAL, "admin": UserRole.ADMIN}

    def __init__(self, make_user):
        self._make_user = make_user
        self._users = {}

    def user(self, name: str):
        """Return the user called name; each enterprise or provider member has an organisation of their own."""
        if name not in self._users:
            self._users[name] = self._make_user(self.ROLES[name])
        return self._users[name]

    @property
    def enterprise(self):
        return self.user("enterprise")

    @property
    def provider(self):
        return self.user("provider")

    def actor(self, name: str, owner: str):
        """Return the acting user called name; "owner" is the member who owns the record, "anonymous" None."""
        if name == "anonymous":
            return None
        return self.user(owner if name == "owner" else name)

    def need(self) -> Need:
        return post_need(self.enterprise)

    def match(self) -> Match:
        match = Match(need=self.need(), solution=self.solution(), rank=1, score=0.9, reasons=["Same industry: steel"])
        db.session.add(match)
        db.session.commit()
        return match

    def solution(self) -> Solution:
        return create_solution(self.provider)

    def product(self) -> Product:
        return create_product(self.provider)

    def case(self) -> CaseStudy:
        return submit_case(self.provider)

    def profile(self):
        return self.provider.organization


@pytest.fixture
def marketplace(make_user):
    return Marketplace(make_user)


# Actors who must be refused. Strangers to a need: anyone outside the posting enterprise, providers included
# (the matched provider itself for mark_match); strangers to a provider's records: anyone outside the provider.
NEED_STRANGERS = ("anonymous", "other enterprise", "provider")
OFFER_STRANGERS = ("anonymous", "other provider", "enterprise")


@dataclass(frozen=True)
class Write:
    record: str  # the Marketplace method that builds a fresh record to write to
    call: Callable  # call(actor, record)
    done: Callable  # done(record) is true once the write is in the database
    denied: tuple[str, ...]
    allowed: tuple[str, ...] = ("owner", "official")

    @property
    def owner(self) -> str:
        """The member who owns the record: needs (and their matches) are an enterprise's, the rest a provider's."""
        return "enterprise" if self.record in ("need", "match") else "provider"


WRITES = {
    "update_need": Write("need", lambda a, n: needs.update_need(a, n, title="Changed title"),
                         lambda n: n.title == "Changed title", NEED_STRANGERS),
    "close_need": Write("need", needs.close_need, lambda n: n.status == NeedStatus.CLOSED, NEED_STRANGERS),
    "set_need_status": Write("need", lambda a, n: needs.set_need_status(a, n, NeedStatus.MATCHED),
                             lambda n: n.status == NeedStatus.MATCHED, NEED_STRANGERS),
    "delete_need": Write("need", needs.delete_need, lambda n: n.deleted_at is not None, NEED_STRANGERS),
    "mark_match": Write("match", lambda a, m: needs.mark_match(a, m, MatchMark.INTERESTING),
                        lambda m: m.mark == MatchMark.INTERESTING, NEED_STRANGERS),
    "update_solution": Write("solution", lambda a, s: offers.update_solution(a, s, title="Changed title"),
                             lambda s: s.title == "Changed title", OFFER_STRANGERS),
    "delete_solution": Write("solution", offers.delete_solution, lambda s: s.deleted_at is not None, OFFER_STRANGERS),
    "update_product": Write("product", lambda a, p: offers.update_product(a, p, name="Changed name"),
                            lambda p: p.name == "Changed name", OFFER_STRANGERS),
    "delete_product": Write("product", offers.delete_product, lambda p: p.deleted_at is not None, OFFER_STRANGERS),
    # Officials review cases but never write them: only the provider's own members do.
    "update_case": Write("case", lambda a, c: cases.update_case(a, c, title="Changed title"),
                         lambda c: c.title == "Changed title", (*OFFER_STRANGERS, "official", "admin"),
                         allowed=("owner",)),
    "withdraw_case": Write("case", cases.withdraw_case, lambda c: c.deleted_at is not None,
                           (*OFFER_STRANGERS, "official", "admin"), allowed=("owner",)),
    "publish_case": Write("case", cases.publish_case, lambda c: c.is_published,
                          ("owner", *OFFER_STRANGERS), allowed=("official", "admin")),
    "update_provider_profile": Write("profile",
                                     lambda a, o: offers.update_provider_profile(a, o, description="Changed"),
                                     lambda o: o.description == "Changed", OFFER_STRANGERS),
}


def stored_row(record) -> dict:
    """The record's row as the database holds it, with whatever the session changed flushed first."""
    db.session.flush()
    table = type(record).__table__
    return dict(db.session.execute(sa.select(table).where(table.c.id == record.id)).mappings().one())


def audit_rows() -> int:
    """Audit entries about marketplace records (creating the actors audits their accounts)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(AuditLog.entity != "user"))


def test_only_the_owner_and_officials_may_change_a_record(marketplace, subtests):
    for service, write in WRITES.items():
        record = getattr(marketplace, write.record)()
        before = stored_row(record)
        for name in write.denied:
            with subtests.test(service=service, actor=name, allowed=False):
                audited = audit_rows()
                with pytest.raises(PermissionDenied):
                    write.call(marketplace.actor(name, write.owner), record)
                assert stored_row(record) == before
                assert audit_rows() == audited
        db.session.rollback()
        for name in write.allowed:
            with subtests.test(service=service, actor=name, allowed=True):
                fresh = getattr(marketplace, write.record)()  # a record is deleted or closed only once
                write.call(marketplace.actor(name, write.owner), fresh)
                db.session.expire_all()
                assert write.done(fresh)


CREATES = [  # (role, service factory, model): members may only create their own side's records
    (UserRole.ENTERPRISE, create_solution, Solution),
    (UserRole.ENTERPRISE, create_product, Product),
    (UserRole.ENTERPRISE, submit_case, CaseStudy),
    (UserRole.OFFICIAL, create_solution, Solution),
    (UserRole.PROVIDER, post_need, Need),
    (UserRole.OFFICIAL, post_need, Need),
]


def test_only_members_of_the_right_kind_of_organisation_create_records(make_user, subtests):
    users = {role: make_user(role) for role in {role for role, _, _ in CREATES}}
    for role, create, model in CREATES:
        with subtests.test(role=role.value, service=create.__name__):
            with pytest.raises(PermissionDenied):
                create(users[role])
            db.session.rollback()
            assert count(model) == 0

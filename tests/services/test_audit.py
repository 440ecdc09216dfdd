"""The audit log says who did what to which record: creates, updates, deletes and status changes."""
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditLog, NeedStatus, UserRole
from app.services import cases, needs, offers
from tests.services.test_cases import submit_case
from tests.services.test_needs import post_need, worker_indexing  # noqa: F401  (worker_indexing is autouse)
from tests.services.test_offers import create_solution


def delete_need(user, make_user):
    need = post_need(user)
    needs.delete_need(user, need)
    return need


def withdraw_solution(user, make_user):
    solution = create_solution(user)
    offers.delete_solution(user, solution)
    return solution


def withdraw_case(user, make_user):
    case = submit_case(user)
    cases.withdraw_case(user, case)
    return case


def publish_case(user, make_user):
    return cases.publish_case(user, submit_case(make_user(UserRole.PROVIDER)), exemplary=True)


ENTERPRISE, PROVIDER, OFFICIAL = UserRole.ENTERPRISE, UserRole.PROVIDER, UserRole.OFFICIAL
# name: (role of the actor, operation(actor, make_user) -> the record written, action, entity, changes recorded)
OPERATIONS = {
    "post need": (ENTERPRISE, lambda u, _: post_need(u, title="Predict converter endpoints"), "create", "need",
                  {"title": "Predict converter endpoints", "industry": "steel"}),
    "edit need": (ENTERPRISE, lambda u, _: needs.update_need(u, post_need(u), budget_max=950_000), "update", "need",
                  {"budget_max": 950_000}),
    "publish draft need": (ENTERPRISE, lambda u, _: needs.set_need_status(u, post_need(u, publish=False),
                                                                           NeedStatus.OPEN),
                           "status", "need", {"status": ["draft", "open"]}),
    "close need": (ENTERPRISE, lambda u, _: needs.close_need(u, post_need(u)), "status", "need",
                   {"status": ["open", "closed"]}),
    "delete need": (ENTERPRISE, delete_need, "delete", "need", {}),
    "list solution": (PROVIDER, lambda u, _: create_solution(u, title="VisionQC"), "create", "solution",
                      {"title": "VisionQC", "industries": ["steel"]}),
    "edit solution": (PROVIDER, lambda u, _: offers.update_solution(u, create_solution(u), title="VisionQC 2"),
                      "update", "solution", {"title": "VisionQC 2"}),
    "withdraw solution": (PROVIDER, withdraw_solution, "delete", "solution", {}),
    "submit case": (PROVIDER, lambda u, _: submit_case(u, year=2023), "submit", "case", {"year": 2023}),
    "withdraw case": (PROVIDER, withdraw_case, "delete", "case", {}),
    "publish case": (OFFICIAL, publish_case, "publish", "case", {"exemplary": True}),
    "edit provider profile": (PROVIDER, lambda u, _: offers.update_provider_profile(u, u.organization, region="Anhui"),
                              "update", "provider", {"region": "Anhui"}),
}


def test_audit_log_records_who_did_what_to_which_record(make_user, subtests):
    actors = {}
    for name, (role, operation, action, entity, changes) in OPERATIONS.items():
        with subtests.test(name):
            if role not in actors:
                actors[role] = make_user(role)
            record = operation(actors[role], make_user)
            db.session.rollback()  # only what was committed counts
            entry = db.session.scalars(sa.select(AuditLog).order_by(AuditLog.id.desc())).first()
            assert (entry.user_id, entry.action, entry.entity, entry.entity_id) == (
                actors[role].id, action, entity, record.id)
            assert changes.items() <= entry.changes.items()


def test_system_writes_are_audited_without_a_user(make_user):
    user = make_user(UserRole.ENTERPRISE)
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.entity == "user", AuditLog.entity_id == user.id))
    assert (entry.user_id, entry.action, entry.changes) == (None, "create", {"email": user.email, "role": "enterprise"})

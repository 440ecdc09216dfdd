"""Needs: posting, validation, editing, status transitions, and the rows every write adds."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.config import Config
from app.errors import InvalidState, NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.models import AuditLog, Need, NeedStatus, OutboxEvent, UserRole, utcnow
from app.services import needs
from app.services.common import get_or_404

NEED = {
    "title": "Detect surface defects on hot-rolled strip",
    "description": "Scratches and scale on strip running at 20 m/s; we want inline inspection.",
    "industry": "steel",
    "scenarios": ["strip-surface-defect-detection", "quality-inspection"],
    "region": "Hebei",
    "budget_min": 200_000,
    "budget_max": 800_000,
    "deadline": date.today() + timedelta(days=90),
}


@pytest.fixture(autouse=True)
def worker_indexing(monkeypatch):
    """Leave indexing to the worker, as in production: outbox rows stay, and no test waits for the embedder.

    Set on Config, before the app fixture builds the app and loads the catalogue.
    """
    monkeypatch.setattr(Config, "INDEXING", "worker")


@pytest.fixture
def enterprise(make_user):
    return make_user(UserRole.ENTERPRISE)


def post_need(user, *, publish: bool = True, **overrides) -> Need:
    """Post a valid need through the service (the factory of every need in the service tests)."""
    return needs.post_need(user, publish=publish, **{**NEED, **overrides})


@pytest.fixture
def need(enterprise):
    return post_need(enterprise)


def stored(record):
    """Re-read a record from the database, dropping anything only the session knows."""
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(type(record), record.id)


def count(model, **where) -> int:
    """Count the rows of model matching where."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).filter_by(**where))


@pytest.mark.parametrize(("publish", "status"), [(True, NeedStatus.OPEN), (False, NeedStatus.DRAFT)])
def test_enterprise_member_posts_a_need_open_or_as_draft(enterprise, publish, status):
    need = stored(post_need(enterprise, publish=publish))
    assert need.status == status
    assert need.organization_id == enterprise.organization_id and need.author_id == enterprise.id
    assert need.industry.slug == "steel"
    assert {s.slug for s in need.scenarios} == set(NEED["scenarios"])
    assert (need.budget_min, need.budget_max, need.deadline) == (200_000, 800_000, NEED["deadline"])


@pytest.mark.parametrize(("overrides", "field"), [
    ({"budget_min": 500_000, "budget_max": 100_000}, "budget_max"),
    ({"deadline": date.today() - timedelta(days=1)}, "deadline"),
])
def test_post_need_refuses_broken_rules_and_writes_nothing(enterprise, overrides, field):
    with pytest.raises(ValidationFailed) as refused:
        post_need(enterprise, **overrides)
    assert refused.value.field == field
    db.session.rollback()
    assert count(Need) == 0
    assert count(AuditLog, entity="need") == 0 and count(OutboxEvent, entity="need") == 0


def test_owner_edits_a_need(enterprise, need):
    needs.update_need(enterprise, need, title="Inline strip inspection", budget_max=900_000,
                      scenarios=["quality-inspection"])
    need = stored(need)
    assert (need.title, need.budget_max) == ("Inline strip inspection", 900_000)
    assert [s.slug for s in need.scenarios] == ["quality-inspection"]


def test_an_optional_text_left_out_is_stored_empty_not_refused_by_the_database(enterprise, need):
    needs.update_need(enterprise, need, region="Hebei")
    needs.update_need(enterprise, need, region=None)  # a form or client that leaves the field out
    assert stored(need).region == ""


def test_update_need_checks_the_budget_against_the_stored_minimum(enterprise, need):
    with pytest.raises(ValidationFailed) as refused:
        needs.update_need(enterprise, need, budget_max=100_000)
    assert refused.value.field == "budget_max"
    assert stored(need).budget_max == 800_000


UNKNOWN_SLUGS = [
    pytest.param("scenarios", ["no-such-scenario"], "scenarios", id="scenario"),
    pytest.param("industry", "mining", "industry", id="industry"),
]


@pytest.mark.parametrize(("field", "value", "expected_field"), UNKNOWN_SLUGS)
def test_post_need_refuses_an_unknown_catalogue_slug_naming_the_field(enterprise, field, value, expected_field):
    with pytest.raises(NotFound) as refused:
        post_need(enterprise, **{field: value})
    assert refused.value.field == expected_field
    db.session.rollback()
    assert count(Need) == 0


@pytest.mark.parametrize(("field", "value", "expected_field"), UNKNOWN_SLUGS)
def test_update_need_refuses_an_unknown_catalogue_slug_naming_the_field(enterprise, need, field, value,
                                                                         expected_field):
    with pytest.raises(NotFound) as refused:
        needs.update_need(enterprise, need, title="Changed title", **{field: value})
    assert refused.value.field == expected_field
    need = stored(need)
    assert need.title == NEED["title"] and need.industry.slug == "steel"


def test_closed_need_cannot_be_edited_until_reopened(enterprise, need):
    needs.close_need(enterprise, need)
    with pytest.raises(InvalidState):
        needs.update_need(enterprise, need, title="Changed title")
    assert stored(need).title == NEED["title"]

    needs.set_need_status(enterprise, need, NeedStatus.OPEN)
    needs.update_need(enterprise, need, title="Changed title")
    need = stored(need)
    assert (need.status, need.title) == (NeedStatus.OPEN, "Changed title")


def test_need_moves_from_draft_through_matched_to_closed_and_back(enterprise):
    need = post_need(enterprise, publish=False)
    for status in (NeedStatus.OPEN, NeedStatus.MATCHED, NeedStatus.OPEN, NeedStatus.CLOSED, NeedStatus.OPEN):
        needs.set_need_status(enterprise, need, status)
        assert stored(need).status == status


def test_need_refuses_a_status_change_outside_its_lifecycle(enterprise, subtests):
    for start, target in [(NeedStatus.DRAFT, NeedStatus.MATCHED), (NeedStatus.OPEN, NeedStatus.DRAFT),
                          (NeedStatus.CLOSED, NeedStatus.MATCHED)]:
        with subtests.test(start=start.value, target=target.value):
            need = post_need(enterprise, publish=start != NeedStatus.DRAFT)
            if start == NeedStatus.CLOSED:
                needs.close_need(enterprise, need)
            with pytest.raises(InvalidState):
                needs.set_need_status(enterprise, need, target)
            assert stored(need).status == start


def test_deleted_need_keeps_its_row_but_is_no_longer_found(enterprise, need):
    needs.delete_need(enterprise, need)
    assert stored(need).deleted_at is not None
    with pytest.raises(NotFound):
        get_or_404(Need, need.id)
    assert get_or_404(Need, need.id, include_deleted=True).title == NEED["title"]


WRITES = {
    "post": lambda user, need: post_need(user),
    "update": lambda user, need: needs.update_need(user, need, title="Changed title"),
    "publish": lambda user, need: needs.set_need_status(user, need, NeedStatus.OPEN),
    "close": lambda user, need: needs.close_need(user, need),
    "delete": lambda user, need: needs.delete_need(user, need),
}


def test_every_need_write_adds_an_outbox_row_and_an_audit_row(enterprise, subtests):
    for write, call in WRITES.items():
        with subtests.test(write):
            draft = post_need(enterprise, publish=False)
            outbox, audited = count(OutboxEvent, entity="need"), count(AuditLog, entity="need")

            need = call(enterprise, draft) or draft

            db.session.rollback()  # only committed rows count
            rows = 1 if write == "post" else 2  # the draft's own, then this write's
            assert count(OutboxEvent, entity="need", entity_id=need.id) == rows
            assert count(OutboxEvent, entity="need") == outbox + 1
            assert count(AuditLog, entity="need", entity_id=need.id, user_id=enterprise.id) == rows
            assert count(AuditLog, entity="need") == audited + 1


def test_a_need_whose_deadline_passed_can_still_be_edited_without_moving_it(enterprise, need):
    need.deadline = date.today() - timedelta(days=3)
    db.session.commit()
    needs.update_need(enterprise, need, title="Still looking", deadline=need.deadline)
    assert stored(need).title == "Still looking"
    with pytest.raises(ValidationFailed):
        needs.update_need(enterprise, need, deadline=date.today() - timedelta(days=1))


def test_members_of_a_deleted_organisation_cannot_edit_its_needs(enterprise, need):
    enterprise.organization.deleted_at = utcnow()
    db.session.commit()
    with pytest.raises(PermissionDenied):
        needs.update_need(enterprise, need, title="Edited after the organisation was removed")
    assert stored(need).title != "Edited after the organisation was removed"

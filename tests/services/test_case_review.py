"""The officials' review of case studies: queue, reviewer, scores, decisions, published versions, exemplary."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.errors import InvalidState, PermissionDenied, ValidationFailed
from app.extensions import db
from app.models import (
    AuditLog,
    CaseReviewAction,
    CaseReviewState,
    Notification,
    OutboxEvent,
    ReviewCriterion,
    UserRole,
    utcnow,
)
from app.services import cases, directory
from tests.services.test_cases import CASE, case, official, published_case, submit_case  # noqa: F401  (fixtures)
from tests.services.test_needs import count, stored, worker_indexing  # noqa: F401  (worker_indexing is autouse)
from tests.services.test_offers import create_solution, provider, solution  # noqa: F401  (fixtures)

SCORES = {c.value: 4 for c in ReviewCriterion}


def actions(case) -> list[CaseReviewAction]:
    return [e.action for e in stored(case).events]


def public_titles() -> list[str]:
    return [c.public.title for c in db.session.scalars(directory.published_cases())]


# Permissions -----------------------------------------------------------------

REVIEW_STEPS = {
    "assign_reviewer": lambda actor, case, official: cases.assign_reviewer(actor, case, official),
    "score_case": lambda actor, case, official: cases.score_case(actor, case, SCORES, "Solid."),
    "request_changes": lambda actor, case, official: cases.request_changes(actor, case, "Add measured results."),
    "reject_case": lambda actor, case, official: cases.reject_case(actor, case, "Not an AI case."),
    "publish_case": lambda actor, case, official: cases.publish_case(actor, case),
}


@pytest.fixture
def actors(make_user, provider):
    """Everyone who is not an official, by name (the owning provider's member included)."""
    return {"owner": provider, "other provider": make_user(UserRole.PROVIDER),
            "enterprise": make_user(UserRole.ENTERPRISE)}


@pytest.mark.parametrize("step", REVIEW_STEPS)
@pytest.mark.parametrize("who", ["owner", "other provider", "enterprise"])
def test_only_officials_review_case_studies(step, who, actors, case, official):
    before = (stored(case).review_state, count(AuditLog))
    with pytest.raises(PermissionDenied):
        REVIEW_STEPS[step](actors[who], case, official)
    assert (stored(case).review_state, count(AuditLog)) == before


@pytest.mark.parametrize("step", REVIEW_STEPS)
@pytest.mark.parametrize("role", [UserRole.OFFICIAL, UserRole.ADMIN])
def test_officials_and_admins_take_every_review_step(step, role, make_user, case, official):
    REVIEW_STEPS[step](make_user(role), case, official)
    assert len(actions(case)) == 2  # submitted, then this step


@pytest.mark.parametrize("who", ["official", "admin", "other provider", "enterprise"])
def test_only_the_providers_members_edit_or_withdraw_a_case(who, make_user, case):
    role = {"official": UserRole.OFFICIAL, "admin": UserRole.ADMIN, "other provider": UserRole.PROVIDER,
            "enterprise": UserRole.ENTERPRISE}[who]
    actor = make_user(role)
    with pytest.raises(PermissionDenied):
        cases.update_case(actor, case, title="Hijacked")
    with pytest.raises(PermissionDenied):
        cases.withdraw_case(actor, case)
    assert stored(case).title == CASE["title"] and stored(case).deleted_at is None


@pytest.mark.parametrize("who", ["owner", "other provider", "enterprise"])
def test_only_officials_see_the_review_queue(who, actors):
    with pytest.raises(PermissionDenied):
        directory.cases_for_review(actors[who])


# The workflow ----------------------------------------------------------------

def test_official_assigns_a_reviewer_who_is_notified(official, make_user, case):
    reviewer = make_user(UserRole.OFFICIAL)
    cases.assign_reviewer(official, case, reviewer)
    stored_case = stored(case)
    assert stored_case.reviewer_id == reviewer.id and stored_case.review_state == CaseReviewState.IN_REVIEW
    assert count(Notification, user_id=reviewer.id) == 1


def test_only_an_official_can_be_assigned_as_reviewer(official, provider, case):
    with pytest.raises(ValidationFailed) as refused:
        cases.assign_reviewer(official, case, provider)
    assert refused.value.field == "reviewer"
    assert stored(case).reviewer_id is None


def test_official_scores_every_criterion_with_a_comment(official, case):
    cases.score_case(official, case, {**SCORES, "benefit": 5}, "Measured results are convincing.")
    event = stored(case).events[-1]
    assert event.action == CaseReviewAction.SCORED and event.actor_id == official.id
    assert event.scores == {**SCORES, "benefit": 5} and event.comment == "Measured results are convincing."


@pytest.mark.parametrize("scores", [
    {k: v for k, v in SCORES.items() if k != "compliance"},  # a criterion left out
    {**SCORES, "integration": 0},
    {**SCORES, "replicability": 6},
    {**SCORES, "connectivity": "4"},
])
def test_a_score_outside_one_to_five_or_missing_is_refused(official, case, scores):
    with pytest.raises(ValidationFailed):
        cases.score_case(official, case, scores)
    db.session.rollback()
    assert actions(case) == [CaseReviewAction.SUBMITTED]


@pytest.mark.parametrize("decide, state", [
    (cases.request_changes, CaseReviewState.CHANGES_REQUESTED),
    (cases.reject_case, CaseReviewState.REJECTED),
])
def test_sending_a_case_back_needs_a_reason_and_tells_the_provider(official, provider, case, decide, state):
    with pytest.raises(ValidationFailed) as refused:
        decide(official, case, "  ")
    assert refused.value.field == "comment"
    db.session.rollback()
    decide(official, case, "Show before and after figures.")
    assert stored(case).review_state == state
    assert stored(case).events[-1].comment == "Show before and after figures."
    assert count(Notification, user_id=provider.id) == 1


def test_a_case_sent_back_cannot_be_scored_until_resubmitted(official, provider, case):
    cases.request_changes(official, case, "Add figures.")
    with pytest.raises(InvalidState):
        cases.score_case(official, case, SCORES)
    db.session.rollback()
    cases.update_case(provider, stored(case), results="Escapes down 60 %, scrap down 2 %.")
    cases.score_case(official, stored(case), SCORES)
    assert actions(case) == [CaseReviewAction.SUBMITTED, CaseReviewAction.CHANGES_REQUESTED,
                             CaseReviewAction.RESUBMITTED, CaseReviewAction.SCORED]


def test_every_step_is_recorded_with_who_and_when(official, provider, case):
    started = utcnow()
    cases.assign_reviewer(official, case, official)
    cases.score_case(official, case, SCORES, "Good.")
    cases.publish_case(official, case, exemplary=True)
    events = stored(case).events
    assert [(e.action, e.actor_id) for e in events] == [
        (CaseReviewAction.SUBMITTED, provider.id), (CaseReviewAction.ASSIGNED, official.id),
        (CaseReviewAction.SCORED, official.id), (CaseReviewAction.PUBLISHED, official.id)]
    assert all(e.created_at >= started - timedelta(seconds=5) for e in events)
    audited = db.session.scalars(sa.select(AuditLog.action).where(AuditLog.entity == "case",
                                                                  AuditLog.entity_id == case.id)).all()
    assert audited == ["submit", "assign", "score", "publish"]


# Published versions ----------------------------------------------------------

def test_publishing_a_revision_replaces_the_published_version(official, provider, published_case):
    cases.update_case(provider, published_case, title="Strip inspection, second mill")
    assert public_titles() == [CASE["title"]]  # the revision waits; the public still sees the first version
    cases.publish_case(official, stored(published_case), exemplary=True)
    assert public_titles() == ["Strip inspection, second mill"]


def test_rejecting_a_revision_keeps_the_published_version_online(official, provider, published_case):
    cases.update_case(provider, published_case, title="Overclaimed revision")
    cases.reject_case(official, stored(published_case), "Figures not supported.")
    case = stored(published_case)
    assert case.review_state == CaseReviewState.REJECTED and case.public.title == CASE["title"]
    assert public_titles() == [CASE["title"]]


def test_unpublishing_takes_the_case_off_public_pages(official, published_case):
    cases.unpublish_case(official, published_case, "The client withdrew consent.")
    case = stored(published_case)
    assert not case.is_public and not case.exemplary and public_titles() == []


# Exemplary cases -------------------------------------------------------------

def test_official_marks_and_unmarks_a_published_case_exemplary(official, case):
    cases.publish_case(official, case)
    cases.set_exemplary(official, stored(case), True)
    assert stored(case).exemplary
    cases.set_exemplary(official, stored(case), False)
    assert not stored(case).exemplary
    assert actions(case)[-2:] == [CaseReviewAction.MARKED_EXEMPLARY, CaseReviewAction.UNMARKED_EXEMPLARY]


def test_an_unpublished_case_cannot_be_exemplary(official, case):
    with pytest.raises(InvalidState):
        cases.set_exemplary(official, case, True)
    assert not stored(case).exemplary


@pytest.mark.parametrize("step", [
    lambda official, case: cases.set_exemplary(official, case, False),
    lambda official, case: cases.unpublish_case(official, case, "Outdated."),
])
def test_exemplary_and_publication_changes_queue_the_providers_solutions(official, published_case, step):
    before = count(OutboxEvent, entity="solution", entity_id=published_case.solution_id)
    step(official, published_case)
    assert count(OutboxEvent, entity="solution", entity_id=published_case.solution_id) == before + 1
    assert count(OutboxEvent, entity="case", entity_id=published_case.id) >= 1


# The queue -------------------------------------------------------------------

@pytest.fixture
def queue(official, provider, make_user):
    """Three waiting cases: a fresh steel one, an old aviation one, and one assigned to a second official."""
    fresh = submit_case(provider, title="Fresh steel case")
    old = submit_case(provider, title="Old aviation case", industry="aviation", scenarios=[])
    old.submitted_at = utcnow() - timedelta(days=30)
    db.session.commit()
    assigned = submit_case(provider, title="Assigned case")
    reviewer = make_user(UserRole.OFFICIAL)
    cases.assign_reviewer(official, assigned, reviewer)
    return {"reviewer": reviewer}


@pytest.mark.parametrize("filters, titles", [
    ({}, ["Old aviation case", "Fresh steel case", "Assigned case"]),
    ({"industry": "aviation"}, ["Old aviation case"]),
    ({"older_than": 7}, ["Old aviation case"]),
    ({"reviewer": "none"}, ["Old aviation case", "Fresh steel case"]),
    ({"reviewer": "REVIEWER"}, ["Assigned case"]),
])
def test_review_queue_filters_by_industry_age_and_reviewer(official, queue, filters, titles):
    if filters.get("reviewer") == "REVIEWER":
        filters = {"reviewer": str(queue["reviewer"].id)}
    pager = directory.cases_for_review(official, **filters)
    assert [c.title for c in pager.items] == titles

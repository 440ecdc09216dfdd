"""Case studies: providers submit and edit, officials publish and mark them exemplary."""
import pytest

from app.errors import InvalidState, PermissionDenied, ValidationFailed
from app.extensions import db
from app.models import CaseReviewState, CaseStudy, OutboxEvent, UserRole
from app.services import cases
from tests.services.test_needs import count, stored, worker_indexing  # noqa: F401  (worker_indexing is autouse)
from tests.services.test_offers import create_solution, provider, solution  # noqa: F401  (fixtures)

CASE = {
    "title": "Strip inspection at a Hebei mill",
    "client": "Hebei Steel Co.",
    "industry": "steel",
    "scenarios": ["strip-surface-defect-detection"],
    "summary": "Inline inspection on the hot strip mill.",
    "results": "Defect escapes down 60 % in six months.",
    "year": 2024,
}


@pytest.fixture
def official(make_user):
    return make_user(UserRole.OFFICIAL)


def submit_case(user, **overrides) -> CaseStudy:
    """Submit a valid case study through the service (the factory of every case in the service tests)."""
    return cases.submit_case(user, **{**CASE, **overrides})


@pytest.fixture
def case(provider, solution):
    return submit_case(provider, solution=solution)


@pytest.fixture
def published_case(official, case):
    return cases.publish_case(official, case, exemplary=True)


def test_provider_member_submits_a_case_for_review(provider, solution):
    case = stored(submit_case(provider, solution=solution))
    assert case.provider_id == provider.organization_id and case.solution_id == solution.id
    assert case.review_state == CaseReviewState.SUBMITTED
    assert not case.is_published and not case.exemplary
    assert (case.industry.slug, [s.slug for s in case.scenarios]) == ("steel", CASE["scenarios"])


def test_case_cannot_cite_another_providers_solution(provider, make_user):
    foreign = create_solution(make_user(UserRole.PROVIDER))
    with pytest.raises(ValidationFailed) as refused:
        submit_case(provider, solution=foreign)
    assert refused.value.field == "solution"
    db.session.rollback()
    assert count(CaseStudy) == 0


def test_case_edit_cannot_switch_to_another_providers_solution(provider, case, make_user):
    foreign = create_solution(make_user(UserRole.PROVIDER))
    with pytest.raises(ValidationFailed) as refused:
        cases.update_case(provider, case, solution=foreign)
    assert refused.value.field == "solution"
    assert stored(case).solution_id != foreign.id


def test_providers_edit_sends_a_published_case_back_to_review_keeping_the_published_version(
        provider, published_case):
    cases.update_case(provider, published_case, results="Defect escapes down 70 %.")
    case = stored(published_case)
    assert case.results == "Defect escapes down 70 %."
    assert case.review_state == CaseReviewState.SUBMITTED and not case.is_published
    # The public keeps seeing the version the officials published, still exemplary, until the revision is.
    assert case.is_public and case.exemplary
    assert case.public.results == CASE["results"] and case.public.title == CASE["title"]


def test_officials_cannot_edit_a_providers_case(official, published_case):
    with pytest.raises(PermissionDenied):
        cases.update_case(official, published_case, title="Strip inspection at a Hebei mill (2024)")
    case = stored(published_case)
    assert case.title == CASE["title"] and case.is_published


@pytest.mark.parametrize("exemplary", [False, True])
def test_official_publishes_a_case_optionally_as_exemplary(official, case, exemplary):
    cases.publish_case(official, case, exemplary=exemplary)
    case = stored(case)
    assert case.review_state == CaseReviewState.PUBLISHED and case.exemplary is exemplary


def test_publishing_a_case_queues_its_solution_for_reindexing(official, case):
    before = count(OutboxEvent, entity="solution", entity_id=case.solution_id)
    cases.publish_case(official, case)
    db.session.rollback()
    # A published case is evidence in its solution's search document.
    assert count(OutboxEvent, entity="solution", entity_id=case.solution_id) == before + 1


def test_providers_cannot_publish_or_mark_their_own_case_exemplary(provider, case):
    with pytest.raises(PermissionDenied):
        cases.publish_case(provider, case, exemplary=True)
    case = stored(case)
    assert case.review_state == CaseReviewState.SUBMITTED and not case.exemplary


def test_withdrawn_case_cannot_be_published(provider, official, case):
    cases.withdraw_case(provider, case)
    with pytest.raises(InvalidState):
        cases.publish_case(official, case)
    case = stored(case)
    assert case.deleted_at is not None and not case.is_published

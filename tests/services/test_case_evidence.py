"""Published and exemplary cases are evidence for their provider's solutions in matching (real matcher)."""
import pytest

from app.models import UserRole
from app.services import cases, matching
from tests.services.test_cases import CASE
from tests.services.test_needs import post_need
from tests.services.test_offers import create_solution


@pytest.fixture
def setting(make_user):
    provider, official = make_user(UserRole.PROVIDER), make_user(UserRole.OFFICIAL)
    solution = create_solution(provider, title="VisionQC strip inspection", industries=["steel"],
                               scenarios=["strip-surface-defect-detection"],
                               summary="Line-scan cameras and deep learning find defects on hot strip.")
    case = cases.submit_case(provider, **CASE, solution=solution)
    need = post_need(make_user(UserRole.ENTERPRISE), title="Detect surface defects on hot-rolled strip",
                     scenarios=["strip-surface-defect-detection"])
    return provider, official, solution, case, need


def evidence(need, solution) -> list[str]:
    """The evidence lines of the solution's explained match for the need."""
    result = next(r for r in matching.match_need_results(need) if r.id == solution.id)
    return [r.text for r in result.reasons if r.kind == "evidence"]


def test_marking_a_case_exemplary_changes_the_solutions_evidence_in_its_match(setting):
    provider, official, solution, case, need = setting
    assert evidence(need, solution) == []  # a case under review is no evidence yet
    cases.publish_case(official, case)
    assert evidence(need, solution) == [f"Backed by published case “{CASE['title']}”: {CASE['results']}"]
    cases.set_exemplary(official, case, True)
    assert evidence(need, solution) == [f"Backed by exemplary case “{CASE['title']}”: {CASE['results']}"]
    cases.set_exemplary(official, case, False)
    assert evidence(need, solution)[0].startswith("Backed by published case")


def test_a_revision_under_review_leaves_the_published_version_as_evidence(setting):
    provider, official, solution, case, need = setting
    cases.publish_case(official, case, exemplary=True)
    cases.update_case(provider, case, title="Unreviewed claim", results="Defects gone entirely.")
    assert evidence(need, solution) == [f"Backed by exemplary case “{CASE['title']}”: {CASE['results']}"]
    cases.unpublish_case(official, case, "Client withdrew consent.")
    assert evidence(need, solution) == []

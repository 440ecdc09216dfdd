"""Case studies: providers submit and edit; officials publish and mark exemplary."""
from flask_babel import gettext as _

from app.errors import InvalidState, ValidationFailed
from app.extensions import db
from app.models import CaseReviewState, CaseStudy, OrgKind, Solution, User, utcnow
from app.services.common import assign, audit, commit, enqueue_index, unique_slug
from app.services.permissions import can_edit_offer, is_official, require, require_org_member

CASE_FIELDS = ("title", "client", "industry", "scenarios", "summary", "results", "year", "solution")


def _check_solution(provider_id: int, solution: Solution | None) -> None:
    if solution is not None and solution.provider_id != provider_id:
        raise ValidationFailed(_("A case can only cite its own provider's solutions."), field="solution")


def submit_case(actor: User, **data) -> CaseStudy:
    """Submit a case study for review."""
    provider = require_org_member(actor, OrgKind.PROVIDER)
    _check_solution(provider.id, data.get("solution"))
    case = CaseStudy(provider=provider, slug=unique_slug(CaseStudy, data["title"]),
                     review_state=CaseReviewState.SUBMITTED)
    db.session.add(case)
    changes = assign(case, {k: data.get(k) for k in CASE_FIELDS})
    db.session.flush()
    audit(actor, "submit", "case", case.id, changes)
    enqueue_index("case", case.id)
    commit()
    return case


def update_case(actor: User, case: CaseStudy, **data) -> CaseStudy:
    """Edit a case; a provider's edit sends it back for review."""
    require(can_edit_offer(actor, case))
    _check_solution(case.provider_id, data.get("solution", case.solution))
    changes = assign(case, {k: v for k, v in data.items() if k in CASE_FIELDS})
    if changes:
        if not is_official(actor):
            case.review_state, case.exemplary = CaseReviewState.SUBMITTED, False
        audit(actor, "update", "case", case.id, changes)
        enqueue_index("case", case.id)
    commit()
    return case


def publish_case(actor: User, case: CaseStudy, *, exemplary: bool = False) -> CaseStudy:
    """Publish a reviewed case study, optionally as exemplary (officials only)."""
    require(is_official(actor), _("Only officials can publish case studies."))
    if case.is_deleted:
        raise InvalidState(_("A withdrawn case cannot be published."))
    case.review_state, case.exemplary = CaseReviewState.PUBLISHED, exemplary
    audit(actor, "publish", "case", case.id, {"exemplary": exemplary})
    enqueue_index("case", case.id)
    if case.solution_id:
        enqueue_index("solution", case.solution_id)  # cases are evidence for their solution
    commit()
    return case


def withdraw_case(actor: User, case: CaseStudy) -> None:
    """Withdraw (soft-delete) a case study."""
    require(can_edit_offer(actor, case))
    case.deleted_at = utcnow()
    audit(actor, "delete", "case", case.id)
    enqueue_index("case", case.id)
    commit()

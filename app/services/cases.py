"""Case studies: providers submit and edit; officials review, score, publish and mark exemplary.

Every review step is a CaseReviewEvent (the timeline on the review page) and an audit entry.
A published case keeps its published version (`CaseStudy.published`) visible while a later
edit waits for review; publishing the revision replaces it.
"""
from flask_babel import gettext as _

from app.errors import InvalidState, ValidationFailed
from app.extensions import db
from app.models import (
    CaseReviewAction,
    CaseReviewEvent,
    CaseReviewState,
    CaseStudy,
    OrgKind,
    ReviewCriterion,
    Solution,
    User,
    utcnow,
)
from app.services.common import assign, audit, commit, enqueue_index, unique_slug
from app.services.notifications import notify, notify_organization
from app.services.permissions import can_edit_case, is_official, require, require_org_member

CASE_FIELDS = ("title", "client", "industry", "scenarios", "summary", "results", "year", "solution")
SNAPSHOT_FIELDS = ("title", "client", "summary", "results", "year")  # what the public sees of a published case
REVIEWABLE = (CaseReviewState.SUBMITTED, CaseReviewState.IN_REVIEW)
# The audit log names actions as verbs (as the other services do); the timeline shows what happened.
AUDIT_VERBS = {
    CaseReviewAction.SUBMITTED: "submit", CaseReviewAction.RESUBMITTED: "update",
    CaseReviewAction.ASSIGNED: "assign", CaseReviewAction.SCORED: "score",
    CaseReviewAction.CHANGES_REQUESTED: "request_changes", CaseReviewAction.REJECTED: "reject",
    CaseReviewAction.PUBLISHED: "publish", CaseReviewAction.UNPUBLISHED: "unpublish",
    CaseReviewAction.MARKED_EXEMPLARY: "mark_exemplary", CaseReviewAction.UNMARKED_EXEMPLARY: "unmark_exemplary",
}


def _check_solution(provider_id: int, solution: Solution | None) -> None:
    if solution is not None and solution.provider_id != provider_id:
        raise ValidationFailed(_("A case can only cite its own provider's solutions."), field="solution")


def _record(actor: User, case: CaseStudy, action: CaseReviewAction, comment: str = "",
            scores: dict | None = None, changes: dict | None = None) -> None:
    """Add the review step to the case's timeline and the audit log, and queue the case for indexing."""
    db.session.add(CaseReviewEvent(case=case, actor_id=actor.id, action=action, comment=comment, scores=scores))
    details = {k: v for k, v in {"comment": comment, "scores": scores, **(changes or {})}.items() if v}
    audit(actor, AUDIT_VERBS[action], "case", case.id, details)
    enqueue_index("case", case.id)


def _reindex_evidence(case: CaseStudy) -> None:
    """Queue the provider's solutions: a published case is evidence for them in matching."""
    for solution in case.provider.solutions:
        if not solution.is_deleted:
            enqueue_index("solution", solution.id)


def _require_official(actor: User) -> None:
    require(is_official(actor), _("Only officials review case studies."))


def _require_state(case: CaseStudy, *states: CaseReviewState) -> None:
    if case.is_deleted or case.review_state not in states:
        raise InvalidState(_("This case study is not waiting for that step."))


def submit_case(actor: User, **data) -> CaseStudy:
    """Submit a case study for review."""
    provider = require_org_member(actor, OrgKind.PROVIDER)
    _check_solution(provider.id, data.get("solution"))
    case = CaseStudy(provider=provider, slug=unique_slug(CaseStudy, data["title"]),
                     review_state=CaseReviewState.SUBMITTED, submitted_at=utcnow())
    db.session.add(case)
    changes = assign(case, {k: data.get(k) for k in CASE_FIELDS})
    db.session.flush()
    _record(actor, case, CaseReviewAction.SUBMITTED, changes=changes)
    commit()
    return case


def update_case(actor: User, case: CaseStudy, **data) -> CaseStudy:
    """Edit a case (its provider's members only); the edit goes back for review, the published version stays."""
    require(can_edit_case(actor, case), _("Only the provider's members can edit its case studies."))
    _check_solution(case.provider_id, data.get("solution", case.solution))
    changes = assign(case, {k: v for k, v in data.items() if k in CASE_FIELDS})
    if changes:
        case.review_state, case.submitted_at = CaseReviewState.SUBMITTED, utcnow()
        _record(actor, case, CaseReviewAction.RESUBMITTED, changes=changes)
    commit()
    return case


def assign_reviewer(actor: User, case: CaseStudy, reviewer: User) -> CaseStudy:
    """Assign an official to review a waiting case study."""
    _require_official(actor)
    _require_state(case, *REVIEWABLE)
    if not is_official(reviewer):
        raise ValidationFailed(_("Only an official can review case studies."), field="reviewer")
    case.reviewer, case.review_state = reviewer, CaseReviewState.IN_REVIEW
    _record(actor, case, CaseReviewAction.ASSIGNED, comment=reviewer.name)
    if reviewer.id != actor.id:
        notify(reviewer, _("You were asked to review “%(title)s”.", title=case.title), f"/cases/{case.slug}/review")
    commit()
    return case


def score_case(actor: User, case: CaseStudy, scores: dict, comment: str = "") -> CaseStudy:
    """Score a waiting case study 1–5 on every review criterion, with a comment."""
    _require_official(actor)
    _require_state(case, *REVIEWABLE)
    missing = [c.value for c in ReviewCriterion if not isinstance(scores.get(c.value), int)
               or not 1 <= scores[c.value] <= 5]
    if missing:
        raise ValidationFailed(_("Score every criterion from 1 to 5."), field=missing[0])
    case.review_state = CaseReviewState.IN_REVIEW
    _record(actor, case, CaseReviewAction.SCORED, comment=comment.strip(),
            scores={c.value: scores[c.value] for c in ReviewCriterion})
    commit()
    return case


def _decide(actor: User, case: CaseStudy, state: CaseReviewState, action: CaseReviewAction, comment: str,
            message: str) -> CaseStudy:
    """Send a waiting case back to its provider with a reason (changes requested, rejected)."""
    _require_official(actor)
    _require_state(case, *REVIEWABLE)
    if not comment.strip():
        raise ValidationFailed(_("Tell the provider why."), field="comment")
    case.review_state = state
    _record(actor, case, action, comment=comment.strip())
    notify_organization(case.provider_id, message, f"/cases/{case.slug}")
    commit()
    return case


def request_changes(actor: User, case: CaseStudy, comment: str) -> CaseStudy:
    """Ask the provider to change a case study before it can be published."""
    return _decide(actor, case, CaseReviewState.CHANGES_REQUESTED, CaseReviewAction.CHANGES_REQUESTED, comment,
                   _("Changes were requested to your case study “%(title)s”.", title=case.title))


def reject_case(actor: User, case: CaseStudy, comment: str) -> CaseStudy:
    """Reject a case study (a published earlier version stays published)."""
    return _decide(actor, case, CaseReviewState.REJECTED, CaseReviewAction.REJECTED, comment,
                   _("Your case study “%(title)s” was not accepted.", title=case.title))


def publish_version(case: CaseStudy, exemplary: bool) -> None:
    """Make the case's current text its published version (callers check who may; demo loading uses it)."""
    case.review_state, case.exemplary = CaseReviewState.PUBLISHED, exemplary
    case.published = {k: getattr(case, k) for k in SNAPSHOT_FIELDS}
    case.published_at = utcnow()


def publish_case(actor: User, case: CaseStudy, *, exemplary: bool = False, comment: str = "") -> CaseStudy:
    """Publish a case study's current version, optionally as exemplary (officials only)."""
    _require_official(actor)
    if case.is_deleted:
        raise InvalidState(_("A withdrawn case cannot be published."))
    publish_version(case, exemplary)
    _record(actor, case, CaseReviewAction.PUBLISHED, comment=comment.strip(), changes={"exemplary": exemplary})
    _reindex_evidence(case)
    notify_organization(case.provider_id, _("Your case study “%(title)s” is published.", title=case.title),
                        f"/cases/{case.slug}")
    commit()
    return case


def unpublish_case(actor: User, case: CaseStudy, comment: str) -> CaseStudy:
    """Take a case study off the public pages; it waits for changes from its provider."""
    _require_official(actor)
    if not case.is_public:
        raise InvalidState(_("This case study is not published."))
    if not comment.strip():
        raise ValidationFailed(_("Tell the provider why."), field="comment")
    case.published, case.published_at, case.exemplary = None, None, False
    case.review_state = CaseReviewState.CHANGES_REQUESTED
    _record(actor, case, CaseReviewAction.UNPUBLISHED, comment=comment.strip())
    _reindex_evidence(case)
    commit()
    return case


def set_exemplary(actor: User, case: CaseStudy, exemplary: bool) -> CaseStudy:
    """Mark a published case study as exemplary, or unmark it (officials only)."""
    _require_official(actor)
    if not case.is_public or case.is_deleted:
        raise InvalidState(_("Only a published case study can be exemplary."))
    if case.exemplary != exemplary:
        case.exemplary = exemplary
        _record(actor, case, CaseReviewAction.MARKED_EXEMPLARY if exemplary else CaseReviewAction.UNMARKED_EXEMPLARY)
        _reindex_evidence(case)
    commit()
    return case


def withdraw_case(actor: User, case: CaseStudy) -> None:
    """Withdraw (soft-delete) a case study (its provider's members only)."""
    require(can_edit_case(actor, case), _("Only the provider's members can withdraw its case studies."))
    case.deleted_at = utcnow()
    audit(actor, "delete", "case", case.id)
    enqueue_index("case", case.id)
    _reindex_evidence(case)
    commit()

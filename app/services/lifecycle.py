"""The match lifecycle: suggested → contacted → in discussion → agreed → delivered, or declined with a reason.

Only the two sides of a match act on it: members of the need's enterprise and members of the
solution's provider. TRANSITIONS says which side may make which step; every step is kept as a
MatchEvent, audited, and notified to the other side (in-app, and by mail when mail is configured)
with why the two were matched.
"""
import sqlalchemy as sa
from flask_babel import gettext as _

from app.errors import InvalidState, NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.i18n import reason_text
from app.models import DeclineReason, Match, MatchEvent, MatchState, Need, Solution, User, utcnow
from app.services.common import audit, commit
from app.services.permissions import ENTERPRISE_SIDE, PROVIDER_SIDE, can_view_match, match_sides, require
from app.services.notifications import notify_organization
from app.webforms import label

S = MatchState
BOTH = frozenset({ENTERPRISE_SIDE, PROVIDER_SIDE})
CUSTOMER = frozenset({ENTERPRISE_SIDE})

# (from, to) -> the sides that may make that step. Anything not listed is not a step at all.
TRANSITIONS: dict[tuple[MatchState, MatchState], frozenset[str]] = {
    (S.SUGGESTED, S.CONTACTED): BOTH,  # either side may make the first contact
    (S.CONTACTED, S.IN_DISCUSSION): BOTH,
    (S.IN_DISCUSSION, S.AGREED): CUSTOMER,  # the customer accepts the offer
    (S.AGREED, S.DELIVERED): CUSTOMER,  # the customer confirms delivery
    (S.SUGGESTED, S.DECLINED): BOTH,
    (S.CONTACTED, S.DECLINED): BOTH,
    (S.IN_DISCUSSION, S.DECLINED): BOTH,
    (S.AGREED, S.DECLINED): BOTH,  # an agreement that fell through
    (S.DECLINED, S.CONTACTED): BOTH,  # talks resume
}
# A match that reached one of these states was contacted.
CONTACTED_STATES = (S.CONTACTED, S.IN_DISCUSSION, S.AGREED, S.DELIVERED)


def next_states(actor: User | None, match: Match) -> list[MatchState]:
    """The states the actor may move the match to now, in lifecycle order."""
    sides = match_sides(actor, match)
    return [to for (frm, to), allowed in TRANSITIONS.items() if frm == match.state and sides & allowed]


def advance_match(actor: User, match: Match, state: MatchState, reason: DeclineReason | None = None,
                  note: str = "") -> Match:
    """Move a match to the next state of its lifecycle; a decline needs a reason (and words for "other")."""
    sides = match_sides(actor, match)
    require(bool(sides), _("Only the enterprise and the provider of this match can follow it up."))
    try:
        state, reason = MatchState(state), (DeclineReason(reason) if reason else None)
    except ValueError:
        raise ValidationFailed(_("Unknown state or reason."), field="state") from None
    step = (match.state, state)
    if step not in TRANSITIONS:
        raise InvalidState(_("A %(old)s match cannot become %(new)s.", old=match.state.value, new=state.value))
    if not sides & TRANSITIONS[step]:
        raise PermissionDenied(_("Only the enterprise can record this step."))
    if match.need.is_deleted or match.solution.is_deleted:
        raise InvalidState(_("The need or the solution of this match has been withdrawn."))
    note = (note or "").strip()
    if state == S.DECLINED:
        if reason is None:
            raise ValidationFailed(_("Say why you decline."), field="reason")
        if reason == DeclineReason.OTHER and not note:
            raise ValidationFailed(_("Describe the reason in a few words."), field="note")
    else:
        reason = None
    _record_step(actor, match, state, reason, note)
    commit()
    _notify_other_side(actor, match, sides, reason, note)  # after the step is saved: no mail about a lost write
    db.session.commit()
    return match


def _record_step(actor: User, match: Match, state: MatchState, reason: DeclineReason | None = None,
                 note: str = "") -> None:
    """Move the match to `state`, keeping the step in its history and the audit log (the caller commits)."""
    db.session.add(MatchEvent(match=match, user_id=actor.id, from_state=match.state, to_state=state, reason=reason,
                              note=note[:2000]))
    audit(actor, "advance", "match", match.id,
          {"state": [match.state.value, state.value], **({"reason": reason.value} if reason else {})})
    match.state, match.state_changed_at = state, utcnow()


def add_agreed_match(actor: User, need: Need, solution: Solution, score: float, reasons: list[dict]) -> Match:
    """Add a match the need's enterprise has agreed to outside the matcher (a selected pilot proposal), in the
    caller's transaction: suggested, then moved to agreed by the actor as the first step of its history."""
    match = Match(need=need, solution=solution, rank=1, score=score, reasons=reasons, state=S.SUGGESTED)
    require(ENTERPRISE_SIDE in match_sides(actor, match), _("Only the enterprise can record this step."))
    db.session.add(match)
    db.session.flush()
    _record_step(actor, match, S.AGREED)
    return match


def _notify_other_side(actor: User, match: Match, sides: set[str], reason: DeclineReason | None, note: str) -> None:
    """Tell every active member of the other side what changed and why the two were matched."""
    org_of = {ENTERPRISE_SIDE: match.need.organization_id, PROVIDER_SIDE: match.solution.provider_id}
    org_ids = {org_of[side] for side in BOTH - sides}
    if not org_ids:  # one organisation on both sides: nobody else to tell
        return
    message = _("%(org)s moved “%(solution)s” for “%(need)s” to %(state)s.", org=actor.organization.name,
                solution=match.solution.title, need=match.need.title, state=label(match.state))
    if reason is not None:
        message += " " + _("Reason: %(reason)s.", reason=label(reason)) + (f" {note}" if note else "")
    if match.why:
        message += " " + _("Why it matched: %(why)s", why=reason_text(match.why))
    for org_id in org_ids:
        notify_organization(org_id, message, f"/matches/{match.id}")



def get_match(actor: User | None, match_id: int) -> Match:
    """Return a match the actor may follow (either side, or an official); others get NotFound."""
    match = db.session.get(Match, match_id)
    if match is None or not can_view_match(actor, match):
        raise NotFound(_("This page does not exist."))
    return match


def my_matches(actor: User, state: MatchState | None = None) -> list[Match]:
    """The matches the actor's organisation is a side of (its needs' or its solutions'), latest moves first."""
    org_id = actor.organization_id
    if org_id is None:
        return []
    query = (sa.select(Match).join(Need, Match.need_id == Need.id).join(Solution, Match.solution_id == Solution.id)
             .where(sa.or_(Need.organization_id == org_id, Solution.provider_id == org_id),
                    Need.deleted_at.is_(None), Solution.deleted_at.is_(None)))
    if state is not None:
        query = query.where(Match.state == state)
    order = sa.case((Match.state_changed_at.is_(None), 1), else_=0)
    return db.session.scalars(query.order_by(order, Match.state_changed_at.desc(), Match.score.desc())
                              .limit(200)).all()


def state_counts(matches: list[Match]) -> dict[MatchState, int]:
    """How many of the matches are in each state, in lifecycle order."""
    return {state: sum(1 for m in matches if m.state == state) for state in MatchState}

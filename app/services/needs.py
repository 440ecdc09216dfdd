"""Needs: post, edit, publish, close; owners triage their matches."""
from datetime import date

from flask_babel import gettext as _

from app.errors import InvalidState, ValidationFailed
from app.extensions import db
from app.models import Match, MatchMark, Need, NeedStatus, Organization, OrgKind, User, utcnow
from app.services.intake import duplicates_of
from app.services.common import assign, audit, check_range, commit, enqueue_index, unique_slug
from app.services.permissions import can_edit_need, require, require_org_member
from app.services.programmes import programme_for_need

NEED_FIELDS = ("title", "description", "industry", "scenarios", "region", "budget_min", "budget_max", "deadline",
               "programme")


def _check(data: dict) -> None:
    check_range(data.get("budget_min"), data.get("budget_max"), "budget_max")
    deadline = data.get("deadline")
    if deadline is not None and isinstance(deadline, date) and deadline < date.today():
        raise ValidationFailed(_("The deadline must not be in the past."), field="deadline")


def post_need(actor: User, *, publish: bool = True, allow_duplicate: bool = True, **data) -> Need:
    """Post a need for the acting user's enterprise (as a draft unless publish).

    allow_duplicate=False refuses a need that reads like one the enterprise already has (the form
    asks the poster to confirm instead of posting the same need twice).
    """
    org = require_org_member(actor, OrgKind.ENTERPRISE)
    _check(data)
    data["programme"] = programme_for_need(org.id, data.get("programme"), None)
    if not allow_duplicate:
        same = duplicates_of(actor, data.get("title") or "", data.get("description") or "")
        if same:
            raise ValidationFailed(_("This reads like your need “%(title)s”. Edit that one, or confirm that this "
                                     "is a different need.", title=same[0].title), field="post_anyway")
    need = _add_need(actor, org, NeedStatus.OPEN if publish else NeedStatus.DRAFT, data)
    commit()
    return need


def add_matched_need(actor: User, confidential: bool = False, **data) -> Need:
    """Add a need of the actor's enterprise that is matched already (a pilot scenario's selection), in the
    caller's transaction: recorded, audited and indexed as matched, never offered to providers as open.
    A confidential one is shown only to the enterprise, officials and the providers matched with it."""
    org = require_org_member(actor, OrgKind.ENTERPRISE)
    return _add_need(actor, org, NeedStatus.MATCHED, data, confidential)


def _add_need(actor: User, org: Organization, status: NeedStatus, data: dict, confidential: bool = False) -> Need:
    """Add a need with the given fields to the session: flushed, audited and queued for indexing."""
    need = Need(organization=org, author_id=actor.id, slug=unique_slug(Need, data["title"]), status=status,
                confidential=confidential)
    db.session.add(need)
    changes = assign(need, {k: data.get(k) for k in NEED_FIELDS})
    db.session.flush()
    audit(actor, "create", "need", need.id, changes)
    enqueue_index("need", need.id)
    return need


def update_need(actor: User, need: Need, **data) -> Need:
    """Edit a need; closed needs cannot be edited."""
    require(can_edit_need(actor, need))
    if need.status == NeedStatus.CLOSED:
        raise InvalidState(_("A closed need cannot be edited; reopen it first."))
    unchanged_deadline = data.get("deadline") == need.deadline  # a passed deadline may stay as it was
    _check({**{k: getattr(need, k) for k in ("budget_min", "budget_max")}, **data,
            **({"deadline": None} if unchanged_deadline else {})})
    if "programme" in data:
        data["programme"] = programme_for_need(need.organization_id, data["programme"], need.programme)
    changes = assign(need, {k: v for k, v in data.items() if k in NEED_FIELDS})
    if changes:
        audit(actor, "update", "need", need.id, changes)
        enqueue_index("need", need.id)
    commit()
    return need


_TRANSITIONS = {
    NeedStatus.DRAFT: {NeedStatus.OPEN, NeedStatus.CLOSED},
    NeedStatus.OPEN: {NeedStatus.MATCHED, NeedStatus.CLOSED},
    NeedStatus.MATCHED: {NeedStatus.OPEN, NeedStatus.CLOSED},
    NeedStatus.CLOSED: {NeedStatus.OPEN},
}


def set_need_status(actor: User, need: Need, status: NeedStatus) -> Need:
    """Move a need along draft → open → matched → closed (or reopen it)."""
    require(can_edit_need(actor, need))
    if status not in _TRANSITIONS[need.status]:
        raise InvalidState(_("A %(old)s need cannot become %(new)s.", old=need.status.value, new=status.value))
    audit(actor, "status", "need", need.id, {"status": [need.status.value, status.value]})
    need.status = status
    enqueue_index("need", need.id)
    commit()
    return need


def close_need(actor: User, need: Need) -> Need:
    """Close a need: it leaves search and matching."""
    return set_need_status(actor, need, NeedStatus.CLOSED)


def delete_need(actor: User, need: Need) -> None:
    """Soft-delete a need; its matches and history stay for the record."""
    require(can_edit_need(actor, need))
    need.deleted_at = utcnow()
    audit(actor, "delete", "need", need.id)
    enqueue_index("need", need.id)
    commit()


def mark_match(actor: User, match: Match, mark: MatchMark | None) -> Match:
    """Let the need's owner triage a match: interesting or not relevant (contact: services.lifecycle)."""
    require(can_edit_need(actor, match.need))
    match.mark, match.marked_at = mark, utcnow()
    audit(actor, "mark", "match", match.id, {"mark": mark.value if mark else None})
    db.session.commit()
    return match

"""matches views: my matches, one match's follow-up (state, history), moving it along."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.matches import bp
from app.matches.forms import AdvanceForm, StateFilterForm
from app.models import DeclineReason, MatchState
from app.services import lifecycle
from app.webforms import enum_or_none, label, run_service

__all__ = ["bp"]


@bp.get("/matches")
@login_required
def index():
    """List the matches of the signed-in member's organisation, on either side, with their state."""
    form = StateFilterForm(request.args)
    state = enum_or_none(MatchState, form.state.data) if form.validate() else None
    matches = lifecycle.my_matches(current_user, state)
    return render_template("matches/index.html", form=form, matches=matches,
                           counts=lifecycle.state_counts(lifecycle.my_matches(current_user)))


@bp.get("/matches/<int:match_id>")
@login_required
def detail(match_id: int):
    """Show a match: why it matched, where it stands, its history, and the next steps the user may take."""
    return _detail_page(lifecycle.get_match(current_user, match_id), AdvanceForm())


def _detail_page(match, form: AdvanceForm):
    return render_template("matches/detail.html", match=match, form=form,
                           steps=lifecycle.next_states(current_user, match))


@bp.post("/matches/<int:match_id>/advance")
@login_required
def advance(match_id: int):
    """Move a match to its next state (a decline needs a reason)."""
    match = lifecycle.get_match(current_user, match_id)
    form = AdvanceForm()
    if form.validate() and run_service(form, lifecycle.advance_match, current_user, match,
                                       MatchState(form.state.data), enum_or_none(DeclineReason, form.reason.data),
                                       form.note.data or ""):
        flash(_("The match is now %(state)s.", state=label(match.state)), "success")
        return redirect(url_for("matches.detail", match_id=match.id))
    return _detail_page(match, form), 422

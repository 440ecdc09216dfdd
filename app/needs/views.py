"""needs views: open needs, posting and editing them, their explained matches."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.models import MatchMark, Need, NeedStatus
from app.needs import bp
from app.needs.forms import MarkForm, NeedFilterForm, NeedForm, NewNeedForm
from app.services import directory, intake, matching, needs, programmes
from app.webforms import enum_or_none, fill_form, label, page_number, run_service

__all__ = ["bp"]

STATUS_ACTIONS = {"publish": NeedStatus.OPEN, "reopen": NeedStatus.OPEN, "close": NeedStatus.CLOSED}


@bp.get("/needs")
def index():
    """List open and matched needs, filtered by industry, region and text."""
    form = NeedFilterForm(request.args)
    pager = directory.needs(page_number(), **form.filters())
    return render_template("needs/index.html", form=form, pager=pager)


@bp.get("/needs/mine")
@login_required
def mine():
    """List the needs of the signed-in user's enterprise, drafts included."""
    return render_template("needs/mine.html", pager=directory.my_needs(current_user, page_number()))


@bp.route("/needs/new", methods=["GET", "POST"])
@login_required
def new():
    """Post a need, published at once or saved as a draft; "Check my need" runs the intake assistant."""
    form = NewNeedForm().offer_programmes(programmes.postable_programmes(current_user))
    if not form.is_submitted():
        form.programme.data = request.args.get("programme", "")
    checking = form.is_submitted() and form.check.data
    need = not checking and form.validate_on_submit() and run_service(
        form, needs.post_need, current_user, publish=not form.save_draft.data,
        allow_duplicate=form.post_anyway.data, **form.service_data())
    if need:
        flash(_("Your need is saved as a draft.") if need.status == NeedStatus.DRAFT else _("Your need is published."),
              "success")
        return redirect(url_for("needs.detail", slug=need.slug))
    assessment = intake.assess_need(current_user, **form.assist_data()) if form.is_submitted() else None
    if not form.post_anyway.errors:
        del form.post_anyway  # asked only when the need reads like one already posted
    return render_template("needs/form.html", form=form, title=_l("Post a need"), assessment=assessment)


@bp.post("/needs/assist")
@login_required
def assist():
    """Assess a need while it is written (the need form's assistant panel, loaded in place)."""
    form = NeedForm()
    need = directory.editable(current_user, Need, request.args["need"]) if request.args.get("need") else None
    assessment = intake.assess_need(current_user, need=need, **form.assist_data())
    return render_template("needs/_assist.html", assessment=assessment)


@bp.get("/needs/<slug>")
def detail(slug: str):
    """Show a need with its ranked, explained matches and similar needs."""
    need = directory.need(current_user, slug)
    return render_template("needs/detail.html", need=need, matches=matching.matches_for(current_user, need),
                           similar=matching.similar("need", need), mark_form=MarkForm())


@bp.route("/needs/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """Edit a need (closed needs must be reopened first); "Check my need" runs the intake assistant."""
    need = directory.editable(current_user, Need, slug)
    form = NeedForm().offer_programmes(programmes.postable_programmes(current_user), need.programme)
    if not form.is_submitted():
        fill_form(form, need)
    elif not form.check.data and form.validate() and run_service(form, needs.update_need, current_user, need,
                                                                 **form.service_data()):
        flash(_("Your need has been saved."), "success")
        return redirect(url_for("needs.detail", slug=need.slug))
    assessment = intake.assess_need(current_user, need=need, **form.assist_data()) if form.is_submitted() else None
    return render_template("needs/form.html", form=form, title=_l("Edit the need"), assessment=assessment, need=need)


@bp.post("/needs/<slug>/<any(publish, close, reopen):action>")
@login_required
def set_status(slug: str, action: str):
    """Publish a draft, close a need or reopen it."""
    need = directory.editable(current_user, Need, slug)
    if run_service(None, needs.set_need_status, current_user, need, STATUS_ACTIONS[action]):
        flash(_("The need is now %(status)s.", status=label(need.status)), "success")
    return redirect(url_for("needs.detail", slug=need.slug))


@bp.post("/needs/<slug>/matches/<int:match_id>/mark")
@login_required
def mark(slug: str, match_id: int):
    """Mark one of the need's matches as interesting, contacted or not relevant."""
    match = directory.match(directory.need(current_user, slug), match_id)
    form = MarkForm()
    if form.validate() and run_service(form, needs.mark_match, current_user, match,
                                       enum_or_none(MatchMark, form.mark.data)):
        flash(_("Your assessment is saved."), "success")
    return redirect(url_for("needs.detail", slug=slug, _anchor=f"match-{match_id}"))

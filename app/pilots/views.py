"""pilots views: open scenarios, proposals, side-by-side comparison, question threads, selection."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.pilots import bp
from app.pilots.forms import EditScenarioForm, MessageForm, OpenScenarioForm, ProposalForm, score_form
from app.services import pilots, programmes
from app.services.permissions import owns_open_scenario
from app.webforms import fill_form, run_service

__all__ = ["bp"]

DECISIONS = {"shortlist": (pilots.shortlist_proposal, _l("The proposal is shortlisted.")),
             "select": (pilots.select_proposal, _l("The proposal is selected; the others are declined."))}


@bp.get("/pilots")
def index():
    """List the open pilot scenarios the visitor may see."""
    return render_template("pilots/index.html", scenarios=pilots.list_open_scenarios(current_user))


@bp.route("/pilots/new", methods=["GET", "POST"])
@login_required
def new():
    """Open a pilot scenario in the user's plant."""
    form = OpenScenarioForm(programmes=programmes.postable_programmes(current_user))
    scenario = form.validate_on_submit() and run_service(form, pilots.open_scenario, current_user,
                                                         **form.service_data())
    if scenario:
        flash(_("Your pilot scenario is open; fitting providers have been told."), "success")
        return redirect(url_for("pilots.detail", slug=scenario.slug))
    return render_template("form_page.html", form=form, title=_l("Open a pilot scenario"))


@bp.route("/pilots/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """Edit a scenario until a proposal is selected (its owner only)."""
    scenario = pilots.editable_open_scenario(current_user, slug)
    form = EditScenarioForm(scenario=scenario)
    if not form.is_submitted():
        fill_form(form, scenario)
    elif form.validate() and run_service(form, pilots.update_open_scenario, current_user, scenario,
                                         **form.service_data()):
        flash(_("The scenario is saved; the providers that proposed have been told."), "success")
        return redirect(url_for("pilots.detail", slug=scenario.slug))
    return render_template("form_page.html", form=form, title=_l("Edit the pilot scenario"))


@bp.get("/pilots/<slug>")
def detail(slug: str):
    """Show a scenario; its owner sees the proposals side by side with scores and the history."""
    scenario = pilots.get_open_scenario(current_user, slug)
    owner = owns_open_scenario(current_user, scenario)
    return render_template(
        "pilots/detail.html", scenario=scenario, owner=owner,
        proposals=pilots.visible_proposals(current_user, scenario),
        rows=[(p, total, score_form(scenario.criteria, p.scores)) for p, total in pilots.comparison(scenario)]
        if owner else [],
        history=pilots.history(current_user, scenario) if owner else [])


@bp.route("/pilots/<slug>/propose", methods=["GET", "POST"])
@login_required
def propose(slug: str):
    """Submit the provider's proposal for a scenario."""
    scenario = pilots.get_open_scenario(current_user, slug)
    solutions = pilots.own_solutions(current_user)
    form = ProposalForm(pilots.own_cases(current_user), solutions)
    proposal = form.validate_on_submit() and run_service(form, pilots.submit_proposal, current_user, scenario,
                                                         **form.service_data())
    if proposal:
        flash(_("Your proposal is submitted. Only you and the scenario owner can read it."), "success")
        return redirect(url_for("pilots.proposal", slug=slug, proposal_id=proposal.id))
    return render_template("pilots/propose.html", form=form, has_solutions=bool(solutions),
                           title=_("Propose for “%(t)s”", t=scenario.title))


@bp.route("/pilots/<slug>/proposals/<int:proposal_id>", methods=["GET", "POST"])
@login_required
def proposal(slug: str, proposal_id: int):
    """Show a proposal with its question-and-answer thread; either side may write."""
    scenario = pilots.get_open_scenario(current_user, slug)
    item = pilots.get_proposal(current_user, scenario, proposal_id)
    form = MessageForm()
    if form.validate_on_submit() and run_service(form, pilots.post_message, current_user, item, form.body.data):
        flash(_("Your message is sent."), "success")
        return redirect(url_for("pilots.proposal", slug=slug, proposal_id=proposal_id, _anchor="thread"))
    return render_template("pilots/proposal.html", scenario=scenario, proposal=item, form=form)


@bp.post("/pilots/<slug>/proposals/<int:proposal_id>/score")
@login_required
def score(slug: str, proposal_id: int):
    """Save the owner's per-criterion scores of a proposal."""
    scenario = pilots.get_open_scenario(current_user, slug)
    item = pilots.get_proposal(current_user, scenario, proposal_id)
    form = score_form(scenario.criteria, item.scores, formdata=request.form)
    if not form.validate():
        flash(_("Score every criterion from 0 to 5."), "error")
    elif run_service(None, pilots.score_proposal, current_user, item,
                     {c["name"]: form[f"c{n}"].data for n, c in enumerate(scenario.criteria)}):
        flash(_("The scores are saved."), "success")
    return redirect(url_for("pilots.detail", slug=slug, _anchor="compare"))


@bp.post("/pilots/<slug>/proposals/<int:proposal_id>/<any(shortlist, select):action>")
@login_required
def decide(slug: str, proposal_id: int, action: str):
    """Shortlist or select a proposal."""
    scenario = pilots.get_open_scenario(current_user, slug)
    item = pilots.get_proposal(current_user, scenario, proposal_id)
    service, message = DECISIONS[action]
    if run_service(None, service, current_user, item):
        flash(str(message), "success")
    return redirect(url_for("pilots.detail", slug=slug, _anchor="compare"))

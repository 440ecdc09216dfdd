"""cases views: published case studies, submitting and editing them, the officials' review."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.cases import bp
from app.cases.forms import (
    AssignForm,
    CaseFilterForm,
    CaseForm,
    DecisionForm,
    ExemplaryForm,
    PublishForm,
    ReviewQueueFilterForm,
    ScoreForm,
)
from app.models import CaseStudy, ReviewCriterion, User
from app.services import cases, directory
from app.services.common import get_or_404
from app.webforms import fill_form, page_number, run_service, safe_next

__all__ = ["bp"]


@bp.get("/cases")
def index():
    """List published case studies, optionally of one industry or exemplary only."""
    form = CaseFilterForm(request.args)
    pager = directory.cases(page_number(), **form.filters())
    return render_template("cases/index.html", form=form, pager=pager)


@bp.get("/cases/review")
@login_required
def review():
    """List the case studies waiting for an official's review, by industry, age and reviewer."""
    form = ReviewQueueFilterForm(request.args)
    pager = directory.cases_for_review(current_user, page_number(), **form.filters())
    return render_template("cases/review.html", form=form, pager=pager, publish_form=PublishForm())


def _review_page(case: CaseStudy, **forms):
    """Render a case's review page; forms not given start empty."""
    forms = {"assign_form": AssignForm(), "score_form": ScoreForm(), "decision_form": DecisionForm(),
             "publish_form": PublishForm(exemplary=case.exemplary), "exemplary_form": ExemplaryForm(), **forms}
    return render_template("cases/review_case.html", case=case, criteria=list(ReviewCriterion), **forms)


def _reviewed(message: str, case: CaseStudy):
    flash(message, "success")
    return redirect(url_for("cases.review_case", slug=case.slug))


@bp.get("/cases/<slug>/review")
@login_required
def review_case(slug: str):
    """Show a case's review: the criteria, the scores, the timeline and the officials' actions."""
    return _review_page(directory.case_for_review(current_user, slug))


@bp.post("/cases/<slug>/assign")
@login_required
def assign(slug: str):
    """Assign an official to review a case."""
    case, form = directory.case_for_review(current_user, slug), AssignForm()
    if form.validate() and run_service(form, cases.assign_reviewer, current_user, case,
                                       get_or_404(User, int(form.reviewer.data))):
        return _reviewed(_("The reviewer is assigned."), case)
    return _review_page(case, assign_form=form)


@bp.post("/cases/<slug>/score")
@login_required
def score(slug: str):
    """Record an official's 1–5 scores on every criterion, with a comment."""
    case, form = directory.case_for_review(current_user, slug), ScoreForm()
    if form.validate() and run_service(form, cases.score_case, current_user, case, form.scores(), form.remarks.data):
        return _reviewed(_("Your scores are recorded."), case)
    return _review_page(case, score_form=form)


DECISIONS = {"request_changes": (cases.request_changes, _l("The provider is asked for changes.")),
             "reject": (cases.reject_case, _l("The case study is rejected.")),
             "unpublish": (cases.unpublish_case, _l("The case study is no longer published."))}


@bp.post("/cases/<slug>/decide")
@login_required
def decide(slug: str):
    """Request changes to, reject or unpublish a case, with a reason for the provider."""
    case, form = directory.case_for_review(current_user, slug), DecisionForm()
    service, message = DECISIONS.get(form.action(), (None, ""))
    if form.validate() and service and run_service(form, service, current_user, case, form.comment.data):
        return _reviewed(str(message), case)
    return _review_page(case, decision_form=form)


@bp.post("/cases/<slug>/exemplary")
@login_required
def exemplary(slug: str):
    """Mark a published case as exemplary, or unmark it."""
    case, form = directory.case_for_review(current_user, slug), ExemplaryForm()
    if form.validate() and run_service(form, cases.set_exemplary, current_user, case, form.exemplary.data):
        flash(_("Exemplary cases are updated."), "success")
    return redirect(url_for("cases.review_case", slug=case.slug))


@bp.get("/industries/<slug>/exemplary-cases")
def exemplary_industry(slug: str):
    """List an industry's exemplary cases."""
    item = directory.industry(slug)
    return render_template("cases/exemplary.html", subject=item, back=url_for("catalog.industry", slug=slug),
                           pager=directory.cases(page_number(), industry=slug, exemplary=True))


@bp.get("/scenarios/<slug>/exemplary-cases")
def exemplary_scenario(slug: str):
    """List a scenario's exemplary cases."""
    item = directory.scenario(slug)
    return render_template("cases/exemplary.html", subject=item, back=url_for("catalog.scenario", slug=slug),
                           pager=directory.cases(page_number(), scenario=item, exemplary=True))


@bp.get("/cases/<slug>")
def detail(slug: str):
    """Show a case study (unpublished ones only to their provider and officials)."""
    case = directory.case(current_user, slug)
    return render_template("cases/detail.html", case=case, publish_form=PublishForm())


@bp.route("/cases/new", methods=["GET", "POST"])
@login_required
def new():
    """Submit a case study for review."""
    form = CaseForm(provider=current_user.organization)
    case = form.validate_on_submit() and run_service(form, cases.submit_case, current_user, **form.service_data())
    if case:
        flash(_("Thank you: the case study is submitted for review."), "success")
        return redirect(url_for("cases.detail", slug=case.slug))
    return render_template("form_page.html", form=form, title=_l("Submit a case study"))


@bp.route("/cases/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """Edit a case study; a provider's edit sends it back for review."""
    case = directory.editable(current_user, CaseStudy, slug)
    form = CaseForm(provider=case.provider)
    if not form.is_submitted():
        fill_form(form, case)
    elif form.validate() and run_service(form, cases.update_case, current_user, case, **form.service_data()):
        flash(_("The case study has been saved."), "success")
        return redirect(url_for("cases.detail", slug=case.slug))
    return render_template("form_page.html", form=form, title=_l("Edit the case study"))


@bp.post("/cases/<slug>/publish")
@login_required
def publish(slug: str):
    """Publish a case study, optionally as exemplary (officials only)."""
    case, form = directory.case_for_review(current_user, slug), PublishForm()
    if form.validate() and run_service(form, cases.publish_case, current_user, case, exemplary=form.exemplary.data,
                                       comment=form.note.data or ""):
        flash(_("The case study is published."), "success")
    return redirect(safe_next(url_for("cases.review_case", slug=case.slug)))

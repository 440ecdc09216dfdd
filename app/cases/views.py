"""cases views: published case studies, submitting and editing them, the officials' review."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.cases import bp
from app.cases.forms import CaseFilterForm, CaseForm, PublishForm
from app.models import CaseStudy
from app.services import cases, directory
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
    """List the case studies waiting for an official's review."""
    pager = directory.cases_for_review(current_user, page_number())
    return render_template("cases/review.html", pager=pager, publish_form=PublishForm())


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
    case = directory.case(current_user, slug)
    form = PublishForm()
    if form.validate() and run_service(form, cases.publish_case, current_user, case, exemplary=form.exemplary.data):
        flash(_("The case study is published."), "success")
    return redirect(safe_next(url_for("cases.detail", slug=case.slug)))

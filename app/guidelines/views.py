"""guidelines views: read the published guideline, write and review versions, compare two versions."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.guidelines import bp
from app.guidelines.forms import CompareForm, GuidelineForm
from app.models import GuidelineState
from app.services import directory, guidelines
from app.services.permissions import is_official
from app.webforms import fill_form, label, run_service

__all__ = ["bp"]

STATE_ACTIONS = {"submit": GuidelineState.IN_REVIEW, "return": GuidelineState.DRAFT,
                 "publish": GuidelineState.PUBLISHED}


@bp.get("/guidelines")
def index():
    """List the industries with their published application guideline."""
    rows = [(i, guidelines.latest_published(i)) for i in directory.industries()]
    return render_template("guidelines/index.html", rows=rows)


@bp.get("/guidelines/<industry>")
def current(industry: str):
    """Show the latest published guideline of an industry (officials also see the versions list)."""
    item = directory.industry(industry)
    guideline = guidelines.latest_published(item)
    if guideline is None and not is_official(current_user):
        abort(404)
    return render_template("guidelines/detail.html", industry=item, guideline=guideline,
                           versions=guidelines.versions(current_user, item))


@bp.get("/guidelines/<industry>/v<int:version>")
def version(industry: str, version: int):
    """Show one version of an industry's guideline."""
    item = directory.industry(industry)
    return render_template("guidelines/detail.html", industry=item,
                           guideline=guidelines.get_version(current_user, item, version),
                           versions=guidelines.versions(current_user, item))


@bp.post("/guidelines/<industry>/new")
@login_required
def start(industry: str):
    """Start a new version as a copy of the published one."""
    guideline = run_service(None, guidelines.start_version, current_user, directory.industry(industry))
    if not guideline:
        return redirect(url_for("guidelines.current", industry=industry))
    flash(_("Version %(n)d is started as a copy of the published guideline.", n=guideline.version), "success")
    return redirect(url_for("guidelines.edit", industry=industry, version=guideline.version))


@bp.route("/guidelines/<industry>/v<int:version>/edit", methods=["GET", "POST"])
@login_required
def edit(industry: str, version: int):
    """Edit a draft or a version in review."""
    guideline = guidelines.get_version(current_user, directory.industry(industry), version)
    form = GuidelineForm()
    if not form.is_submitted():
        fill_form(form, guideline)
    elif form.validate() and run_service(form, guidelines.update_guideline, current_user, guideline,
                                         **form.service_data()):
        flash(_("The guideline is saved."), "success")
        return redirect(url_for("guidelines.version", industry=industry, version=version))
    title = _l("Application guideline: %(i)s, version %(n)d", i=guideline.industry.name, n=version)
    return render_template("form_page.html", form=form, title=title)


@bp.post("/guidelines/<industry>/v<int:version>/<any(submit, return, publish):action>")
@login_required
def set_state(industry: str, version: int, action: str):
    """Send a version to review, back to draft, or publish it."""
    guideline = guidelines.get_version(current_user, directory.industry(industry), version)
    if run_service(None, guidelines.set_guideline_state, current_user, guideline, STATE_ACTIONS[action]):
        flash(_("Version %(n)d is now %(state)s.", n=version, state=label(guideline.state)), "success")
    return redirect(url_for("guidelines.version", industry=industry, version=version))


@bp.get("/guidelines/<industry>/diff")
def diff(industry: str):
    """Show what changed between two versions, field by field."""
    item = directory.industry(industry)
    form = CompareForm(request.args)
    if not form.validate():
        abort(404)
    old, new = (guidelines.get_version(current_user, item, n) for n in (form.old.data, form.new.data))
    return render_template("guidelines/diff.html", industry=item, old=old, new=new,
                           fields=guidelines.diff_versions(old, new))

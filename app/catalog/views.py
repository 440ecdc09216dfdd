"""catalog views: industries and their resource pools, scenarios, standards; the officials' curation."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.catalog import bp
from app.catalog.forms import (
    CategoryForm,
    CurationFilterForm,
    MergeForm,
    ScenarioForm,
    StandardForm,
    StandardsFilterForm,
)
from app.models import ProductCategory, Scenario, Standard
from app.services import curation, directory, guidelines, recommend
from app.webforms import fill_form, page_number, run_service

__all__ = ["bp"]


@bp.get("/industries")
def industries():
    """List the twelve key industries."""
    return render_template("catalog/industries.html", industries=directory.industries())


@bp.get("/industries/<slug>")
def industry(slug: str):
    """Show an industry's resource pool: scenarios, products, suppliers, standards, exemplary cases."""
    item = directory.industry(slug)
    return render_template("catalog/industry.html", industry=item, pool=directory.industry_pool(item, page_number()),
                           highlights=recommend.industry_highlights(item),
                           guideline=guidelines.latest_published(item))


@bp.get("/scenarios/<slug>")
def scenario(slug: str):
    """Show a typical application scenario with its solutions and published cases."""
    item = directory.scenario(slug)
    return render_template("catalog/scenario.html", scenario=item, **directory.scenario_offers(item))


@bp.get("/standards")
def standards():
    """List the standards index, optionally for one industry."""
    form = StandardsFilterForm(request.args)
    items = directory.standards(form.industry.data or None)
    return render_template("catalog/standards.html", form=form, standards=items)


# Curation (officials) -------------------------------------------------------

KINDS = {  # URL word -> (model, form, heading)
    "scenarios": (Scenario, ScenarioForm, _l("Scenarios")),
    "categories": (ProductCategory, CategoryForm, _l("Product categories")),
    "standards": (Standard, StandardForm, _l("Standards")),
}


def _kind(kind: str):
    if kind not in KINDS:
        abort(404)
    return KINDS[kind]


def _back(message: str, kind: str):
    flash(message, "success")
    return redirect(url_for("catalog.curate", kind=kind))


@bp.get("/catalog/manage", defaults={"kind": "scenarios"})
@bp.get("/catalog/manage/<kind>")
@login_required
def curate(kind: str):
    """List a catalogue's entries, retired ones last, for officials to curate; by industry."""
    model, _form, heading = _kind(kind)
    form = CurationFilterForm(request.args)
    entries = directory.curated_entries(current_user, model, form.filters().get("industry"))
    return render_template("catalog/curate.html", form=form, kind=kind, kinds=KINDS, heading=heading,
                           entries=entries)


@bp.route("/catalog/manage/<kind>/new", methods=["GET", "POST"])
@login_required
def create(kind: str):
    """Add an entry to a catalogue."""
    model, form_class, heading = _kind(kind)
    directory.curated_entries(current_user, model)  # officials only, before any form is shown
    form = form_class()
    if form.validate_on_submit() and run_service(form, curation.create_entry, current_user, model,
                                                 **form.service_data()):
        return _back(_("The entry is added."), kind)
    return render_template("form_page.html", form=form, title=_("New entry: %(catalogue)s", catalogue=heading))


@bp.route("/catalog/manage/<kind>/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(kind: str, slug: str):
    """Edit a catalogue entry."""
    model, form_class, heading = _kind(kind)
    entry = directory.curated_entry(current_user, model, slug)
    form = form_class()
    if not form.is_submitted():
        fill_form(form, entry)
    elif form.validate() and run_service(form, curation.update_entry, current_user, entry, **form.service_data()):
        return _back(_("The entry is saved."), kind)
    return render_template("form_page.html", form=form, title=_("Edit %(slug)s", slug=slug))


@bp.post("/catalog/manage/<kind>/<slug>/<action>")
@login_required
def retire(kind: str, slug: str, action: str):
    """Retire a catalogue entry, or restore a retired one."""
    model = _kind(kind)[0]
    service = {"retire": curation.retire_entry, "restore": curation.restore_entry}.get(action) or abort(404)
    entry = directory.curated_entry(current_user, model, slug)
    if run_service(None, service, current_user, entry):
        flash(_("The entry is retired.") if action == "retire" else _("The entry is restored."), "success")
    return redirect(url_for("catalog.curate", kind=kind))


@bp.route("/catalog/manage/<kind>/<slug>/merge", methods=["GET", "POST"])
@login_required
def merge(kind: str, slug: str):
    """Merge a duplicate entry into the one to keep."""
    model = _kind(kind)[0]
    duplicate = directory.curated_entry(current_user, model, slug)
    others = [e for e in directory.curated_entries(current_user, model) if e.id != duplicate.id and not e.retired_at]
    form = MergeForm(others)
    if form.validate_on_submit() and run_service(form, curation.merge_entries, current_user, duplicate,
                                                 directory.curated_entry(current_user, model, form.kept.data)):
        return _back(_("The duplicate is merged and retired."), kind)
    return render_template("form_page.html", form=form, title=_("Merge the duplicate %(slug)s", slug=slug))


@bp.get("/catalog/history")
@login_required
def history():
    """Show who changed the catalogue, and what, newest first."""
    pager, users = directory.catalog_history(current_user, page_number())
    return render_template("catalog/history.html", pager=pager, users=users)

"""providers views: the provider directory and profiles, solutions, the product inventory."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.models import Organization, Product, Solution
from app.providers import bp
from app.providers.forms import ProductForm, ProfileForm, ProviderFilterForm, SolutionForm
from app.services import directory, matching, offers
from app.webforms import fill_form, page_number, run_service

__all__ = ["bp"]


@bp.get("/providers")
def index():
    """List providers, filtered by industry, region, size and text."""
    form = ProviderFilterForm(request.args)
    pager = directory.providers(page_number(), **form.filters())
    return render_template("providers/index.html", form=form, pager=pager)


@bp.get("/providers/<slug>")
def detail(slug: str):
    """Show a provider's profile with its solutions, products and published cases."""
    org = directory.provider(slug)
    return render_template("providers/detail.html", org=org, **directory.provider_offers(org))


@bp.route("/providers/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """Edit a provider's public profile."""
    org = directory.editable(current_user, Organization, slug)
    form = ProfileForm()
    if not form.is_submitted():
        fill_form(form, org)
    elif form.validate() and run_service(form, offers.update_provider_profile, current_user, org,
                                         **form.service_data()):
        flash(_("The profile has been saved."), "success")
        return redirect(url_for("providers.detail", slug=org.slug))
    return render_template("form_page.html", form=form, title=_l("Edit %(name)s", name=org.name))


@bp.get("/solutions/<slug>")
def solution(slug: str):
    """Show a solution with its evidence, fitting open needs (for its provider) and similar solutions."""
    item = directory.solution(slug)
    return render_template("providers/solution.html", solution=item, cases=directory.solution_cases(item),
                           fits=directory.fitting_needs(current_user, item),
                           similar=matching.similar("solution", item))


@bp.get("/products/<slug>")
def product(slug: str):
    """Show an item of a provider's technical product inventory."""
    return render_template("providers/product.html", product=directory.product(slug))


# Solutions and products share one create / edit / delete shape.
OFFERS = {
    "solution": (Solution, SolutionForm, offers.create_solution, offers.update_solution, offers.delete_solution),
    "product": (Product, ProductForm, offers.create_product, offers.update_product, offers.delete_product),
}
TITLES = {"solution": (_l("List a solution"), _l("Edit the solution")),
          "product": (_l("Add a product"), _l("Edit the product"))}


@bp.route("/solutions/new", methods=["GET", "POST"], defaults={"kind": "solution"}, endpoint="new_solution")
@bp.route("/products/new", methods=["GET", "POST"], defaults={"kind": "product"}, endpoint="new_product")
@login_required
def new(kind: str):
    """List a new solution or product for the signed-in provider."""
    _model, form_cls, create, _update, _delete = OFFERS[kind]
    form = form_cls()
    record = form.validate_on_submit() and run_service(form, create, current_user, **form.service_data())
    if record:
        flash(_("Saved."), "success")
        return redirect(url_for(f"providers.{kind}", slug=record.slug))
    return render_template("form_page.html", form=form, title=TITLES[kind][0])


@bp.route("/solutions/<slug>/edit", methods=["GET", "POST"], defaults={"kind": "solution"}, endpoint="edit_solution")
@bp.route("/products/<slug>/edit", methods=["GET", "POST"], defaults={"kind": "product"}, endpoint="edit_product")
@login_required
def edit_offer(kind: str, slug: str):
    """Edit a solution or product of the signed-in user's provider."""
    model, form_cls, _create, update, _delete = OFFERS[kind]
    record = directory.editable(current_user, model, slug)
    form = form_cls()
    if not form.is_submitted():
        fill_form(form, record)
    elif form.validate() and run_service(form, update, current_user, record, **form.service_data()):
        flash(_("Saved."), "success")
        return redirect(url_for(f"providers.{kind}", slug=record.slug))
    return render_template("form_page.html", form=form, title=TITLES[kind][1])


@bp.post("/solutions/<slug>/delete", defaults={"kind": "solution"}, endpoint="delete_solution")
@bp.post("/products/<slug>/delete", defaults={"kind": "product"}, endpoint="delete_product")
@login_required
def delete_offer(kind: str, slug: str):
    """Withdraw a solution or product; it stays referenced by cases and matches."""
    model, _form, _create, _update, delete = OFFERS[kind]
    record = directory.editable(current_user, model, slug)
    if run_service(None, delete, current_user, record):
        flash(_("Withdrawn."), "success")
    return redirect(url_for("providers.detail", slug=record.provider.slug))

"""catalog views: industries and their resource pools, scenarios, standards."""
from flask import render_template, request

from app.catalog import bp
from app.catalog.forms import StandardsFilterForm
from app.services import directory, guidelines, recommend
from app.webforms import page_number

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

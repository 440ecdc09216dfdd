"""Catalogue curation by officials: create, edit, retire, restore and merge scenarios, product categories
and standards. Every change is audited (the catalogue history) and queued for the search index.

Retiring is soft: a retired entry leaves the pickers, the public pages and the index, and stays on
the records that already cite it. Merging moves every reference from the duplicate to the kept entry,
then retires the duplicate. `flask catalogs export` writes the result back to catalogs/.
"""
import sqlalchemy as sa
from flask_babel import gettext as _

from app.errors import Conflict, InvalidState, ValidationFailed
from app.extensions import db
from app.models import Product, ProductCategory, Scenario, Standard, User, utcnow
from app.models.catalog import standard_industries, standard_scenarios
from app.models.market import case_scenarios, need_scenarios, solution_scenarios
from app.services.common import assign, audit, commit, enqueue_index, industries_by_slug, slugify, unique_slug
from app.services.permissions import is_official, require

CatalogEntry = Scenario | ProductCategory | Standard
ENTITY = {Scenario: "scenario", ProductCategory: "product_category", Standard: "standard"}
FIELDS = {
    Scenario: ("name", "name_zh", "industry", "description", "description_zh", "technologies"),
    ProductCategory: ("name", "name_zh", "description"),
    Standard: ("number", "title", "issuer", "industries", "scenarios"),
}
# Tables that cite a scenario: (link table, column of the citing record, its outbox entity).
SCENARIO_LINKS = ((need_scenarios, "need_id", "need"), (solution_scenarios, "solution_id", "solution"),
                  (case_scenarios, "case_study_id", "case"), (standard_scenarios, "standard_id", "standard"))


def _require_curator(actor: User | None) -> None:
    require(is_official(actor), _("Only officials curate the catalogue."))


def _reindex(entry: CatalogEntry) -> None:
    """Scenarios and standards are searchable; product categories reach the index through their products."""
    if isinstance(entry, (Scenario, Standard)):
        enqueue_index(ENTITY[type(entry)], entry.id)


def _assign(entry: CatalogEntry, data: dict) -> dict:
    """Set the entry's curated fields; a scenario's blank industry makes it cross-industry."""
    data = {k: v for k, v in data.items() if k in FIELDS[type(entry)]}
    changes = {}
    if isinstance(entry, Scenario) and "industry" in data:
        slug = data.pop("industry") or None
        industry = industries_by_slug([slug], field="industry")[0] if slug else None
        if entry.industry_id != (industry.id if industry else None):
            entry.industry, changes["industry"] = industry, slug
    if isinstance(entry, Standard) and "number" in data:
        _check_number(entry, data["number"])
    return {**changes, **assign(entry, data)}


def _check_number(entry: Standard, number: str) -> None:
    taken = db.session.scalar(sa.select(Standard.id).where(Standard.number == number, Standard.id != entry.id))
    if taken is not None:
        raise Conflict(_("Another standard has this number."), field="number")


def create_entry(actor: User, model: type[CatalogEntry], **data) -> CatalogEntry:
    """Add a scenario, product category or standard at the end of its catalogue."""
    _require_curator(actor)
    position = db.session.scalar(sa.select(sa.func.max(model.position))) or 0
    entry = model(position=position + 1)
    if model is Standard:
        entry.slug = slugify(data.get("number") or "", 120)
        if db.session.scalar(sa.select(Standard.id).where(Standard.slug == entry.slug)) is not None:
            raise Conflict(_("Another standard has this number."), field="number")
    else:
        entry.slug = unique_slug(model, data.get("name") or "")
    db.session.add(entry)
    with db.session.no_autoflush:  # the new entry is not complete until every field is set
        changes = _assign(entry, data)
    db.session.flush()
    audit(actor, "create", ENTITY[model], entry.id, {"slug": entry.slug, **changes})
    _reindex(entry)
    commit()
    return entry


def update_entry(actor: User, entry: CatalogEntry, **data) -> CatalogEntry:
    """Edit a catalogue entry (its slug never changes)."""
    _require_curator(actor)
    changes = _assign(entry, data)
    if changes:
        audit(actor, "update", ENTITY[type(entry)], entry.id, changes)
        _reindex(entry)
    commit()
    return entry


def retire_entry(actor: User, entry: CatalogEntry) -> CatalogEntry:
    """Retire an entry: hidden from pickers and public pages, kept on the records that cite it."""
    _require_curator(actor)
    if entry.retired_at is not None:
        raise InvalidState(_("This entry is already retired."))
    entry.retired_at = utcnow()
    audit(actor, "retire", ENTITY[type(entry)], entry.id)
    _reindex(entry)
    commit()
    return entry


def restore_entry(actor: User, entry: CatalogEntry) -> CatalogEntry:
    """Bring a retired entry back into the pickers."""
    _require_curator(actor)
    if entry.retired_at is None:
        raise InvalidState(_("This entry is not retired."))
    entry.retired_at = None
    audit(actor, "restore", ENTITY[type(entry)], entry.id)
    _reindex(entry)
    commit()
    return entry


def _move_links(table: sa.Table, key: str, other: str, from_id: int, to_id: int) -> list[int]:
    """Re-point the link rows of table from one entry to another (no duplicate pairs); return the other ids."""
    others = db.session.scalars(sa.select(table.c[other]).where(table.c[key] == from_id)).all()
    present = set(db.session.scalars(sa.select(table.c[other]).where(table.c[key] == to_id)))
    fresh = [o for o in others if o not in present]
    if fresh:
        db.session.execute(sa.insert(table), [{key: to_id, other: o} for o in fresh])
    db.session.execute(sa.delete(table).where(table.c[key] == from_id))
    return others


def _merge_scenario(duplicate: Scenario, kept: Scenario) -> dict[str, int]:
    moved = {}
    for table, column, entity in SCENARIO_LINKS:
        ids = _move_links(table, "scenario_id", column, duplicate.id, kept.id)
        for record_id in ids:
            enqueue_index(entity, record_id)
        moved[entity] = len(ids)
    return moved


def _merge_category(duplicate: ProductCategory, kept: ProductCategory) -> dict[str, int]:
    ids = db.session.scalars(sa.select(Product.id).where(Product.category_id == duplicate.id)).all()
    db.session.execute(sa.update(Product).where(Product.category_id == duplicate.id).values(category_id=kept.id))
    for product_id in ids:
        enqueue_index("product", product_id)
    return {"product": len(ids)}


def _merge_standard(duplicate: Standard, kept: Standard) -> dict[str, int]:
    """The kept standard concerns the duplicate's scenarios too; no industries means every industry."""
    if kept.industries:
        _move_links(standard_industries, "standard_id", "industry_id", duplicate.id, kept.id)
    scenario_ids = _move_links(standard_scenarios, "standard_id", "scenario_id", duplicate.id, kept.id)
    solutions = db.session.scalars(sa.select(solution_scenarios.c.solution_id).distinct()
                                   .where(solution_scenarios.c.scenario_id.in_(scenario_ids))).all()
    for solution_id in solutions:  # their documents list the standards of their scenarios
        enqueue_index("solution", solution_id)
    return {"scenario": len(scenario_ids)}


MERGERS = {Scenario: _merge_scenario, ProductCategory: _merge_category, Standard: _merge_standard}


def merge_entries(actor: User, duplicate: CatalogEntry, kept: CatalogEntry) -> CatalogEntry:
    """Move every reference from a duplicate entry to the kept one, then retire the duplicate."""
    _require_curator(actor)
    if type(duplicate) is not type(kept) or duplicate.id == kept.id:
        raise ValidationFailed(_("Choose another entry of the same catalogue to keep."), field="kept")
    if kept.retired_at is not None:
        raise ValidationFailed(_("The entry to keep is retired."), field="kept")
    moved = MERGERS[type(kept)](duplicate, kept)
    duplicate.retired_at = duplicate.retired_at or utcnow()
    entity = ENTITY[type(kept)]
    audit(actor, "merge", entity, duplicate.id, {"into": kept.slug, "moved": moved})
    audit(actor, "merged_in", entity, kept.id, {"from": duplicate.slug, "moved": moved})
    _reindex(duplicate)
    _reindex(kept)
    commit()
    db.session.expire_all()  # the link tables changed under the ORM's relationship collections
    return kept

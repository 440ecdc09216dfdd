"""What providers offer: their profile, solutions and technical product inventory."""
from app.extensions import db
from app.models import Organization, OrgKind, Product, Solution, User, utcnow
from app.services.common import assign, audit, check_range, commit, enqueue_index, unique_slug
from app.services.permissions import can_edit_offer, require, require_org_member

PROFILE_FIELDS = ("name", "description", "region", "size", "website", "founded", "industries")
SOLUTION_FIELDS = ("title", "summary", "description", "industries", "scenarios", "capabilities",
                   "deployment", "price_min", "price_max")
PRODUCT_FIELDS = ("name", "category", "category_label", "description", "industries")


def _save(actor: User, record, entity: str, data: dict, fields: tuple[str, ...], index_as: str | None = None) -> None:
    """Assign fields, audit and enqueue the record for indexing, then commit."""
    created = record.id is None
    changes = assign(record, {k: v for k, v in data.items() if k in fields})
    db.session.flush()
    if created or changes:
        audit(actor, "create" if created else "update", entity, record.id, changes)
        enqueue_index(index_as or entity, record.id)
    commit()


def update_provider_profile(actor: User, org: Organization, **data) -> Organization:
    """Edit a provider's public profile."""
    require(org.kind == OrgKind.PROVIDER and can_edit_offer(actor, org))
    _save(actor, org, "provider", data, PROFILE_FIELDS)
    return org


def create_solution(actor: User, **data) -> Solution:
    """List a new solution for the acting user's provider."""
    provider = require_org_member(actor, OrgKind.PROVIDER)
    check_range(data.get("price_min"), data.get("price_max"), "price_max")
    solution = Solution(provider=provider, slug=unique_slug(Solution, data["title"]))
    db.session.add(solution)
    _save(actor, solution, "solution", data, SOLUTION_FIELDS)
    return solution


def update_solution(actor: User, solution: Solution, **data) -> Solution:
    """Edit a solution (its provider's members and officials only)."""
    require(can_edit_offer(actor, solution))
    merged = {"price_min": solution.price_min, "price_max": solution.price_max, **data}
    check_range(merged["price_min"], merged["price_max"], "price_max")
    _save(actor, solution, "solution", data, SOLUTION_FIELDS)
    return solution


def delete_solution(actor: User, solution: Solution) -> None:
    """Withdraw a solution; it stays referenced by cases and matches."""
    _soft_delete(actor, solution, "solution")


def create_product(actor: User, **data) -> Product:
    """Add an item to the acting user's provider's product inventory."""
    provider = require_org_member(actor, OrgKind.PROVIDER)
    product = Product(provider=provider, slug=unique_slug(Product, data["name"]))
    db.session.add(product)
    _save(actor, product, "product", data, PRODUCT_FIELDS)
    return product


def update_product(actor: User, product: Product, **data) -> Product:
    """Edit a product (its provider's members and officials only)."""
    require(can_edit_offer(actor, product))
    _save(actor, product, "product", data, PRODUCT_FIELDS)
    return product


def delete_product(actor: User, product: Product) -> None:
    """Remove a product from the inventory."""
    _soft_delete(actor, product, "product")


def _soft_delete(actor: User, record, entity: str) -> None:
    require(can_edit_offer(actor, record))
    record.deleted_at = utcnow()
    audit(actor, "delete", entity, record.id)
    enqueue_index(entity, record.id)
    commit()

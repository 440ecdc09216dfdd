"""Read-only queries behind the site's pages: lookups, listings, filters, pagination.

Nothing here writes. Lookups that depend on who is asking take the acting user
first and apply the same permission rules as the services, so a page never
shows what the services would refuse.
"""
import json
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.errors import NotFound
from app.extensions import db
from app.models import (
    AuditLog,
    CaseReviewState,
    CaseStudy,
    Industry,
    Match,
    Need,
    NeedStatus,
    Organization,
    OrgKind,
    Product,
    ProductCategory,
    Scenario,
    Solution,
    Standard,
    User,
    UserRole,
    utcnow,
)
from app.models.market import organization_industries, product_industries, solution_industries, solution_scenarios
from app.services import matching
from app.services.common import get_or_404
from app.services.permissions import (
    belongs_to,
    can_edit_case,
    can_edit_need,
    can_edit_offer,
    can_view_case,
    can_view_need,
    is_admin,
    is_official,
    require,
)

POOL_PREVIEW = 12


def _page(query: sa.Select, page: int):
    """Return one page of query (PAGE_SIZE rows); out-of-range pages come back empty."""
    return db.paginate(query, page=max(page, 1), per_page=current_app.config["PAGE_SIZE"], error_out=False)


def _contains(column, text: str):
    """Case-insensitive substring match with LIKE wildcards in text taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def _live(model):
    return model.deleted_at.is_(None)


# Catalogue ---------------------------------------------------------------

def industries() -> list[Industry]:
    """Return the industries in catalogue order."""
    return db.session.scalars(sa.select(Industry).order_by(Industry.position)).all()


def industry(slug: str) -> Industry:
    """Return an industry by slug."""
    return get_or_404(Industry, slug, by="slug")


def scenario(slug: str) -> Scenario:
    """Return an active scenario by slug."""
    row = get_or_404(Scenario, slug, by="slug")
    if row.retired_at is not None:
        raise NotFound(_("This page does not exist."))
    return row


def scenarios() -> list[Scenario]:
    """Return the active scenarios: industry-specific ones in industry order, then cross-industry ones."""
    return db.session.scalars(
        sa.select(Scenario).outerjoin(Industry).where(Scenario.retired_at.is_(None))
        .order_by(Industry.position.is_(None), Industry.position, Scenario.position)
    ).all()


def cross_industry_scenarios() -> list[Scenario]:
    """Return the active scenarios that apply to every industry."""
    return db.session.scalars(
        sa.select(Scenario).where(Scenario.industry_id.is_(None), Scenario.retired_at.is_(None))
        .order_by(Scenario.position)
    ).all()


def product_categories() -> list[ProductCategory]:
    """Return the product categories in catalogue order."""
    return db.session.scalars(sa.select(ProductCategory).where(ProductCategory.retired_at.is_(None))
                              .order_by(ProductCategory.position)).all()


def product_category(slug: str | None) -> ProductCategory | None:
    """Return a product category by slug, or None for no slug."""
    return get_or_404(ProductCategory, slug, by="slug") if slug else None


def standards(industry_slug: str | None = None) -> list[Standard]:
    """Return standards; for an industry, those filed under it and the cross-industry ones."""
    query = (sa.select(Standard).options(selectinload(Standard.industries)).where(Standard.retired_at.is_(None))
             .order_by(Standard.position))
    if industry_slug:
        filed = sa.select(Standard.id).join(Standard.industries).where(Industry.slug == industry_slug)
        unfiled = ~Standard.industries.any()
        query = query.where(sa.or_(Standard.id.in_(filed), unfiled))
    return db.session.scalars(query).all()


def industry_pool(item: Industry, page: int = 1) -> dict:
    """Return an industry's resource pool: scenarios, products (paged), suppliers, standards, cases."""
    products = (sa.select(Product).join(product_industries).where(product_industries.c.industry_id == item.id)
                .where(_live(Product)).order_by(Product.name))
    suppliers = providers_query(industry=item.slug)
    return {
        "scenarios": [s for s in item.scenarios if s.retired_at is None],
        "cross_scenarios": cross_industry_scenarios(),
        "products": _page(products, page),
        "suppliers": db.session.scalars(suppliers.limit(POOL_PREVIEW)).all(),
        "supplier_count": db.session.scalar(sa.select(sa.func.count()).select_from(suppliers.subquery())),
        "standards": standards(item.slug),
        "cases": db.session.scalars(published_cases(industry=item.slug, exemplary=True)).all(),
    }


def scenario_offers(item: Scenario) -> dict:
    """Return the live solutions filed under a scenario and its published cases."""
    solutions = db.session.scalars(
        sa.select(Solution).join(solution_scenarios).where(solution_scenarios.c.scenario_id == item.id)
        .where(_live(Solution)).order_by(Solution.title)
    ).all()
    cases = db.session.scalars(published_cases(scenario=item)).all()
    return {"solutions": solutions, "cases": cases}


# Catalogue curation (officials) --------------------------------------------

CATALOG_ENTITIES = ("scenario", "product_category", "standard", "catalogs")


def curated_entries(actor: User | None, model: type, industry: str | None = None) -> list:
    """Return every entry of a catalogue, retired ones included, for its curators; by industry if given."""
    require(is_official(actor), _("Only officials curate the catalogue."))
    query = sa.select(model).order_by(model.retired_at.is_not(None), model.position, model.id)
    if industry == "cross" and model is Scenario:
        query = query.where(Scenario.industry_id.is_(None))
    elif industry and model is Scenario:
        query = query.join(Scenario.industry).where(Industry.slug == industry)
    elif industry and model is Standard:
        query = query.where(sa.or_(Standard.industries.any(Industry.slug == industry), ~Standard.industries.any()))
    return db.session.scalars(query).all()


def curated_entry(actor: User | None, model: type, slug: str):
    """Return one catalogue entry, retired or not, for its curators."""
    require(is_official(actor), _("Only officials curate the catalogue."))
    return get_or_404(model, slug, by="slug")


def catalog_history(actor: User | None, page: int = 1) -> tuple[object, dict[int, User]]:
    """Return a page of the catalogue's change history, newest first, and the users it names (officials)."""
    require(is_official(actor), _("Only officials curate the catalogue."))
    return _audit_page(sa.select(AuditLog).where(AuditLog.entity.in_(CATALOG_ENTITIES)), page)


# Providers, solutions, products -------------------------------------------

def providers_query(industry: str | None = None, region: str | None = None, size: str | None = None,
                     q: str | None = None) -> sa.Select:
    query = sa.select(Organization).where(Organization.kind == OrgKind.PROVIDER, _live(Organization))
    if industry:
        query = query.where(Organization.id.in_(
            sa.select(organization_industries.c.organization_id).join(Industry).where(Industry.slug == industry)))
    if region:
        query = query.where(Organization.region == region)
    if size:
        query = query.where(Organization.size == size)
    if q:
        query = query.where(sa.or_(_contains(Organization.name, q), _contains(Organization.description, q)))
    return query.order_by(Organization.name, Organization.id)


def _filed_under(link_column, industry: str) -> sa.Select:
    """The ids in a record-industry link table's column whose industry has this slug."""
    link = link_column.table
    return sa.select(link_column).join(Industry, Industry.id == link.c.industry_id).where(Industry.slug == industry)


def _offers(model, link_column, text_columns: tuple, industry: str | None, provider: str | None,
            q: str | None) -> sa.Select:
    """Live provider-owned records filed under an industry, of a provider (slug), containing words."""
    query = sa.select(model).where(_live(model))
    if industry:
        query = query.where(model.id.in_(_filed_under(link_column, industry)))
    if provider:
        query = query.where(model.provider.has(Organization.slug == provider))
    if q:
        query = query.where(sa.or_(*(_contains(column, q) for column in text_columns)))
    return query


def solutions_query(industry: str | None = None, provider: str | None = None, deployment: str | None = None,
                    q: str | None = None) -> sa.Select:
    """The query of live solutions by title, filtered by industry, provider slug, deployment and text."""
    query = _offers(Solution, solution_industries.c.solution_id, (Solution.title, Solution.summary), industry,
                    provider, q)
    if deployment:
        query = query.where(Solution.deployment == deployment)
    return query.order_by(Solution.title, Solution.id)


def products_query(industry: str | None = None, provider: str | None = None, category: str | None = None,
                   q: str | None = None) -> sa.Select:
    """The query of live products by name, filtered by industry, provider slug, category slug and text."""
    query = _offers(Product, product_industries.c.product_id, (Product.name, Product.description), industry,
                    provider, q)
    if category:
        query = query.where(Product.category.has(ProductCategory.slug == category))
    return query.order_by(Product.name, Product.id)


def providers(page: int = 1, **filters) -> object:
    """Return a page of the provider directory, filtered by industry, region, size and text."""
    return _page(providers_query(**filters), page)


def provider_regions() -> list[str]:
    """Return the regions providers are based in, for the directory filter."""
    return db.session.scalars(
        sa.select(Organization.region).distinct()
        .where(Organization.kind == OrgKind.PROVIDER, _live(Organization), Organization.region != "")
        .order_by(Organization.region)
    ).all()


def provider(slug: str) -> Organization:
    """Return a live provider organisation by slug."""
    org = get_or_404(Organization, slug, by="slug")
    if org.kind != OrgKind.PROVIDER:
        raise NotFound(_("This page does not exist."))
    return org


def provider_offers(org: Organization) -> dict:
    """Return a provider's live solutions and products and its published cases."""
    products = sa.select(Product).where(Product.provider_id == org.id, _live(Product)).order_by(Product.name)
    return {
        "solutions": solutions_of(org),
        "products": db.session.scalars(products).all(),
        "cases": db.session.scalars(published_cases().where(CaseStudy.provider_id == org.id)).all(),
    }


def solution(slug: str) -> Solution:
    """Return a live solution by slug."""
    return get_or_404(Solution, slug, by="slug")


def product(slug: str) -> Product:
    """Return a live product by slug."""
    return get_or_404(Product, slug, by="slug")


def solutions_of(org: Organization | None) -> list[Solution]:
    """Return an organisation's live solutions (none for no organisation)."""
    if org is None:
        return []
    return db.session.scalars(
        sa.select(Solution).where(Solution.provider_id == org.id, _live(Solution)).order_by(Solution.title)
    ).all()


def solution_cases(item: Solution) -> list[CaseStudy]:
    """Return the published cases that cite a solution."""
    return db.session.scalars(published_cases().where(CaseStudy.solution_id == item.id)).all()


def fitting_needs(actor: User | None, item: Solution) -> list:
    """Return open needs that fit a solution, for its own provider's members only."""
    return matching.needs_for_solution(item) if belongs_to(actor, item.provider_id) else []


def editable(actor: User | None, model: type, slug: str):
    """Return a record by slug that the actor may edit; records the actor may not even see count as missing."""
    if model is Need:
        record = need(actor, slug)
    elif model is CaseStudy:
        record = case(actor, slug)
    else:
        record = provider(slug) if model is Organization else get_or_404(model, slug, by="slug")
    if model is Need:
        require(can_edit_need(actor, record))
    else:
        require(can_edit_case(actor, record) if model is CaseStudy else can_edit_offer(actor, record))
    return record


# Cases --------------------------------------------------------------------

def _cases(visible, industry: str | None = None, exemplary: bool = False,
           scenario: Scenario | None = None) -> sa.Select:
    query = (sa.select(CaseStudy).where(visible, _live(CaseStudy))
             .order_by(CaseStudy.exemplary.desc(), CaseStudy.year.desc(), CaseStudy.title, CaseStudy.id))
    if industry:
        query = query.join(CaseStudy.industry).where(Industry.slug == industry)
    if scenario is not None:
        query = query.where(CaseStudy.scenarios.any(Scenario.id == scenario.id))
    if exemplary:
        query = query.where(CaseStudy.exemplary)
    return query


def published_cases(industry: str | None = None, exemplary: bool = False,
                    scenario: Scenario | None = None) -> sa.Select:
    """The query of live cases with a published version, exemplary first; optionally by industry, scenario."""
    return _cases(CaseStudy.published_at.is_not(None), industry, exemplary, scenario)


def visible_cases(actor: User | None, industry: str | None = None, exemplary: bool = False) -> sa.Select:
    """The query of live cases the actor may see (as can_view_case): those with a published version, its own
    provider's, and every one for officials."""
    visible = CaseStudy.published_at.is_not(None)
    own = _own_organization(actor)
    if is_official(actor):
        visible = sa.true()
    elif own:
        visible = sa.or_(visible, CaseStudy.provider_id == own)
    return _cases(visible, industry, exemplary)


def cases(page: int = 1, industry: str | None = None, exemplary: bool = False, scenario: Scenario | None = None):
    """Return a page of published cases, optionally of one industry or scenario, or exemplary only."""
    return _page(published_cases(industry, exemplary, scenario), page)


def exemplary_cases(limit: int = 4) -> list[CaseStudy]:
    """Return a few published exemplary cases."""
    return db.session.scalars(published_cases(exemplary=True).limit(limit)).all()


def case(actor: User | None, slug: str) -> CaseStudy:
    """Return a case the actor may see; never-published cases of others count as missing."""
    record = get_or_404(CaseStudy, slug, by="slug")
    if not can_view_case(actor, record):
        raise NotFound(_("This page does not exist."))
    return record


def case_for_review(actor: User | None, slug: str) -> CaseStudy:
    """Return a case for its review page (officials only)."""
    require(is_official(actor), _("Only officials review case studies."))
    return get_or_404(CaseStudy, slug, by="slug")


def officials() -> list[User]:
    """Return the active officials and admins (the possible reviewers), by name."""
    return db.session.scalars(sa.select(User).where(User.role.in_((UserRole.OFFICIAL, UserRole.ADMIN)))
                              .order_by(User.name, User.id)).all()


def cases_for_review(actor: User | None, page: int = 1, industry: str | None = None,
                     older_than: int | None = None, reviewer: str | None = None):
    """Return a page of cases waiting for review, oldest first (officials only).

    older_than: submitted at least that many days ago; reviewer: a user id, or "none" for unassigned.
    """
    require(is_official(actor), _("Only officials review case studies."))
    waiting = (CaseReviewState.SUBMITTED, CaseReviewState.IN_REVIEW)
    query = (sa.select(CaseStudy).where(CaseStudy.review_state.in_(waiting), _live(CaseStudy))
             .order_by(CaseStudy.submitted_at, CaseStudy.id))
    if industry:
        query = query.join(CaseStudy.industry).where(Industry.slug == industry)
    if older_than:
        query = query.where(CaseStudy.submitted_at <= utcnow() - timedelta(days=older_than))
    if reviewer == "none":
        query = query.where(CaseStudy.reviewer_id.is_(None))
    elif reviewer:
        query = query.where(CaseStudy.reviewer_id == (int(reviewer) if reviewer.isdigit() else None))
    return _page(query, page)


# Needs --------------------------------------------------------------------

def _own_organization(actor: User | None) -> int | None:
    """The id of the actor's (live) organisation, or None."""
    return actor.organization_id if actor is not None and belongs_to(actor, actor.organization_id) else None


def visible_needs(actor: User | None, industry: str | None = None, region: str | None = None,
                  q: str | None = None, status: NeedStatus | None = None) -> sa.Select:
    """The query of live needs the actor may see, newest first: open and matched ones unless a status is asked.

    Drafts and confidential needs are only ever listed for their own enterprise's members and officials.
    """
    statuses = [status] if status else [NeedStatus.OPEN, NeedStatus.MATCHED]
    query = (sa.select(Need).where(Need.status.in_(statuses), _live(Need))
             .order_by(Need.created_at.desc(), Need.id.desc()))
    if not is_official(actor):
        own = _own_organization(actor)
        public = sa.and_(Need.status != NeedStatus.DRAFT, Need.confidential.is_(False))
        query = query.where(sa.or_(public, Need.organization_id == own if own else sa.false()))
    if industry:
        query = query.join(Need.industry).where(Industry.slug == industry)
    if region:
        query = query.where(_contains(Need.region, region))
    if q:
        query = query.where(sa.or_(_contains(Need.title, q), _contains(Need.description, q)))
    return query


def needs(page: int = 1, industry: str | None = None, region: str | None = None, q: str | None = None):
    """Return a page of open and matched needs, filtered by industry, region and text."""
    return _page(visible_needs(None, industry, region, q), page)


def latest_needs(limit: int = 6) -> list[Need]:
    """Return the most recently posted open needs."""
    return db.session.scalars(
        sa.select(Need).where(Need.status == NeedStatus.OPEN, _live(Need)).order_by(Need.created_at.desc()).limit(limit)
    ).all()


def my_needs(actor: User, page: int = 1):
    """Return a page of the actor's enterprise's needs, drafts included."""
    require(actor.organization is not None and actor.organization.kind == OrgKind.ENTERPRISE)
    return _page(sa.select(Need).where(Need.organization_id == actor.organization_id, _live(Need))
                 .order_by(Need.created_at.desc(), Need.id.desc()), page)


def need(actor: User | None, slug: str) -> Need:
    """Return a need the actor may see; other enterprises' drafts count as missing."""
    record = get_or_404(Need, slug, by="slug")
    if not can_view_need(actor, record):
        raise NotFound(_("This page does not exist."))
    return record


def match(record: Need, match_id: int) -> Match:
    """Return one of a need's matches."""
    row = db.session.get(Match, match_id)
    if row is None or row.need_id != record.id:
        raise NotFound(_("This page does not exist."))
    return row


# Administration -----------------------------------------------------------

def _audit_query(who: str | None = None, action: str | None = None, entity: str | None = None,
                 entity_id: int | None = None, since: date | None = None, until: date | None = None):
    """The audit entries that match every given filter, newest first."""
    query = sa.select(AuditLog).order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
    if who:
        if who.strip().lower() == "system":
            query = query.where(AuditLog.user_id.is_(None))
        else:
            query = query.where(AuditLog.user_id.in_(sa.select(User.id).where(
                sa.or_(_contains(User.email, who.strip()), _contains(User.name, who.strip())))))
    if action:
        query = query.where(AuditLog.action == action)
    if entity:
        query = query.where(AuditLog.entity == entity)
    if entity_id is not None:
        query = query.where(AuditLog.entity_id == entity_id)
    if since:
        query = query.where(AuditLog.created_at >= datetime.combine(since, time.min))
    if until:
        query = query.where(AuditLog.created_at < datetime.combine(until + timedelta(days=1), time.min))
    return query


def audit_log(actor: User | None, page: int = 1, **filters) -> tuple[object, dict[int, User]]:
    """Return a page of the audit log, newest first, filtered by actor (e-mail or name; "system"), action,
    object type and id, and date range, and the users it names (admins only)."""
    require(is_admin(actor))
    return _audit_page(_audit_query(**filters), page)


def _audit_page(query: sa.Select, page: int) -> tuple[object, dict[int, User]]:
    """A page of audit entries, newest first, and the users they name."""
    entries = _page(query.order_by(AuditLog.created_at.desc(), AuditLog.id.desc()), page)
    return entries, _audit_users(entries.items)


def audit_log_rows(actor: User | None, limit: int = 50_000, **filters) -> list[tuple]:
    """Every matching audit entry (up to limit) as (when, user, action, object type, object id, changes) rows."""
    require(is_admin(actor))
    entries = db.session.scalars(_audit_query(**filters).limit(limit)).all()
    users = _audit_users(entries)
    return [(e.created_at.isoformat(timespec="seconds"), users[e.user_id].email if e.user_id in users else "system",
             e.action, e.entity, e.entity_id, json.dumps(e.changes, ensure_ascii=False, sort_keys=True))
            for e in entries]


def audit_vocabulary() -> tuple[list[str], list[str]]:
    """The actions and object types that occur in the audit log (for the filter choices)."""
    actions = db.session.scalars(sa.select(AuditLog.action).distinct().order_by(AuditLog.action)).all()
    entities = db.session.scalars(sa.select(AuditLog.entity).distinct().order_by(AuditLog.entity)).all()
    return actions, entities


def _audit_users(entries) -> dict[int, User]:
    ids = {e.user_id for e in entries if e.user_id is not None}
    users = db.session.scalars(sa.select(User).where(User.id.in_(ids))).all() if ids else []
    return {u.id: u for u in users}

"""Site search over every resource: hybrid ranking, disjunctive facets, a database fallback when the
search backend is down, and saved searches that notify their owner of new matching items."""
import logging
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qs, urlencode

import sqlalchemy as sa
from flask import g, has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.indexing import MODELS, get_indexer
from app.models import (
    CaseReviewState,
    CaseStudy,
    Industry,
    Need,
    NeedStatus,
    Organization,
    OrgKind,
    Product,
    SavedSearch,
    Scenario,
    Solution,
    Standard,
    User,
    utcnow,
)
from app.services.notifications import notify
from matching.search import FACETS, SearchHit, SearchRequest

log = logging.getLogger(__name__)
TYPES = ("solution", "provider", "product", "case", "scenario", "standard", "need")
# What nobody may lift with a filter: drafts and unpublished cases are never searchable.
SCOPES = {"case": {"status": [CaseReviewState.PUBLISHED.value]},
          "need": {"status": [NeedStatus.OPEN.value, NeedStatus.MATCHED.value]}}
PER_PAGE = 20


@dataclass
class Result:
    hit: SearchHit
    record: object


@dataclass
class SearchPage:
    request: SearchRequest
    results: list[Result]
    total: int
    facets: dict[str, dict[str, int]]
    suggestions: list[str] = field(default_factory=list)
    relaxations: list[tuple[str, int]] = field(default_factory=list)  # (facet to clear, results then)
    fallback: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))


def parse_request(args: MultiDict) -> SearchRequest:
    """Read a search from query-string arguments (shareable, bookmarkable URLs)."""
    filters = {f: [v for v in args.getlist(f) if v] for f in FACETS if args.getlist(f)}
    try:
        page = max(1, int(args.get("page", 1)))
    except ValueError:
        page = 1
    sort = args.get("sort") if args.get("sort") in ("relevance", "newest") else "relevance"
    return SearchRequest(text=args.get("q", "")[:500], filters=filters, sort=sort, page=min(page, 500),
                         per_page=PER_PAGE)


def query_string(request: SearchRequest, **change) -> str:
    """The URL query of a search, with changes (e.g. toggle a facet value, a page)."""
    state = {"q": request.text, "sort": request.sort, "page": request.page,
             **{f: list(v) for f, v in request.filters.items()}}
    state.update(change)
    pairs = [(k, v) for k, vals in state.items() for v in (vals if isinstance(vals, list) else [vals])
             if v not in ("", None) and not (k == "page" and v == 1) and not (k == "sort" and v == "relevance")]
    return urlencode(pairs)


def toggle(request: SearchRequest, facet: str, value: str) -> str:
    """The query string with one facet value switched on or off (back to page 1)."""
    values = list(request.filters.get(facet, []))
    values = [v for v in values if v != value] if value in values else [*values, value]
    return query_string(request, page=1, **{facet: values})


def _load(hits: list[SearchHit]) -> list[Result]:
    by_type: dict[str, list[int]] = {}
    for hit in hits:
        by_type.setdefault(hit.type, []).append(hit.id)
    rows = {}
    for kind, ids in by_type.items():
        model = MODELS[kind]
        rows.update({(kind, r.id): r for r in db.session.scalars(sa.select(model).where(model.id.in_(ids)))})
    return [Result(h, rows[(h.type, h.id)]) for h in hits if (h.type, h.id) in rows]


def search_site(actor: User | None, request: SearchRequest) -> SearchPage:
    """Search every resource; the database answers (with a notice) when the search backend is down."""
    try:
        response = get_indexer().search.search(request, SCOPES)
    except Exception:
        log.warning("search backend unavailable; answering from the database", exc_info=True)
        db.session.rollback()
        return _database_search(request)
    page = SearchPage(request, _load(response.hits), response.total, response.facets, response.suggestions)
    if not page.total and request.filters:
        page.relaxations = _relaxations(request)
    return page


def _relaxations(request: SearchRequest) -> list[tuple[str, int]]:
    """For an empty result: how many results each filter's removal would give."""
    out = []
    for facet in request.filters:
        relaxed = SearchRequest(request.text, [], {f: v for f, v in request.filters.items() if f != facet},
                                request.sort, 1, 1)
        total = get_indexer().search.search(relaxed, SCOPES).total
        if total:
            out.append((facet, total))
    return out


_FALLBACK = {  # type -> (model, title column, text columns, visibility clause)
    "solution": (Solution, Solution.title, (Solution.summary,), Solution.deleted_at.is_(None)),
    "provider": (Organization, Organization.name, (Organization.description,),
                 sa.and_(Organization.kind == OrgKind.PROVIDER, Organization.deleted_at.is_(None))),
    "product": (Product, Product.name, (Product.description,), Product.deleted_at.is_(None)),
    "case": (CaseStudy, CaseStudy.title, (CaseStudy.summary,),
             sa.and_(CaseStudy.published_at.is_not(None), CaseStudy.deleted_at.is_(None))),
    "scenario": (Scenario, Scenario.name, (Scenario.description,), Scenario.retired_at.is_(None)),
    "standard": (Standard, Standard.number, (Standard.title,), Standard.retired_at.is_(None)),
    "need": (Need, Need.title, (Need.description,),
             sa.and_(Need.status.in_([NeedStatus.OPEN, NeedStatus.MATCHED]), Need.deleted_at.is_(None),
                     Need.confidential.is_(False))),
}


def _database_search(request: SearchRequest) -> SearchPage:
    """A plain substring search in the database: no facets, newest first, one page per type at most."""
    words = [w for w in request.text.split() if w][:8]
    types = request.filters.get("type") or TYPES
    hits = []
    for kind in types:
        if kind not in _FALLBACK:
            continue
        model, title, texts, visible = _FALLBACK[kind]
        clauses = [sa.or_(title.ilike(f"%{w}%"), *(t.ilike(f"%{w}%") for t in texts)) for w in words]
        rows = db.session.scalars(sa.select(model).where(visible, *clauses)
                                  .order_by(model.id.desc()).limit(request.per_page)).all()
        hits += [SearchHit(kind, r.id, "", getattr(r, title.key), "", 0.0) for r in rows]
    hits = hits[:request.per_page]
    return SearchPage(request, _load(hits), len(hits), {f: {} for f in FACETS}, fallback=True)


# ---- saved searches -------------------------------------------------------------------------

def save_search(actor: User, name: str, args: MultiDict) -> SavedSearch:
    """Save the current search for the acting user; new matching items will be notified."""
    request = parse_request(args)
    if not request.text.strip() and not request.filters:
        raise ValidationFailed(_("Search for something or choose a filter before saving."), field="name")
    saved = SavedSearch(user_id=actor.id, name=name.strip()[:120] or request.text[:120],
                        query=query_string(request, page=1), last_checked_at=utcnow())
    db.session.add(saved)
    db.session.commit()
    return saved


def delete_saved_search(actor: User, saved_id: int) -> None:
    """Delete one of the acting user's saved searches."""
    saved = db.session.get(SavedSearch, saved_id)
    if saved is None or saved.user_id != actor.id:
        raise NotFound(_("No such saved search."))
    db.session.delete(saved)
    db.session.commit()


def check_saved_searches(now: datetime | None = None) -> int:
    """Notify owners of items that appeared since each saved search was last checked; returns notifications."""
    now = now or utcnow()
    sent = 0
    for saved in db.session.scalars(sa.select(SavedSearch)).all():
        args = MultiDict([(k, v) for k, vals in parse_qs(saved.query).items() for v in vals])
        request = parse_request(args)
        request.sort, request.per_page = "newest", 50
        response = get_indexer().search.search(request, SCOPES)
        since = saved.last_checked_at.isoformat()
        fresh = [h for h in _load(response.hits) if getattr(h.record, "created_at", now).isoformat() > since]
        for result in fresh:
            notify(saved.user, _("New result for your saved search “%(name)s”: %(title)s",
                                  name=saved.name, title=result.hit.title), f"/search?{saved.query}")
            sent += 1
        saved.last_checked_at = now
    db.session.commit()
    return sent


def saved_searches(actor: User) -> list[SavedSearch]:
    return db.session.scalars(sa.select(SavedSearch).where(SavedSearch.user_id == actor.id)
                              .order_by(SavedSearch.created_at.desc())).all()


def catalog_names(model, slugs=None) -> dict[str, str]:
    """Names of catalogue entries (Industry, Scenario) by slug, in the interface language; all of them (kept
    for the request) or those of `slugs`. Columns only: loading the records with their relationships cost
    more than a search."""
    zh = get_locale().language == "zh"
    key = (model.__name__, zh)
    cache = g.setdefault("catalog_names", {}) if has_request_context() else {}
    if slugs is None and key in cache:
        return cache[key]
    query = sa.select(model.slug, model.name, model.name_zh)
    if slugs is not None:
        query = query.where(model.slug.in_(list(slugs)))
    names = {slug: (name_zh if zh and name_zh else name) for slug, name, name_zh in db.session.execute(query)}
    if slugs is None:
        cache[key] = names
    return names


def facet_labels() -> dict[str, dict[str, str]]:
    """Human labels of facet values, in the current language."""
    return {
        "type": {"solution": _("Solutions"), "provider": _("Providers"), "product": _("Products"),
                 "case": _("Case studies"), "scenario": _("Scenarios"), "standard": _("Standards"),
                 "need": _("Open needs")},
        "industry": catalog_names(Industry),
        "scenario": catalog_names(Scenario),
        "deployment": {"on-premise": _("On-premise"), "cloud": _("Cloud"), "edge": _("Edge"), "hybrid": _("Hybrid")},
        "price": {"lt-500k": _("Under ¥500,000"), "500k-2m": _("¥500,000 – 2 million"),
                  "2m-5m": _("¥2 – 5 million"), "gte-5m": _("¥5 million and more")},
        "exemplary": {"yes": _("With exemplary cases")},
        "region": {},
    }


def facet_title(facet: str) -> str:
    return {"type": _("Type"), "industry": _("Industry"), "scenario": _("Scenario"), "region": _("Region"),
            "deployment": _("Deployment"), "price": _("Price range"), "exemplary": _("Evidence")}[facet]

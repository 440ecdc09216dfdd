"""/api/v1/search: the site search over every resource, with facet counts."""
import marshmallow as ma
from marshmallow import fields

from app.api.common import ApiBlueprint, actor, string
from app.services import search as search_service
from matching.search import FACETS, SearchRequest

blp = ApiBlueprint("api_search", __name__, url_prefix="/api/v1/search",
                   description="One search over solutions, providers, products, cases, scenarios, standards and "
                               "open needs: hybrid (semantic + keyword) ranking, disjunctive facets.")
MAX_PAGE = 500


class SearchQuerySchema(ma.Schema):
    q = string(500, load_default="", metadata={"description": "Words, in plain language or technical terms."})
    sort = fields.Str(load_default="relevance", validate=ma.validate.OneOf(["relevance", "newest"]))
    type = fields.List(fields.Str(validate=ma.validate.OneOf(search_service.TYPES)))
    industry = fields.List(string(64))
    scenario = fields.List(string(80))
    region = fields.List(string(100))
    deployment = fields.List(string(32))
    price = fields.List(string(16), metadata={"description": "lt-500k, 500k-2m, 2m-5m or gte-5m (CNY)."})
    exemplary = fields.List(fields.Str(validate=ma.validate.OneOf(["yes"])))


class SearchHitSchema(ma.Schema):
    type = fields.Str()
    id = fields.Int()
    slug = fields.Str()
    title = fields.Str()
    snippet = fields.Str(metadata={"description": "Body text; the matched terms are listed in `highlights`."})
    highlights = fields.List(fields.Str())
    score = fields.Float()


class SearchPageSchema(ma.Schema):
    results = fields.List(fields.Nested(SearchHitSchema))
    total = fields.Int()
    facets = fields.Dict(keys=fields.Str(), values=fields.Dict(keys=fields.Str(), values=fields.Int()),
                         metadata={"description": "{facet: {value: count}} (empty while the database answers)."})
    suggestions = fields.List(fields.Str())
    fallback = fields.Bool(metadata={"description": "true: the search backend is down; a plain database search "
                                                    "answered, without ranking or facets."})


def _hit(result) -> dict:
    snippet = result.hit.snippet
    marked = [part.split("\x03")[0] for part in snippet.split("\x02")[1:]]
    return {"type": result.hit.type, "id": result.hit.id, "slug": getattr(result.record, "slug", ""),
            "title": result.hit.title, "snippet": snippet.replace("\x02", "").replace("\x03", ""),
            "highlights": list(dict.fromkeys(m for m in marked if m)), "score": round(result.hit.score, 4)}


@blp.route("", methods=["GET"])
@blp.etag
@blp.arguments(SearchQuerySchema, location="query")
@blp.response(200, SearchPageSchema)
@blp.paginate(max_page_size=50)
def search(args, pagination_parameters):
    """Search every resource; drafts and unpublished cases are never found."""
    page = min(pagination_parameters.page, MAX_PAGE)
    request = SearchRequest(text=args["q"], sort=args["sort"], page=page, per_page=pagination_parameters.page_size,
                            filters={f: args[f] for f in FACETS if args.get(f)})
    found = search_service.search_site(actor(), request)
    pagination_parameters.item_count = found.total
    return {"results": [_hit(r) for r in found.results], "total": found.total, "facets": found.facets,
            "suggestions": found.suggestions, "fallback": found.fallback}

"""/api/v1/standards: standards, by industry."""
from app.api.common import ApiBlueprint, page_of, path_slug
from app.api.schemas import StandardQuerySchema, StandardSchema
from app.models import Standard
from app.services import directory
from app.services.common import get_or_404

blp = ApiBlueprint("api_standards", __name__, url_prefix="/api/v1/standards", description="Standards.")


@blp.route("", methods=["GET"])
@blp.etag
@blp.arguments(StandardQuerySchema, location="query")
@blp.response(200, StandardSchema(many=True))
@blp.paginate()
def list_standards(args, pagination_parameters):
    """List standards; for an industry, those filed under it and the cross-industry ones."""
    return page_of(list(directory.standards(args.get("industry"))), pagination_parameters)


@blp.route("/<slug>", methods=["GET"])
@blp.etag
@blp.response(200, StandardSchema)
def get_standard(slug):
    """One standard."""
    return get_or_404(Standard, path_slug(slug), by="slug")

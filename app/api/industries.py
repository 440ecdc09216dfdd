"""/api/v1/industries: the twelve key industries of the catalogue."""
from app.api.common import ApiBlueprint, page_of, path_slug
from app.api.schemas import IndustrySchema
from app.services import directory

blp = ApiBlueprint("api_industries", __name__, url_prefix="/api/v1/industries", description="Industries.")


@blp.route("", methods=["GET"])
@blp.etag
@blp.response(200, IndustrySchema(many=True))
@blp.paginate()
def list_industries(pagination_parameters):
    """List the industries in catalogue order."""
    return page_of(list(directory.industries()), pagination_parameters)


@blp.route("/<slug>", methods=["GET"])
@blp.etag
@blp.response(200, IndustrySchema)
def get_industry(slug):
    """One industry."""
    return directory.industry(path_slug(slug))

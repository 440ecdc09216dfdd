"""/api/v1/providers: the provider directory (read-only here; profiles are edited in the site)."""
from app.api.common import ApiBlueprint, page_of, path_slug
from app.api.schemas import ProviderQuerySchema, ProviderSchema
from app.services import directory

blp = ApiBlueprint("api_providers", __name__, url_prefix="/api/v1/providers",
                   description="Providers of industrial-AI solutions.")


@blp.route("", methods=["GET"])
@blp.etag
@blp.arguments(ProviderQuerySchema, location="query")
@blp.response(200, ProviderSchema(many=True))
@blp.paginate()
def list_providers(args, pagination_parameters):
    """List live providers by name, filtered by industry, region, size and words."""
    return page_of(directory.providers_query(**args), pagination_parameters)


@blp.route("/<slug>", methods=["GET"])
@blp.etag
@blp.response(200, ProviderSchema)
def get_provider(slug):
    """One provider."""
    return directory.provider(path_slug(slug))

"""/api/v1/providers: the provider directory (read-only here; profiles are edited in the site)."""
from app.api.common import ApiBlueprint
from app.api.routes import register_reads
from app.api.schemas import ProviderQuerySchema, ProviderSchema
from app.services import directory

blp = ApiBlueprint("api_providers", __name__, url_prefix="/api/v1/providers",
                   description="Providers of industrial-AI solutions.")

register_reads(blp, ProviderSchema, noun="providers", filters=ProviderQuerySchema,
               listing=lambda _actor, **filters: directory.providers_query(**filters),
               detail=lambda _actor, slug: directory.provider(slug),
               list_doc="List live providers by name, filtered by industry, region, size and words.",
               detail_doc="One provider.")

"""/api/v1/industries: the twelve key industries of the catalogue."""
from app.api.common import ApiBlueprint
from app.api.routes import register_reads
from app.api.schemas import IndustrySchema
from app.services import directory

blp = ApiBlueprint("api_industries", __name__, url_prefix="/api/v1/industries", description="Industries.")

register_reads(blp, IndustrySchema, noun="industries", listing=lambda _actor: list(directory.industries()),
               detail=lambda _actor, slug: directory.industry(slug),
               list_doc="List the industries in catalogue order.", detail_doc="One industry.")

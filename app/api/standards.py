"""/api/v1/standards: standards, by industry."""
from app.api.common import ApiBlueprint
from app.api.routes import register_reads
from app.api.schemas import StandardQuerySchema, StandardSchema
from app.models import Standard
from app.services import directory
from app.services.common import get_or_404

blp = ApiBlueprint("api_standards", __name__, url_prefix="/api/v1/standards", description="Standards.")

register_reads(blp, StandardSchema, noun="standards", filters=StandardQuerySchema,
               listing=lambda _actor, industry=None: list(directory.standards(industry)),
               detail=lambda _actor, slug: get_or_404(Standard, slug, by="slug"),
               list_doc="List standards; for an industry, those filed under it and the cross-industry ones.",
               detail_doc="One standard.")

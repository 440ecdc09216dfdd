"""/api/v1/scenarios: typical application scenarios (retired ones are gone)."""
from app.api.common import ApiBlueprint
from app.api.routes import register_reads
from app.api.schemas import ScenarioSchema
from app.services import directory

blp = ApiBlueprint("api_scenarios", __name__, url_prefix="/api/v1/scenarios", description="Application scenarios.")

register_reads(blp, ScenarioSchema, noun="scenarios", listing=lambda _actor: list(directory.scenarios()),
               detail=lambda _actor, slug: directory.scenario(slug),
               list_doc="List the active scenarios: by industry, cross-industry ones last.",
               detail_doc="One active scenario.")

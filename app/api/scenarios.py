"""/api/v1/scenarios: typical application scenarios (retired ones are gone)."""
from app.api.common import ApiBlueprint, page_of, path_slug
from app.api.schemas import ScenarioSchema
from app.services import directory

blp = ApiBlueprint("api_scenarios", __name__, url_prefix="/api/v1/scenarios", description="Application scenarios.")


@blp.route("", methods=["GET"])
@blp.etag
@blp.response(200, ScenarioSchema(many=True))
@blp.paginate()
def list_scenarios(pagination_parameters):
    """List the active scenarios: by industry, cross-industry ones last."""
    return page_of(list(directory.scenarios()), pagination_parameters)


@blp.route("/<slug>", methods=["GET"])
@blp.etag
@blp.response(200, ScenarioSchema)
def get_scenario(slug):
    """One active scenario."""
    return directory.scenario(path_slug(slug))

"""/api/v1/cases: case studies; unpublished ones only for their provider's members and officials."""
from app.api.common import ApiBlueprint, actor, page_of, path_slug, resolve, writer
from app.api.schemas import CaseInSchema, CaseQuerySchema, CaseSchema
from app.models import CaseStudy
from app.services import cases, directory

blp = ApiBlueprint("api_cases", __name__, url_prefix="/api/v1/cases",
                   description="Case studies: published ones for everyone; a provider's own in every state.")


@blp.route("", methods=["GET"])
@blp.etag
@blp.arguments(CaseQuerySchema, location="query")
@blp.response(200, CaseSchema(many=True))
@blp.paginate()
def list_cases(args, pagination_parameters):
    """List the cases the token user may see, exemplary first."""
    return page_of(directory.visible_cases(actor(), **args), pagination_parameters)


@blp.route("", methods=["POST"])
@blp.writes
@blp.arguments(CaseInSchema)
@blp.response(201, CaseSchema)
def submit_case(data):
    """Submit a case study for review (write scope, provider members)."""
    user = writer()
    return cases.submit_case(user, **resolve(data, "solution", directory.solution))


@blp.route("/<slug>", methods=["GET"])
@blp.etag
@blp.response(200, CaseSchema)
def get_case(slug):
    """One case; another provider's unpublished case is not found."""
    return directory.case(actor(), path_slug(slug))


@blp.route("/<slug>", methods=["PATCH"])
@blp.writes
@blp.arguments(CaseInSchema(partial=True))
@blp.response(200, CaseSchema)
def update_case(data, slug):
    """Change a case; a provider's edit sends it back for review."""
    user = writer()
    case = directory.editable(user, CaseStudy, path_slug(slug))
    return cases.update_case(user, case, **resolve(data, "solution", directory.solution))


@blp.route("/<slug>", methods=["DELETE"])
@blp.writes
@blp.response(204)
def withdraw_case(slug):
    """Withdraw a case study."""
    user = writer()
    cases.withdraw_case(user, directory.editable(user, CaseStudy, path_slug(slug)))

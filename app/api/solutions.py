"""/api/v1/solutions: providers' solutions; written by the provider's members (and officials)."""
from app.api.common import ApiBlueprint, page_of, path_slug, writer
from app.api.schemas import SolutionInSchema, SolutionQuerySchema, SolutionSchema
from app.models import Solution
from app.services import directory, offers

blp = ApiBlueprint("api_solutions", __name__, url_prefix="/api/v1/solutions",
                   description="Industrial-AI solutions offered by providers.")


@blp.route("", methods=["GET"])
@blp.etag
@blp.arguments(SolutionQuerySchema, location="query")
@blp.response(200, SolutionSchema(many=True))
@blp.paginate()
def list_solutions(args, pagination_parameters):
    """List live solutions by title, filtered by industry, provider, deployment and words."""
    return page_of(directory.solutions_query(**args), pagination_parameters)


@blp.route("", methods=["POST"])
@blp.writes
@blp.arguments(SolutionInSchema)
@blp.response(201, SolutionSchema)
def create_solution(data):
    """List a new solution for the token user's provider (write scope)."""
    return offers.create_solution(writer(), **data)


@blp.route("/<slug>", methods=["GET"])
@blp.etag
@blp.response(200, SolutionSchema)
def get_solution(slug):
    """One solution."""
    return directory.solution(path_slug(slug))


@blp.route("/<slug>", methods=["PATCH"])
@blp.writes
@blp.arguments(SolutionInSchema(partial=True))
@blp.response(200, SolutionSchema)
def update_solution(data, slug):
    """Change a solution's fields (its provider's members and officials)."""
    user = writer()
    return offers.update_solution(user, directory.editable(user, Solution, path_slug(slug)), **data)


@blp.route("/<slug>", methods=["DELETE"])
@blp.writes
@blp.response(204)
def delete_solution(slug):
    """Withdraw a solution."""
    user = writer()
    offers.delete_solution(user, directory.editable(user, Solution, path_slug(slug)))

"""/api/v1/solutions: providers' solutions; written by the provider's members (and officials)."""
from app.api.common import ApiBlueprint
from app.api.routes import register_reads, register_writes
from app.api.schemas import SolutionInSchema, SolutionQuerySchema, SolutionSchema
from app.models import Solution
from app.services import directory, offers

blp = ApiBlueprint("api_solutions", __name__, url_prefix="/api/v1/solutions",
                   description="Industrial-AI solutions offered by providers.")

register_reads(blp, SolutionSchema, noun="solutions", filters=SolutionQuerySchema,
               listing=lambda _actor, **filters: directory.solutions_query(**filters),
               detail=lambda _actor, slug: directory.solution(slug),
               list_doc="List live solutions by title, filtered by industry, provider, deployment and words.",
               detail_doc="One solution.")
register_writes(blp, SolutionSchema, SolutionInSchema, noun="solution", model=Solution,
                create=offers.create_solution, update=offers.update_solution, delete=offers.delete_solution, docs=(
                    "List a new solution for the token user's provider (write scope).",
                    "Change a solution's fields (its provider's members and officials).",
                    "Withdraw a solution."))

"""/api/v1/cases: case studies; unpublished ones only for their provider's members and officials."""
from app.api.common import ApiBlueprint, resolve
from app.api.routes import register_reads, register_writes
from app.api.schemas import CaseInSchema, CaseQuerySchema, CaseSchema
from app.models import CaseStudy
from app.services import cases, directory

blp = ApiBlueprint("api_cases", __name__, url_prefix="/api/v1/cases",
                   description="Case studies: published ones for everyone; a provider's own in every state.")

register_reads(blp, CaseSchema, noun="cases", filters=CaseQuerySchema, listing=directory.visible_cases,
               detail=directory.case, list_doc="List the cases the token user may see, exemplary first.",
               detail_doc="One case; another provider's unpublished case is not found.")
register_writes(blp, CaseSchema, CaseInSchema, noun="case", model=CaseStudy,
                create=cases.submit_case, update=cases.update_case, delete=cases.withdraw_case,
                prepare=lambda data: resolve(data, "solution", directory.solution), docs=(
                    "Submit a case study for review (write scope, provider members); `solution` is a slug.",
                    "Change a case; a provider's edit sends it back for review.",
                    "Withdraw a case study."))

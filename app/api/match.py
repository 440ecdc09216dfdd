"""/api/v1/match: rank solutions for a need or for free text, as `flask matching` prints (IMPORT_FORMAT.md)."""
import marshmallow as ma
from flask_babel import gettext as _
from marshmallow import fields

from app.api.common import ApiBlueprint, actor, string
from app.errors import NotFound
from app.models import Deployment, Need
from app.services import matching
from app.services.common import get_or_404
from app.services.permissions import can_view_need

blp = ApiBlueprint("api_match", __name__, url_prefix="/api/v1/match",
                   description="The explained matcher: ranked solutions with their reasons.")


class MatchRequestSchema(ma.Schema):
    need_id = fields.Int(validate=ma.validate.Range(min=1, max=2**31 - 1),
                         metadata={"description": "Match this need (its industry, scenarios, region, budget)."})
    text = string(5000, metadata={"description": "Or match free text (with the filters below)."})
    industry = string(64, metadata={"description": "Industry slug (free text only)."})
    region = string(100, metadata={"description": "Provider region, e.g. Jiangsu (free text only)."})
    deployment = fields.Enum(Deployment, by_value=True, metadata={"description": "Free text only."})
    limit = fields.Int(load_default=matching.MATCHES_SHOWN, validate=ma.validate.Range(min=1, max=100))

    @ma.validates_schema
    def one_subject(self, data, **kwargs):
        if ("need_id" in data) == bool((data.get("text") or "").strip()):
            raise ma.ValidationError(_("Give either need_id or a non-blank text."), field_name="text")
        if "need_id" in data and any(data.get(k) for k in ("industry", "region", "deployment")):
            raise ma.ValidationError(_("Filters apply to free text only; a need brings its own."),
                                     field_name="need_id")


class MatchResultSchema(ma.Schema):
    rank = fields.Int()
    solution = fields.Str(metadata={"description": "The solution's external_id, or its id."})
    provider = fields.Str(metadata={"description": "The provider's external_id, or its id."})
    score = fields.Float()
    reasons = fields.List(fields.Str())


class MatchResponseSchema(ma.Schema):
    results = fields.List(fields.Nested(MatchResultSchema))


@blp.route("", methods=["POST"])
@blp.arguments(MatchRequestSchema)
@blp.response(200, MatchResponseSchema)
def match(data):
    """Rank solutions, best first, each with its reasons (the JSON of `flask matching need|query --json`)."""
    if "need_id" in data:
        need = get_or_404(Need, data["need_id"])
        if not can_view_need(actor(), need):
            raise NotFound(_("This need does not exist."))
        results = matching.match_need_results(need, limit=data["limit"])
    else:
        deployment = data.get("deployment")
        results = matching.match_text_results(data["text"], industry=data.get("industry"), limit=data["limit"],
                                              region=data.get("region"),
                                              deployment=deployment.value if deployment else None)
    return {"results": matching.cli_results(results)}

"""/api/v1/needs: enterprises' needs; drafts only for their enterprise's members and officials."""
from app.api.common import ApiBlueprint, actor, page_of, path_slug, writer
from app.api.schemas import NeedCreateSchema, NeedQuerySchema, NeedSchema, NeedUpdateSchema
from app.models import Need
from app.services import directory, needs

blp = ApiBlueprint("api_needs", __name__, url_prefix="/api/v1/needs", description="Needs posted by enterprises.")


@blp.route("", methods=["GET"])
@blp.etag
@blp.arguments(NeedQuerySchema, location="query")
@blp.response(200, NeedSchema(many=True))
@blp.paginate()
def list_needs(args, pagination_parameters):
    """List needs (open and matched unless a status is asked), newest first."""
    return page_of(directory.visible_needs(actor(), **args), pagination_parameters)


@blp.route("", methods=["POST"])
@blp.writes
@blp.arguments(NeedCreateSchema)
@blp.response(201, NeedSchema)
def create_need(data):
    """Post a need for the token user's enterprise (write scope); `publish: false` saves a draft."""
    return needs.post_need(writer(), **data)


@blp.route("/<slug>", methods=["GET"])
@blp.etag
@blp.response(200, NeedSchema)
def get_need(slug):
    """One need; another enterprise's draft is not found."""
    return directory.need(actor(), path_slug(slug))


@blp.route("/<slug>", methods=["PATCH"])
@blp.writes
@blp.arguments(NeedUpdateSchema(partial=True))
@blp.response(200, NeedSchema)
def update_need(data, slug):
    """Change a need's fields and/or its status (the enterprise's members and officials)."""
    user = writer()
    need = directory.editable(user, Need, path_slug(slug))
    status = data.pop("status", None)
    if data:
        needs.update_need(user, need, **data)
    if status is not None and status != need.status:
        needs.set_need_status(user, need, status)
    return need


@blp.route("/<slug>", methods=["DELETE"])
@blp.writes
@blp.response(204)
def delete_need(slug):
    """Delete a need (it leaves search and matching)."""
    user = writer()
    needs.delete_need(user, directory.editable(user, Need, path_slug(slug)))

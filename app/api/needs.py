"""/api/v1/needs: enterprises' needs; drafts only for their enterprise's members and officials."""
from app.api.common import ApiBlueprint
from app.api.routes import register_reads, register_writes
from app.api.schemas import NeedCreateSchema, NeedQuerySchema, NeedSchema, NeedUpdateSchema
from app.models import Need, NeedStatus, User
from app.services import directory, needs

blp = ApiBlueprint("api_needs", __name__, url_prefix="/api/v1/needs", description="Needs posted by enterprises.")


def update_need(user: User, need: Need, status=None, **data) -> Need:
    """Change the fields (needs.update_need) and the status (needs.set_need_status) when one is given.

    A closed need is reopened before its fields change (the service refuses to edit a closed need).
    """
    if status is not None and need.status == NeedStatus.CLOSED:
        needs.set_need_status(user, need, status)
    if data:
        needs.update_need(user, need, **data)
    if status is not None and status != need.status:
        needs.set_need_status(user, need, status)
    return need


register_reads(blp, NeedSchema, noun="needs", listing=directory.visible_needs, detail=directory.need,
               filters=NeedQuerySchema,
               list_doc="List needs (open and matched unless a status is asked), newest first.",
               detail_doc="One need; another enterprise's draft is not found.")
register_writes(blp, NeedSchema, NeedCreateSchema, patch_body=NeedUpdateSchema, noun="need", model=Need,
                create=needs.post_need, update=update_need, delete=needs.delete_need, docs=(
                    "Post a need for the token user's enterprise (write scope); `publish: false` saves a draft.",
                    "Change a need's fields and/or its status (the enterprise's members and officials).",
                    "Delete a need (it leaves search and matching)."))

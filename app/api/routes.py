"""The operations every resource has, registered once: list and read (paged, ETag) and create/update/delete
(write scope, through the resource's services; `directory.editable` applies the site's visibility first)."""
from collections.abc import Callable

import marshmallow as ma

from app.api.common import ApiBlueprint, actor, page_of, path_slug, writer
from app.services import directory


class NoFilters(ma.Schema):
    pass


def _described(fn: Callable, name: str, doc: str) -> Callable:
    fn.__name__, fn.__doc__ = name, doc  # flask-smorest takes the summary from the docstring
    return fn


def register_reads(blp: ApiBlueprint, schema: type[ma.Schema], *, noun: str, listing: Callable, detail: Callable,
                   filters: type[ma.Schema] = NoFilters, list_doc: str, detail_doc: str) -> None:
    """GET "" (a page of listing(actor, **filters)) and GET "/<slug>" (detail(actor, slug))."""
    def list_view(args, pagination_parameters):
        return page_of(listing(actor(), **args), pagination_parameters)

    def detail_view(slug):
        return detail(actor(), path_slug(slug))

    list_view = _described(list_view, f"list_{noun}", list_doc)
    blp.route("", methods=["GET"])(blp.etag(blp.arguments(filters, location="query")(
        blp.response(200, schema(many=True))(blp.paginate()(list_view)))))
    detail_view = _described(detail_view, f"get_{noun}", detail_doc)
    blp.route("/<slug>", methods=["GET"])(blp.etag(blp.response(200, schema)(detail_view)))


def register_writes(blp: ApiBlueprint, schema: type[ma.Schema], body: type[ma.Schema], *, noun: str, model: type,
                    create: Callable, update: Callable, delete: Callable, docs: tuple[str, str, str],
                    patch_body: type[ma.Schema] | None = None, prepare: Callable[[dict], dict] = dict) -> None:
    """POST "" (create(user, **data)), PATCH "/<slug>" (update(user, record, **data)), DELETE "/<slug>"."""
    def create_view(data):
        return create(writer(), **prepare(data))

    def update_view(data, slug):
        user = writer()
        return update(user, directory.editable(user, model, path_slug(slug)), **prepare(data))

    def delete_view(slug):
        user = writer()
        delete(user, directory.editable(user, model, path_slug(slug)))

    create_doc, update_doc, delete_doc = docs
    blp.route("", methods=["POST"])(blp.writes(blp.arguments(body)(blp.response(201, schema)(
        _described(create_view, f"create_{noun}", create_doc)))))
    blp.route("/<slug>", methods=["PATCH"])(blp.writes(blp.arguments((patch_body or body)(partial=True))(
        blp.response(200, schema)(_described(update_view, f"update_{noun}", update_doc)))))
    blp.route("/<slug>", methods=["DELETE"])(blp.writes(blp.response(204)(
        _described(delete_view, f"delete_{noun}", delete_doc))))

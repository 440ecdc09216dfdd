"""What every API module shares: the blueprint class (pagination links), token auth, paging, input fields."""
from functools import wraps
from urllib.parse import urlencode

import marshmallow as ma
import sqlalchemy as sa
from flask import abort, g, request
from flask_babel import gettext as _
from flask_smorest import Blueprint

from app.errors import NotFound
from app.extensions import db
from app.models import TokenScope, User
from app.services.permissions import require
from app.services.tokens import authenticate_token

MAX_MONEY = 10**13  # CNY; far above any real budget, well inside BIGINT


class ApiBlueprint(Blueprint):
    """A flask-smorest blueprint that authenticates bearer tokens and adds RFC 8288 `Link` headers to pages.

    Pages: `?page=N&page_size=M` (default 20, at most 100); the `X-Pagination` header carries
    total, total_pages, first_page, last_page, page, previous_page and next_page.
    """

    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 20, "max_page_size": 100}

    def __init__(self, name: str, import_name: str, **kwargs):
        super().__init__(name, import_name, **kwargs)
        self.before_request(authenticate)
        self.after_request(_vary_on_authorization)

    def writes(self, view):
        """Mark an operation as a write: a write-scoped token is checked before the body is even parsed."""
        @wraps(view)
        def wrapper(*args, **kwargs):
            writer()
            return view(*args, **kwargs)
        return self.doc(security=[{"bearerAuth": []}])(wrapper)

    def _document_pagination_metadata(self, spec, resp_doc):
        """Document the headers as what they are on the wire: strings (X-Pagination holds JSON)."""
        resp_doc.setdefault("headers", {}).update({
            self.PAGINATION_HEADER_NAME: {"schema": {"type": "string"}, "description": (
                "JSON object: total, total_pages, first_page, last_page, page, previous_page, next_page.")},
            "Link": {"schema": {"type": "string"}, "description": 'RFC 8288 links: rel="first", "prev", "next", '
                                                                  '"last" (those that exist).'},
        })

    def _set_pagination_metadata(self, page_params, result, headers):
        result, headers = super()._set_pagination_metadata(page_params, result, headers)
        meta = self._make_pagination_metadata(page_params.page, page_params.page_size, page_params.item_count)
        links = []
        for rel, key in (("first", "first_page"), ("prev", "previous_page"), ("next", "next_page"),
                         ("last", "last_page")):
            if key in meta:
                args = {**request.args.to_dict(flat=True), "page": meta[key], "page_size": page_params.page_size}
                links.append(f'<{request.base_url}?{urlencode(args)}>; rel="{rel}"')
        if links:
            headers["Link"] = ", ".join(links)
        return result, headers


def authenticate() -> None:
    """Read `Authorization: Bearer cm_…`; no header means anonymous, a bad or revoked token is refused (401)."""
    g.api_token = None
    header = request.headers.get("Authorization")
    if header is None:
        return
    scheme, _sep, secret = header.partition(" ")
    token = authenticate_token(secret.strip()) if scheme.lower() == "bearer" and secret.strip() else None
    if token is None:
        abort(401, _("The API token is missing, malformed, unknown or revoked."))
    g.api_token = token


def _vary_on_authorization(response):
    response.vary.add("Authorization")  # what a read returns depends on whose token asks
    return response


def actor() -> User | None:
    """The user whose token authenticates this request, or None (anonymous)."""
    token = g.get("api_token")
    return token.user if token is not None else None


def writer() -> User:
    """The user of a write-scoped token; anonymous requests get 401, read-only tokens 403."""
    token = g.get("api_token")
    if token is None:
        abort(401, _("Writing needs an API token with the write scope."))
    require(token.scope == TokenScope.WRITE, _("This API token may only read."))
    return token.user


def page_of(query: sa.Select | list, pagination_parameters) -> list:
    """One page of a query (or a list); sets the item count flask-smorest puts in X-Pagination."""
    first, size = pagination_parameters.first_item, pagination_parameters.page_size
    if isinstance(query, list):
        pagination_parameters.item_count = len(query)
        return query[first:first + size]
    count = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    pagination_parameters.item_count = count
    if first >= count:  # past the end (any page number is accepted): nothing to fetch
        return []
    return db.session.scalars(query.limit(size).offset(first)).all()


def path_slug(slug: str) -> str:
    """A slug from the URL; one no record could have (NUL bytes, overlong) is simply not found."""
    if "\x00" in slug or len(slug) > 200:
        raise NotFound(_("This record does not exist."))
    return slug


class Text(ma.fields.String):
    """A string without NUL bytes (PostgreSQL text cannot hold them) or lone surrogates."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ma.ValidationError(_("NUL characters are not allowed."))
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ma.ValidationError(_("Not valid Unicode text.")) from None
        return text


def string(max_length: int, required: bool = False, **kwargs) -> Text:
    """A text input field of at most max_length characters (non-blank when required)."""
    validate = ma.validate.Length(min=1 if required else 0, max=max_length)
    return Text(required=required, validate=validate, **kwargs)


def money(**kwargs) -> ma.fields.Integer:
    """An amount in CNY, 0 to MAX_MONEY, or null."""
    return ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=0, max=MAX_MONEY), **kwargs)


def slugs(**kwargs) -> ma.fields.List:
    """A list of catalogue slugs (industries, scenarios)."""
    return ma.fields.List(Text(validate=ma.validate.Length(min=1, max=120)), validate=ma.validate.Length(max=50),
                          **kwargs)


def resolve(data: dict, field: str, lookup) -> dict:
    """Replace data[field] (a slug) by its record via lookup; an unknown slug is an error of that field (422)."""
    if data.get(field) is not None:
        try:
            data[field] = lookup(data[field])
        except NotFound as error:
            raise NotFound(error.message, field=field) from None
    return data

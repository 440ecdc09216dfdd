"""Errors of the JSON API as RFC 9457 `application/problem+json`: one mapping for HTTP and domain errors."""
from http import HTTPStatus

from flask import Response, json, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from app.errors import ChainMatchError, ImportRejected, NotFound

PREFIX = "/api/v1"
MEDIA_TYPE = "application/problem+json"
BEARER_CHALLENGE = 'Bearer realm="ChainMatch API"'


def is_api_request() -> bool:
    """Whether the current request is addressed to the JSON API (known route or not)."""
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def problem(status: int, detail: str = "", errors: dict | None = None, headers: dict | None = None) -> Response:
    """Answer a problem document: type, title, status, detail and, for invalid input, errors per field."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    body = {"type": f"{PREFIX}/problems/validation" if errors else "about:blank",
            "title": phrase, "status": status, "detail": detail or phrase}
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = BEARER_CHALLENGE
    response.headers.extend(headers or {})
    return response


def _flatten(messages, prefix: str = "") -> dict[str, list[str]]:
    """webargs/marshmallow messages ({location: {field: [..] or {index: [..]}}}) as {"field.index": [..]}."""
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(_flatten(value, name))
        else:
            flat[name] = [str(v) for v in (value if isinstance(value, list) else [value])]
    return flat


def from_http_exception(error: HTTPException) -> Response:
    """Map werkzeug/flask-smorest/webargs errors (404 of unknown routes, 405, 422 of bad input, 429, …)."""
    if error.code is not None and error.code < 400:  # 304 Not Modified from the ETag check
        return Response(status=error.code)
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    valid_methods = getattr(error, "valid_methods", None)
    if valid_methods:
        headers["Allow"] = ", ".join(valid_methods)
    messages = data.get("messages")
    errors = None
    if messages:  # webargs: {location: {field: messages}}; the location is dropped (one per operation)
        errors = {}
        for fields in messages.values():
            errors.update(_flatten(fields) if isinstance(fields, dict) else {"_schema": [str(fields)]})
    detail = data.get("message") or (_("The request has invalid fields.") if errors else error.description or "")
    return problem(error.code or 500, detail, errors, headers)


def from_domain_error(error: ChainMatchError) -> Response:
    """Map a service exception; an unknown slug named by an input field is invalid input (422), not 404."""
    status = 422 if isinstance(error, NotFound) and error.field else error.status
    errors = None
    if error.field:
        errors = {error.field: [error.message]}
    elif isinstance(error, ImportRejected):
        errors = {"file": error.problems}
    return problem(status, error.message, errors)


def server_error() -> Response:
    return problem(500, _("Something went wrong on our side. The error has been logged."))

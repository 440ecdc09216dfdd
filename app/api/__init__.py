"""The JSON API at /api/v1 (flask-smorest): one module per resource, OpenAPI 3 generated from the code.

Errors are answered as application/problem+json by app.errorpages through app.api.problems.
"""
import hashlib
import http

from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import Blueprint, current_app, render_template, request
from flask_limiter.util import get_remote_address
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from app.api import cases, industries, match, needs, products, providers, scenarios, search, solutions, standards
from app.api.problems import MEDIA_TYPE, PREFIX
from app.api.schemas import ProblemSchema
from app.extensions import csrf, limiter

BLUEPRINTS = [needs.blp, solutions.blp, products.blp, providers.blp, cases.blp, industries.blp, scenarios.blp,
              standards.blp, search.blp, match.blp]
docs_bp = Blueprint("api_docs_page", __name__, url_prefix=PREFIX)


def api_client() -> str:
    """Whom an API rate limit counts: the bearer token when one is sent (hashed), else the client address."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return "token:" + hashlib.sha256(header.encode()).hexdigest()[:24]
    return get_remote_address()


# One limit per client over the whole API (RATELIMIT_API); over it, a 429 problem document.
for _blp in BLUEPRINTS:
    limiter.limit(lambda: current_app.config["RATELIMIT_API"], key_func=api_client)(_blp)


def schema_name(schema) -> str:
    """Component names: the class without "Schema"; a partial (PATCH) body gets "Patch" appended."""
    name = resolve_schema_cls(schema).__name__.removesuffix("Schema")
    return f"{name}Patch" if getattr(schema, "partial", False) else name


class ChainMatchApi(Api):
    """flask-smorest's Api whose errors are documented as problem documents; the site's error handlers answer."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        """Nothing: app.errorpages maps every error, the API's as application/problem+json."""

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, MEDIA_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "A problem document (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, MEDIA_TYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


@docs_bp.get("/docs")
def docs():
    """The API reference: Swagger UI (vendored) over the generated OpenAPI document."""
    return render_template("api/docs.html")


def init_app(app) -> None:
    """Configure flask-smorest, register the API blueprints (CSRF exempt: bearer tokens, no cookies)."""
    app.config.setdefault("API_TITLE", "ChainMatch API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "servers": [{"url": "/"}],
        "security": [{}, {"bearerAuth": []}],
        "components": {"securitySchemes": {"bearerAuth": {
            "type": "http", "scheme": "bearer",
            "description": "A personal API token (cm_…) created on your profile page; read or write scope."}}},
        "info": {"description": "ChainMatch's JSON API. Reads are open to anonymous clients for public records; "
                               "a bearer token sees what its user may see and, with the write scope, changes "
                               "what its user may change. Pages: `page`/`page_size` with `X-Pagination` and "
                               "`Link` headers. Errors: `application/problem+json`."},
    })
    plugin = MarshmallowPlugin(schema_name_resolver=schema_name)
    api = ChainMatchApi(app, spec_kwargs={"marshmallow_plugin": plugin})  # one per app: the spec is built from this app's routes
    for blp in BLUEPRINTS:
        api.register_blueprint(blp)
        csrf.exempt(blp)
    app.register_blueprint(docs_bp)

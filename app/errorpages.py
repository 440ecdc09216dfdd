"""Error pages: every failure answers a page with a status, never a traceback (the API: a problem document)."""
import logging

from flask import render_template
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from app.api import problems
from app.errors import ChainMatchError
from app.extensions import db

log = logging.getLogger(__name__)


def _page(status: int, message: str):
    return render_template("errors.html", status=status, message=message), status


def init_app(app) -> None:
    """Map HTTP errors and domain exceptions to friendly pages."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if problems.is_api_request():
            return problems.from_http_exception(error)
        return _page(error.code or 500, error.description if error.code != 404 else _("This page does not exist."))

    @app.errorhandler(ChainMatchError)
    def domain_error(error: ChainMatchError):
        db.session.rollback()
        if problems.is_api_request():
            return problems.from_domain_error(error)
        return _page(error.status, error.message or _("This request cannot be completed."))

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        db.session.rollback()
        log.exception("unhandled error")
        if problems.is_api_request():
            return problems.server_error()
        return _page(500, _("Something went wrong on our side. The error has been logged."))

"""Error pages: every failure answers a page with a status, never a traceback (the API: a problem document)."""
import logging

import sqlalchemy as sa
from flask import g, render_template
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import HTTPException

from app.api import problems
from app.errors import ChainMatchError
from app.extensions import db, login_manager

log = logging.getLogger(__name__)
DATABASE_RETRY_SECONDS = 30


def _page(status: int, message: str):
    return render_template("errors.html", status=status, message=message), status


def _rollback() -> None:
    """Roll back the request's transaction; a dead connection must not turn the error page into another error."""
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        db.session.close()


def database_unavailable(error: Exception) -> bool:
    """True for errors that say the database cannot be reached right now (down, restarting, pool exhausted)."""
    return isinstance(error, (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)) or bool(
        getattr(error, "connection_invalidated", False))


def init_app(app) -> None:
    """Map HTTP errors and domain exceptions to friendly pages."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if problems.is_api_request():
            return problems.from_http_exception(error)
        return _page(error.code or 500, error.description if error.code != 404 else _("This page does not exist."))

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(error: RateLimitExceeded):
        if problems.is_api_request():
            return problems.from_http_exception(error)
        return _page(429, _("Too many attempts from your address. Please wait a little and try again."))

    @app.errorhandler(ChainMatchError)
    def domain_error(error: ChainMatchError):
        db.session.rollback()
        if problems.is_api_request():
            return problems.from_domain_error(error)
        return _page(error.status, error.message or _("This request cannot be completed."))

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        _rollback()
        if database_unavailable(error):
            log.warning("database unavailable: %s", error)
            g._login_user = login_manager.anonymous_user()  # the page must not ask the database who is signed in
            page, status = _page(503, _("The site is briefly unavailable. Please try again in a minute."))
            return page, status, {"Retry-After": str(DATABASE_RETRY_SECONDS)}
        log.exception("unhandled error")
        if problems.is_api_request():
            return problems.server_error()
        return _page(500, _("Something went wrong on our side. The error has been logged."))

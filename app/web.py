"""Site-wide web plumbing: home page, locale, login loader, security headers, template helpers."""
from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale, refresh
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.extensions import login_manager
from app.i18n import normalize_locale
from app.reports import bar_chart
from app.services import accounts, directory, notifications, permissions
from app.services.accounts import load_session_user
from app.webforms import label, localized, run_service, safe_next

bp = Blueprint("web", __name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


@bp.get("/")
def index():
    """Show the home page: industries, latest needs, exemplary cases."""
    return render_template("index.html", industries=directory.industries(), needs=directory.latest_needs(),
                           cases=directory.exemplary_cases())


@bp.post("/language/<code>")
def set_language(code: str):
    """Switch the interface language: remembered on the account when signed in, else in the session."""
    locale = normalize_locale(code)
    if locale is not None:
        session["locale"] = locale
        if current_user.is_authenticated:
            run_service(None, accounts.set_locale, current_user, locale)
    return redirect(safe_next(url_for("web.index")))


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL and a busy timeout so several workers can share the SQLite file."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def init_app(app) -> None:
    """Register the login loader, headers, template globals and SQLite pragmas."""
    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_session_user)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure and app.config["HSTS_SECONDS"]:
            response.headers.setdefault("Strict-Transport-Security",
                                        f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains")
        return response

    @app.before_request
    def refuse_nul_characters():
        """NUL never belongs in a URL or a form (and PostgreSQL refuses it in text): a 400, not a 500 later."""
        values = [request.path, *request.args.values(), *request.form.values()]
        if any("\x00" in value for value in values):
            abort(400, _l("The request contains a character that is not allowed (NUL)."))

    @app.before_request
    def remember_locale():
        # Flask-Babel caches the locale on `g`, which outlives a request when an app context was
        # already pushed (tests, scripts): choose afresh for every request.
        refresh()
        g.locale = str(get_locale())

    app.jinja_env.globals.update(perm=permissions, bar_chart=bar_chart,
                                 unread_notifications=lambda: notifications.unread_count(current_user))
    app.jinja_env.filters.update(localized=localized, label=label)

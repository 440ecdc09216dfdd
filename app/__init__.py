"""ChainMatch: the Flask application factory."""
import os
import secrets
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import api, cli, errorpages, i18n, indexing, web
from app.accounts.views import bp as accounts_bp
from app.admin.views import bp as admin_bp
from app.campaigns.views import bp as campaigns_bp
from app.cases.views import bp as cases_bp
from app.catalog.views import bp as catalog_bp
from app.config import Config, instance_defaults
from app.extensions import babel, csrf, db, limiter, login_manager, migrate
from app.matches.views import bp as matches_bp
from app.needs.views import bp as needs_bp
from app.programmes.views import bp as programmes_bp
from app.guidelines.views import bp as guidelines_bp
from app.pilots.views import bp as pilots_bp
from app.providers.views import bp as providers_bp
from app.search.views import bp as search_bp

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Create and configure the application; `config` overrides (tests)."""
    app = Flask(__name__, instance_relative_config=True, static_folder=str(ROOT / "static"))
    app.config.from_object(Config)
    for key, value in instance_defaults(app.instance_path).items():
        app.config[key] = app.config.get(key) or value
    app.config["CATALOG_DIR"] = str(ROOT / "catalogs")
    app.config.update(config or {})
    os.makedirs(app.instance_path, exist_ok=True)
    app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or _instance_secret(app.instance_path)
    storage = app.config.get("RATELIMIT_STORAGE_URI") or app.config["REDIS_URL"] or "memory://"
    app.config["RATELIMIT_STORAGE_URI"] = storage
    _secure_defaults(app)

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    limiter.init_app(app)
    indexing.init_app(app)
    web.init_app(app)
    i18n.init_app(app)
    errorpages.init_app(app)

    app.register_blueprint(web.bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(catalog_bp)
    app.register_blueprint(needs_bp)
    app.register_blueprint(providers_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(campaigns_bp)
    app.register_blueprint(matches_bp)
    app.register_blueprint(programmes_bp)
    app.register_blueprint(pilots_bp)
    app.register_blueprint(guidelines_bp)
    api.init_app(app)  # the /api/v1 blueprints, listed in app/api/__init__.py
    cli.init_app(app)
    return app


def _secure_defaults(app: Flask) -> None:
    """Secure cookies unless in debug/testing/dev mode; trust PROXY_HOPS reverse proxies for address and scheme."""
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = not (app.debug or app.testing or app.config["DEV_SECRET_ALLOWED"])
    if app.config["REMEMBER_COOKIE_SECURE"] is None:
        app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    if hops := app.config["PROXY_HOPS"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _instance_secret(instance_path: str) -> str:
    """Return a per-installation secret kept in the instance folder (created once, never committed)."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()

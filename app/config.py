"""Configuration, read from the environment in one place."""
import os
from pathlib import Path


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings for every environment; values come from environment variables."""

    SECRET_KEY = os.environ.get("SECRET_KEY")  # create_app refuses to run without one outside dev/test
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # default: SQLite in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    REDIS_URL = os.environ.get("REDIS_URL")
    ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL")
    ELASTICSEARCH_KNN = _bool("ELASTICSEARCH_KNN", True)  # false: keyword-only (servers without dense_vector)
    EMBEDDING_MODEL = os.environ.get("EMBEDDING_MODEL")  # a local model directory; default: bundled MiniLM
    EMBEDDING_BACKEND = os.environ.get("EMBEDDING_BACKEND", "torch")  # or "onnx" (int8, exported locally)
    INDEX_DIR = os.environ.get("INDEX_DIR")  # default: <instance>/index
    # "inline": drain the outbox right after each commit (development);
    # "worker": leave it to `flask index worker` (production).
    INDEXING = os.environ.get("CHAINMATCH_INDEXING", "inline")
    MAIL_SERVER = os.environ.get("MAIL_SERVER")  # unset: mail is written to the log
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_FROM = os.environ.get("MAIL_FROM", "noreply@chainmatch.local")
    BABEL_DEFAULT_LOCALE = "en"
    LANGUAGES = ("en", "zh_Hans")  # the catalogues in translations/ (app/i18n.py)
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent.parent / "translations")
    BABEL_DEFAULT_TIMEZONE = os.environ.get("TIMEZONE", "Asia/Shanghai")  # dates are stored in UTC, shown in this
    PAGE_SIZE = 20
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "10 per minute")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None
    PASSWORD_RESET_HOURS = 2
    DEV_SECRET_ALLOWED = _bool("FLASK_DEBUG") or _bool("CHAINMATCH_DEV")


def instance_defaults(instance_path: str) -> dict:
    """Return defaults that depend on the instance folder."""
    instance = Path(instance_path)
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'chainmatch.sqlite3'}",
        "INDEX_DIR": str(instance / "index"),
    }

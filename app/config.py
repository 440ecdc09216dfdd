"""Configuration, read from the environment in one place."""
import os
from pathlib import Path


def _bool(name: str, default: bool | None = False) -> bool | None:
    value = os.environ.get(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings for every environment; values come from environment variables."""

    SECRET_KEY = os.environ.get("SECRET_KEY")  # create_app refuses to run without one outside dev/test
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # default: SQLite in the instance folder
    # pre_ping: a connection the database dropped (restart, failover) is replaced, not handed to a request
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL")
    ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL")
    ELASTICSEARCH_KNN = _bool("ELASTICSEARCH_KNN", True)  # false: keyword-only (servers without dense_vector)
    EMBEDDING_MODEL = os.environ.get("EMBEDDING_MODEL")  # a local model directory; default: bundled MiniLM
    # "onnx": the model exported locally to ONNX and int8-quantised (5x faster per query, same quality on
    # catalogs/eval/dev-labels.json); "torch": sentence-transformers as published.
    EMBEDDING_BACKEND = os.environ.get("EMBEDDING_BACKEND", "onnx")
    # Where the ONNX export is made once and kept (per model); default: <INDEX_DIR>/onnx. Several sites
    # (or test runs) on one machine may share one.
    EMBEDDING_EXPORT_DIR = os.environ.get("EMBEDDING_EXPORT_DIR")
    # The bundled model reads English only: Chinese text reaches it (and the keyword index's word table)
    # through the domain glossary matching/data/glossary_zh_en.tsv. Off for a multilingual EMBEDDING_MODEL.
    EMBEDDING_GLOSSARY = _bool("EMBEDDING_GLOSSARY", True)
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
    # A match at or above this score counts: it covers a need (programmes) and a need without one is a gap.
    MATCH_SCORE_FLOOR = float(os.environ.get("MATCH_SCORE_FLOOR", "0.75"))
    # Providers' track records (from the outcomes of the match lists shown) in the re-ranking; 0 turns it off.
    MATCHING_TRACK_RECORD = _bool("MATCHING_TRACK_RECORD", True)
    # Rate limits (Flask-Limiter syntax) per client address on the POSTs that guess or spam; storage is
    # REDIS_URL when set (shared by every worker), else memory (per process).
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "10 per minute")
    RATELIMIT_REGISTER = os.environ.get("RATELIMIT_REGISTER", "5 per hour")
    RATELIMIT_RESET = os.environ.get("RATELIMIT_RESET", "5 per hour")
    RATELIMIT_API = os.environ.get("RATELIMIT_API", "300 per minute")  # per API token, or per address without one
    RATELIMIT_HEADERS_ENABLED = True  # Retry-After on a 429
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True  # Redis down: limit per process rather than fail the request
    RATELIMIT_KEY_PREFIX = "chainmatch"
    # Cookies: HttpOnly, SameSite=Lax, and Secure unless the app runs in debug/testing/dev mode
    # (None = decided by create_app; set SESSION_COOKIE_SECURE=0 to serve plain http in production).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", None)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = None  # follows SESSION_COOKIE_SECURE
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000"))  # sent on https responses only
    PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "0"))  # reverse proxies in front: trust X-Forwarded-For/Proto
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

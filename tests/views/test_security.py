"""Security plumbing: cookie flags, HSTS, rate limits (memory and Redis storage), CSRF on every POST route."""
import uuid

import pytest
import sqlalchemy as sa
from werkzeug.routing import AnyConverter, IntegerConverter

from app import create_app
from app.extensions import db as _db
from app.services import accounts as accounts_service
from app.services import search as search_service
from tests.conftest import PASSWORD, app_for_tests

pytestmark = pytest.mark.usefixtures("view_app")
REDIS_URL = "redis://127.0.0.1:6379/15"


def _set_cookie(response, name: str) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}="))


@pytest.mark.parametrize(("overrides", "secure"), [
    ({"TESTING": False}, True),  # production: Secure
    ({"TESTING": True}, False),  # tests and `make run` (CHAINMATCH_DEV) serve plain http
    ({"TESTING": False, "SESSION_COOKIE_SECURE": False}, False),  # explicit opt-out
])
def test_session_cookie_flags(database_url, tmp_path, overrides, secure, make_user):
    user = make_user()
    with app_for_tests(database_url, tmp_path / "other", **overrides) as app:
        assert app.config["REMEMBER_COOKIE_SECURE"] is secure
        assert app.config["REMEMBER_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
        response = app.test_client().post("/login", base_url="https://localhost",
                                          data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        cookie = _set_cookie(response, "session")
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert ("Secure" in cookie) is secure


def test_hsts_is_sent_over_https_only(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    hsts = client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"]
    assert hsts.startswith("max-age=31536000")


def test_behind_a_proxy_the_forwarded_scheme_counts(database_url, tmp_path):
    with app_for_tests(database_url, tmp_path, PROXY_HOPS=1) as app:
        response = app.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
        assert "Strict-Transport-Security" in response.headers


# ---- rate limits -------------------------------------------------------------------------------------------

LIMITED = [  # (setting, path, form data)
    ("RATELIMIT_LOGIN", "/login", {"email": "nobody@example.com", "password": "wrong password!"}),
    ("RATELIMIT_REGISTER", "/register", {"email": "not an address", "name": "x", "password": "short"}),
    ("RATELIMIT_RESET", "/reset", {"email": "nobody@example.com"}),
    ("RATELIMIT_RESET", "/reset/not-a-real-token", {"password": "long enough pw", "confirm": "long enough pw"}),
]


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    for key in client.scan_iter("*chainmatch*"):
        client.delete(key)
    return client


@pytest.fixture(params=["memory", "redis"])
def limited_app(request, database_url, tmp_path):
    """The app with limits of 2 per minute, storing counts in memory or in Redis (REDIS_URL)."""
    storage = {"RATELIMIT_STORAGE_URI": "memory://"}
    if request.param == "redis":
        redis = _redis_or_skip()
        storage = {"REDIS_URL": REDIS_URL, "RATELIMIT_STORAGE_URI": None}
    with app_for_tests(database_url, tmp_path, **storage) as app:
        app.config.update(RATELIMIT_LOGIN="2 per minute", RATELIMIT_REGISTER="2 per minute",
                          RATELIMIT_RESET="2 per minute")
        yield app
    if request.param == "redis":
        assert list(redis.scan_iter("*chainmatch*")), "the counters should have been kept in Redis"


@pytest.mark.parametrize(("setting", "path", "data"), LIMITED)
def test_repeated_posts_get_a_friendly_429_page(limited_app, setting, path, data):
    client = limited_app.test_client()
    for _attempt in range(2):
        assert client.post(path, data=data).status_code in (200, 302)
    response = client.post(path, data=data)
    assert response.status_code == 429
    assert b"Too many attempts from your address" in response.data and b"<h1" in response.data
    assert int(response.headers["Retry-After"]) > 0
    assert client.get(path).status_code == 200  # reading the form is never limited


def test_both_reset_forms_share_one_counter(limited_app):
    client = limited_app.test_client()
    client.post("/reset", data={"email": "a@example.com"})
    client.post("/reset/some-token", data={"password": "long enough pw", "confirm": "long enough pw"})
    assert client.post("/reset", data={"email": "a@example.com"}).status_code == 429


def test_workers_sharing_redis_share_the_count(database_url, tmp_path):
    """Two app processes (gunicorn workers) on one Redis: the limit holds across them."""
    _redis_or_skip()
    with app_for_tests(database_url, tmp_path / "a", REDIS_URL=REDIS_URL, RATELIMIT_STORAGE_URI=None) as first:
        first.config["RATELIMIT_LOGIN"] = "2 per minute"
        second = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": database_url,
                             "INDEX_DIR": str(tmp_path / "b"), "REDIS_URL": REDIS_URL, "SERVER_NAME": "localhost",
                             "WTF_CSRF_ENABLED": False, "RATELIMIT_LOGIN": "2 per minute"})
        data = {"email": "nobody@example.com", "password": "wrong password!"}
        for _attempt in range(2):
            first.test_client().post("/login", data=data)
        assert second.test_client().post("/login", data=data).status_code == 429


def test_a_redis_outage_does_not_break_sign_in(database_url, tmp_path, make_user):
    user = make_user()
    with app_for_tests(database_url, tmp_path / "down", RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/15") as app:
        response = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302


# ---- CSRF: every POST route of the app, found in the URL map --------------------------------------------

def _post_rules():
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    # /api/v1 authenticates by bearer token, never by cookie, so CSRF does not apply there
    # (tests/api/test_csrf_exempt.py); every other POST route of the site is covered.
    return sorted((rule for rule in app.url_map.iter_rules()
                   if "POST" in rule.methods and not rule.rule.startswith("/api/")), key=lambda r: r.rule)


POST_RULES = [(rule.endpoint, rule.rule) for rule in _post_rules()]


def test_the_url_map_has_the_known_post_routes():
    endpoints = {endpoint for endpoint, _rule in POST_RULES}
    assert {"accounts.login", "needs.new", "needs.set_status", "search.save", "cases.publish"} <= endpoints


@pytest.fixture
def csrf_app(database_url, tmp_path):
    with app_for_tests(database_url, tmp_path, WTF_CSRF_ENABLED=True) as app:
        yield app


def _table_counts() -> dict[str, int]:
    return {table.name: _db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in _db.metadata.sorted_tables}


def _url_for_rule(app, endpoint: str, world: dict) -> list[str]:
    """URLs for a rule, its placeholders filled with real records (every choice of an `any` converter)."""
    rule = next(r for r in app.url_map.iter_rules(endpoint) if "POST" in r.methods)
    values = [{}]
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            choices = converter.items
        elif isinstance(converter, IntegerConverter):
            choices = [world["ids"].get(name, 1)]
        else:
            choices = [world["slugs"].get(rule.rule.split("/")[1], world["slugs"]["needs"]) if name == "slug"
                       else world.get(name, "x")]
        values = [{**v, name: choice} for v in values for choice in choices]
    with app.test_request_context():
        from flask import url_for
        return [url_for(endpoint, **v) for v in values]


@pytest.mark.parametrize(("endpoint", "rule"), POST_RULES)
def test_every_post_route_refuses_a_request_without_the_csrf_token(csrf_app, endpoint, rule, admin, need, solution,
                                                                    product, case, match):
    client = csrf_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/login", data={"email": admin.email, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    saved = search_service.save_search(admin, "strip", search_service.MultiDict({"q": "strip"}))
    world = {"slugs": {"needs": need.slug, "solutions": solution.slug, "products": product.slug, "cases": case.slug,
                       "providers": solution.provider.slug},
             "ids": {"match_id": match.id, "saved_id": saved.id},
             "token": accounts_service.request_password_reset(admin.email)}
    before = _table_counts()
    for url in _url_for_rule(csrf_app, endpoint, world):
        response = client.post(url, data={"title": f"Sneaky {uuid.uuid4().hex}", "name": "Sneaky", "email": "x@y.z",
                                          "password": "sneaky password", "confirm": "sneaky password"})
        assert response.status_code == 400, url
        assert b"CSRF" in response.data
    assert _table_counts() == before

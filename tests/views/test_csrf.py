"""With CSRF protection on (as in production), a POST without a token is refused and writes nothing."""
import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db as _db
from app.models import Need
from app.services.catalog import load_catalogs
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("view_app")


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": database_url,
        "INDEX_DIR": str(tmp_path / "index"), "RATELIMIT_STORAGE_URI": "memory://", "SERVER_NAME": "localhost",
        "WTF_CSRF_ENABLED": True,
    })
    with app.app_context():
        _db.create_all()
        load_catalogs(None, app.config["CATALOG_DIR"])
        yield app
        _db.session.remove()
        _db.engine.dispose()


def _token(client, path):
    page = client.get(path).get_data(as_text=True)
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


def test_login_without_a_token_is_refused(client, enterprise):
    response = client.post("/login", data={"email": enterprise.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/needs/mine").status_code == 302  # not signed in


def _login(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": _token(client, "/login")})
    assert response.status_code == 302


def test_new_need_without_a_token_is_refused(client, enterprise, db):
    _login(client, enterprise)
    response = client.post("/needs/new", data={"title": "Sneaky", "description": "x", "industry": "steel"})
    assert response.status_code == 400
    assert db.session.scalars(sa.select(Need)).all() == []


def test_pages_carry_the_token_in_every_post_form(client, enterprise, need):
    _login(client, enterprise)
    page = client.get(f"/needs/{need.slug}").get_data(as_text=True)
    assert page.count('<form method="post"') == page.count('name="csrf_token"')


def test_language_switch_without_a_token_changes_nothing(client, enterprise, db):
    _login(client, enterprise)
    assert client.post("/language/zh_Hans").status_code == 400
    db.session.refresh(enterprise)
    assert enterprise.locale is None
    token = _token(client, "/profile")
    assert client.post("/language/zh_Hans", data={"csrf_token": token}).status_code == 302
    db.session.refresh(enterprise)
    assert enterprise.locale == "zh_Hans"

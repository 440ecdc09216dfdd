"""Who may open which page: every route, for anonymous visitors and each role."""
import pytest

from app.services import cases as cases_service

pytestmark = pytest.mark.usefixtures("view_app")


@pytest.fixture
def world(need, draft, solution, product, published_case, other_provider, official, admin, enterprise, provider):
    """Records and users every route below refers to, by placeholder name."""
    second_case = cases_service.submit_case(provider, title="Unpublished case", client="A client", industry="steel",
                                            scenarios=[], summary="s", results="r", year=None, solution=None)
    return {
        "slugs": {"need": need.slug, "draft": draft.slug, "solution": solution.slug, "product": product.slug,
                  "case": second_case.slug, "published": published_case.slug, "org": provider.organization.slug,
                  "enterprise_org": enterprise.organization.slug},
        "users": {"enterprise": enterprise, "provider": provider, "other_provider": other_provider,
                  "official": official, "admin": admin},
    }


PUBLIC_PAGES = [
    "/", "/industries", "/industries/steel", "/scenarios/quality-inspection", "/standards",
    "/standards?industry=steel", "/providers", "/providers?industry=steel&size=small&q=vision", "/providers/{org}",
    "/solutions/{solution}", "/products/{product}", "/cases", "/cases?exemplary=y&industry=steel",
    "/cases/{published}", "/needs", "/needs?industry=steel&region=Hebei&q=strip", "/needs/{need}", "/register",
    "/login", "/reset", "/reset/not-a-real-token", "/industries/steel/exemplary-cases",
    "/scenarios/strip-surface-defect-detection/exemplary-cases",
]
MISSING_PAGES = [
    "/needs/{draft}", "/cases/{case}", "/industries/atlantis", "/scenarios/atlantis", "/providers/{enterprise_org}",
    "/solutions/atlantis", "/products/atlantis", "/needs/atlantis", "/industries/atlantis/exemplary-cases",
    "/scenarios/atlantis/exemplary-cases",
]
PROTECTED_PAGES = [
    "/profile", "/needs/mine", "/needs/new", "/needs/{need}/edit", "/providers/{org}/edit", "/solutions/new",
    "/solutions/{solution}/edit", "/products/new", "/products/{product}/edit", "/cases/new", "/cases/{case}/edit",
    "/cases/review", "/admin/audit", "/cases/{case}/review", "/catalog/manage", "/catalog/manage/standards",
    "/catalog/manage/scenarios/new", "/catalog/manage/scenarios/quality-inspection/edit",
    "/catalog/manage/categories/edge-ai-computer/merge", "/catalog/history",
    "/cases/review", "/admin/audit", "/admin/dashboard", "/matches", "/programmes", "/programmes/new",
]
PROTECTED_ACTIONS = [
    "/needs/{need}/close", "/needs/{draft}/publish", "/needs/{need}/reopen", "/needs/{need}/matches/1/mark",
    "/solutions/{solution}/delete", "/products/{product}/delete", "/cases/{case}/publish", "/profile/password",
    "/cases/{case}/assign", "/cases/{case}/score", "/cases/{case}/decide", "/cases/{case}/exemplary",
    "/catalog/manage/scenarios/quality-inspection/retire", "/catalog/manage/scenarios/quality-inspection/merge",
    "/matches/1/advance",
]
ROLE_PAGES = [
    ("enterprise", "/profile", 200), ("enterprise", "/needs/mine", 200), ("enterprise", "/needs/new", 200),
    ("enterprise", "/needs/{need}/edit", 200), ("enterprise", "/needs/{draft}", 200),
    ("enterprise", "/needs/{draft}/edit", 200), ("enterprise", "/cases/{case}", 404),
    ("enterprise", "/solutions/{solution}/edit", 403), ("enterprise", "/providers/{org}/edit", 403),
    ("enterprise", "/cases/review", 403), ("enterprise", "/admin/audit", 403),
    ("provider", "/providers/{org}/edit", 200), ("provider", "/solutions/new", 200), ("provider", "/products/new", 200),
    ("provider", "/solutions/{solution}/edit", 200), ("provider", "/products/{product}/edit", 200),
    ("provider", "/solutions/{solution}", 200), ("provider", "/cases/new", 200), ("provider", "/cases/{case}", 200),
    ("provider", "/cases/{case}/edit", 200), ("provider", "/needs/{draft}", 404), ("provider", "/needs/{need}/edit", 403),
    ("provider", "/needs/mine", 403), ("provider", "/cases/review", 403), ("provider", "/admin/audit", 403),
    ("other_provider", "/solutions/{solution}/edit", 403), ("other_provider", "/products/{product}/edit", 403),
    ("other_provider", "/providers/{org}/edit", 403), ("other_provider", "/cases/{case}", 404),
    ("other_provider", "/cases/{case}/edit", 404), ("other_provider", "/cases/{published}/edit", 403),
    ("official", "/cases/review", 200), ("official", "/cases/{case}", 200), ("official", "/cases/{case}/edit", 403),
    ("official", "/cases/{case}/review", 200),
    ("official", "/cases/review?industry=steel&older_than=3&reviewer=none", 200),
    ("official", "/catalog/manage", 200), ("official", "/catalog/manage/standards?industry=steel", 200),
    ("official", "/catalog/manage?industry=cross", 200), ("official", "/catalog/history", 200),
    ("official", "/catalog/manage/categories/new", 200), ("official", "/catalog/manage/standards/new", 200),
    ("official", "/catalog/manage/scenarios/quality-inspection/edit", 200),
    ("official", "/catalog/manage/scenarios/quality-inspection/merge", 200),
    ("official", "/catalog/manage/atlantis", 404),
    ("provider", "/cases/{case}/review", 403), ("provider", "/catalog/manage", 403),
    ("provider", "/catalog/history", 403),
    ("enterprise", "/catalog/manage/scenarios/new", 403), ("enterprise", "/cases/{published}/review", 403),
    ("official", "/needs/{draft}", 200), ("official", "/solutions/{solution}/edit", 200),
    ("official", "/admin/audit", 403),
    ("admin", "/admin/audit", 200), ("admin", "/cases/review", 200), ("admin", "/catalog/manage/categories", 200),
    ("admin", "/admin/audit", 200), ("admin", "/cases/review", 200),
    ("enterprise", "/admin/dashboard", 403), ("provider", "/admin/dashboard", 403), ("official", "/admin/dashboard", 200),
    ("admin", "/admin/dashboard", 200), ("enterprise", "/matches", 200), ("provider", "/matches", 200),
    ("enterprise", "/programmes", 200), ("provider", "/programmes", 200), ("official", "/programmes", 200),
    ("enterprise", "/programmes/new", 200), ("official", "/programmes/new", 200), ("provider", "/programmes/new", 403),
]


def _url(world, template):
    return template.format(**world["slugs"])


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_answers_anonymous_visitors(client, world, path):
    response = client.get(_url(world, path))
    assert response.status_code == 200
    assert b"<h1" in response.data


@pytest.mark.parametrize("path", MISSING_PAGES)
def test_missing_or_private_record_answers_not_found(client, world, path):
    assert client.get(_url(world, path)).status_code == 404


@pytest.mark.parametrize("path", PROTECTED_PAGES)
def test_protected_page_sends_anonymous_visitors_to_sign_in(client, world, path):
    response = client.get(_url(world, path))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("path", PROTECTED_ACTIONS)
def test_protected_action_sends_anonymous_visitors_to_sign_in(client, world, path):
    response = client.post(_url(world, path))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(("who", "path", "status"), ROLE_PAGES)
def test_role_sees_what_it_may(client, auth, world, who, path, status):
    auth.login(world["users"][who])
    assert client.get(_url(world, path)).status_code == status


def test_logout_only_answers_post(client):
    assert client.get("/logout").status_code == 405


def test_pages_forbid_inline_scripts(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert b"<script" not in response.data and b"style=" not in response.data

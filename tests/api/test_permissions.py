"""Object-level authorisation over every API operation on non-public objects (another enterprise's draft need,
an unpublished case) and on provider-owned records: each role gets exactly what the site's services allow."""
import pytest

from app.models import TokenScope
from tests.api.conftest import bearer

NEED = {"title": "Posted over the API", "description": "d", "industry": "steel"}
SOLUTION = {"title": "Listed over the API", "summary": "s", "description": "d"}
PRODUCT = {"name": "Listed over the API", "description": "d"}
CASE = {"title": "Submitted over the API", "client": "c", "industry": "steel", "summary": "s", "results": "r"}

# (name, method, path, body); destructive operations last: they run in this order on one world per role.
OPERATIONS = [
    ("read draft", "GET", "/api/v1/needs/{draft}", None),
    ("list drafts", "GET", "/api/v1/needs?status=draft", None),
    ("match draft", "POST", "/api/v1/match", "draft_match"),
    ("read case", "GET", "/api/v1/cases/{case}", None),
    ("list cases", "GET", "/api/v1/cases", None),
    ("create need", "POST", "/api/v1/needs", NEED),
    ("create solution", "POST", "/api/v1/solutions", SOLUTION),
    ("create product", "POST", "/api/v1/products", PRODUCT),
    ("create case", "POST", "/api/v1/cases", CASE),
    ("edit draft", "PATCH", "/api/v1/needs/{draft}", {"title": "Changed"}),
    ("edit case", "PATCH", "/api/v1/cases/{case}", {"title": "Changed"}),
    ("edit solution", "PATCH", "/api/v1/solutions/{solution}", {"title": "Changed"}),
    ("edit product", "PATCH", "/api/v1/products/{product}", {"name": "Changed"}),
    ("delete draft", "DELETE", "/api/v1/needs/{draft}", None),
    ("delete case", "DELETE", "/api/v1/cases/{case}", None),
    ("delete solution", "DELETE", "/api/v1/solutions/{solution}", None),
    ("delete product", "DELETE", "/api/v1/products/{product}", None),
]
ALL_WRITES = {"create need", "create solution", "create product", "create case", "edit draft", "edit case",
              "edit solution", "edit product", "delete draft", "delete case", "delete solution", "delete product"}


def _expect(anonymous=(), hidden=(), forbidden=(), created=(), edited=(), deleted=()) -> dict:
    """Expected answers; list operations answer 200 and say whether the private record is "listed"."""
    table = {}
    for names, status in ((anonymous, 401), (hidden, 404), (forbidden, 403), (created, 201), (edited, 200),
                          (deleted, 204)):
        table.update(dict.fromkeys(names, status))
    return table


EXPECTED = {
    "anonymous": _expect(anonymous=ALL_WRITES, hidden={"read draft", "match draft", "read case"}),
    "enterprise": _expect(
        hidden={"read case", "edit case", "delete case"}, created={"create need"},
        forbidden={"create solution", "create product", "create case", "edit solution", "edit product",
                   "delete solution", "delete product"},
        edited={"read draft", "match draft", "edit draft"}, deleted={"delete draft"}),
    "provider": _expect(
        hidden={"read draft", "match draft", "edit draft", "delete draft"}, forbidden={"create need"},
        created={"create solution", "create product", "create case"},
        edited={"read case", "edit case", "edit solution", "edit product"},
        deleted={"delete case", "delete solution", "delete product"}),
    "other_provider": _expect(
        hidden={"read draft", "match draft", "edit draft", "delete draft", "read case", "edit case", "delete case"},
        forbidden={"create need", "edit solution", "edit product", "delete solution", "delete product"},
        created={"create solution", "create product", "create case"}),
    # Officials review case studies but never edit or withdraw them (only the provider's members do).
    "official": _expect(
        forbidden={"create need", "create solution", "create product", "create case", "edit case", "delete case"},
        edited={"read draft", "match draft", "read case", "edit draft", "edit solution", "edit product"},
        deleted={"delete draft", "delete solution", "delete product"}),
}
EXPECTED["admin"] = EXPECTED["official"]
LISTED = {"anonymous": set(), "enterprise": {"list drafts"}, "provider": {"list cases"}, "other_provider": set(),
          "official": {"list drafts", "list cases"}, "admin": {"list drafts", "list cases"}}


@pytest.fixture
def world(unindexed, enterprise, provider, other_provider, official, admin, draft, unpublished_case, solution,
          product):
    users = {"enterprise": enterprise, "provider": provider, "other_provider": other_provider, "official": official,
             "admin": admin}
    slugs = {"draft": draft.slug, "case": unpublished_case.slug, "solution": solution.slug, "product": product.slug}
    return users, slugs, {"draft_match": {"need_id": draft.id}}


def _run(client, headers, slugs, bodies) -> dict:
    """Call every operation; return {operation: status} ("listed" for a list that shows the private record)."""
    seen = {}
    for name, method, path, body in OPERATIONS:
        response = client.open(path.format(**slugs), method=method, headers=headers,
                               json=bodies[body] if isinstance(body, str) else body)
        if name.startswith("list "):
            private = slugs["draft" if "draft" in name else "case"]
            seen[name] = "listed" if private in [r["slug"] for r in response.get_json()] else response.status_code
        else:
            seen[name] = response.status_code
            if response.status_code >= 400:
                assert response.content_type == "application/problem+json"
    return seen


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_gets_exactly_what_the_services_allow(client, world, role):
    users, slugs, bodies = world
    headers = bearer(users[role]) if role in users else {}
    expected = {name: EXPECTED[role].get(name, 200) for name, *_rest in OPERATIONS}
    expected.update(dict.fromkeys(LISTED[role], "listed"))
    assert _run(client, headers, slugs, bodies) == expected


@pytest.mark.parametrize("role", ["enterprise", "provider", "official"])
def test_read_tokens_never_write(client, world, role):
    users, slugs, bodies = world
    seen = _run(client, bearer(users[role], TokenScope.READ), slugs, bodies)
    assert {name: seen[name] for name in ALL_WRITES} == dict.fromkeys(ALL_WRITES, 403)

"""The object-level authorisation matrix: every HTML route that reads or changes a non-public object, against
every role. An allowed role sees the object (or changes it); every other role is refused (sign-in, 403 or 404)
or served a page of its own, and in both cases the object's data is absent and nothing changed."""
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.models import (
    CaseReviewState,
    CaseStudy,
    Match,
    Need,
    NeedStatus,
    Notification,
    OpenScenario,
    PilotVisibility,
    Product,
    Programme,
    Proposal,
    SavedSearch,
    Solution,
)
from app.services import cases as cases_service
from app.services import pilots as pilots_service
from app.services import programmes as programmes_service
from app.services import search as search_service
from tests.views.conftest import post_need

pytestmark = pytest.mark.usefixtures("view_app")

ROLES = ("anonymous", "enterprise", "other_enterprise", "provider", "other_provider", "official", "admin")
OFFICIALS = {"official", "admin"}
NEED_OWNERS = {"enterprise"} | OFFICIALS
OFFER_OWNERS = {"provider"} | OFFICIALS
SECRETS = {"draft": "SECRET-DRAFT-7f3a", "case": "SECRET-CASE-91bd", "saved": "SECRET-SAVED-55e1",
           "note": "SECRET-NOTE-2c4d", "pilot": "SECRET-PILOT-8e0b"}
# A programme the enterprise leads, with the provider as its solution partner, and a programme-only scenario.
PILOT_READERS = {"enterprise", "provider"} | OFFICIALS


@pytest.fixture
def world(make_user, need, enterprise, provider, solution, product, match, other_provider, official, admin):
    """The private records (drafts, an unpublished case, a saved search, a notification) and one user per role."""
    draft = post_need(enterprise, publish=False, title=f"Draft {SECRETS['draft']} predict converter endpoint")
    case = cases_service.submit_case(provider, title=f"Case {SECRETS['case']}", client="A client", industry="steel",
                                     scenarios=[], summary="Private summary", results="r", year=None, solution=None)
    saved = search_service.save_search(enterprise, f"Search {SECRETS['saved']}",
                                       search_service.MultiDict({"q": "strip"}))
    _db.session.add(Notification(user_id=enterprise.id, message=f"Note {SECRETS['note']}", url="/"))
    _db.session.commit()
    programme = programmes_service.create_programme(enterprise, name="Strip chain", industry="steel")
    programmes_service.add_partner(enterprise, programme, provider.organization.slug)
    pilot = pilots_service.open_scenario(
        enterprise, title=f"Pilot {SECRETS['pilot']}", problem="Scale marks.", site="Line 2", data_access="",
        criteria=[{"name": "Fit", "weight": 100}], deadline=date.today() + timedelta(days=20), industry="steel",
        scenarios=[], visibility=PilotVisibility.PROGRAMME, programme=programme.slug)
    from app.models import UserRole
    return {
        "values": {"need": need.slug, "draft": draft.slug, "solution": solution.slug, "product": product.slug,
                   "case": case.slug, "org": provider.organization.slug, "match": match.id, "saved": saved.id,
                   "programme": programme.slug, "pilot": pilot.slug, "other_org": other_provider.organization.slug,
                   "solution_id": solution.id},
        "ids": {"need": need.id, "draft": draft.id, "solution": solution.id, "product": product.id,
                "case": case.id, "match": match.id, "saved": saved.id, "programme": programme.id, "pilot": pilot.id},
        "users": {"enterprise": enterprise, "other_enterprise": make_user(UserRole.ENTERPRISE), "provider": provider,
                  "other_provider": other_provider, "official": official, "admin": admin},
    }


def _get(model, ident):
    _db.session.expire_all()
    return _db.session.get(model, ident)


@dataclass
class Route:
    method: str
    path: str
    allowed: set[str]
    secret: str | None = None  # key of SECRETS: the object's data a refused role must not see
    own_page_for: set[str] = field(default_factory=set)  # roles served their own page (200) without the object
    unchecked: set[str] = field(default_factory=set)  # roles whose view of this route other tests cover
    data: dict = field(default_factory=dict)
    changed: object = None  # POST: ids -> whether the object was changed


ROUTES = {
    # reads
    "draft need": Route("GET", "/needs/{draft}", NEED_OWNERS, "draft"),
    "edit draft need": Route("GET", "/needs/{draft}/edit", NEED_OWNERS, "draft"),
    "edit open need": Route("GET", "/needs/{need}/edit", NEED_OWNERS),
    "my needs": Route("GET", "/needs/mine", {"enterprise"}, "draft", own_page_for={"other_enterprise"}),
    "unpublished case": Route("GET", "/cases/{case}", OFFER_OWNERS, "case"),
    # officials review case studies but never edit them (only the provider's members do)
    "edit unpublished case": Route("GET", "/cases/{case}/edit", {"provider"}, "case"),
    "case review queue": Route("GET", "/cases/review", OFFICIALS, "case"),
    "edit solution": Route("GET", "/solutions/{solution}/edit", OFFER_OWNERS),
    "edit product": Route("GET", "/products/{product}/edit", OFFER_OWNERS),
    "edit provider profile": Route("GET", "/providers/{org}/edit", OFFER_OWNERS),
    "audit log": Route("GET", "/admin/audit", {"admin"}, "draft"),
    "audit log csv": Route("GET", "/admin/audit?format=csv", {"admin"}, "draft"),
    "saved searches": Route("GET", "/searches", {"enterprise"}, "saved",
                            own_page_for=set(ROLES) - {"anonymous", "enterprise"}),
    "notifications": Route("GET", "/searches", {"enterprise"}, "note",
                           own_page_for=set(ROLES) - {"anonymous", "enterprise"}),
    "site search for a draft": Route("GET", "/search?q=converter+endpoint", set(), "draft",
                                     own_page_for={"anonymous", "other_enterprise", "provider", "other_provider"},
                                     unchecked=NEED_OWNERS),
    "site search for an unpublished case": Route("GET", "/search?q=Private+summary", set(), "case",
                                                 own_page_for={"anonymous", "enterprise", "other_enterprise",
                                                               "other_provider"}, unchecked=OFFER_OWNERS),
    "needs directory": Route("GET", "/needs?q=converter", set(), "draft", own_page_for=set(ROLES)),
    "programme-only pilot scenario": Route("GET", "/pilots/{pilot}", PILOT_READERS, "pilot"),
    "programme page": Route("GET", "/programmes/{programme}", PILOT_READERS, "pilot"),
    "pilot scenarios list": Route("GET", "/pilots", PILOT_READERS, "pilot", own_page_for=set(ROLES) - PILOT_READERS),
    "provider profile": Route("GET", "/providers/{org}", set(), "case", own_page_for=set(ROLES) - OFFER_OWNERS,
                              unchecked=OFFER_OWNERS),
    # changes
    "close need": Route("POST", "/needs/{need}/close", NEED_OWNERS,
                        changed=lambda ids: _get(Need, ids["need"]).status == NeedStatus.CLOSED),
    "publish draft": Route("POST", "/needs/{draft}/publish", NEED_OWNERS, "draft",
                           changed=lambda ids: _get(Need, ids["draft"]).status != NeedStatus.DRAFT),
    "edit need": Route("POST", "/needs/{need}/edit", NEED_OWNERS,
                       data={"title": "Hijacked title", "description": "Hijacked", "industry": "steel"},
                       changed=lambda ids: _get(Need, ids["need"]).title == "Hijacked title"),
    "mark match": Route("POST", "/needs/{need}/matches/{match}/mark", NEED_OWNERS, data={"mark": "interesting"},
                        changed=lambda ids: _get(Match, ids["match"]).mark is not None),
    "edit a pilot scenario": Route(
        "POST", "/pilots/{pilot}/edit", {"enterprise"},
        data={"title": "Hijacked pilot", "problem": "p", "site": "s", "criteria": "Fit: 100",
              "deadline": (date.today() + timedelta(days=30)).isoformat(), "industry": "steel"},
        changed=lambda ids: _get(OpenScenario, ids["pilot"]).title == "Hijacked pilot"),
    "propose for a programme-only pilot": Route(
        "POST", "/pilots/{pilot}/propose", {"provider"},
        data={"solution": "{solution_id}", "approach": "a", "team": "t", "timeline": "t", "price": "1"},
        changed=lambda ids: _db.session.scalar(sa.select(Proposal.id).where(
            Proposal.open_scenario_id == ids["pilot"])) is not None),
    "add a programme solution partner": Route(
        "POST", "/programmes/{programme}/partners", NEED_OWNERS, data={"provider": "{other_org}"},
        changed=lambda ids: len(_get(Programme, ids["programme"]).partners) == 2),
    "remove a programme solution partner": Route(
        "POST", "/programmes/{programme}/partners/{org}/remove", NEED_OWNERS,
        changed=lambda ids: _get(Programme, ids["programme"]).partners == []),
    "delete solution": Route("POST", "/solutions/{solution}/delete", OFFER_OWNERS,
                             changed=lambda ids: _get(Solution, ids["solution"]).deleted_at is not None),
    "delete product": Route("POST", "/products/{product}/delete", OFFER_OWNERS,
                            changed=lambda ids: _get(Product, ids["product"]).deleted_at is not None),
    "publish case": Route("POST", "/cases/{case}/publish", OFFICIALS, "case",
                          changed=lambda ids: _get(CaseStudy, ids["case"]).review_state == CaseReviewState.PUBLISHED),
    "delete saved search": Route("POST", "/searches/{saved}/delete", {"enterprise"}, "saved",
                                 changed=lambda ids: _get(SavedSearch, ids["saved"]) is None),
    "mark notifications read": Route("POST", "/notifications/read", {"enterprise"}, "note",
                                     own_page_for=set(ROLES) - {"anonymous", "enterprise"},
                                     changed=lambda ids: _db.session.scalar(
                                         sa.select(Notification.read_at).where(Notification.message.contains(
                                             SECRETS["note"]))) is not None),
}
CASES = [(name, role) for name in ROUTES for role in ROLES if role not in ROUTES[name].unchecked]


def _body(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_authorisation_matrix(client, auth, world, name, role):
    route = ROUTES[name]
    if role != "anonymous":
        assert auth.login(world["users"][role]).status_code == 302
    path = route.path.format(**world["values"])
    data = {key: value.format(**world["values"]) for key, value in route.data.items()}
    response = client.get(path) if route.method == "GET" else client.post(path, data=data)
    body = _body(response)
    secret = SECRETS.get(route.secret)
    allowed = role in route.allowed

    if allowed:
        assert response.status_code == (200 if route.method == "GET" else 302), body[:500]
        if route.method == "GET" and secret:
            assert secret in body
    elif role == "anonymous" and not route.own_page_for & {"anonymous"}:  # sent to sign in, or told "not found"
        assert response.status_code == 404 or response.headers["Location"].startswith("/login")
    elif role in route.own_page_for:
        assert response.status_code in (200, 302)
    else:
        assert response.status_code in (403, 404), (response.status_code, body[:500])
    if not allowed and secret:
        assert secret not in body
        if response.status_code == 302:
            assert secret not in _body(client.get(response.headers["Location"]))
    if route.changed is not None:
        assert route.changed(world["ids"]) is allowed

"""What providers offer: solutions, products and their profile."""
import pytest
import sqlalchemy as sa

from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.models import Deployment, OrgKind, OrgSize, Product, ProductCategory, Solution, UserRole
from app.services import offers
from app.services.common import get_or_404
from tests.services.test_needs import count, stored, worker_indexing  # noqa: F401  (worker_indexing is autouse)

SOLUTION = {
    "title": "VisionQC strip inspection",
    "summary": "Line-scan cameras and deep learning for hot-rolled strip.",
    "description": "Detects 40 defect classes at line speed and links them to mill parameters.",
    "industries": ["steel"],
    "scenarios": ["strip-surface-defect-detection", "quality-inspection"],
    "capabilities": ["line-scan vision", "edge AI"],
    "deployment": Deployment.EDGE,
    "price_min": 300_000,
    "price_max": 900_000,
}
PRODUCT = {
    "name": "LS-4K line-scan camera",
    "category_label": "Industrial camera",
    "description": "4K line-scan camera for 20 m/s strip.",
    "industries": ["steel"],
}


@pytest.fixture
def provider(make_user):
    return make_user(UserRole.PROVIDER)


def create_solution(user, **overrides) -> Solution:
    """List a valid solution through the service."""
    return offers.create_solution(user, **{**SOLUTION, **overrides})


def create_product(user, **overrides) -> Product:
    """Add a valid product through the service."""
    return offers.create_product(user, **{**PRODUCT, **overrides})


@pytest.fixture
def solution(provider):
    return create_solution(provider)


@pytest.fixture
def product(provider):
    return create_product(provider)


@pytest.mark.parametrize(("create", "data"), [(offers.create_solution, SOLUTION), (offers.create_product, PRODUCT)],
                         ids=["solution", "product"])
def test_creating_an_offer_does_not_depend_on_keyword_order(provider, create, data):
    reordered = {"industries": data["industries"], **data}
    assert create(provider, **reordered).industries[0].slug == "steel"


def test_provider_member_lists_a_solution(provider):
    solution = stored(create_solution(provider))
    assert solution.provider_id == provider.organization_id
    assert [i.slug for i in solution.industries] == ["steel"]
    assert {s.slug for s in solution.scenarios} == set(SOLUTION["scenarios"])
    assert solution.capabilities == SOLUTION["capabilities"] and solution.deployment == Deployment.EDGE
    assert (solution.price_min, solution.price_max) == (300_000, 900_000)


def test_solution_with_price_max_below_price_min_is_refused_and_nothing_written(provider):
    with pytest.raises(ValidationFailed) as refused:
        create_solution(provider, price_min=900_000, price_max=300_000)
    assert refused.value.field == "price_max"
    db.session.rollback()
    assert count(Solution) == 0


def test_provider_member_edits_a_solution(provider, solution):
    offers.update_solution(provider, solution, title="VisionQC 2", scenarios=["quality-inspection"],
                           price_max=1_000_000)
    solution = stored(solution)
    assert (solution.title, solution.price_max) == ("VisionQC 2", 1_000_000)
    assert [s.slug for s in solution.scenarios] == ["quality-inspection"]


def test_update_solution_checks_the_price_against_the_stored_minimum(provider, solution):
    with pytest.raises(ValidationFailed) as refused:
        offers.update_solution(provider, solution, price_max=100_000)
    assert refused.value.field == "price_max"
    assert stored(solution).price_max == 900_000


def test_update_solution_cannot_move_it_to_another_provider(provider, solution, make_user):
    other = make_user(UserRole.PROVIDER)
    offers.update_solution(provider, solution, provider_id=other.organization_id, slug="stolen", title="VisionQC 2")
    solution = stored(solution)
    assert solution.provider_id == provider.organization_id and solution.slug != "stolen"
    assert solution.title == "VisionQC 2"


def test_provider_member_adds_and_edits_a_product_of_a_catalogue_category(provider):
    camera = db.session.scalars(sa.select(ProductCategory).order_by(ProductCategory.position)).first()
    product = create_product(provider, category=camera)
    offers.update_product(provider, product, name="LS-8K line-scan camera")
    product = stored(product)
    assert (product.name, product.category_id, product.provider_id) == (
        "LS-8K line-scan camera", camera.id, provider.organization_id)
    assert product.category_name == camera.name


@pytest.mark.parametrize(("model", "delete"), [(Solution, offers.delete_solution), (Product, offers.delete_product)],
                         ids=["solution", "product"])
def test_deleting_an_offer_keeps_the_row_with_deleted_at_set(provider, model, delete, request):
    record = request.getfixturevalue(model.__name__.lower())
    delete(provider, record)
    assert stored(record).deleted_at is not None
    with pytest.raises(NotFound):
        get_or_404(model, record.id)


def test_provider_member_edits_the_profile_but_not_its_kind(provider):
    org = provider.organization
    offers.update_provider_profile(provider, org, description="Machine vision for metals.", size=OrgSize.MEDIUM,
                                   industries=["steel", "non-ferrous-metals"], kind=OrgKind.ENTERPRISE)
    org = stored(org)
    assert (org.description, org.size, org.kind) == ("Machine vision for metals.", OrgSize.MEDIUM, OrgKind.PROVIDER)
    assert [i.slug for i in org.industries] == ["steel", "non-ferrous-metals"]

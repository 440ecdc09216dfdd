"""Reference catalogues: idempotent loading, targeted updates, and the content the marketplace relies on."""
import json
import shutil

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditLog, Industry, ProductCategory, Scenario, Standard
from app.services.catalog import load_catalogs
from tests.services.test_needs import worker_indexing  # noqa: F401  (worker_indexing is autouse)

INDUSTRIES = ["steel", "aviation", "shipbuilding", "construction-machinery", "agricultural-equipment", "electronics",
              "power", "petrochemicals", "non-ferrous-metals", "textiles", "pharmaceuticals", "light-industry"]
CROSS_INDUSTRY_SCENARIOS = [
    "quality-inspection", "predictive-maintenance", "process-optimization", "production-scheduling",
    "energy-carbon-management", "intelligent-warehousing", "supply-chain-optimization", "safety-monitoring",
    "equipment-parameter-tuning", "material-balance", "unmanned-inspection", "fault-self-healing",
    "generative-design", "personalized-customization", "networked-collaboration", "marketing-services",
    "digital-management", "network-upgrade", "data-governance", "human-machine-interaction",
]
MODELS = (Industry, Scenario, ProductCategory, Standard)
NOTHING = {"created": 0, "updated": 0}


def timestamps() -> dict:
    """(table, slug) -> updated_at of every catalogue row."""
    return {(model.__tablename__, slug): updated for model in MODELS
            for slug, updated in db.session.execute(sa.select(model.slug, model.updated_at))}


def audit_rows() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog))


@pytest.fixture
def catalog_copy(app, tmp_path):
    """A copy of the catalogue files the test may edit."""
    return shutil.copytree(app.config["CATALOG_DIR"], tmp_path / "catalogs")


def edit(path, change) -> None:
    items = json.loads(path.read_text(encoding="utf-8"))
    change(items)
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")


def test_loading_the_catalogue_again_reports_and_audits_nothing(app):
    audited = audit_rows()
    report = load_catalogs(None, app.config["CATALOG_DIR"])
    assert report == {name: NOTHING for name in ("industries", "scenarios", "categories", "standards")}
    assert audit_rows() == audited


def test_loading_the_catalogue_again_touches_no_row(app):
    before = timestamps()
    load_catalogs(None, app.config["CATALOG_DIR"])
    db.session.expire_all()
    assert timestamps() == before


def test_reloading_an_edited_catalogue_updates_exactly_the_changes(catalog_copy):
    # List each standard's links in catalogue order, as the database returns them, so that the ordering bug
    # pinned above does not count as a change here.
    positions = {name: {item["slug"]: n for n, item in enumerate(json.loads(
        (catalog_copy / f"{name}.json").read_text(encoding="utf-8")))} for name in ("industries", "scenarios")}
    edit(catalog_copy / "standards.json", lambda items: [item.update({
        name: sorted(item.get(name, []), key=positions[name].get) for name in positions}) for item in items])
    edit(catalog_copy / "scenarios.json", lambda items: items[1].update(description="Rewritten description."))
    edit(catalog_copy / "standards.json", lambda items: items.append({
        "number": "GB/T 99999-2030", "title": "Strip surface inspection systems", "issuer": "SAC",
        "industries": ["steel"], "scenarios": ["strip-surface-defect-detection"]}))
    edited = json.loads((catalog_copy / "scenarios.json").read_text(encoding="utf-8"))[1]["slug"]
    before, audited = timestamps(), audit_rows()

    report = load_catalogs(None, str(catalog_copy))

    assert report == {"industries": NOTHING, "categories": NOTHING, "scenarios": {"created": 0, "updated": 1},
                      "standards": {"created": 1, "updated": 0}}
    db.session.expire_all()
    after = timestamps()
    assert {key for key in before if after[key] != before[key]} == {("scenarios", edited)}
    assert set(after) - set(before) == {("standards", "gb-t-99999-2030")}
    assert db.session.scalar(sa.select(Scenario.description).where(Scenario.slug == edited)) == "Rewritten description."
    standard = db.session.scalar(sa.select(Standard).where(Standard.number == "GB/T 99999-2030"))
    assert ([i.slug for i in standard.industries], [s.slug for s in standard.scenarios]) == (
        ["steel"], ["strip-surface-defect-detection"])
    assert audit_rows() == audited + 1


def test_catalogue_has_the_twelve_key_industries(app):
    assert db.session.scalars(sa.select(Industry.slug).order_by(Industry.position)).all() == INDUSTRIES


def test_catalogue_has_the_twenty_cross_industry_scenarios(app):
    rows = dict(db.session.execute(sa.select(Scenario.slug, Scenario.industry_id)
                                   .where(Scenario.slug.in_(CROSS_INDUSTRY_SCENARIOS))).all())
    assert rows == dict.fromkeys(CROSS_INDUSTRY_SCENARIOS)


def test_every_industry_has_four_described_scenarios_of_its_own(app):
    described = {
        industry.slug: [s.slug for s in industry.scenarios if s.description.strip() and s.technologies]
        for industry in db.session.scalars(sa.select(Industry))
    }
    assert {slug: scenarios for slug, scenarios in described.items() if len(scenarios) < 4} == {}
    assert all(s.description.strip() and s.technologies for s in db.session.scalars(sa.select(Scenario)))

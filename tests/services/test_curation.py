"""Officials curate the catalogue: create, edit, retire, merge; history; export back to the files, round trip."""
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.models import AuditLog, OutboxEvent, Product, ProductCategory, Scenario, Standard, UserRole
from app.services import curation, directory
from app.services.catalog import catalog_files, export_catalogs, load_catalogs
from app.services.common import get_or_404, scenarios_by_slug
from tests.services.test_cases import submit_case
from tests.services.test_needs import count, post_need, stored, worker_indexing  # noqa: F401  (autouse)
from tests.services.test_offers import create_product, create_solution

NEW_SCENARIO = {"name": "Coke oven heating control", "name_zh": "焦炉加热控制", "industry": "steel",
                "description": "Even coke oven wall temperatures.", "description_zh": "",
                "technologies": ["soft sensors", "model predictive control"]}


@pytest.fixture
def official(make_user):
    return make_user(UserRole.OFFICIAL)


def entry(model, slug):
    return get_or_404(model, slug, by="slug")


def history(entity: str) -> list[tuple[str, int | None]]:
    return db.session.execute(sa.select(AuditLog.action, AuditLog.entity_id).where(AuditLog.entity == entity)
                              .order_by(AuditLog.id)).all()


def catalogue_state() -> dict:
    """Everything the catalogue says, independent of row ids and timestamps."""
    files = catalog_files()
    for item in files["standards.json"]:  # their links are kept in catalogue order, not file order
        item["industries"], item["scenarios"] = sorted(item["industries"]), sorted(item["scenarios"])
    return files


# Permissions -----------------------------------------------------------------

CURATION_STEPS = {
    "create_entry": lambda actor: curation.create_entry(actor, Scenario, **NEW_SCENARIO),
    "update_entry": lambda actor: curation.update_entry(actor, entry(Scenario, "quality-inspection"), name="QI"),
    "retire_entry": lambda actor: curation.retire_entry(actor, entry(ProductCategory, "edge-ai-computer")),
    "merge_entries": lambda actor: curation.merge_entries(actor, entry(Scenario, "unmanned-inspection"),
                                                          entry(Scenario, "safety-monitoring")),
}


@pytest.mark.parametrize("step", CURATION_STEPS)
@pytest.mark.parametrize("role", [None, UserRole.ENTERPRISE, UserRole.PROVIDER])
def test_only_officials_curate_the_catalogue(make_user, step, role):
    actor = make_user(role) if role else None
    before = (catalogue_state(), count(AuditLog))
    with pytest.raises(PermissionDenied):
        CURATION_STEPS[step](actor)
    db.session.rollback()
    assert (catalogue_state(), count(AuditLog)) == before


@pytest.mark.parametrize("step", CURATION_STEPS)
@pytest.mark.parametrize("role", [UserRole.OFFICIAL, UserRole.ADMIN])
def test_officials_and_admins_curate_the_catalogue(make_user, step, role):
    actor = make_user(role)
    before = count(AuditLog)
    CURATION_STEPS[step](actor)
    assert count(AuditLog) > before


@pytest.mark.parametrize("role", [UserRole.ENTERPRISE, UserRole.PROVIDER])
def test_only_officials_read_the_catalogue_history(make_user, role):
    with pytest.raises(PermissionDenied):
        directory.catalog_history(make_user(role))


# Create and edit ---------------------------------------------------------------

def test_official_adds_a_scenario_to_an_industry(official):
    created = curation.create_entry(official, Scenario, **NEW_SCENARIO)
    scenario = stored(created)
    assert (scenario.slug, scenario.industry.slug, scenario.technologies) == \
        ("coke-oven-heating-control", "steel", NEW_SCENARIO["technologies"])
    assert scenario in directory.scenarios() and scenario.position > max(
        s.position for s in directory.scenarios() if s.id != scenario.id)
    assert history("scenario") == [("create", scenario.id)]
    assert count(OutboxEvent, entity="scenario", entity_id=scenario.id) == 1


def test_a_scenario_without_industry_is_cross_industry(official):
    scenario = stored(curation.create_entry(official, Scenario, **{**NEW_SCENARIO, "industry": ""}))
    assert scenario.is_cross_industry and scenario in directory.cross_industry_scenarios()


def test_an_unknown_industry_is_refused_on_its_field(official):
    with pytest.raises(NotFound) as refused:
        curation.create_entry(official, Scenario, **{**NEW_SCENARIO, "industry": "mining"})
    assert refused.value.field == "industry"


def test_editing_records_what_changed(official):
    scenario = entry(Scenario, "quality-inspection")
    curation.update_entry(official, scenario, name="Quality inspection", industry="electronics")
    changes = db.session.scalar(sa.select(AuditLog.changes).where(AuditLog.entity == "scenario",
                                                                  AuditLog.action == "update"))
    assert changes == {"name": "Quality inspection", "industry": "electronics"}
    assert stored(scenario).industry.slug == "electronics"


def test_two_standards_cannot_share_a_number(official):
    taken = db.session.scalar(sa.select(Standard).order_by(Standard.position))
    other = db.session.scalar(sa.select(Standard).order_by(Standard.position.desc()))
    with pytest.raises(Conflict):
        curation.create_entry(official, Standard, number=taken.number, title="Copy", issuer="", industries=[],
                              scenarios=[])
    db.session.rollback()
    with pytest.raises(Conflict) as refused:
        curation.update_entry(official, other, number=taken.number)
    assert refused.value.field == "number"


# Retire ----------------------------------------------------------------------

def test_a_retired_scenario_leaves_the_pickers_but_stays_on_old_records(official, make_user):
    need = post_need(make_user(UserRole.ENTERPRISE), scenarios=["strip-surface-defect-detection"])
    curation.retire_entry(official, entry(Scenario, "strip-surface-defect-detection"))
    assert "strip-surface-defect-detection" not in [s.slug for s in directory.scenarios()]
    with pytest.raises(NotFound):
        scenarios_by_slug(["strip-surface-defect-detection"])  # no new record can pick it
    assert [s.slug for s in stored(need).scenarios] == ["strip-surface-defect-detection"]
    assert history("scenario")[-1][0] == "retire"


def test_retired_categories_and_standards_leave_the_lists(official):
    category, standard = entry(ProductCategory, "edge-ai-computer"), directory.standards()[0]
    curation.retire_entry(official, category)
    curation.retire_entry(official, standard)
    assert category not in directory.product_categories() and standard not in directory.standards()
    curation.restore_entry(official, stored(category))
    assert stored(category) in directory.product_categories()


# Merge -----------------------------------------------------------------------

def test_merging_scenarios_moves_every_reference_then_retires_the_duplicate(official, make_user):
    provider = make_user(UserRole.PROVIDER)
    both = ["unmanned-inspection", "safety-monitoring"]
    need = post_need(make_user(UserRole.ENTERPRISE), scenarios=["unmanned-inspection"])
    solution = create_solution(provider, scenarios=both)  # cites both: ends up citing the kept one once
    case = submit_case(provider, scenarios=["unmanned-inspection"])
    standard = curation.create_entry(official, Standard, number="GB/T 0000-2026", title="Inspection robots",
                                     issuer="SAC", industries=[], scenarios=["unmanned-inspection"])
    duplicate, kept = entry(Scenario, "unmanned-inspection"), entry(Scenario, "safety-monitoring")
    curation.merge_entries(official, duplicate, kept)
    for record in (need, solution, case, standard):
        assert [s.slug for s in stored(record).scenarios] == ["safety-monitoring"]
    assert stored(duplicate).retired_at is not None
    for entity, record in (("need", need), ("solution", solution), ("case", case), ("standard", standard)):
        assert count(OutboxEvent, entity=entity, entity_id=record.id) >= 1
    assert [a for a, _ in history("scenario")[-2:]] == ["merge", "merged_in"]


def test_merging_product_categories_moves_the_products(official, make_user):
    product = create_product(make_user(UserRole.PROVIDER), category=entry(ProductCategory, "edge-ai-computer"))
    kept = entry(ProductCategory, "industrial-gateway")
    curation.merge_entries(official, entry(ProductCategory, "edge-ai-computer"), kept)
    assert stored(product).category_id == kept.id
    assert count(OutboxEvent, entity="product", entity_id=product.id) >= 1


def test_merging_standards_gives_the_kept_one_the_duplicates_scenarios(official):
    make = lambda number, scenarios: curation.create_entry(  # noqa: E731
        official, Standard, number=number, title=number, issuer="SAC", industries=["steel"], scenarios=scenarios)
    duplicate, kept = make("GB/T 1-2026", ["quality-inspection"]), make("GB/T 2-2026", ["predictive-maintenance"])
    curation.merge_entries(official, duplicate, kept)
    assert sorted(s.slug for s in stored(kept).scenarios) == ["predictive-maintenance", "quality-inspection"]
    assert stored(duplicate).retired_at is not None and stored(duplicate).scenarios == []


@pytest.mark.parametrize("pair", [
    lambda: (entry(Scenario, "quality-inspection"), entry(Scenario, "quality-inspection")),
    lambda: (entry(Scenario, "quality-inspection"), entry(ProductCategory, "edge-ai-computer")),
])
def test_merging_needs_another_entry_of_the_same_catalogue(official, pair):
    duplicate, kept = pair()
    with pytest.raises(ValidationFailed):
        curation.merge_entries(official, duplicate, kept)
    assert stored(duplicate).retired_at is None


def test_merging_into_a_retired_entry_is_refused(official):
    kept = curation.retire_entry(official, entry(Scenario, "safety-monitoring"))
    with pytest.raises(ValidationFailed):
        curation.merge_entries(official, entry(Scenario, "unmanned-inspection"), kept)
    assert stored(entry(Scenario, "unmanned-inspection")).retired_at is None


# Export ----------------------------------------------------------------------

def test_export_of_the_loaded_catalogue_says_what_the_files_say(app, tmp_path):
    export_catalogs(tmp_path)
    for name in ("industries.json", "scenarios.json", "product_categories.json", "standards.json"):
        exported = json.loads((tmp_path / name).read_text(encoding="utf-8"))
        original = json.loads((Path(app.config["CATALOG_DIR"]) / name).read_text(encoding="utf-8"))
        if name == "standards.json":  # links come back in catalogue order
            for item in exported + original:
                item["industries"], item["scenarios"] = sorted(item["industries"]), sorted(item["scenarios"])
        assert exported == original, name


def test_load_curate_export_load_round_trips(app, official, tmp_path):
    curation.create_entry(official, Scenario, **NEW_SCENARIO)
    curation.update_entry(official, entry(ProductCategory, "edge-ai-computer"), name="Edge AI boxes")
    curation.retire_entry(official, directory.standards()[0])
    curation.merge_entries(official, entry(Scenario, "unmanned-inspection"), entry(Scenario, "safety-monitoring"))
    curation.update_entry(official, directory.standards()[0], number="IEC 62443-2-4:2015+AMD1:2017")
    export_catalogs(tmp_path / "export")
    curated = catalogue_state()

    report = load_catalogs(None, str(tmp_path / "export"))  # loading the export changes nothing
    assert all(counts == {"created": 0, "updated": 0} for counts in report.values()), report

    fresh = create_app({"TESTING": True, "SECRET_KEY": "t", "INDEX_DIR": str(tmp_path / "index2"),
                        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite3'}", "INDEXING": "worker"})
    with fresh.app_context():
        db.create_all()
        load_catalogs(None, str(tmp_path / "export"))
        try:
            assert catalogue_state() == curated
            retired = db.session.scalar(sa.select(Scenario).where(Scenario.slug == "unmanned-inspection"))
            assert retired.retired_at is not None
        finally:
            db.session.remove()
            db.engine.dispose()


def test_flask_catalogs_export_writes_the_files(runner, tmp_path):
    result = runner.invoke(args=["catalogs", "export", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "scenarios.json: 70 entries" in result.output
    assert len(json.loads((tmp_path / "out" / "scenarios.json").read_text(encoding="utf-8"))) == 70


def test_catalogue_history_lists_curation_and_loads_newest_first(official):
    curation.retire_entry(official, entry(ProductCategory, "edge-ai-computer"))
    pager, users = directory.catalog_history(official)
    assert [(e.action, e.entity) for e in pager.items] == [("retire", "product_category"), ("load", "catalogs")]
    assert users == {official.id: official}

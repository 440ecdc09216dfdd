"""The bulk import contract of shared/IMPORT_FORMAT.md: every rule, all-or-nothing, re-import by external_id."""
import copy
import json
import re

import pytest
import sqlalchemy as sa

from app.errors import ImportRejected
from app.models import CaseReviewState, CaseStudy, Need, Organization, OrgKind, Product, Solution
from app.services.imports import import_records

PROBLEM_LINE = re.compile(r"^(providers|solutions|products|cases|needs)\[\d+\] \([^)]*\)\.\w+: .+$")

VALID = {
    "format": "chainmatch-import/1",
    "providers": [{
        "external_id": "p1", "name": "Tangshan Vision Co.", "description": "Machine vision for steel.",
        "region": "Hebei", "industries": ["steel"], "website": "https://example.com", "founded": 2015,
        "size": "small",
    }],
    "solutions": [{
        "external_id": "s1", "provider": "p1", "title": "Strip surface inspection",
        "summary": "Line-scan cameras find strip defects.", "description": "Deep learning on line-scan images.",
        "industries": ["steel"], "scenarios": ["strip-surface-defect-detection", "quality-inspection"],
        "capabilities": ["machine vision"], "deployment": "edge", "price_min": 500000, "price_max": 2000000,
    }],
    "products": [{
        "external_id": "pr1", "provider": "p1", "name": "LS-4K line-scan camera", "category": "industrial-camera-vision",
        "description": "4K line-scan camera.", "industries": ["steel"],
    }],
    "cases": [{
        "external_id": "c1", "provider": "p1", "solution": "s1", "title": "Cold rolling line inspection",
        "client": "Hebei Cold Strip Plant", "industry": "steel", "scenarios": ["quality-inspection"],
        "summary": "Inspection on a 900 m/min line.", "results": "Escapes fell from 1.8% to 0.3%.", "year": 2024,
    }],
    "needs": [{
        "external_id": "n1", "organization": "Handan Strip Works", "title": "Customers return scratched coils",
        "description": "We only see scratches after coiling.", "industry": "steel",
        "scenarios": ["quality-inspection"], "region": "Hebei", "budget_min": 300000, "budget_max": 1500000,
        "deadline": "2027-06-30",
    }],
}


def counts(db) -> tuple:
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                 for m in (Organization, Solution, Product, CaseStudy, Need))


def rejected(data) -> list[str]:
    with pytest.raises(ImportRejected) as info:
        import_records(None, data)
    assert all(PROBLEM_LINE.match(p) or ":" in p for p in info.value.problems)
    return info.value.problems


def broken(section: str, index: int = 0, **changes):
    data = copy.deepcopy(VALID)
    for key, value in changes.items():
        if value is DELETE:
            data[section][index].pop(key)
        else:
            data[section][index][key] = value
    return data


DELETE = object()


def test_valid_file_imports_every_section(db):
    report = import_records(None, copy.deepcopy(VALID))
    assert report.created == {"providers": 1, "solutions": 1, "products": 1, "cases": 1, "needs": 1}
    solution = db.session.scalar(sa.select(Solution).where(Solution.external_id == "s1"))
    assert solution.provider.external_id == "p1"
    assert {s.slug for s in solution.scenarios} == {"strip-surface-defect-detection", "quality-inspection"}
    case = db.session.scalar(sa.select(CaseStudy).where(CaseStudy.external_id == "c1"))
    assert case.review_state == CaseReviewState.SUBMITTED  # imported as submitted, not reviewed
    need = db.session.scalar(sa.select(Need).where(Need.external_id == "n1"))
    assert need.organization.kind == OrgKind.ENTERPRISE and need.organization.name == "Handan Strip Works"
    product = db.session.scalar(sa.select(Product).where(Product.external_id == "pr1"))
    assert product.category.slug == "industrial-camera-vision"


def test_reimport_updates_by_external_id_and_never_duplicates(db):
    import_records(None, copy.deepcopy(VALID))
    before = counts(db)
    data = copy.deepcopy(VALID)
    data["solutions"][0]["title"] = "Strip surface inspection v2"
    report = import_records(None, data)
    assert counts(db) == before
    assert report.updated["solutions"] == 1 and report.created["solutions"] == 0
    assert db.session.scalar(sa.select(Solution.title).where(Solution.external_id == "s1")) == \
        "Strip surface inspection v2"


def test_records_may_refer_to_records_already_in_the_database(db):
    import_records(None, {"format": "chainmatch-import/1", "providers": copy.deepcopy(VALID["providers"])})
    report = import_records(None, {"format": "chainmatch-import/1", "solutions": copy.deepcopy(VALID["solutions"])})
    assert report.created["solutions"] == 1


def test_every_section_is_optional(db):
    assert import_records(None, {"format": "chainmatch-import/1"}).created["needs"] == 0


@pytest.mark.parametrize("section, changes, expected", [
    ("providers", {"name": DELETE}, "providers[0] (p1).name: is required"),
    ("providers", {"industries": []}, "providers[0] (p1).industries: must name at least one industry"),
    ("providers", {"industries": ["steal"]}, "providers[0] (p1).industries: unknown industry 'steal'"),
    ("providers", {"website": "ftp://x.org"}, "providers[0] (p1).website: must be an http(s) URL"),
    ("providers", {"founded": "2015"}, "providers[0] (p1).founded: must be a year (integer)"),
    ("providers", {"size": "huge"}, "providers[0] (p1).size: must be one of small, medium, large"),
    ("providers", {"external_id": "x" * 65}, ").external_id: must be at most 64 characters"),
    ("providers", {"description": "   "}, "providers[0] (p1).description: must not be empty"),
    ("providers", {"regoin": "Hebei"}, "providers[0] (p1).regoin: unknown field"),
    ("solutions", {"scenarios": ["flying"]}, "solutions[0] (s1).scenarios: unknown scenario 'flying'"),
    ("solutions", {"deployment": "mainframe"}, "solutions[0] (s1).deployment: must be one of on-premise, cloud, edge, hybrid"),
    ("solutions", {"price_min": 3000000}, "solutions[0] (s1).price_min: must not be greater than price_max"),
    ("solutions", {"price_max": 2.5}, "solutions[0] (s1).price_max: must be an integer (CNY)"),
    ("solutions", {"price_min": -1}, "solutions[0] (s1).price_min: must not be negative"),
    ("solutions", {"capabilities": "vision"}, "solutions[0] (s1).capabilities: must be a list of non-empty strings"),
    ("solutions", {"provider": "p9"}, "solutions[0] (s1).provider: unknown provider 'p9'"),
    ("products", {"category": DELETE}, "products[0] (pr1).category: is required"),
    ("cases", {"solution": "s9"}, "cases[0] (c1).solution: unknown solution 's9'"),
    ("cases", {"industry": "mining"}, "cases[0] (c1).industry: unknown industry 'mining'"),
    ("cases", {"year": True}, "cases[0] (c1).year: must be a year (integer)"),
    ("needs", {"deadline": "30/06/2027"}, "needs[0] (n1).deadline: must be an ISO 8601 date (YYYY-MM-DD)"),
    ("needs", {"deadline": "2027-02-30"}, "needs[0] (n1).deadline: must be an ISO 8601 date (YYYY-MM-DD)"),
    ("needs", {"budget_min": 2000000}, "needs[0] (n1).budget_min: must not be greater than budget_max"),
    ("needs", {"organization": 7}, "needs[0] (n1).organization: must be a string"),
])
def test_each_rule_rejects_the_whole_file_naming_record_and_field(db, section, changes, expected):
    before = counts(db)
    problems = rejected(broken(section, **changes))
    assert any(expected in p for p in problems), problems
    assert counts(db) == before  # nothing written


def test_every_problem_is_reported_not_just_the_first(db):
    data = copy.deepcopy(VALID)
    data["solutions"][0]["industries"] = ["nope"]
    data["needs"][0]["budget_max"] = "lots"
    data["cases"][0].pop("results")
    problems = rejected(data)
    assert len(problems) == 3
    assert all(PROBLEM_LINE.match(p) for p in problems), problems


def test_duplicate_external_id_in_a_section_is_rejected(db):
    data = copy.deepcopy(VALID)
    data["needs"].append(copy.deepcopy(data["needs"][0]))
    assert "needs[1] (n1).external_id: duplicate of needs[0]" in rejected(data)


def test_case_cannot_cite_another_providers_solution(db):
    data = copy.deepcopy(VALID)
    data["providers"].append({**data["providers"][0], "external_id": "p2", "name": "Other"})
    data["cases"][0]["provider"] = "p2"
    assert "cases[0] (c1).solution: solution 's1' belongs to another provider" in rejected(data)


@pytest.mark.parametrize("data, expected", [
    ({"format": "chainmatch-import/2"}, 'format: must be "chainmatch-import/1"'),
    ({"providers": []}, 'format: must be "chainmatch-import/1"'),
    ({"format": "chainmatch-import/1", "suppliers": []}, "suppliers: unknown section"),
    ({"format": "chainmatch-import/1", "needs": {}}, "needs: must be a list of records"),
    ({"format": "chainmatch-import/1", "needs": ["n1"]}, "needs[0] (): must be a JSON object"),
    ([], "file: must be a JSON object"),
])
def test_file_level_problems(db, data, expected):
    assert expected in rejected(data)


def test_a_valid_record_is_not_written_when_another_is_broken(db):
    data = copy.deepcopy(VALID)
    data["needs"].append({**data["needs"][0], "external_id": "n2", "industry": "bad"})
    rejected(data)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organization)) == 0


def test_the_chinese_evaluation_needs_follow_the_contract_and_their_labels_name_demo_solutions(db):
    """catalogs/eval/zh-needs.json is imported before `flask matching evaluate …/dev-labels-zh.json`."""
    from pathlib import Path

    from app.services.imports import validate_import

    eval_dir = Path(__file__).parents[2] / "catalogs" / "eval"
    needs = json.loads((eval_dir / "zh-needs.json").read_text(encoding="utf-8"))
    assert validate_import(needs) == []
    labels = json.loads((eval_dir / "dev-labels-zh.json").read_text(encoding="utf-8"))["needs"]
    assert {x["need"] for x in labels} == {n["external_id"] for n in needs["needs"]}
    demo = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((eval_dir.parent / "demo").glob("*.json"))]
    solutions = {s["external_id"] for data in demo for s in data.get("solutions", [])}
    assert {key for x in labels for key in x["relevant"]} <= solutions

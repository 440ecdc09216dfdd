"""Reference catalogues: load the files in catalogs/ idempotently."""
import json
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.models import Industry, ProductCategory, Scenario, Standard, User
from app.services.common import audit, commit, enqueue_index, slugify



def _position(row) -> int:
    return row.position


def _read(directory: Path, name: str) -> list[dict]:
    return json.loads((directory / name).read_text(encoding="utf-8"))


def _upsert(model, key: dict, values: dict, counts: dict, touched: list | None = None) -> object:
    """Create or update one row; count it as created, updated or unchanged; list it in touched if it changed."""
    row = db.session.scalar(sa.select(model).filter_by(**key))
    created = row is None
    if created:
        row = model(**key)
        db.session.add(row)
        counts["created"] += 1
    changed = False
    for field, value in values.items():
        if getattr(row, field) != value:
            setattr(row, field, value)
            changed = True
    if changed and not created:
        counts["updated"] += 1
    if (changed or created) and touched is not None:
        touched.append(row)
    return row


def load_catalogs(actor: User | None, directory: str) -> dict[str, dict[str, int]]:
    """Load industries, scenarios, product categories and standards; re-running changes nothing."""
    directory = Path(directory)
    report = {name: {"created": 0, "updated": 0} for name in ("industries", "scenarios", "categories", "standards")}
    touched: dict[str, list] = {"scenario": [], "standard": []}
    with db.session.no_autoflush:
        industries = {}
        for pos, item in enumerate(_read(directory, "industries.json")):
            values = {k: item.get(k, "") for k in ("name", "name_zh", "description", "description_zh")}
            industries[item["slug"]] = _upsert(Industry, {"slug": item["slug"]}, {**values, "position": pos},
                                               report["industries"])
        scenarios = {}
        for pos, item in enumerate(_read(directory, "scenarios.json")):
            values = {k: item.get(k, "") for k in ("name", "name_zh", "description", "description_zh")}
            values.update(technologies=item.get("technologies", []), position=pos,
                          industry=industries[item["industry"]] if item.get("industry") else None)
            scenarios[item["slug"]] = _upsert(Scenario, {"slug": item["slug"]}, values, report["scenarios"],
                                              touched["scenario"])
        for pos, item in enumerate(_read(directory, "product_categories.json")):
            values = {"name": item["name"], "name_zh": item.get("name_zh", ""),
                      "description": item.get("description", ""), "position": pos}
            _upsert(ProductCategory, {"slug": item["slug"]}, values, report["categories"])
        for pos, item in enumerate(_read(directory, "standards.json")):
            values = {"number": item["number"], "title": item["title"], "issuer": item.get("issuer", ""),
                      "position": pos,
                      # in the relationships' own order (catalogue position), so an unchanged file compares equal
                      "industries": sorted((industries[s] for s in item.get("industries", [])), key=_position),
                      "scenarios": sorted((scenarios[s] for s in item.get("scenarios", [])), key=_position)}
            _upsert(Standard, {"slug": slugify(item["number"], 120)}, values, report["standards"],
                    touched["standard"])
    if any(c["created"] or c["updated"] for c in report.values()):
        db.session.flush()
        for entity, rows in touched.items():
            for row in rows:
                enqueue_index(entity, row.id)
        audit(actor, "load", "catalogs", None, report)
    commit()
    return report

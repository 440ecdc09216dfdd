"""Reference catalogues: load the files in catalogs/ idempotently, and export the curated state back to them.

The file format: one JSON list per catalogue, in catalogue order. Entries retired in the site carry
`"retired": true`; a standard whose slug no longer follows its number carries its `"slug"`.
"""
import json
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.models import Industry, ProductCategory, Scenario, Standard, User, utcnow
from app.services.common import audit, commit, enqueue_index, slugify

FILES = {"industries": "industries.json", "scenarios": "scenarios.json", "categories": "product_categories.json",
         "standards": "standards.json"}


def _position(row) -> int:
    return row.position


def _read(directory: Path, name: str) -> list[dict]:
    return json.loads((directory / name).read_text(encoding="utf-8"))


def _upsert(model, key: dict, values: dict, counts: dict, touched: list | None = None,
            retired: bool | None = None) -> object:
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
    if retired is not None and (row.retired_at is not None) != retired:
        row.retired_at, changed = (utcnow() if retired else None), True
    if changed and not created:
        counts["updated"] += 1
    if (changed or created) and touched is not None:
        touched.append(row)
    return row


def load_catalogs(actor: User | None, directory: str) -> dict[str, dict[str, int]]:
    """Load industries, scenarios, product categories and standards; re-running changes nothing."""
    directory = Path(directory)
    report = {name: {"created": 0, "updated": 0} for name in FILES}
    touched: dict[str, list] = {"scenario": [], "standard": []}
    with db.session.no_autoflush:
        industries = {}
        for pos, item in enumerate(_read(directory, FILES["industries"])):
            values = {k: item.get(k, "") for k in ("name", "name_zh", "description", "description_zh")}
            industries[item["slug"]] = _upsert(Industry, {"slug": item["slug"]}, {**values, "position": pos},
                                               report["industries"])
        scenarios = {}
        for pos, item in enumerate(_read(directory, FILES["scenarios"])):
            values = {k: item.get(k, "") for k in ("name", "name_zh", "description", "description_zh")}
            values.update(technologies=item.get("technologies", []), position=pos,
                          industry=industries[item["industry"]] if item.get("industry") else None)
            scenarios[item["slug"]] = _upsert(Scenario, {"slug": item["slug"]}, values, report["scenarios"],
                                              touched["scenario"], retired=item.get("retired", False))
        for pos, item in enumerate(_read(directory, FILES["categories"])):
            values = {"name": item["name"], "name_zh": item.get("name_zh", ""),
                      "description": item.get("description", ""), "position": pos}
            _upsert(ProductCategory, {"slug": item["slug"]}, values, report["categories"],
                    retired=item.get("retired", False))
        for pos, item in enumerate(_read(directory, FILES["standards"])):
            values = {"number": item["number"], "title": item["title"], "issuer": item.get("issuer", ""),
                      "position": pos,
                      # in the relationships' own order (catalogue position), so an unchanged file compares equal
                      "industries": sorted((industries[s] for s in item.get("industries", [])), key=_position),
                      "scenarios": sorted((scenarios[s] for s in item.get("scenarios", [])), key=_position)}
            _upsert(Standard, {"slug": item.get("slug") or slugify(item["number"], 120)}, values,
                    report["standards"], touched["standard"], retired=item.get("retired", False))
    if any(c["created"] or c["updated"] for c in report.values()):
        db.session.flush()
        for entity, rows in touched.items():
            for row in rows:
                enqueue_index(entity, row.id)
        audit(actor, "load", "catalogs", None, report)
    commit()
    return report


def _retired(row) -> dict:
    return {"retired": True} if row.retired_at is not None else {}


def _rows(model) -> list:
    return db.session.scalars(sa.select(model).order_by(model.position, model.id)).all()


def catalog_files() -> dict[str, list[dict]]:
    """The database's catalogues as the files hold them, by file name."""
    def standard(st: Standard) -> dict:
        slug = {} if st.slug == slugify(st.number, 120) else {"slug": st.slug}
        return {**slug, "number": st.number, "title": st.title, "issuer": st.issuer,
                "industries": [i.slug for i in st.industries], "scenarios": [s.slug for s in st.scenarios],
                **_retired(st)}

    return {
        FILES["industries"]: [{"slug": i.slug, "name": i.name, "name_zh": i.name_zh, "description": i.description,
                               "description_zh": i.description_zh} for i in _rows(Industry)],
        FILES["scenarios"]: [{"slug": s.slug, "name": s.name, "name_zh": s.name_zh,
                              "industry": s.industry.slug if s.industry else None, "description": s.description,
                              "description_zh": s.description_zh, "technologies": s.technologies, **_retired(s)}
                             for s in _rows(Scenario)],
        FILES["categories"]: [{"slug": c.slug, "name": c.name, "name_zh": c.name_zh, "description": c.description,
                               **_retired(c)} for c in _rows(ProductCategory)],
        FILES["standards"]: [standard(st) for st in _rows(Standard)],
    }


def export_catalogs(directory: str) -> dict[str, int]:
    """Write the curated catalogues to directory, in the format load_catalogs reads; return entries per file."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, items in catalog_files().items():
        (target / name).write_text(json.dumps(items, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        counts[name] = len(items)
    return counts

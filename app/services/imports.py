"""Bulk import (shared/IMPORT_FORMAT.md): validate the whole file, then write it in one transaction.

A file with any problem is rejected whole; each problem reads
`<section>[<index>] (<external_id>).<field>: <what is wrong>`.
"""
import re
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from app.errors import ImportRejected
from app.extensions import db
from app.models import (
    CaseStudy,
    Industry,
    Need,
    Organization,
    OrgKind,
    Product,
    ProductCategory,
    Scenario,
    Solution,
    User,
)
from app.services.common import audit, commit, enqueue_index, unique_slug

FORMAT = "chainmatch-import/1"
SECTIONS = ("providers", "solutions", "products", "cases", "needs")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)

# field -> (kind, required). Kinds are checked by _check_value.
SCHEMA: dict[str, dict[str, tuple[str, bool]]] = {
    "providers": {
        "external_id": ("id", True), "name": ("text", True), "description": ("text", True),
        "region": ("text", True), "industries": ("industries+", True), "website": ("url", False),
        "founded": ("year", False), "size": ("size", False),
    },
    "solutions": {
        "external_id": ("id", True), "provider": ("ref:providers", True), "title": ("text", True),
        "summary": ("text", True), "description": ("text", True), "industries": ("industries+", True),
        "scenarios": ("scenarios", False), "capabilities": ("texts", False),
        "deployment": ("deployment", False), "price_min": ("money", False), "price_max": ("money", False),
    },
    "products": {
        "external_id": ("id", True), "provider": ("ref:providers", True), "name": ("text", True),
        "category": ("text", True), "description": ("text", True), "industries": ("industries", False),
    },
    "cases": {
        "external_id": ("id", True), "provider": ("ref:providers", True), "solution": ("ref:solutions", False),
        "title": ("text", True), "client": ("text", True), "industry": ("industry", True),
        "scenarios": ("scenarios", False), "summary": ("text", True), "results": ("text", True),
        "year": ("year", False),
    },
    "needs": {
        "external_id": ("id", True), "organization": ("text", True), "title": ("text", True),
        "description": ("text", True), "industry": ("industry", True), "scenarios": ("scenarios", False),
        "region": ("text", False), "budget_min": ("money", False), "budget_max": ("money", False),
        "deadline": ("date", False),
    },
}
RANGES = {"solutions": ("price_min", "price_max"), "needs": ("budget_min", "budget_max")}
CHOICES = {"size": ("small", "medium", "large"), "deployment": ("on-premise", "cloud", "edge", "hybrid")}


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SECTIONS, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SECTIONS, 0))

    def lines(self) -> list[str]:
        return [f"{s}: {self.created[s]} created, {self.updated[s]} updated" for s in SECTIONS]


@dataclass
class _Vocab:
    industries: dict[str, Industry]
    scenarios: dict[str, Scenario]

    @classmethod
    def load(cls) -> "_Vocab":
        return cls(
            {i.slug: i for i in db.session.scalars(sa.select(Industry))},
            {s.slug: s for s in db.session.scalars(sa.select(Scenario).where(Scenario.retired_at.is_(None)))},
        )


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_iso_date(value) -> bool:
    if not (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _slug_list(value, known: dict, noun: str, at_least_one: bool) -> str | None:
    if not isinstance(value, list):
        return f"must be a list of {noun} slugs"
    if at_least_one and not value:
        return f"must name at least one {noun}"
    for item in value:
        if not isinstance(item, str) or item not in known:
            return f"unknown {noun} {item!r}"
    if len(set(value)) != len(value):
        return f"lists a {noun} twice"
    return None


def _check_value(kind: str, value, vocab: _Vocab) -> str | None:
    """Return what is wrong with value for this kind of field, or None."""
    if kind in ("id", "text", "url", "size", "deployment") or kind.startswith("ref:"):
        if not isinstance(value, str):
            return "must be a string"
        if not value.strip():
            return "must not be empty"
    if kind == "id" and len(value) > 64:
        return "must be at most 64 characters"
    if kind == "url" and not _URL.match(value):
        return "must be an http(s) URL"
    if kind in CHOICES and value not in CHOICES[kind]:
        return f"must be one of {', '.join(CHOICES[kind])}"
    if kind == "industry" and (not isinstance(value, str) or value not in vocab.industries):
        return f"unknown industry {value!r}"
    if kind.startswith("industries"):
        return _slug_list(value, vocab.industries, "industry", kind.endswith("+"))
    if kind == "scenarios":
        return _slug_list(value, vocab.scenarios, "scenario", False)
    if kind == "texts" and (not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value)):
        return "must be a list of non-empty strings"
    if kind == "money":
        if not _is_int(value):
            return "must be an integer (CNY)"
        if value < 0:
            return "must not be negative"
    if kind == "year" and not (_is_int(value) and 1800 <= value <= date.today().year + 1):
        return "must be a year (integer)"
    if kind == "date" and not _is_iso_date(value):
        return "must be an ISO 8601 date (YYYY-MM-DD)"
    return None


def _in_db(model, external_id: str, **where):
    return db.session.scalar(
        sa.select(model).where(model.external_id == external_id, *(getattr(model, k) == v for k, v in where.items()))
    )


class _Validator:
    """Collects every problem of a parsed file."""

    def __init__(self, data):
        self.data = data
        self.problems: list[str] = []
        self.vocab = _Vocab.load()

    def run(self) -> list[str]:
        if not isinstance(self.data, dict):
            return ["file: must be a JSON object"]
        if self.data.get("format") != FORMAT:
            self.problems.append(f'format: must be "{FORMAT}"')
        for key in self.data:
            if key != "format" and key not in SECTIONS:
                self.problems.append(f"{key}: unknown section")
        sections = {}
        for name in SECTIONS:
            records = self.data.get(name, [])
            if not isinstance(records, list):
                self.problems.append(f"{name}: must be a list of records")
                records = []
            sections[name] = records
        self.ids = {name: self._ids(name, records) for name, records in sections.items()}
        for name, records in sections.items():
            for index, record in enumerate(records):
                self._record(name, index, record)
        return self.problems

    def _ids(self, section: str, records: list) -> dict[str, dict]:
        """Map external_id -> record for the section, reporting duplicates."""
        seen: dict[str, int] = {}
        out = {}
        for index, record in enumerate(records):
            ext = record.get("external_id") if isinstance(record, dict) else None
            if not isinstance(ext, str):
                continue
            if ext in seen:
                self._say(section, index, ext, "external_id", f"duplicate of {section}[{seen[ext]}]")
            else:
                seen[ext], out[ext] = index, record
        return out

    def _say(self, section: str, index: int, ext, field_name: str, what: str) -> None:
        shown = ext if isinstance(ext, str) else ("" if ext is None else repr(ext))
        self.problems.append(f"{section}[{index}] ({shown}).{field_name}: {what}")

    def _record(self, section: str, index: int, record) -> None:
        if not isinstance(record, dict):
            self.problems.append(f"{section}[{index}] (): must be a JSON object")
            return
        ext = record.get("external_id")
        schema = SCHEMA[section]
        for key in record:
            if key not in schema:
                self._say(section, index, ext, key, "unknown field")
        for name, (kind, required) in schema.items():
            if name not in record or record[name] is None:
                if required:
                    self._say(section, index, ext, name, "is required")
                continue
            what = _check_value(kind, record[name], self.vocab)
            if what is None and kind.startswith("ref:"):
                what = self._reference(kind[4:], record[name])
            if what:
                self._say(section, index, ext, name, what)
        if section in RANGES:
            low, high = (record.get(k) for k in RANGES[section])
            if _is_int(low) and _is_int(high) and low > high:
                self._say(section, index, ext, RANGES[section][0], f"must not be greater than {RANGES[section][1]}")
        if section == "cases":
            self._case_solution(index, record)

    def _reference(self, section: str, ext: str) -> str | None:
        if ext in self.ids[section]:
            return None
        model, where = (Organization, {"kind": OrgKind.PROVIDER}) if section == "providers" else (Solution, {})
        if _in_db(model, ext, **where) is None:
            return f"unknown {section[:-1]} {ext!r} (not in this file nor in the database)"
        return None

    def _case_solution(self, index: int, record: dict) -> None:
        solution, provider = record.get("solution"), record.get("provider")
        if not (isinstance(solution, str) and isinstance(provider, str)):
            return
        if solution in self.ids["solutions"]:
            owner = self.ids["solutions"][solution].get("provider")
        else:
            row = _in_db(Solution, solution)
            owner = row.provider.external_id if row else provider
        if owner != provider:
            self._say("cases", index, record.get("external_id"), "solution",
                      f"solution {solution!r} belongs to another provider")


def validate_import(data) -> list[str]:
    """Return every problem of a parsed import file (empty when it is valid)."""
    return _Validator(data).run()


class _Writer:
    """Writes a validated file; all in the caller's transaction."""

    def __init__(self, report: ImportReport):
        self.report = report
        self.vocab = _Vocab.load()
        self.providers: dict[str, Organization] = {}
        self.solutions: dict[str, Solution] = {}
        self.enterprises: dict[str, Organization] = {}
        self.categories = {}
        for c in db.session.scalars(sa.select(ProductCategory)):
            self.categories[c.slug.lower()] = self.categories[c.name.lower()] = c

    def _upsert(self, section: str, model, record: dict, label: str, **extra):
        row = _in_db(model, record["external_id"], **extra)
        if row is None:
            row = model(external_id=record["external_id"], slug=unique_slug(model, label))
            db.session.add(row)
            self.report.created[section] += 1
        else:
            self.report.updated[section] += 1
        row.deleted_at = None
        return row

    def _provider(self, ext: str) -> Organization:
        if ext not in self.providers:
            self.providers[ext] = _in_db(Organization, ext, kind=OrgKind.PROVIDER)
        return self.providers[ext]

    def _solution(self, ext: str | None) -> Solution | None:
        if ext is None:
            return None
        if ext not in self.solutions:
            self.solutions[ext] = _in_db(Solution, ext)
        return self.solutions[ext]

    def _industries(self, slugs) -> list[Industry]:
        return [self.vocab.industries[s] for s in slugs or []]

    def _scenarios(self, slugs) -> list[Scenario]:
        return [self.vocab.scenarios[s] for s in slugs or []]

    def _enterprise(self, name: str, region: str) -> Organization:
        key = name.strip().lower()
        if key not in self.enterprises:
            org = db.session.scalar(sa.select(Organization).where(
                Organization.kind == OrgKind.ENTERPRISE, sa.func.lower(Organization.name) == key))
            if org is None:
                org = Organization(kind=OrgKind.ENTERPRISE, name=name.strip(), region=region,
                                   slug=unique_slug(Organization, name))
                db.session.add(org)
            self.enterprises[key] = org
        return self.enterprises[key]

    def provider(self, r: dict) -> Organization:
        org = self._upsert("providers", Organization, r, r["name"])
        org.kind, org.name, org.description, org.region = OrgKind.PROVIDER, r["name"], r["description"], r["region"]
        org.industries = self._industries(r["industries"])
        org.website, org.founded, org.size = r.get("website"), r.get("founded"), r.get("size")
        self.providers[r["external_id"]] = org
        return org

    def solution(self, r: dict) -> Solution:
        s = self._upsert("solutions", Solution, r, r["title"])
        s.provider = self._provider(r["provider"])
        s.title, s.summary, s.description = r["title"], r["summary"], r["description"]
        s.industries, s.scenarios = self._industries(r["industries"]), self._scenarios(r.get("scenarios"))
        s.capabilities, s.deployment = list(r.get("capabilities") or []), r.get("deployment")
        s.price_min, s.price_max = r.get("price_min"), r.get("price_max")
        self.solutions[r["external_id"]] = s
        return s

    def product(self, r: dict) -> Product:
        p = self._upsert("products", Product, r, r["name"])
        p.provider, p.name, p.description = self._provider(r["provider"]), r["name"], r["description"]
        p.category = self.categories.get(r["category"].strip().lower())
        p.category_label = r["category"].strip()
        p.industries = self._industries(r.get("industries"))
        return p

    def case(self, r: dict) -> CaseStudy:
        c = self._upsert("cases", CaseStudy, r, r["title"])
        c.provider, c.solution = self._provider(r["provider"]), self._solution(r.get("solution"))
        c.title, c.client, c.summary, c.results = r["title"], r["client"], r["summary"], r["results"]
        c.industry, c.scenarios = self.vocab.industries[r["industry"]], self._scenarios(r.get("scenarios"))
        c.year = r.get("year")
        return c

    def need(self, r: dict) -> Need:
        n = self._upsert("needs", Need, r, r["title"])
        n.organization = self._enterprise(r["organization"], r.get("region") or "")
        n.title, n.description = r["title"], r["description"]
        n.industry, n.scenarios = self.vocab.industries[r["industry"]], self._scenarios(r.get("scenarios"))
        n.region = r.get("region") or ""
        n.budget_min, n.budget_max = r.get("budget_min"), r.get("budget_max")
        n.deadline = date.fromisoformat(r["deadline"]) if r.get("deadline") else None
        return n


_ENTITY = {"providers": "provider", "solutions": "solution", "products": "product", "cases": "case", "needs": "need"}


def import_records(actor: User | None, data) -> ImportReport:
    """Validate and import a parsed file all-or-nothing; raise ImportRejected listing every problem."""
    problems = validate_import(data)
    if problems:
        raise ImportRejected(problems)
    report = ImportReport()
    writer = _Writer(report)
    written = []
    try:
        with db.session.no_autoflush:
            for section in SECTIONS:
                write = getattr(writer, _ENTITY[section])
                written += [(section, write(record)) for record in data.get(section, [])]
        db.session.flush()
        for section, row in written:
            enqueue_index(_ENTITY[section], row.id)
        audit(actor, "import", "import", None, {"created": report.created, "updated": report.updated})
    except Exception:
        db.session.rollback()
        raise
    commit()
    return report

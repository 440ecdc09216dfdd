"""The one adapter between the app and the matching library: documents from the database, the outbox drain."""
import logging
from collections import defaultdict
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload
from tqdm import tqdm

from app.extensions import db
from app.models import (
    CaseReviewState,
    CaseStudy,
    Need,
    Organization,
    OrgKind,
    OutboxEvent,
    Product,
    Scenario,
    Solution,
    Standard,
)
from matching import Doc, Embedder, Matcher, ModelMismatch, ScenarioInfo

log = logging.getLogger(__name__)
COLLECTIONS = ("solution", "need", "product", "case", "provider")


def _key(record) -> str:
    return record.external_id or str(record.id)


def _slugs(items) -> list[str]:
    return [i.slug for i in items]


class DocBuilder:
    """Turns database rows into matcher documents."""

    def __init__(self):
        self._standards: dict[str, list[str]] | None = None

    def standards_for(self, scenario_slugs: list[str], industry_slugs: list[str]) -> list[str]:
        """Numbers of the standards that concern these scenarios and apply to one of these industries."""
        if self._standards is None:
            self._standards = defaultdict(list)
            query = sa.select(Standard).options(selectinload(Standard.scenarios), selectinload(Standard.industries))
            for std in db.session.scalars(query):
                industries = {i.slug for i in std.industries}  # empty: all industries
                for sc in std.scenarios:
                    self._standards[sc.slug].append((std.number, industries))
        wanted = set(industry_slugs)
        return list(dict.fromkeys(number for s in scenario_slugs for number, industries in self._standards.get(s, [])
                                  if not industries or industries & wanted))

    @staticmethod
    def _case_evidence(cases) -> list[dict]:
        return [{"title": c.title, "results": c.results, "exemplary": c.exemplary, "slug": c.slug}
                for c in cases if c.review_state == CaseReviewState.PUBLISHED and not c.is_deleted]

    def solution(self, s: Solution) -> Doc | None:
        if s.is_deleted or s.provider.is_deleted:
            return None
        scenarios = _slugs(s.scenarios)
        evidence = self._case_evidence(s.cases)
        if not evidence:  # the provider's published work in the same scenarios still counts
            evidence = self._case_evidence(c for c in s.provider.cases if set(_slugs(c.scenarios)) & set(scenarios))[:2]
        body = " ".join(filter(None, [
            s.summary, "Capabilities: " + ", ".join(s.capabilities) + "." if s.capabilities else "",
            s.description, "Scenarios: " + ", ".join(sc.name for sc in s.scenarios) + "." if s.scenarios else "",
        ]))
        return Doc(id=s.id, key=_key(s), title=s.title, body=body, industries=_slugs(s.industries),
                   scenarios=scenarios, region=s.provider.region, provider=s.provider_id,
                   provider_key=_key(s.provider), price_min=s.price_min, price_max=s.price_max,
                   deployment=s.deployment.value if s.deployment else None, status="active",
                   cases=evidence, standards=self.standards_for(scenarios, _slugs(s.industries)),
                   facets={"exemplary": any(c["exemplary"] for c in evidence), "slug": s.slug})

    def need(self, n: Need) -> Doc | None:
        if n.is_deleted:
            return None
        return Doc(id=n.id, key=_key(n), title=n.title, body=n.description, industries=[n.industry.slug],
                   scenarios=_slugs(n.scenarios), region=n.region, status=n.status.value,
                   price_min=n.budget_min, price_max=n.budget_max,
                   facets={"organization": n.organization_id, "slug": n.slug})

    def product(self, p: Product) -> Doc | None:
        if p.is_deleted or p.provider.is_deleted:
            return None
        return Doc(id=p.id, key=_key(p), title=p.name, body=f"{p.category_name}. {p.description}",
                   industries=_slugs(p.industries), region=p.provider.region, provider=p.provider_id,
                   provider_key=_key(p.provider), status="active",
                   facets={"category": p.category.slug if p.category else "", "slug": p.slug})

    def case(self, c: CaseStudy) -> Doc | None:
        if c.is_deleted:
            return None
        return Doc(id=c.id, key=_key(c), title=c.title, body=f"{c.client}. {c.summary} Results: {c.results}",
                   industries=[c.industry.slug], scenarios=_slugs(c.scenarios), region=c.provider.region,
                   provider=c.provider_id, provider_key=_key(c.provider), status=c.review_state.value,
                   facets={"exemplary": c.exemplary, "slug": c.slug})

    def provider(self, o: Organization) -> Doc | None:
        if o.is_deleted or o.kind != OrgKind.PROVIDER:
            return None
        return Doc(id=o.id, key=_key(o), title=o.name, body=o.description, industries=_slugs(o.industries),
                   region=o.region, provider=o.id, provider_key=_key(o), status="active",
                   facets={"size": o.size.value if o.size else "", "slug": o.slug})


MODELS = {"solution": Solution, "need": Need, "product": Product, "case": CaseStudy, "provider": Organization}


class Indexer:
    """Keeps the matcher's index in step with the database."""

    def __init__(self, index_dir: str, model_path: str | None, backend: str = "torch"):
        self.index_dir = Path(index_dir)
        self.model_path = model_path
        self.backend = backend
        self._matcher: Matcher | None = None

    @property
    def matcher(self) -> Matcher:
        if self._matcher is None:
            embedder = Embedder(self.model_path, cache_path=self.index_dir / "embeddings.sqlite3",
                                backend=self.backend)
            self._matcher = Matcher(self.index_dir, embedder)
            self.load_scenarios()
        self._matcher.refresh_if_stale()
        return self._matcher

    def load_scenarios(self) -> None:
        """Hand the catalogue's scenarios (name, description, technologies) to the matcher."""
        rows = db.session.scalars(sa.select(Scenario).where(Scenario.retired_at.is_(None))
                                  .options(selectinload(Scenario.industry)).order_by(Scenario.position)).all()
        self._matcher.set_scenarios([
            ScenarioInfo(slug=s.slug, name=s.name, industry=s.industry.slug if s.industry else None,
                         text=f"{s.name}. {s.description} Typical technologies: {', '.join(s.technologies)}.")
            for s in rows
        ])

    def _index(self, collection: str, ids: list[int], builder: DocBuilder) -> None:
        rows = db.session.scalars(sa.select(MODELS[collection]).where(MODELS[collection].id.in_(ids))).all()
        docs = {r.id: getattr(builder, collection)(r) for r in rows}
        live = [d for d in docs.values() if d is not None]
        self.matcher.upsert(collection, live)
        self.matcher.remove(collection, [i for i in ids if docs.get(i) is None])

    def drain(self, batch: int = 500) -> int:
        """Index what the outbox names; delete the rows only once the index is saved."""
        events = db.session.scalars(sa.select(OutboxEvent).order_by(OutboxEvent.id).limit(batch)).all()
        if not events:
            return 0
        by_entity: dict[str, set[int]] = defaultdict(set)
        for event in events:
            by_entity[event.entity].add(event.entity_id)
        builder = DocBuilder()
        try:
            for entity, ids in by_entity.items():
                self._index(entity, sorted(ids), builder)
            self.matcher.save()
        except Exception as error:
            db.session.rollback()
            ids = [e.id for e in events]
            db.session.execute(sa.update(OutboxEvent).where(OutboxEvent.id.in_(ids))
                               .values(attempts=OutboxEvent.attempts + 1, last_error=str(error)[:2000]))
            db.session.commit()
            raise
        db.session.execute(sa.delete(OutboxEvent).where(OutboxEvent.id.in_([e.id for e in events])))
        db.session.commit()
        return len(events)

    def drain_quietly(self) -> int:
        """Drain everything pending; a failing index delays indexing but never fails the caller's write."""
        total = 0
        try:
            while done := self.drain():
                total += done
        except Exception:
            log.warning("indexing delayed: the outbox keeps the changes until the index is back", exc_info=True)
        return total

    def rebuild(self, progress: bool = False) -> dict[str, int]:
        """Rebuild every collection from the database (the outbox rows seen so far are then done)."""
        last = db.session.scalar(sa.select(sa.func.max(OutboxEvent.id))) or 0
        matcher = self.matcher
        self.load_scenarios()
        builder = DocBuilder()
        counts = {}
        for collection in COLLECTIONS:
            matcher.clear(collection)
            model = MODELS[collection]
            ids = db.session.scalars(sa.select(model.id).order_by(model.id)).all()
            bar = tqdm(total=len(ids), desc=collection, disable=not progress)
            for start in range(0, len(ids), 256):
                chunk = ids[start:start + 256]
                self._index(collection, chunk, builder)
                bar.update(len(chunk))
            bar.close()
            counts[collection] = matcher.count(collection)
        matcher.save()
        db.session.execute(sa.delete(OutboxEvent).where(OutboxEvent.id <= last))
        db.session.commit()
        return counts

    def status(self) -> dict:
        pending = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEvent))
        failing = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEvent)
                                    .where(OutboxEvent.attempts > 0))
        try:
            index = self.matcher.status()
        except ModelMismatch as error:
            index = {"model": f"MISMATCH: {error}"}
        return {**index, "pending outbox rows": pending, "rows that failed to index": failing}


def init_app(app) -> None:
    """Create the app's indexer; the model loads on first use, not at start-up."""
    app.extensions["chainmatch.indexer"] = Indexer(app.config["INDEX_DIR"], app.config["EMBEDDING_MODEL"],
                                                   app.config["EMBEDDING_BACKEND"])


def get_indexer() -> Indexer:
    return current_app.extensions["chainmatch.indexer"]

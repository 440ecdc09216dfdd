"""The one adapter between the app and the matching library: documents from the database, the outbox drain."""
import logging
import time
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
    Industry,
    Match,
    MatchImpression,
    MatchState,
    Need,
    Organization,
    OrgKind,
    OutboxEvent,
    Product,
    Scenario,
    Solution,
    Standard,
)
from matching.elastic import ElasticSearchBackend, connect
from matching.search import EmbeddedSearch
from matching import Doc, Embedder, Matcher, ModelMismatch, ScenarioInfo
from matching.track_record import OUTCOME_VALUES, track_records

log = logging.getLogger(__name__)
COLLECTIONS = ("solution", "need", "product", "case", "provider", "scenario", "standard")


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
            query = (sa.select(Standard).where(Standard.retired_at.is_(None))
                     .options(selectinload(Standard.scenarios), selectinload(Standard.industries)))
            for std in db.session.scalars(query):
                industries = {i.slug for i in std.industries}  # empty: all industries
                for sc in std.scenarios:
                    self._standards[sc.slug].append((std.number, industries))
        wanted = set(industry_slugs)
        return list(dict.fromkeys(number for s in scenario_slugs for number, industries in self._standards.get(s, [])
                                  if not industries or industries & wanted))

    @staticmethod
    def _case_evidence(cases) -> list[dict]:
        """The published versions of the live published cases (a revision under review is not evidence yet)."""
        return [{"title": c.published["title"], "results": c.published["results"], "exemplary": c.exemplary,
                 "slug": c.slug} for c in cases if c.is_public and not c.is_deleted]

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
                   created=s.created_at.isoformat(),
                   facets={"exemplary": any(c["exemplary"] for c in evidence), "slug": s.slug})

    def need(self, n: Need) -> Doc | None:
        if n.is_deleted or n.confidential:  # confidential: never searched, nor offered as a similar need
            return None
        return Doc(id=n.id, key=_key(n), title=n.title, body=n.description, industries=[n.industry.slug],
                   scenarios=_slugs(n.scenarios), region=n.region, status=n.status.value,
                   price_min=n.budget_min, price_max=n.budget_max, created=n.created_at.isoformat(),
                   facets={"organization": n.organization_id, "slug": n.slug})

    def product(self, p: Product) -> Doc | None:
        if p.is_deleted or p.provider.is_deleted:
            return None
        return Doc(id=p.id, key=_key(p), title=p.name, body=f"{p.category_name}. {p.description}",
                   industries=_slugs(p.industries), region=p.provider.region, provider=p.provider_id,
                   provider_key=_key(p.provider), status="active", created=p.created_at.isoformat(),
                   facets={"category": p.category.slug if p.category else "", "slug": p.slug})

    def case(self, c: CaseStudy) -> Doc | None:
        if c.is_deleted:
            return None
        shown = c.public  # the published version while a revision waits for review
        status = CaseReviewState.PUBLISHED.value if c.is_public else c.review_state.value
        return Doc(id=c.id, key=_key(c), title=shown.title,
                   body=f"{shown.client}. {shown.summary} Results: {shown.results}",
                   industries=[c.industry.slug], scenarios=_slugs(c.scenarios), region=c.provider.region,
                   provider=c.provider_id, provider_key=_key(c.provider), status=status,
                   created=c.created_at.isoformat(), facets={"exemplary": c.exemplary, "slug": c.slug})

    def provider(self, o: Organization) -> Doc | None:
        if o.is_deleted or o.kind != OrgKind.PROVIDER:
            return None
        return Doc(id=o.id, key=_key(o), title=o.name, body=o.description, industries=_slugs(o.industries),
                   region=o.region, provider=o.id, provider_key=_key(o), status="active",
                   created=o.created_at.isoformat(), facets={"size": o.size.value if o.size else "", "slug": o.slug})

    def scenario(self, sc: Scenario) -> Doc | None:
        if sc.retired_at is not None:
            return None
        industries = [sc.industry.slug] if sc.industry else []
        return Doc(id=sc.id, key=sc.slug, title=sc.name, status="active", created=sc.created_at.isoformat(),
                   body=f"{sc.description} {sc.name_zh} {sc.description_zh} Typical technologies: "
                        f"{', '.join(sc.technologies)}.",
                   industries=industries, scenarios=[sc.slug], facets={"slug": sc.slug})

    def standard(self, st: Standard) -> Doc | None:
        if st.retired_at is not None:
            return None
        return Doc(id=st.id, key=st.number, title=f"{st.number} {st.title}", body=f"{st.title}. {st.issuer}",
                   industries=_slugs(st.industries), scenarios=_slugs(st.scenarios), status="active",
                   created=st.created_at.isoformat(), facets={"slug": st.slug})


MODELS = {"solution": Solution, "need": Need, "product": Product, "case": CaseStudy, "provider": Organization,
          "scenario": Scenario, "standard": Standard}


class Indexer:
    """Keeps the matcher's index in step with the database."""

    TRACK_RECORDS_FOR = 600  # seconds a process keeps providers' track records before reading them again

    def __init__(self, index_dir: str, model_path: str | None, backend: str = "torch",
                 elasticsearch_url: str | None = None, elasticsearch_knn: bool = True, track_record: bool = True,
                 export_dir: str | None = None, glossary: bool = True):
        self.index_dir = Path(index_dir)
        self.glossary = glossary
        self.export_dir = export_dir
        self.track_record = track_record
        self._track_read_at = float("-inf")
        self.model_path = model_path
        self.backend = backend
        self.elasticsearch_url = elasticsearch_url
        self.elasticsearch_knn = elasticsearch_knn
        self._matcher: Matcher | None = None
        self._elastic: ElasticSearchBackend | None = None
        self._embedded: EmbeddedSearch | None = None

    @property
    def search(self):
        """The search backend: Elasticsearch when ELASTICSEARCH_URL is set, else the embedded one."""
        if not self.elasticsearch_url:
            matcher = self.matcher
            # One instance per matcher: its facet postings are cached per collection version.
            if self._embedded is None or self._embedded.matcher is not matcher:
                self._embedded = EmbeddedSearch(matcher, COLLECTIONS)
            return self._embedded
        if self._elastic is None:
            self._elastic = ElasticSearchBackend(connect(self.elasticsearch_url), self.matcher.embedder,
                                                 COLLECTIONS, knn=self.elasticsearch_knn, glossary=self.glossary)
        return self._elastic

    def forget(self) -> None:
        """Drop the loaded index (its files were replaced); the next use loads them again."""
        self._matcher, self._embedded, self._elastic = None, None, None

    @property
    def matcher(self) -> Matcher:
        if self._matcher is None:
            embedder = Embedder(self.model_path, cache_path=self.index_dir / "embeddings.sqlite3",
                                backend=self.backend, onnx_root=self.export_dir, glossary=self.glossary)
            self._matcher = Matcher(self.index_dir, embedder, glossary=self.glossary)
            self._track_read_at = float("-inf")
            self.load_scenarios()
        self._matcher.refresh_if_stale()
        if self.track_record and time.monotonic() - self._track_read_at > self.TRACK_RECORDS_FOR:
            self.load_track_records()
        return self._matcher

    def load_track_records(self) -> None:
        """Give the matcher the providers' track records per industry, from the impression log and the
        matches' outcomes (matching/track_record.py); none when the log cannot be read."""
        self._track_read_at = time.monotonic()
        try:
            shown = db.session.execute(
                sa.select(MatchImpression.provider_id, MatchImpression.industry, MatchImpression.position,
                          sa.func.count()).group_by(MatchImpression.provider_id, MatchImpression.industry,
                                                    MatchImpression.position)).all()
            done = db.session.execute(
                sa.select(Solution.provider_id, Industry.slug, Match.rank, Match.state)
                .join(Match.solution).join(Match.need).join(Need.industry)
                .where(Match.state != MatchState.SUGGESTED)).all()
        except sa.exc.SQLAlchemyError:  # a database not migrated yet: rank without track records
            db.session.rollback()
            log.warning("track records unavailable", exc_info=True)
            return
        self._matcher.set_track_records(track_records(
            [((provider, industry), position, count) for provider, industry, position, count in shown],
            [((provider, industry), min(rank, 10), OUTCOME_VALUES.get(str(state), 0.0))
             for provider, industry, rank, state in done]))

    def load_scenarios(self) -> None:
        """Hand the catalogue's scenarios (name, description, technologies) and industry names to the matcher."""
        self.matcher.set_industry_names({i.slug: i.name for i in db.session.scalars(sa.select(Industry))})
        rows = db.session.scalars(sa.select(Scenario).where(Scenario.retired_at.is_(None))
                                  .options(selectinload(Scenario.industry)).order_by(Scenario.position)).all()
        self.matcher.set_scenarios([
            ScenarioInfo(slug=s.slug, name=s.name, industry=s.industry.slug if s.industry else None,
                         text=f"{s.name}. {s.description} Typical technologies: {', '.join(s.technologies)}.")
            for s in rows
        ])

    def _docs(self, collection: str, ids: list[int], builder: DocBuilder) -> tuple[list[Doc], list[int]]:
        """Documents for these ids, and the ids that must leave the index (deleted, hidden)."""
        model = MODELS[collection]
        rows = db.session.scalars(sa.select(model).where(model.id.in_(ids))).all()
        docs = {r.id: getattr(builder, collection)(r) for r in rows}
        return [d for d in docs.values() if d is not None], [i for i in ids if docs.get(i) is None]

    def _index(self, collection: str, ids: list[int], builder: DocBuilder, to_search: bool = True) -> list[Doc]:
        live, gone = self._docs(collection, ids, builder)
        self.matcher.upsert(collection, live)  # the matcher always keeps its own index
        self.matcher.remove(collection, gone)
        if to_search and self.elasticsearch_url:
            self.search.upsert(collection, live)
            self.search.remove(collection, gone)
        return live

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
            if "scenario" in by_entity:
                self.load_scenarios()  # the catalogue changed: place needs in the new scenarios
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
            docs = []
            for start in range(0, len(ids), 256):
                chunk = ids[start:start + 256]
                docs += self._index(collection, chunk, builder, to_search=False)
                bar.update(len(chunk))
            bar.close()
            if self.elasticsearch_url:  # a new versioned index, then an atomic alias swap
                self.search.rebuild(collection, docs)
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
                                                   app.config["EMBEDDING_BACKEND"], app.config["ELASTICSEARCH_URL"],
                                                   app.config["ELASTICSEARCH_KNN"], app.config["MATCHING_TRACK_RECORD"],
                                                   app.config["EMBEDDING_EXPORT_DIR"], app.config["EMBEDDING_GLOSSARY"])


def get_indexer() -> Indexer:
    return current_app.extensions["chainmatch.indexer"]

"""The hybrid matcher: vector + keyword candidates, fused, re-ranked with structured fit, diversified, explained."""
import json
import os
import threading
import uuid
from collections import defaultdict
from pathlib import Path

import numpy as np

from matching.documents import Doc, Query, Result, ScenarioInfo
from matching.embedder import Embedder
from matching.explain import explain
from matching.keyword_index import KeywordIndex
from matching.glossary import glossed_terms
from matching.text import deployment_wish, is_cjk, term_map
from matching.vector_index import VectorIndex
from matching.weights import DEFAULT, Weights

METHODS = ("vector", "keyword", "rrf", "fused", "full")


class Collection:
    """Docs of one kind, their vectors and facet postings."""

    def __init__(self, name: str, dim: int, model_id: str, ann_threshold: int):
        self.name = name
        self.docs: dict[int, Doc] = {}
        self.vectors = VectorIndex(dim, model_id, ann_threshold=ann_threshold)
        self._postings: dict[str, dict[str, set[int]]] | None = None
        self.dirty = False
        self.version = 0  # bumped on every change; caches built from the docs compare it

    def postings(self, facet: str) -> dict[str, set[int]]:
        """value -> ids for a facet (industries, status, region, provider, or a key of Doc.facets)."""
        if self._postings is None:
            self._postings = {}
        if facet not in self._postings:
            table: dict[str, set[int]] = defaultdict(set)
            for doc in self.docs.values():
                value = getattr(doc, facet) if hasattr(doc, facet) else doc.facets.get(facet)
                for v in value if isinstance(value, (list, tuple, set)) else [value]:
                    if v not in (None, ""):
                        table[str(v)].add(doc.id)
            self._postings[facet] = table
        return self._postings[facet]

    def changed(self) -> None:
        self._postings = None
        self.dirty = True
        self.version += 1

    def allowed(self, filters: dict | None) -> set[int] | None:
        """Ids passing every filter ({facet: value or list of values}); None means no filter."""
        if not filters:
            return None
        result: set[int] | None = None
        for facet, wanted in filters.items():
            values = wanted if isinstance(wanted, (list, tuple, set)) else [wanted]
            table = self.postings(facet)
            ids = set().union(*(table.get(str(v), set()) for v in values)) if values else set()
            result = ids if result is None else result & ids
        return result or set()


class Matcher:
    """Index records and match queries against them. Plain library: configure by arguments."""

    def __init__(self, directory: str | Path, embedder: Embedder, weights: Weights = DEFAULT,
                 ann_threshold: int = 50_000, glossary: bool = True):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.embedder = embedder
        self.weights = weights
        self.ann_threshold = ann_threshold
        self.keywords = KeywordIndex(self.directory / "keywords.sqlite3", glossary=glossary)
        self._collections: dict[str, Collection] = {}
        self._scenarios: list[ScenarioInfo] = []
        self._industry_names: dict[str, str] = {}
        self._track: dict = {}  # provider id -> TrackRecord
        self._scenario_vecs = np.zeros((0, 1), dtype=np.float32)
        self._lock = threading.RLock()
        self._generation = self._read_generation()

    # ---- freshness across processes --------------------------------------
    def _read_generation(self) -> str:
        path = self.directory / "generation"
        return path.read_text() if path.exists() else ""

    def refresh_if_stale(self) -> None:
        """Drop cached collections when another process saved the index since we loaded it."""
        current = self._read_generation()
        if current != self._generation:
            with self._lock:
                self._collections.clear()
                self._generation = current

    # ---- indexing -------------------------------------------------------
    def collection(self, name: str) -> Collection:
        with self._lock:
            if name not in self._collections:
                self._collections[name] = self._load(name)
            return self._collections[name]

    def _load(self, name: str) -> Collection:
        coll = Collection(name, self.embedder.dim, self.embedder.model_id, self.ann_threshold)
        docs_file = self.directory / f"{name}.docs.json"
        if docs_file.exists() and (self.directory / f"{name}.json").exists():
            coll.vectors = VectorIndex.load(self.directory, name, self.embedder.model_id,
                                            ann_threshold=self.ann_threshold)
            coll.docs = {d["id"]: Doc(**d) for d in json.loads(docs_file.read_text(encoding="utf-8"))}
        return coll

    def upsert(self, name: str, docs: list[Doc]) -> None:
        """Embed and index docs (replacing earlier versions)."""
        if not docs:
            return
        vectors = self.embedder.encode([d.text for d in docs])
        with self._lock:
            coll = self.collection(name)
            coll.vectors.upsert([d.id for d in docs], vectors)
            for doc in docs:
                coll.docs[doc.id] = doc
            coll.changed()
        self.keywords.upsert(name, [(d.id, d.title, d.body) for d in docs])

    def remove(self, name: str, ids: list[int]) -> None:
        with self._lock:
            coll = self.collection(name)
            coll.vectors.remove(ids)
            for i in ids:
                coll.docs.pop(i, None)
            coll.changed()
        self.keywords.remove(name, ids)

    def clear(self, name: str) -> None:
        with self._lock:
            coll = Collection(name, self.embedder.dim, self.embedder.model_id, self.ann_threshold)
            coll.changed()
            self._collections[name] = coll
        self.keywords.clear(name)

    def save(self) -> None:
        """Persist every loaded collection (atomic file swaps)."""
        with self._lock:
            dirty = [(name, coll) for name, coll in self._collections.items() if coll.dirty]
            if not dirty:
                return
            for name, coll in dirty:
                coll.dirty = False
                coll.vectors.save(self.directory, name)
                tmp = self.directory / f".{name}.docs.tmp"
                tmp.write_text(json.dumps([d.to_json() for d in coll.docs.values()], ensure_ascii=False),
                               encoding="utf-8")
                os.replace(tmp, self.directory / f"{name}.docs.json")
            self._generation = uuid.uuid4().hex
            tmp = self.directory / ".generation.tmp"
            tmp.write_text(self._generation)
            os.replace(tmp, self.directory / "generation")

    def count(self, name: str) -> int:
        return len(self.collection(name).docs)

    def set_scenarios(self, scenarios: list[ScenarioInfo]) -> None:
        """Give the matcher the catalogue scenarios it places queries in."""
        self._scenarios = list(scenarios)
        self._scenario_vecs = self.embedder.encode([s.text for s in scenarios]) if scenarios else \
            np.zeros((0, self.embedder.dim), dtype=np.float32)

    # ---- matching -------------------------------------------------------
    def infer_scenarios(self, qvec: np.ndarray, industries: list[str]) -> dict[str, float]:
        """Scenarios the query text belongs to, with a weight in (0, 1]."""
        if not self._scenarios:
            return {}
        sims = self._scenario_vecs @ qvec
        out = {}
        for i in np.argsort(-sims):
            s = self._scenarios[i]
            if s.industry and industries and s.industry not in industries:
                continue  # another industry's specific scenario
            if sims[i] < self.weights.scenario_min_similarity or len(out) >= self.weights.scenario_top:
                break
            out[s.slug] = float(sims[i])
        top = max(out.values(), default=1.0)
        return {slug: sim / top for slug, sim in out.items()}

    def set_track_records(self, records: dict) -> None:
        """Give the matcher the providers' track records ((provider id, industry slug) -> TrackRecord)."""
        self._track = dict(records)

    def _record(self, doc: Doc, query: Query):
        """The provider's track record in the need's industry (a provider's record is per industry)."""
        for industry in query.industries:
            record = self._track.get((doc.provider, industry))
            if record is not None:
                return record
        return None

    def set_industry_names(self, names: dict[str, str]) -> None:
        """Names to show for industry slugs in explanations."""
        self._industry_names = dict(names)

    def labels(self) -> dict[str, str]:
        """Display names of scenario and industry slugs, for explanations."""
        return {**self._industry_names, **{s.slug: s.name for s in self._scenarios}}

    def match(self, query: Query, name: str = "solution", limit: int = 10, filters: dict | None = None,
              method: str = "full", weights: Weights | None = None) -> list[Result]:
        """Rank docs of a collection for the query; `method` selects an ablation for evaluation."""
        w = weights or self.weights
        coll = self.collection(name)
        allowed = coll.allowed(filters)
        if query.exclude:
            allowed = (set(coll.docs) if allowed is None else allowed) - query.exclude
        if not coll.docs or (allowed is not None and not allowed):
            return []
        qvec = self.embedder.encode_one(query.text)
        vec_hits = coll.vectors.search(qvec, w.candidates, allowed) if method != "keyword" else []
        kw_hits = self.keywords.search(name, query.text, w.candidates, allowed) if method != "vector" else []
        own = term_map(query.text)
        glossed = glossed_terms(query.text) if self.keywords.glossary else {}
        terms = _with_glosses(own, glossed)
        if method in ("vector", "keyword"):
            ranked = [(i, s) for i, s in (vec_hits or kw_hits)]
            return [self._result(coll, i, s, []) for i, s in ranked[:limit]]
        if method == "rrf":
            ranked = _rrf(vec_hits, kw_hits, w.rrf_k)
            return [self._result(coll, i, s, []) for i, s in ranked[:limit]]
        fused = self._fuse(coll, qvec, vec_hits, kw_hits, own, glossed, w)
        if method == "fused":
            ranked = sorted(fused.items(), key=lambda kv: -kv[1])
            return [self._result(coll, i, s, []) for i, s in ranked[:limit]]
        wish = query.deployment or deployment_wish(query.text)
        need_scenarios = {s: 1.0 for s in query.scenarios}
        for slug, weight in self.infer_scenarios(qvec, query.industries).items():
            need_scenarios.setdefault(slug, 0.8 * weight)
        scored = []
        for doc_id, base in fused.items():
            doc = coll.docs[doc_id]
            features = _features(doc, query, need_scenarios, wish)
            record = self._record(doc, query)
            features["track_record"] = record.feature if record is not None and w.track_record else 0.0
            bonus = sum(getattr(w, f) * v for f, v in features.items())
            total = (base + bonus) / w.total
            scored.append((doc_id, total, features, base))
        scored.sort(key=lambda t: -t[1])
        chosen = _monotonic(_diversify(scored, coll, w.max_per_provider, limit))
        names = self.labels()
        return [
            self._result(coll, doc_id, total,
                         explain(coll.docs[doc_id], query, terms, features, base, w, need_scenarios, names, wish,
                                 [coll.docs[d] for d, *_ in scored[:50]], self._record(coll.docs[doc_id], query)))
            for doc_id, total, features, base in chosen
        ]

    def _fuse(self, coll: Collection, qvec, vec_hits, kw_hits, own: dict[str, str], glossed: dict[str, list[str]],
              w: Weights) -> dict[int, float]:
        """Convex combination of min-max normalised cosine and BM25, keyword share scaled by coverage."""
        cands = {i for i, _ in vec_hits} | {i for i, _ in kw_hits}
        if not cands:
            return {}
        cos = {i: float(coll.vectors.vector(i) @ qvec) for i in cands}
        hi = max(cos.values())
        # Min-max, but over at least `vector_spread` of cosine: among a handful of near-identical
        # candidates a 0.001 difference must not count as a whole point.
        spread = max(hi - min(cos.values()), w.vector_spread)
        vnorm = {i: (c - hi + spread) / spread for i, c in cos.items()}
        bm = dict(kw_hits)
        top_bm = max(bm.values(), default=0.0)
        coverage = 0.0
        if kw_hits:
            coverage = _coverage(own, glossed, self.keywords.words_of(coll.docs[kw_hits[0][0]].text).lower())
        # Do the two retrievers agree on the top? When they do not at all, the keyword list is noise.
        top = 20
        agreement = (len({i for i, _ in vec_hits[:top]} & {i for i, _ in kw_hits[:top]}) + 1) / (top + 1)
        wk = w.keyword * coverage ** w.keyword_coverage_power * agreement ** w.keyword_agreement_power
        total = w.vector + wk
        return {i: (w.vector * vnorm[i] + wk * (bm.get(i, 0.0) / top_bm if top_bm > 0 else 0.0)) / total
                for i in cands}

    @staticmethod
    def _result(coll: Collection, doc_id: int, score: float, reasons) -> Result:
        doc = coll.docs[doc_id]
        return Result(id=doc_id, key=doc.key or str(doc_id), provider=doc.provider,
                      provider_key=doc.provider_key, score=round(float(score), 4), reasons=reasons)

    def similar(self, name: str, doc_id: int, limit: int = 5, filters: dict | None = None,
                target: str | None = None) -> list[Result]:
        """Records close in meaning to one record (of the same or another collection)."""
        source = self.collection(name)
        vec = source.vectors.vector(doc_id)
        if vec is None:
            return []
        coll = self.collection(target or name)
        allowed = coll.allowed(filters)
        hits = coll.vectors.search(vec, limit + 1, allowed)
        return [self._result(coll, i, s, []) for i, s in hits if not (i == doc_id and coll is source)][:limit]

    def nearest(self, name: str, text: str, limit: int = 5, filters: dict | None = None) -> list[tuple[Doc, float]]:
        """Records of a collection closest in meaning to a text, with their cosine (no re-ranking)."""
        coll = self.collection(name)
        allowed = coll.allowed(filters)
        if not coll.docs or not text.strip() or (allowed is not None and not allowed):
            return []
        hits = coll.vectors.search(self.embedder.encode_one(text), limit, allowed)
        return [(coll.docs[i], score) for i, score in hits]

    def place(self, text: str, industries: list[str] | None = None, limit: int = 5) -> list[tuple[ScenarioInfo, float]]:
        """Catalogue scenarios closest to a text, with their cosine; another industry's own scenarios are
        left out when industries are given."""
        if not self._scenarios or not text.strip():
            return []
        sims = self._scenario_vecs @ self.embedder.encode_one(text)
        out = []
        for i in np.argsort(-sims):
            s = self._scenarios[i]
            if industries and s.industry and s.industry not in industries:
                continue
            out.append((s, float(sims[i])))
            if len(out) == limit:
                break
        return out

    def status(self) -> dict:
        names = sorted({p.name.split(".")[0] for p in self.directory.glob("*.docs.json")} | set(self._collections))
        return {
            "model": self.embedder.model_id,
            **{f"{n} documents": self.count(n) for n in names},
            **{f"{n} ann": self.collection(n).vectors.uses_ann for n in names},
        }


def _with_glosses(own: dict[str, str], glossed: dict[str, list[str]]) -> dict[str, str]:
    """The query's content terms (stem -> its word) for explanations, with the English words of its Chinese
    terms (matching/glossary.py), each shown as the Chinese term it stands for."""
    terms = dict(own)
    for term, stems in glossed.items():
        for stem in stems:
            terms.setdefault(stem, term)
    return terms


def _coverage(own: dict[str, str], glossed: dict[str, list[str]], best: str) -> float:
    """The share of the query found in the best keyword hit, in the query's own units: its Latin words,
    its Chinese pieces (against a Chinese record), or its Chinese terms by their English words
    (against an English record: a term is found when one of its words is); the best of the three."""
    chinese = [t for t in own if is_cjk(t)]
    latin = [t for t in own if not is_cjk(t)]
    shares = [sum(1 for t in group if t in best) / len(group) for group in (chinese, latin) if group]
    if glossed:
        shares.append(sum(1 for stems in glossed.values() if any(t in best for t in stems)) / len(glossed))
    return max(shares, default=0.0)


def _rrf(vec_hits, kw_hits, k: int) -> list[tuple[int, float]]:
    scores: dict[int, float] = defaultdict(float)
    for hits in (vec_hits, kw_hits):
        for rank, (i, _s) in enumerate(hits):
            scores[i] += 1.0 / (k + rank + 1)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def _budget_fit(doc: Doc, query: Query) -> float:
    """1 when the budget overlaps the price range, 0.5 when unknown or slightly above, else 0."""
    if (query.budget_min is None and query.budget_max is None) or (doc.price_min is None and doc.price_max is None):
        return 0.5
    b_lo, b_hi = query.budget_min or 0, query.budget_max or query.budget_min
    p_lo, p_hi = doc.price_min or 0, doc.price_max or doc.price_min
    if p_lo <= b_hi and b_lo <= p_hi:
        return 1.0
    return 0.5 if p_lo <= b_hi * 1.3 else 0.0


def _deployment_fit(doc: Doc, wish: str | None) -> float:
    """1 when the solution deploys as the need asks (hybrid fits all), 0.5 when either side is silent."""
    if wish is None or doc.deployment is None:
        return 0.5
    return 1.0 if doc.deployment in (wish, "hybrid") else 0.0


def _features(doc: Doc, query: Query, need_scenarios: dict[str, float], wish: str | None) -> dict[str, float]:
    published = len(doc.cases)
    exemplary = sum(1 for c in doc.cases if c.get("exemplary"))
    return {
        "industry": 1.0 if query.industries and set(query.industries) & set(doc.industries) else 0.0,
        "scenario": max((need_scenarios.get(s, 0.0) for s in doc.scenarios), default=0.0),
        "budget": _budget_fit(doc, query),
        "region": 1.0 if query.region and doc.region and query.region.lower() == doc.region.lower() else 0.0,
        "evidence": min(1.0, (published + 2 * exemplary) / 4),
        "deployment": _deployment_fit(doc, wish),
    }


def _diversify(scored: list, coll: Collection, per_provider: int, limit: int) -> list:
    """Keep at most per_provider results of one provider in each window of ten."""
    chosen, deferred = [], []
    counts: dict = defaultdict(int)
    for item in scored:
        provider = coll.docs[item[0]].provider
        window = len(chosen) // 10
        if provider is not None and counts[(provider, window)] >= per_provider:
            deferred.append(item)
            continue
        counts[(provider, window)] += 1
        chosen.append(item)
        if len(chosen) >= limit:
            return chosen
    return (chosen + deferred)[:limit]


def _monotonic(items: list) -> list:
    """Cap each score at the one before it, so scores read best first after the diversity rule."""
    out, ceiling = [], float("inf")
    for doc_id, total, features, base in items:
        ceiling = min(ceiling, total)
        out.append((doc_id, ceiling, features, base))
    return out

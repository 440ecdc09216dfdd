"""Search over every record type: one interface, implemented by the embedded backend (FAISS + FTS5) and
by the Elasticsearch backend (matching/elastic.py).

Facets are disjunctive: the count of each value of a facet is taken with every *other* facet's
selection applied, so selecting a value narrows the other facets but not its own siblings.
"""
from dataclasses import dataclass, field
from typing import Protocol

from matching.documents import Doc
from matching.text import term_map

FACETS = ("type", "industry", "scenario", "region", "deployment", "price", "exemplary")
# Price ranges in CNY, as (key, low, high); a record falls in every range its own range overlaps.
PRICE_BANDS = (("lt-500k", 0, 499_999), ("500k-2m", 500_000, 1_999_999), ("2m-5m", 2_000_000, 4_999_999),
               ("gte-5m", 5_000_000, 10**13))
SEMANTIC_FLOOR = 0.35  # least cosine for a record to count as found by meaning alone


@dataclass
class SearchRequest:
    text: str = ""
    types: list[str] = field(default_factory=list)  # collections; empty = every searchable one
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet -> selected values (OR within a facet)
    sort: str = "relevance"  # or "newest"
    page: int = 1
    per_page: int = 20


@dataclass
class SearchHit:
    type: str
    id: int
    key: str
    title: str
    snippet: str  # body text with matched terms between \x02 and \x03
    score: float


@dataclass
class SearchResponse:
    hits: list[SearchHit]
    total: int
    facets: dict[str, dict[str, int]]
    suggestions: list[str] = field(default_factory=list)


class SearchBackend(Protocol):
    def upsert(self, collection: str, docs: list[Doc]) -> None: ...

    def remove(self, collection: str, ids: list[int]) -> None: ...

    def search(self, request: SearchRequest) -> SearchResponse: ...


def facet_values(collection: str, doc: Doc) -> dict[str, list[str]]:
    """The facet values of one document (shared by both backends so their counts agree)."""
    values = {
        "type": [collection],
        "industry": list(doc.industries),
        "scenario": list(doc.scenarios),
        "region": [doc.region] if doc.region else [],
        "deployment": [doc.deployment] if doc.deployment else [],
        "exemplary": ["yes"] if doc.facets.get("exemplary") else [],
        "price": [],
    }
    if doc.price_min is not None or doc.price_max is not None:
        low = doc.price_min if doc.price_min is not None else doc.price_max
        high = doc.price_max if doc.price_max is not None else doc.price_min
        values["price"] = [key for key, a, b in PRICE_BANDS if low <= b and high >= a]
    return values


def snippet(text: str, terms: dict[str, str], width: int = 220) -> str:
    """A window of text around the first matched term, matched terms wrapped in \\x02…\\x03."""
    lower = text.lower()
    positions = sorted(p for p in (lower.find(t) for t in terms) if p >= 0)
    start = max(0, positions[0] - width // 3) if positions else 0
    window = text[start:start + width]
    marked, i, low = [], 0, window.lower()
    while i < len(window):
        hit = next((t for t in terms if low.startswith(t, i)), None)
        if hit:
            end = i + len(hit)
            while end < len(window) and window[end].isalnum():
                end += 1  # mark the whole word: "inspect" → "inspection"
            marked.append("\x02" + window[i:end] + "\x03")
            i = end
        else:
            marked.append(window[i])
            i += 1
    prefix = "…" if start else ""
    suffix = "…" if start + width < len(text) else ""
    return prefix + "".join(marked) + suffix


def count_facets(found: dict[tuple[str, int], dict[str, list[str]]], filters: dict[str, list[str]]):
    """Disjunctive facet counts over the found records' facet values; and which records pass all filters."""
    def passes(values: dict[str, list[str]], skip: str | None) -> bool:
        return all(set(values.get(f, [])) & set(sel) for f, sel in filters.items() if sel and f != skip)

    counts: dict[str, dict[str, int]] = {f: {} for f in FACETS}
    for values in found.values():
        for facet in FACETS:
            if passes(values, facet):
                for v in values.get(facet, []):
                    counts[facet][v] = counts[facet].get(v, 0) + 1
    kept = [key for key, values in found.items() if passes(values, None)]
    return counts, kept


def suggest(text: str, vocabulary: set[str], limit: int = 3) -> list[str]:
    """Spelling-tolerant suggestions: vocabulary words close to the query's unknown words."""
    from difflib import get_close_matches

    out = []
    for stem, word in term_map(text).items():
        if not any(stem in v for v in vocabulary):
            out += get_close_matches(word, vocabulary, n=1, cutoff=0.75)
    return list(dict.fromkeys(out))[:limit]


@dataclass
class _Found:
    collection: str
    doc: Doc
    score: float


class EmbeddedSearch:
    """Search over the Matcher's collections: FAISS + FTS5, facets counted with set postings."""

    def __init__(self, matcher, collections: tuple[str, ...]):
        self.matcher = matcher
        self.collections = collections
        self._facet_cache: dict[str, tuple] = {}

    def upsert(self, collection: str, docs: list[Doc]) -> None:
        self.matcher.upsert(collection, docs)

    def remove(self, collection: str, ids: list[int]) -> None:
        self.matcher.remove(collection, ids)

    def _postings(self, name: str) -> dict[str, dict[str, set[int]]]:
        """facet -> value -> record ids, rebuilt when the collection changes."""
        coll = self.matcher.collection(name)
        cached = self._facet_cache.get(name)
        if cached is None or cached[0] != (id(coll), coll.version):
            postings: dict[str, dict[str, set[int]]] = {f: {} for f in FACETS}
            for doc in coll.docs.values():
                for facet, values in facet_values(name, doc).items():
                    for v in values:
                        postings[facet].setdefault(v, set()).add(doc.id)
            cached = self._facet_cache[name] = ((id(coll), coll.version), postings)
        return cached[1]

    def _candidates(self, name: str, request: SearchRequest, scope: dict, qvec, terms) -> dict[int, float]:
        """Record id -> relevance for one collection (every record in scope when there is no text)."""
        coll = self.matcher.collection(name)
        allowed = coll.allowed(scope)
        if not request.text.strip():
            return dict.fromkeys(allowed if allowed is not None else coll.docs, 0.0)
        w = self.matcher.weights
        vec = {i: s for i, s in coll.vectors.search(qvec, 200, allowed) if s >= SEMANTIC_FLOOR}
        kw = dict(self.matcher.keywords.search(name, request.text, 500, allowed))
        top_kw = max(kw.values(), default=0.0)
        ids = set(vec) | set(kw)
        return {i: w.vector * float(coll.vectors.vector(i) @ qvec)
                + w.keyword * (kw.get(i, 0.0) / top_kw if top_kw else 0.0) for i in ids}

    def search(self, request: SearchRequest, scopes: dict[str, dict] | None = None) -> SearchResponse:
        """Run a search; scopes[collection] are hard filters the user cannot lift (e.g. published only)."""
        scopes = scopes or {}
        names = [n for n in (request.types or self.collections) if n in self.collections]
        names = self.collections if "type" in request.filters else names
        qvec = self.matcher.embedder.encode_one(request.text) if request.text.strip() else None
        terms = term_map(request.text)
        filters = {f: v for f, v in request.filters.items() if v and f in FACETS}
        counts: dict[str, dict[str, int]] = {f: {} for f in FACETS}
        kept: list[_Found] = []
        for name in names:
            found = self._candidates(name, request, scopes.get(name, {}), qvec, terms)
            if not found:
                continue
            postings = self._postings(name)
            ids = set(found)
            selected = {f: set().union(*(postings[f].get(v, set()) for v in sel)) if f != "type"
                        else (ids if name in sel else set()) for f, sel in filters.items()}
            everything = len(self.matcher.collection(name).docs)
            for facet in FACETS:
                base = ids.intersection(*(s for f, s in selected.items() if f != facet))
                whole = len(base) == everything  # nothing narrows it: a count is the posting's size
                for value, posting in (postings[facet].items() if facet != "type" else [(name, ids)]):
                    n = len(posting) if whole else len(base & posting)
                    if n:
                        counts[facet][value] = counts[facet].get(value, 0) + n
            docs = self.matcher.collection(name).docs
            kept += [_Found(name, docs[i], found[i]) for i in ids.intersection(*selected.values())]
        if request.sort == "newest" or not request.text.strip():
            kept.sort(key=lambda f: (f.doc.created, f.score), reverse=True)
        else:
            kept.sort(key=lambda f: f.score, reverse=True)
        start = (max(request.page, 1) - 1) * request.per_page
        hits = [SearchHit(f.collection, f.doc.id, f.doc.key, f.doc.title, snippet(f.doc.body, terms), f.score)
                for f in kept[start:start + request.per_page]]
        suggestions = self._suggest(request.text) if not kept and request.text.strip() else []
        return SearchResponse(hits, len(kept), counts, suggestions)

    def _suggest(self, text: str) -> list[str]:
        vocabulary = set()
        for name in self.collections:
            for doc in self.matcher.collection(name).docs.values():
                vocabulary.update(w.lower() for w in doc.title.split() if len(w) > 3 and w.isalpha())
        return suggest(text, vocabulary)

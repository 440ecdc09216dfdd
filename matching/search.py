"""Search over every record type: one interface, implemented by the embedded backend (FAISS + FTS5) and
by the Elasticsearch backend (matching/elastic.py).

Facets are disjunctive: the count of each value of a facet is taken with every *other* facet's
selection applied, so selecting a value narrows the other facets but not its own siblings.
"""
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
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


def snippet(text: str, terms: dict[str, str], width: int = 220, own: dict[str, str] | None = None) -> str:
    """A window of text around the first matched term, matched terms wrapped in \x02…\x03. The window opens
    at the query's own words (`own`) when the text has them: a Chinese query's Chinese before the English
    words of its glosses."""
    pattern = _term_pattern(tuple(terms))
    anchor = _term_pattern(tuple(own)) if own else None
    first = (anchor.search(text) if anchor else None) or (pattern.search(text) if pattern else None)
    start = max(0, first.start() - width // 3) if first else 0
    window = text[start:start + width]
    # mark the whole word: "inspect" → "inspection"
    marked = pattern.sub(lambda m: "\x02" + m.group(0) + "\x03", window) if pattern else window
    prefix = "…" if start else ""
    suffix = "…" if start + width < len(text) else ""
    return prefix + marked + suffix


@lru_cache(maxsize=512)
def _term_pattern(terms: tuple[str, ...]) -> re.Pattern | None:
    """One regex for a query's terms (longest first), each running on to the end of its word."""
    if not terms:
        return None
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(f"(?:{alternatives})[^\\W_]*", re.IGNORECASE)


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


@dataclass
class _Facets:
    """One collection's facet data at one version: postings, and each record's (facet, value) pairs."""
    version: tuple
    postings: dict[str, dict[str, set[int]]]
    pairs: dict[int, tuple[tuple[str, str], ...]]
    vocabulary: set[str]


def _split(counts: Counter) -> dict[str, dict[str, int]]:
    """(facet, value) counts as facet -> value -> count, every facet present."""
    out: dict[str, dict[str, int]] = {f: {} for f in FACETS}
    for (facet, value), n in counts.items():
        out[facet][value] = n
    return out


class EmbeddedSearch:
    """Search over the Matcher's collections: FAISS + FTS5, facets counted from each record's values.

    A text search finds records by meaning (cosine above SEMANTIC_FLOOR among the best VECTOR_K)
    or by words (the best KEYWORD_K BM25 hits). Selected facet values are applied inside retrieval,
    never only after it, so a filtered search lists the best records of the filtered set, however far
    down the unfiltered ranking they were; facet counts are taken over the union of the unfiltered
    and the filtered retrievals, disjunctively. Browsing (no text) lists every record in scope; its
    pages and counts are cached until the collection changes.
    """

    VECTOR_K = 200
    KEYWORD_K = 200
    BROWSE_CACHE = 64
    POST_FILTER_MAX = 1_000  # a scope dropping at most this many records filters after retrieval

    def __init__(self, matcher, collections: tuple[str, ...]):
        self.matcher = matcher
        self.collections = collections
        self._facet_cache: dict[str, _Facets] = {}
        self._browse_cache: dict[tuple, tuple] = {}

    def upsert(self, collection: str, docs: list[Doc]) -> None:
        self.matcher.upsert(collection, docs)

    def remove(self, collection: str, ids: list[int]) -> None:
        self.matcher.remove(collection, ids)

    def _version(self, name: str) -> tuple:
        coll = self.matcher.collection(name)
        return (id(coll), coll.version)

    def _facets(self, name: str) -> _Facets:
        """Facet data of a collection, rebuilt when it changes."""
        cached = self._facet_cache.get(name)
        if cached is None or cached.version != self._version(name):
            postings: dict[str, dict[str, set[int]]] = {f: {} for f in FACETS}
            pairs, vocabulary = {}, set()
            for doc in self.matcher.collection(name).docs.values():
                pairs[doc.id] = tuple((f, v) for f, vals in facet_values(name, doc).items() for v in vals)
                for facet, v in pairs[doc.id]:
                    postings[facet].setdefault(v, set()).add(doc.id)
                vocabulary.update(w.lower() for w in doc.title.split() if len(w) > 3 and w.isalpha())
            cached = self._facet_cache[name] = _Facets(self._version(name), postings, pairs, vocabulary)
        return cached

    def _selected(self, name: str, facet: str, selection: set[str]) -> set[int]:
        """Ids of the collection's records with any of the selected values of a facet."""
        postings = self._facets(name).postings[facet]
        return set().union(*(postings.get(v, set()) for v in selection))

    def _retrieve(self, name: str, qvec, text: str, allowed) -> dict[int, tuple[float, float]]:
        """Record id -> (cosine, BM25) of the records found by meaning or by words."""
        coll = self.matcher.collection(name)
        dropped = max(len(coll.docs), len(coll.vectors)) - len(allowed) if allowed is not None else 0
        if allowed is not None and dropped <= self.POST_FILTER_MAX:
            # A scope that drops few records (closed needs, unpublished cases) is cheaper applied after
            # retrieval than as an id list inside it; asking for `dropped` more keeps the result exact.
            vec = [(i, s) for i, s in coll.vectors.search(qvec, self.VECTOR_K + dropped) if i in allowed]
            kw = [(i, s) for i, s in self.matcher.keywords.search(name, text, self.KEYWORD_K + dropped)
                  if i in allowed]
            vec, kw = vec[:self.VECTOR_K], kw[:self.KEYWORD_K]
        else:
            vec = coll.vectors.search(qvec, self.VECTOR_K, allowed)
            kw = self.matcher.keywords.search(name, text, self.KEYWORD_K, allowed)
        cosines = {i: s for i, s in vec if s >= SEMANTIC_FLOOR}
        bm25 = dict(kw)
        missing = [i for i in bm25 if i not in cosines]
        cosines.update(zip(missing, coll.vectors.cosines(missing, qvec)))
        return {i: (cosines[i], bm25.get(i, 0.0)) for i in cosines}

    def _found(self, name: str, request: SearchRequest, scope: dict, filters: dict[str, set[str]], qvec):
        """Record id -> (cosine, BM25): unfiltered retrieval plus retrieval within the selection."""
        coll = self.matcher.collection(name)
        allowed = coll.allowed(scope)
        found = self._retrieve(name, qvec, request.text, allowed)
        narrowing = {f: sel for f, sel in filters.items() if f != "type"}
        if narrowing and (filters.get("type") is None or name in filters["type"]):
            within = allowed
            for facet, sel in narrowing.items():
                ids = self._selected(name, facet, sel)
                within = ids if within is None else within & ids
            if within:
                found.update(self._retrieve(name, qvec, request.text, within))
        return found

    def _count(self, name: str, ids, filters: dict[str, set[str]], counts: Counter, kept: list[int]) -> None:
        """Add disjunctive (facet, value) counts of `ids` to counts; append those passing every filter to kept.

        A record passing every filter counts for every facet; one failing a single facet's selection
        counts for that facet only (what selecting another of its values would add); others not at all.
        """
        data = self._facets(name)
        if not filters:
            kept.extend(ids)
            counts.update(chain.from_iterable(map(data.pairs.__getitem__, ids)))
            return
        ids = list(ids)
        failing = {f: set(ids) - self._selected(name, f, sel) for f, sel in filters.items()}
        failing_any = set().union(*failing.values())
        passing = [i for i in ids if i not in failing_any]
        kept.extend(passing)
        counts.update(chain.from_iterable(map(data.pairs.__getitem__, passing)))
        for facet, failed in failing.items():
            others = set().union(*(s for f, s in failing.items() if f != facet))
            counts.update(pair for i in failed - others for pair in data.pairs[i] if pair[0] == facet)

    def search(self, request: SearchRequest, scopes: dict[str, dict] | None = None) -> SearchResponse:
        """Run a search; scopes[collection] are hard filters the user cannot lift (e.g. published only)."""
        scopes = scopes or {}
        names = [n for n in (request.types or self.collections) if n in self.collections]
        names = self.collections if "type" in request.filters else names
        filters = {f: set(v) for f, v in request.filters.items() if v and f in FACETS}
        if not request.text.strip():
            return self._browse(request, names, scopes, filters)
        qvec = self.matcher.embedder.encode_one(request.text)
        w = self.matcher.weights
        counts: Counter = Counter()
        kept: list[_Found] = []
        for name in names:
            found = self._found(name, request, scopes.get(name, {}), filters, qvec)
            top_kw = max((kw for _, kw in found.values()), default=0.0)
            ids: list[int] = []
            self._count(name, found, filters, counts, ids)
            docs = self.matcher.collection(name).docs
            kept += [_Found(name, docs[i], w.vector * found[i][0] + w.keyword * (found[i][1] / top_kw if top_kw else 0))
                     for i in ids]
        key = (lambda f: (f.doc.created, f.score)) if request.sort == "newest" else (lambda f: f.score)
        kept.sort(key=key, reverse=True)
        return self._respond(request, kept, _split(counts))

    def _browse(self, request: SearchRequest, names, scopes: dict, filters: dict[str, set[str]]) -> SearchResponse:
        """Every record in scope, newest first; cached per collection versions and selection."""
        key = (tuple(names), tuple((n, self._version(n)) for n in names),
               repr(sorted((n, sorted((f, sorted(map(str, v)) if isinstance(v, (list, tuple, set)) else str(v))
                                      for f, v in scopes.get(n, {}).items())) for n in names)),
               tuple(sorted((f, tuple(sorted(v))) for f, v in filters.items())))
        cached = self._browse_cache.get(key)
        if cached is None:
            counts: Counter = Counter()
            kept: list[_Found] = []
            for name in names:
                coll = self.matcher.collection(name)
                allowed = coll.allowed(scopes.get(name, {}))
                ids: list[int] = []
                self._count(name, coll.docs if allowed is None else allowed, filters, counts, ids)
                kept += [_Found(name, coll.docs[i], 0.0) for i in ids]
            kept.sort(key=lambda f: (f.doc.created, f.doc.id), reverse=True)
            if len(self._browse_cache) >= self.BROWSE_CACHE:
                self._browse_cache.pop(next(iter(self._browse_cache)))
            cached = self._browse_cache[key] = (kept, _split(counts))
        return self._respond(request, *cached)

    def _respond(self, request: SearchRequest, kept: list[_Found], counts: dict[str, dict[str, int]]) -> SearchResponse:
        own, terms = term_map(request.text), term_map(self.matcher.keywords.words_of(request.text))
        start = (max(request.page, 1) - 1) * request.per_page
        hits = [SearchHit(f.collection, f.doc.id, f.doc.key, f.doc.title, snippet(f.doc.body, terms, own=own), f.score)
                for f in kept[start:start + request.per_page]]
        suggestions = self._suggest(request.text) if not kept and request.text.strip() else []
        return SearchResponse(hits, len(kept), {f: dict(c) for f, c in counts.items()}, suggestions)

    def _suggest(self, text: str) -> list[str]:
        vocabulary = set().union(*(self._facets(name).vocabulary for name in self.collections))
        return suggest(text, vocabulary)

"""Elasticsearch search backend: one index per record type behind an alias, BM25 + dense_vector kNN.

Reads and writes go through the alias `<prefix>-<type>`; `rebuild` fills a new versioned index
`<prefix>-<type>-<n>` and swaps the alias atomically, so search keeps working during a rebuild.
With knn=False (servers without dense_vector, such as the in-memory OpenSearch used in tests)
the backend is keyword-only. With the glossary (matching/glossary.py) each record also keeps the
English words of its Chinese terms in a `gloss` field, and a query adds the English words of its own:
each language finds the other's records by their words, while `body` (and its highlights) stays as written.
"""
import time

from elastic_transport import Urllib3HttpNode
from elasticsearch import Elasticsearch, NotFoundError
from elasticsearch.helpers import bulk

from matching.documents import Doc
from matching.glossary import glosses, with_gloss
from matching.search import FACETS, SearchHit, SearchRequest, SearchResponse, facet_values, suggest

FACET_FIELDS = {f: f for f in FACETS}


class PlainJsonNode(Urllib3HttpNode):
    """Send plain application/json: elasticsearch-py 8 otherwise sends its compatibility mimetype,
    which OpenSearch-compatible servers refuse (406); Elasticsearch 8 accepts both."""

    def perform_request(self, method, target, body=None, headers=None, **kwargs):
        headers = dict(headers or {})
        for name in list(headers):
            if name.lower() in ("accept", "content-type") and "vnd.elasticsearch+" in headers[name]:
                headers[name] = headers[name].split(";")[0].replace("vnd.elasticsearch+", "")
        return super().perform_request(method, target, body=body, headers=headers, **kwargs)


def connect(url: str, timeout: float = 5.0) -> Elasticsearch:
    return Elasticsearch(url, node_class=PlainJsonNode, request_timeout=timeout, max_retries=0)


class ElasticSearchBackend:
    def __init__(self, client: Elasticsearch, embedder, collections: tuple[str, ...], prefix: str = "chainmatch",
                 knn: bool = True, glossary: bool = True):
        self.es, self.embedder, self.collections = client, embedder, collections
        self.prefix, self.knn, self.glossary = prefix, knn, glossary

    def alias(self, collection: str) -> str:
        return f"{self.prefix}-{collection}"

    def _mapping(self) -> dict:
        props = {"title": {"type": "text"}, "body": {"type": "text"}, "gloss": {"type": "text"},
                 "key": {"type": "keyword"},
                 "status": {"type": "keyword"}, "created": {"type": "keyword"}, "doc": {"type": "object",
                                                                                         "enabled": False}}
        props.update({f: {"type": "keyword"} for f in FACETS})
        if self.knn:
            props["vector"] = {"type": "dense_vector", "dims": self.embedder.dim, "index": True,
                               "similarity": "cosine"}
        return {"properties": props}

    def ensure(self, collection: str) -> None:
        """Create the first versioned index and its alias if the alias does not exist yet."""
        if not self.es.indices.exists_alias(name=self.alias(collection)):
            index = f"{self.alias(collection)}-{int(time.time() * 1000)}"
            self.es.indices.create(index=index, mappings=self._mapping())
            self.es.indices.put_alias(index=index, name=self.alias(collection))

    def _actions(self, collection: str, docs: list[Doc], index: str):
        vectors = self.embedder.encode([d.text for d in docs]) if self.knn else [None] * len(docs)
        for doc, vec in zip(docs, vectors):
            source = {"title": doc.title, "body": doc.body, "key": doc.key, "status": doc.status,
                      "gloss": " ".join(glosses(f"{doc.title}\n{doc.body}")) if self.glossary else "",
                      "created": doc.created, "doc": doc.to_json(), **facet_values(collection, doc)}
            if vec is not None:
                source["vector"] = vec.tolist()
            yield {"_index": index, "_id": str(doc.id), "_source": source}

    def upsert(self, collection: str, docs: list[Doc]) -> None:
        if not docs:
            return
        self.ensure(collection)
        bulk(self.es, self._actions(collection, docs, self.alias(collection)), refresh="wait_for")

    def remove(self, collection: str, ids: list[int]) -> None:
        self.ensure(collection)
        actions = [{"_op_type": "delete", "_index": self.alias(collection), "_id": str(i)} for i in ids]
        bulk(self.es, actions, refresh="wait_for", raise_on_error=False)

    def rebuild(self, collection: str, docs: list[Doc]) -> str:
        """Fill a new versioned index, then swap the alias to it atomically; returns the new index."""
        alias = self.alias(collection)
        index = f"{alias}-{int(time.time() * 1000)}"
        self.es.indices.create(index=index, mappings=self._mapping())
        for start in range(0, len(docs), 500):
            bulk(self.es, self._actions(collection, docs[start:start + 500], index))
        self.es.indices.refresh(index=index)
        try:
            old = list(self.es.indices.get_alias(name=alias))
        except NotFoundError:
            old = []
        self.es.indices.update_aliases(actions=[*({"remove": {"index": i, "alias": alias}} for i in old),
                                                {"add": {"index": index, "alias": alias}}])
        for i in old:
            self.es.indices.delete(index=i)
        return index

    def count(self, collection: str) -> int:
        self.ensure(collection)
        return self.es.count(index=self.alias(collection))["count"]

    @staticmethod
    def _terms(field: str, values) -> dict:
        return {"terms": {field: list(values)}}

    def search(self, request: SearchRequest, scopes: dict[str, dict] | None = None) -> SearchResponse:
        """One query over the aliases of the requested types; disjunctive facets via filtered aggregations."""
        scopes = scopes or {}
        names = [n for n in (request.types or self.collections) if n in self.collections]
        names = list(self.collections) if "type" in request.filters else names
        for name in names:
            self.ensure(name)
        # Each type's hard scope (e.g. published cases only) as a should-clause per index.
        scope_clauses = [{"bool": {"filter": [{"term": {"type": n}},
                                              *(self._terms(f, v if isinstance(v, list) else [v])
                                                for f, v in scopes.get(n, {}).items())]}} for n in names]
        base = [{"bool": {"should": scope_clauses, "minimum_should_match": 1}}]
        text = request.text.strip()
        words = with_gloss(text) if self.glossary else text
        must = {"multi_match": {"query": words, "fields": ["title^2", "body", "gloss"]}} if text else {"match_all": {}}
        selected = {f: v for f, v in request.filters.items() if v and f in FACETS}
        aggs = {f: {"filter": {"bool": {"filter": [self._terms(g, v) for g, v in selected.items() if g != f]
                                        or [{"match_all": {}}]}},
                    "aggs": {"values": {"terms": {"field": f, "size": 200}}}} for f in FACETS}
        body = {
            "query": {"bool": {"must": must, "filter": base}},
            "post_filter": {"bool": {"filter": [self._terms(f, v) for f, v in selected.items()]
                                     or [{"match_all": {}}]}},
            "aggs": aggs,
            "highlight": {"fields": {"body": {"fragment_size": 220, "number_of_fragments": 1}},
                          "pre_tags": ["\x02"], "post_tags": ["\x03"]},
            "from": (max(request.page, 1) - 1) * request.per_page, "size": request.per_page,
            "track_total_hits": True,
        }
        if text and self.knn:
            body["knn"] = {"field": "vector", "query_vector": self.embedder.encode_one(text).tolist(),
                           "k": 50, "num_candidates": 200, "filter": base}
        if request.sort == "newest" or not text:
            body["sort"] = [{"created": "desc"}, "_score"]
        result = self.es.search(index=",".join(self.alias(n) for n in names), body=body)
        hits = [SearchHit(h["_source"]["type"][0], int(h["_id"]), h["_source"]["key"], h["_source"]["title"],
                          (h.get("highlight", {}).get("body") or [h["_source"]["body"][:220]])[0],
                          float(h.get("_score") or 0.0)) for h in result["hits"]["hits"]]
        facets = {f: {b["key"]: b["doc_count"] for b in result["aggregations"][f]["values"]["buckets"]}
                  for f in FACETS}
        total = result["hits"]["total"]["value"]
        suggestions = self._suggest(text, names) if text and not total else []
        return SearchResponse(hits, total, facets, suggestions)

    def _suggest(self, text: str, names: list[str]) -> list[str]:
        result = self.es.search(index=",".join(self.alias(n) for n in names), size=500, _source=["title"],
                                query={"match_all": {}})
        vocabulary = {w.lower() for h in result["hits"]["hits"] for w in h["_source"]["title"].split()
                      if len(w) > 3 and w.isalpha()}
        return suggest(text, vocabulary)

    def ping(self) -> bool:
        return bool(self.es.ping())

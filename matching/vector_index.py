"""FAISS vector index over unit vectors (inner product = cosine).

Exact search while the index is small; an HNSW graph past `ann_threshold`.
Rows are append-only with tombstones, so the graph never has to forget a
node; the index compacts itself when a fifth of its rows are dead.

Filters never lose results: a filtered search is exact over the allowed rows
when they are few (OpenSearch's rule: dim × allowed ≤ 2,048,000), and
otherwise over-fetches from the graph, keeps only allowed rows, and falls back
to exact search if that leaves fewer than k.
"""
import json
import os
from pathlib import Path

import faiss
import numpy as np

EXACT_FILTER_BUDGET = 2_048_000


class ModelMismatch(RuntimeError):
    """The index was built with another embedding model."""


class VectorIndex:
    def __init__(self, dim: int, model_id: str, ann_threshold: int = 50_000, hnsw_m: int = 32,
                 ef_search: int = 256, ef_construction: int = 80):
        self.dim, self.model_id = dim, model_id
        self.ann_threshold, self.hnsw_m = ann_threshold, hnsw_m
        self.ef_search, self.ef_construction = ef_search, ef_construction
        self._vecs = np.zeros((0, dim), dtype=np.float32)
        self._ids = np.zeros(0, dtype=np.int64)
        self._alive = np.zeros(0, dtype=bool)
        self._row: dict[int, int] = {}
        self._ann = None  # faiss.IndexHNSWFlat over rows 0.._ann_rows-1
        self._ann_rows = 0

    def __len__(self) -> int:
        return len(self._row)

    def __contains__(self, item_id: int) -> bool:
        return int(item_id) in self._row

    @property
    def uses_ann(self) -> bool:
        return self._ann is not None

    def ids(self) -> list[int]:
        return list(self._row)

    def vector(self, item_id: int) -> np.ndarray | None:
        row = self._row.get(int(item_id))
        return None if row is None else self._vecs[row]

    def upsert(self, ids, vectors: np.ndarray) -> None:
        """Add or replace vectors (rows must be unit length)."""
        ids = np.asarray(ids, dtype=np.int64)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)
        self.remove(ids)
        start = len(self._ids)
        self._vecs = np.vstack([self._vecs, vectors]) if start else vectors.copy()
        self._ids = np.concatenate([self._ids, ids])
        self._alive = np.concatenate([self._alive, np.ones(len(ids), dtype=bool)])
        for offset, item_id in enumerate(ids.tolist()):
            self._row[item_id] = start + offset
        self._maintain()

    def remove(self, ids) -> None:
        for item_id in np.asarray(ids, dtype=np.int64).tolist():
            row = self._row.pop(item_id, None)
            if row is not None:
                self._alive[row] = False

    def _maintain(self) -> None:
        """Compact when many rows are dead; build or extend the HNSW graph when large."""
        dead = len(self._ids) - len(self._row)
        if dead and dead > 0.2 * len(self._ids):
            keep = self._alive
            self._vecs, self._ids = self._vecs[keep], self._ids[keep]
            self._alive = np.ones(len(self._ids), dtype=bool)
            self._row = {item_id: row for row, item_id in enumerate(self._ids.tolist())}
            self._ann, self._ann_rows = None, 0
        if len(self._row) >= self.ann_threshold:
            if self._ann is None:
                self._ann = faiss.IndexHNSWFlat(self.dim, self.hnsw_m, faiss.METRIC_INNER_PRODUCT)
                self._ann.hnsw.efConstruction = self.ef_construction
            if self._ann_rows < len(self._ids):
                self._ann.add(self._vecs[self._ann_rows:])
                self._ann_rows = len(self._ids)
        elif self._ann is not None and len(self._row) < self.ann_threshold // 2:
            self._ann, self._ann_rows = None, 0

    def search(self, query: np.ndarray, k: int, allowed=None, exact: bool = False) -> list[tuple[int, float]]:
        """Return up to k (id, cosine) pairs, best first; `allowed` restricts to those ids."""
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(self.dim)
        if not self._row or k <= 0:
            return []
        if allowed is not None:
            rows = np.fromiter((self._row[i] for i in allowed if i in self._row), dtype=np.int64)
            if rows.size == 0:
                return []
            if exact or self._ann is None or rows.size * self.dim <= EXACT_FILTER_BUDGET:
                return self._exact(query, k, rows)
            return self._ann_search(query, k, rows)
        if exact or self._ann is None:
            return self._exact(query, k, None)
        return self._ann_search(query, k, None)

    def _exact(self, query: np.ndarray, k: int, rows: np.ndarray | None) -> list[tuple[int, float]]:
        if rows is None:
            scores = self._vecs @ query
            scores[~self._alive] = -np.inf
            rows = np.arange(len(scores))
        else:
            scores = self._vecs[rows] @ query
        k = min(k, int(np.isfinite(scores).sum()))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(self._ids[rows[i]]), float(scores[i])) for i in top]

    def _ann_search(self, query: np.ndarray, k: int, rows: np.ndarray | None) -> list[tuple[int, float]]:
        alive = len(self._row)
        share = 1.0 if rows is None else rows.size / alive
        dead = len(self._ids) - alive
        fetch = min(self._ann_rows, int(k / max(share, 1e-6) * 2) + dead + 16)
        self._ann.hnsw.efSearch = max(self.ef_search, fetch)
        scores, found = self._ann.search(query.reshape(1, -1), fetch)
        allowed_rows = None if rows is None else set(rows.tolist())
        out = []
        for score, row in zip(scores[0].tolist(), found[0].tolist()):
            if row < 0 or not self._alive[row] or (allowed_rows is not None and row not in allowed_rows):
                continue
            out.append((int(self._ids[row]), float(score)))
            if len(out) == k:
                return out
        # Not enough survivors after filtering: exact search never loses results.
        return self._exact(query, k, rows)

    def save(self, directory: str | Path, name: str) -> None:
        """Write the index next to the live one, then swap it in with os.replace."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        keep = self._alive
        tmp = directory / f".{name}.tmp.npz"
        with open(tmp, "wb") as handle:
            np.savez(handle, vecs=self._vecs[keep], ids=self._ids[keep])
        meta = {"model_id": self.model_id, "dim": self.dim, "count": len(self._row)}
        (directory / f".{name}.tmp.json").write_text(json.dumps(meta))
        os.replace(tmp, directory / f"{name}.npz")
        os.replace(directory / f".{name}.tmp.json", directory / f"{name}.json")

    @classmethod
    def load(cls, directory: str | Path, name: str, model_id: str, **kwargs) -> "VectorIndex":
        """Load a saved index; refuse one built with a different model."""
        directory = Path(directory)
        meta = json.loads((directory / f"{name}.json").read_text())
        if meta["model_id"] != model_id:
            raise ModelMismatch(f"index {name!r} was built with {meta['model_id']}, not {model_id}: rebuild it")
        index = cls(meta["dim"], model_id, **kwargs)
        with np.load(directory / f"{name}.npz") as data:
            if len(data["ids"]):
                index.upsert(data["ids"], data["vecs"])
        return index

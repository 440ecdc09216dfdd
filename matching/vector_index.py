"""FAISS vector index over unit vectors (inner product = cosine).

Exact search while the index is small; an inverted-file index (IVF-Flat) past `ann_threshold`.
IVF rather than HNSW: it stores each vector once with its record id, removes ids in place,
trains in seconds (HNSW took 190 s to build at 1M here) and is written to disk and read back
without a rebuild, so a new worker process is ready in the time it takes to read the file.
Its recall is tuned with `nprobe` (lists scanned per query) and checked against exact search
(tests and benchmarks/bench_matcher.py).

Filters never lose results: a filtered search is exact over the allowed rows when they are few
(OpenSearch's rule: dim × allowed ≤ 2,048,000); otherwise the IVF search itself skips rows that
are not allowed (a faiss IDSelector), and falls back to exact search if that leaves fewer than k.
"""
import json
import math
import os
from pathlib import Path

import faiss
import numpy as np

EXACT_FILTER_BUDGET = 2_048_000
MAX_LISTS = 1024  # k-means cost grows with lists × samples; 1,024 lists train in seconds at 1M
SAMPLES_PER_LIST = 48
MIN_SCAN = 20_000  # rows a query scans at least: cheap (~1 ms), and keeps recall high on small indexes


class ModelMismatch(RuntimeError):
    """The index was built with another embedding model."""


class VectorIndex:
    def __init__(self, dim: int, model_id: str, ann_threshold: int = 50_000, nprobe: int = 48,
                 min_scan: int = MIN_SCAN):
        self.dim, self.model_id = dim, model_id
        self.ann_threshold, self.nprobe, self.min_scan = ann_threshold, nprobe, min_scan
        self._buf = np.zeros((0, dim), dtype=np.float32)  # rows 0.._n-1 in use, doubled when full
        self._ids = np.zeros(0, dtype=np.int64)
        self._alive = np.zeros(0, dtype=bool)
        self._n = 0
        self._row: dict[int, int] = {}
        self._ann = None  # faiss.IndexIVFFlat keyed by record id, holding exactly the live records
        self._ann_trained_on = 0

    def __len__(self) -> int:
        return len(self._row)

    def __contains__(self, item_id: int) -> bool:
        return int(item_id) in self._row

    @property
    def _vecs(self) -> np.ndarray:
        return self._buf[:self._n]

    @property
    def uses_ann(self) -> bool:
        return self._ann is not None

    def describe(self) -> str:
        if self._ann is None:
            return "exact (flat)"
        return f"IVF-Flat ({self._ann.nlist} lists, nprobe {self._probes()})"

    def memory_bytes(self) -> int:
        """Bytes held by vectors and ids (the flat copy plus the IVF lists)."""
        own = self._buf.nbytes + self._ids.nbytes + self._alive.nbytes
        return own + (self._ann.ntotal * (self.dim * 4 + 8) + self._ann.nlist * self.dim * 4 if self._ann else 0)

    def ids(self) -> list[int]:
        return list(self._row)

    def vector(self, item_id: int) -> np.ndarray | None:
        row = self._row.get(int(item_id))
        return None if row is None else self._buf[row]

    def cosines(self, ids: list[int], query: np.ndarray) -> list[float]:
        """Cosine of the query with each id's vector, in one product (0.0 for an id with none)."""
        rows = np.fromiter((self._row.get(i, -1) for i in ids), dtype=np.int64, count=len(ids))
        out = np.zeros(len(ids), dtype=np.float32)
        known = rows >= 0
        if known.any():
            out[known] = self._buf[rows[known]] @ np.asarray(query, dtype=np.float32).reshape(self.dim)
        return out.tolist()

    def upsert(self, ids, vectors: np.ndarray) -> None:
        """Add or replace vectors (rows must be unit length)."""
        ids = np.asarray(ids, dtype=np.int64)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)
        self.remove(ids)
        start, end = self._n, self._n + len(ids)
        if end > len(self._buf):
            grown = max(end, 2 * len(self._buf), 1024)
            self._buf = np.concatenate([self._buf[:self._n], np.zeros((grown - self._n, self.dim), np.float32)])
            self._ids = np.concatenate([self._ids[:self._n], np.zeros(grown - self._n, np.int64)])
            self._alive = np.concatenate([self._alive[:self._n], np.zeros(grown - self._n, bool)])
        self._buf[start:end], self._ids[start:end], self._alive[start:end] = vectors, ids, True
        self._n = end
        for offset, item_id in enumerate(ids.tolist()):
            self._row[item_id] = start + offset
        if self._ann is not None:
            self._ann.add_with_ids(vectors, ids)
        self._maintain()

    def remove(self, ids) -> None:
        gone = []
        for item_id in np.asarray(ids, dtype=np.int64).tolist():
            row = self._row.pop(item_id, None)
            if row is not None:
                self._alive[row] = False
                gone.append(item_id)
        if gone and self._ann is not None:
            self._ann.remove_ids(faiss.IDSelectorBatch(np.asarray(gone, dtype=np.int64)))

    def _maintain(self) -> None:
        """Compact when many rows are dead; train the IVF index when large, retrain as it grows."""
        dead = self._n - len(self._row)
        if dead and dead > 0.2 * self._n:
            keep = self._alive[:self._n]
            self._buf, self._ids = self._buf[:self._n][keep], self._ids[:self._n][keep]
            self._n = len(self._ids)
            self._alive = np.ones(self._n, dtype=bool)
            self._row = {item_id: row for row, item_id in enumerate(self._ids.tolist())}
        alive = len(self._row)
        if alive >= self.ann_threshold and (self._ann is None or alive > 4 * self._ann_trained_on):
            self._train()
        elif self._ann is not None and alive < self.ann_threshold // 2:
            self._ann, self._ann_trained_on = None, 0

    def _train(self) -> None:
        alive = len(self._row)
        nlist = int(max(1, min(MAX_LISTS, 4 * math.sqrt(alive), alive // 39)))
        rows = np.flatnonzero(self._alive[:self._n])
        sample = np.random.default_rng(0).choice(rows, size=min(rows.size, nlist * SAMPLES_PER_LIST), replace=False)
        ann = faiss.IndexIVFFlat(faiss.IndexFlatIP(self.dim), self.dim, nlist, faiss.METRIC_INNER_PRODUCT)
        ann.cp.max_points_per_centroid = SAMPLES_PER_LIST
        ann.cp.niter = 12
        ann.train(self._buf[np.sort(sample)])
        ann.add_with_ids(self._buf[rows], self._ids[rows])
        self._ann, self._ann_trained_on = ann, alive

    def _probes(self) -> int:
        per_list = max(1, self._ann.ntotal // self._ann.nlist)
        return min(self._ann.nlist, max(self.nprobe, math.ceil(self.min_scan / per_list)))

    def search(self, query: np.ndarray, k: int, allowed=None, exact: bool = False) -> list[tuple[int, float]]:
        """Return up to k (id, cosine) pairs, best first; `allowed` restricts to those ids."""
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(self.dim)
        if not self._row or k <= 0:
            return []
        if allowed is not None:
            if exact or self._ann is None or len(allowed) * self.dim <= EXACT_FILTER_BUDGET:
                rows = self._rows_of(allowed)
                return self._exact(query, k, rows) if rows.size else []
            # the IVF lists hold only live records: the allowed ids need no row lookup
            return self._ann_search(query, k, np.fromiter(allowed, dtype=np.int64, count=len(allowed)))
        if exact or self._ann is None:
            return self._exact(query, k, None)
        return self._ann_search(query, k, None)

    def _rows_of(self, ids) -> np.ndarray:
        return np.fromiter((self._row[i] for i in ids if i in self._row), dtype=np.int64)

    def _exact(self, query: np.ndarray, k: int, rows: np.ndarray | None) -> list[tuple[int, float]]:
        if rows is None:
            scores = self._vecs @ query
            scores[~self._alive[:self._n]] = -np.inf
            rows = np.arange(len(scores))
        else:
            scores = self._buf[rows] @ query
        k = min(k, int(np.isfinite(scores).sum()))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(self._ids[rows[i]]), float(scores[i])) for i in top]

    def _ann_search(self, query: np.ndarray, k: int, ids: np.ndarray | None) -> list[tuple[int, float]]:
        params = faiss.SearchParametersIVF(nprobe=self._probes())
        if ids is not None:
            selector = faiss.IDSelectorBatch(ids)  # kept alive until the search returns
            params.sel = selector
        scores, found = self._ann.search(query.reshape(1, -1), k, params=params)
        out = [(int(i), float(s)) for s, i in zip(scores[0].tolist(), found[0].tolist()) if i >= 0]
        if len(out) < k and (ids is None or len(out) < ids.size):
            # the probed lists held too few (allowed) records: exact search never loses results
            rows = None if ids is None else self._rows_of(ids.tolist())
            if rows is None or rows.size > len(out):
                return self._exact(query, k, rows)
        return out

    def save(self, directory: str | Path, name: str) -> None:
        """Write the index next to the live one, then swap it in with os.replace."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        keep = self._alive[:self._n]
        tmp = directory / f".{name}.tmp.npz"
        with open(tmp, "wb") as handle:
            np.savez(handle, vecs=self._vecs[keep], ids=self._ids[:self._n][keep])
        meta = {"model_id": self.model_id, "dim": self.dim, "count": len(self._row),
                "ivf": self._ann is not None, "ivf_trained_on": self._ann_trained_on}
        if self._ann is not None:
            faiss.write_index(self._ann, str(directory / f".{name}.tmp.ivf"))
            os.replace(directory / f".{name}.tmp.ivf", directory / f"{name}.ivf")
        (directory / f".{name}.tmp.json").write_text(json.dumps(meta))
        os.replace(tmp, directory / f"{name}.npz")
        os.replace(directory / f".{name}.tmp.json", directory / f"{name}.json")

    @classmethod
    def load(cls, directory: str | Path, name: str, model_id: str, **kwargs) -> "VectorIndex":
        """Load a saved index (and its trained IVF lists); refuse one built with a different model."""
        directory = Path(directory)
        meta = json.loads((directory / f"{name}.json").read_text())
        if meta["model_id"] != model_id:
            raise ModelMismatch(f"index {name!r} was built with {meta['model_id']}, not {model_id}: rebuild it")
        index = cls(meta["dim"], model_id, **kwargs)
        ivf_path = directory / f"{name}.ivf"
        if meta.get("ivf") and ivf_path.exists():
            ann = faiss.read_index(str(ivf_path))
            if ann.ntotal == meta["count"]:
                index._ann, index._ann_trained_on = ann, meta.get("ivf_trained_on", ann.ntotal)
        with np.load(directory / f"{name}.npz") as data:
            if len(data["ids"]):
                index._load_rows(data["ids"], data["vecs"])
        return index

    def _load_rows(self, ids: np.ndarray, vecs: np.ndarray) -> None:
        """Fill the flat rows from a saved file; a loaded IVF already holds them."""
        if self._ann is None:
            self.upsert(ids, vecs)
            return
        self._buf, self._ids = np.ascontiguousarray(vecs, dtype=np.float32), ids.astype(np.int64)
        self._n = len(ids)
        self._alive = np.ones(self._n, dtype=bool)
        self._row = {item_id: row for row, item_id in enumerate(self._ids.tolist())}

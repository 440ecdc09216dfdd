"""The ONNX int8 backend agrees with torch and is kept apart from it in the index."""
import os
import subprocess
import sys

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


def test_workers_starting_together_export_the_model_once_and_read_it_whole(tmp_path):
    """Three processes loading the ONNX backend at once into one cache folder: none reads a half-written file."""
    code = ("import sys; from pathlib import Path; from matching.embedder import default_model_path; "
            "from matching.onnx_backend import OnnxModel; "
            "m = OnnxModel(default_model_path(), Path(sys.argv[1])); print(m.encode(['a pump']).shape)")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "onnx")], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
             for _ in range(3)]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-2000:] for _, err in outputs]
    assert all("(1, 384)" in out for out, _ in outputs)
    assert sorted(f.name for f in (tmp_path / "onnx").iterdir()) == [".export.lock", "model.int8.onnx"]

"""ONNX Runtime int8 backend for sentence embeddings: the same model, exported and quantised locally.

Measured here (benchmarks/results-matcher.md): about 5x faster per query than torch on one
thread, cosine ≥ 0.99 against torch on average. Only MatMul weights are quantised, per channel:
quantising everything dropped the cosine to 0.96.
"""
import fcntl
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def _pooling(model_path: Path) -> str:
    config = model_path / "1_Pooling" / "config.json"
    if not config.exists():
        return "mean"
    settings = json.loads(config.read_text())
    if settings.get("pooling_mode_mean_tokens"):
        return "mean"
    if settings.get("pooling_mode_cls_token"):
        return "cls"
    raise ValueError(f"{model_path}: the ONNX backend supports mean or CLS pooling only")


def _max_length(model_path: Path) -> int:
    config = model_path / "sentence_bert_config.json"
    return json.loads(config.read_text()).get("max_seq_length", 256) if config.exists() else 256


def export(model_path: Path, target: Path) -> Path:
    """Export the transformer to ONNX and quantise its MatMul weights to int8 (local compute only)."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel, AutoTokenizer

    target.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=target))  # this process's own files until the swap
    try:
        return _export(model_path, target, work, torch, AutoModel, AutoTokenizer, QuantType, quantize_dynamic)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _export(model_path: Path, target: Path, work: Path, torch, AutoModel, AutoTokenizer, QuantType,
            quantize_dynamic) -> Path:
    tokenizer = AutoTokenizer.from_pretrained(str(model_path))
    model = AutoModel.from_pretrained(str(model_path)).eval()

    class Encoder(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    sample = tokenizer(["an example", "a second, longer example sentence"], padding=True, return_tensors="pt")
    fp32 = work / "model.onnx"
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    torch.onnx.export(Encoder(model), tuple(sample[k] for k in INPUTS), str(fp32), input_names=list(INPUTS),
                      output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17, dynamo=False)
    int8 = target / "model.int8.onnx"
    tmp = work / "model.int8.onnx"
    quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True,
                     op_types_to_quantize=["MatMul"])
    os.replace(tmp, int8)  # atomic: a reader sees the whole model or none
    return int8


class OnnxModel:
    """Duck-types the part of SentenceTransformer the Embedder uses."""

    def __init__(self, model_path: str, cache_dir: Path, threads: int = 1):
        import onnxruntime as ort
        from transformers import AutoTokenizer

        path = Path(model_path)
        self.pooling, self.max_length = _pooling(path), _max_length(path)
        self.tokenizer = AutoTokenizer.from_pretrained(model_path)
        onnx_file = cache_dir / "model.int8.onnx"
        if not onnx_file.exists():
            # Several workers start at once: one exports, the others wait for it and read its file.
            cache_dir.mkdir(parents=True, exist_ok=True)
            with open(cache_dir / ".export.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if not onnx_file.exists():
                    export(path, cache_dir)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        self._inputs = [i.name for i in self.session.get_inputs()]
        self._dim = None

    def _batch(self, texts: list[str]) -> np.ndarray:
        enc = self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_length, return_tensors="np")
        feeds = {k: enc[k].astype(np.int64) for k in self._inputs if k in enc}
        if "token_type_ids" in self._inputs and "token_type_ids" not in feeds:
            feeds["token_type_ids"] = np.zeros_like(feeds["input_ids"])
        hidden = self.session.run(None, feeds)[0]
        if self.pooling == "cls":
            return hidden[:, 0]
        mask = enc["attention_mask"][..., None].astype(np.float32)
        return (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)

    def encode(self, texts: list[str], batch_size: int = 64, normalize_embeddings: bool = True, **_ignored):
        if not texts:
            return np.zeros((0, self.get_embedding_dimension()), dtype=np.float32)
        vectors = np.vstack([self._batch(texts[i:i + batch_size]) for i in range(0, len(texts), batch_size)])
        if normalize_embeddings:
            vectors = vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
        return vectors.astype(np.float32)

    def get_embedding_dimension(self) -> int:
        if self._dim is None:
            self._dim = int(self._batch(["dimension probe"]).shape[1])
        return self._dim

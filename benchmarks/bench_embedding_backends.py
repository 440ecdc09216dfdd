"""Embedding backends in one run: torch (sentence-transformers) vs ONNX int8, same texts, same threads.

Prints a Markdown table (batched texts/s, single-query p50/p95, cosine agreement) and writes it to
benchmarks/results-embedding-backends.md. Usage: python benchmarks/bench_embedding_backends.py [--threads 2]
"""
import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "results-embedding-backends.md"


def demo_texts() -> tuple[list[str], list[str]]:
    """Real demo solution texts (for batches) and real demo needs (as single queries)."""
    solutions, needs = [], []
    for path in sorted((ROOT / "catalogs" / "demo").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        solutions += [f"{s['title']}. {s['summary']} {s['description']}" for s in data.get("solutions", [])]
        needs += [f"{n['title']}. {n['description']}" for n in data.get("needs", [])]
    return solutions, needs


def measure(embedder, batch: list[str], queries: list[str]) -> dict:
    embedder.model.encode(batch[:8], batch_size=8)  # load and warm up
    start = time.perf_counter()
    embedder.model.encode(batch, batch_size=64, normalize_embeddings=True)
    rate = len(batch) / (time.perf_counter() - start)
    latencies = []
    for text in queries:
        start = time.perf_counter()
        embedder.model.encode([text], batch_size=1, normalize_embeddings=True)
        latencies.append((time.perf_counter() - start) * 1000)
    latencies.sort()
    return {"rate": rate, "p50": statistics.median(latencies), "p95": latencies[int(0.95 * (len(latencies) - 1))]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    os.environ["CHAINMATCH_TORCH_THREADS"] = str(args.threads)
    import torch

    from matching.embedder import Embedder

    torch.set_num_threads(args.threads)
    solutions, needs = demo_texts()
    short = [n.split(".")[0] for n in needs]  # titles: short free-text queries
    torch_embedder = Embedder(backend="torch")
    onnx_embedder = Embedder(backend="onnx", onnx_dir=Path(tempfile.mkdtemp()) / "onnx")
    rows = []
    for name, embedder in (("torch (sentence-transformers)", torch_embedder), ("ONNX int8", onnx_embedder)):
        long_run = measure(embedder, solutions, needs[:60])
        short_run = measure(embedder, short * 3, short[:60])
        rows.append((name, long_run, short_run))
    a = torch_embedder.model.encode(needs, normalize_embeddings=True)
    b = onnx_embedder.model.encode(needs, normalize_embeddings=True)
    cosine = (a * b).sum(axis=1)
    base_long, base_short = rows[0][1], rows[0][2]
    lines = [
        "# Embedding backends (all-MiniLM-L6-v2)", "",
        f"- Date: {datetime.now():%Y-%m-%d %H:%M}; command: `python benchmarks/bench_embedding_backends.py "
        f"--threads {args.threads}`",
        f"- Machine: {os.cpu_count()} CPU cores ({platform.machine()}), {args.threads} inference thread(s); "
        f"load average at end {os.getloadavg()[0]:.1f} (a shared machine: compare the ratios)",
        f"- Texts: {len(solutions)} real demo solution texts (long, batch 64) and {len(short) * 3} need titles "
        f"(short, batch 64); single queries: 60 real demo needs and 60 need titles.", "",
        "| backend | long texts/s | ratio | short texts/s | ratio | need query p50 / p95 ms | ratio (p50) "
        "| title query p50 / p95 ms | ratio (p50) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, long_run, short_run in rows:
        lines.append(
            f"| {name} | {long_run['rate']:.0f} | {long_run['rate'] / base_long['rate']:.2f}× | "
            f"{short_run['rate']:.0f} | {short_run['rate'] / base_short['rate']:.2f}× | "
            f"{long_run['p50']:.1f} / {long_run['p95']:.1f} | {base_long['p50'] / long_run['p50']:.2f}× faster | "
            f"{short_run['p50']:.1f} / {short_run['p95']:.1f} | {base_short['p50'] / short_run['p50']:.2f}× faster |")
    target = "PASS" if max(r[2]["rate"] for r in rows) >= 500 else "FAIL"
    lines += ["", f"Cosine ONNX vs torch over {len(needs)} needs: mean {cosine.mean():.4f}, min {cosine.min():.4f}.",
              f"Target ≥ 500 texts/s batched (short texts, best backend): **{target}**."]
    table = "\n".join(lines) + "\n"
    print(table)
    OUT.write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()

"""Performance benchmark of the ChainMatch matcher (matching/), with same-run baselines.

Run from the repository root:

    .venv/bin/python benchmarks/bench_matcher.py --quick            # 10k smoke run, ~2 minutes
    .venv/bin/python benchmarks/bench_matcher.py                    # 10k, 100k, 1M (bounded by --budget-min)

What it measures (see benchmarks/README.md for every column):

1. Embedding: batched throughput (batch 64, torch threads = CPU count) over generated
   solution texts and over the real demo solution texts; single-query latency at 1 and
   at CPU-count torch threads; one-at-a-time throughput as the baseline for batching.
2. For each catalogue size N, in a fresh child process (clean RSS, bounded by a timeout):
   a synthetic catalogue of N solutions whose vectors are synthesised from the real
   embeddings of a few thousand generated solution texts plus Gaussian noise; index build
   time and RSS; Matcher.match latency (query embedding, vector + keyword retrieval,
   fusion, re-ranking and explanations) with and without an industry filter, with a
   breakdown of where the time goes; ANN recall against exact search; and two baselines
   in the same process: numpy brute-force cosine top-10 and an SQLite LIKE '%word%' scan.

Nothing here changes the library: the Matcher is built as the app builds it, and its
collection and keyword index are filled directly with the synthetic catalogue.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import pickle
import platform
import random
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402

CPUS = os.cpu_count() or 1
TARGET_EMBED_TPS = 500.0
TARGETS_P95_MS = {100_000: 50.0, 1_000_000: 150.0}
TARGET_RECALL = 0.95

# ---------------------------------------------------------------------------------------------
# Realistic fragments for generated solution texts and free-text queries
# ---------------------------------------------------------------------------------------------

INDUSTRY_OBJECTS = {
    "steel": ["cold rolled strip", "hot strip mills", "blast furnaces", "basic oxygen converters",
              "continuous casters", "sinter plants", "heavy plate mills", "electric arc furnaces"],
    "aviation": ["composite wing skins", "turbofan engines", "fuselage assembly lines", "titanium aerostructures",
                 "landing gear", "wiring harnesses"],
    "shipbuilding": ["hull blocks", "steel plate cutting", "ship outfitting", "hull seam welding",
                     "ship paint shops", "pipe spool fabrication"],
    "construction-machinery": ["excavator hydraulics", "crane booms", "wheel loader fleets", "structural welds",
                               "diesel engine assembly"],
    "agricultural-equipment": ["combine harvesters", "tractor transmissions", "precision seeders", "sprayer booms",
                               "grain dryers"],
    "electronics": ["SMT lines", "PCB assembly", "solder joints", "wafer handling", "display panels",
                    "connector pins"],
    "power": ["coal-fired boilers", "wind turbines", "steam turbines", "substations", "transmission lines",
              "photovoltaic plants"],
    "petrochemicals": ["distillation columns", "catalytic crackers", "pipelines", "tank farms",
                       "reciprocating compressors", "heat exchangers"],
    "non-ferrous-metals": ["aluminium reduction cells", "copper electrolysis", "aluminium foil mills",
                           "zinc roasters", "copper rod casting"],
    "textiles": ["spinning frames", "air-jet looms", "fabric dyeing", "circular knitting machines", "yarn winding"],
    "pharmaceuticals": ["tablet presses", "sterile filling lines", "bioreactors", "freeze dryers",
                        "blister packaging"],
    "light-industry": ["paper machines", "bottling lines", "ceramic tile kilns", "furniture panel lines",
                       "food packaging lines"],
}
INDUSTRIES = list(INDUSTRY_OBJECTS)

# scenario slug: (techniques, technical problems, plain-words problems, benefits)
SCENARIOS = {
    "quality-inspection": (
        ["line-scan camera defect detection", "deep-learning surface inspection", "X-ray weld inspection",
         "ultrasonic non-destructive testing", "statistical process control", "3D laser profilometry"],
        ["surface defects found late", "missed scratches and cracks", "high scrap rate", "customer quality claims"],
        ["customers keep finding scratches", "our inspectors miss cracks", "too many parts sent back",
         "we find bad product only after shipping"],
        ["Detects over 95% of critical defects at full line speed", "Cuts quality claims by 60%",
         "Reduces scrap by a third"]),
    "predictive-maintenance": (
        ["vibration-based predictive maintenance", "acoustic emission monitoring", "remaining useful life prediction",
         "thermal imaging condition monitoring", "oil debris analysis"],
        ["unplanned downtime", "bearing failures", "gearbox damage", "motor winding faults"],
        ["machines break down without warning", "the bearings keep failing", "we lose shifts to breakdowns",
         "the gearbox failed twice this year"],
        ["Warns of failures two to six weeks ahead", "Cuts unplanned downtime by half",
         "Lowers spare parts inventory by 20%"]),
    "process-optimization": (
        ["model predictive control", "soft sensor modelling", "digital twin simulation",
         "machine-learning process models"],
        ["unstable process quality", "off-spec product", "high reagent consumption", "yield losses"],
        ["quality changes from shift to shift", "too much product out of spec", "we waste raw material",
         "results depend on which operator is on duty"],
        ["Raises yield by 2 to 4 points", "Halves quality variation", "Saves 5% raw material"]),
    "production-scheduling": (
        ["finite capacity scheduling", "constraint programming planner", "advanced planning and scheduling",
         "genetic algorithm sequencing"],
        ["long changeover times", "late deliveries", "poor order sequencing", "bottleneck idle time"],
        ["orders are always late", "planning takes our staff all day", "too much time lost changing over",
         "we never know when an order will be done"],
        ["Improves on-time delivery to 95%", "Cuts changeover time by 30%", "Plans a week in minutes"]),
    "energy-carbon-management": (
        ["energy consumption forecasting", "carbon accounting platform", "load scheduling optimisation",
         "compressed air leak analytics"],
        ["high energy cost per tonne", "peak demand charges", "emissions reporting gaps", "steam losses"],
        ["electricity bills are too high", "we must report our carbon emissions", "compressors waste power",
         "gas use keeps rising"],
        ["Saves 6 to 10% energy", "Automates carbon reporting", "Shaves peak demand by 15%"]),
    "intelligent-warehousing": (
        ["AGV fleet dispatch", "RFID material tracking", "warehouse slotting optimisation", "vision-based counting"],
        ["inventory inaccuracy", "slow picking", "lost work-in-progress", "forklift congestion"],
        ["we cannot find parts in the warehouse", "stock counts are always wrong", "picking is too slow",
         "pallets go missing"],
        ["Raises inventory accuracy to 99.5%", "Doubles picking throughput", "Tracks every pallet in real time"]),
    "safety-monitoring": (
        ["video analytics for PPE compliance", "gas leak detection", "fatigue detection cameras",
         "geofencing with UWB tags"],
        ["operator safety incidents", "toxic gas leaks", "unauthorised zone entry", "fire risk"],
        ["workers walk into dangerous areas", "we worry about gas leaks", "people do not wear helmets",
         "we had an accident last year"],
        ["Alerts within two seconds", "Cuts recordable incidents by 40%", "Covers every camera on site"]),
    "unmanned-inspection": (
        ["inspection robot with lidar", "drone inspection", "track-mounted patrol robot", "pipeline crawler robot"],
        ["manual patrol rounds", "hazardous inspection routes", "missed equipment anomalies", "inspection backlog"],
        ["our patrol staff cannot cover the whole plant", "climbing up there is dangerous",
         "night rounds miss problems", "inspections take too long"],
        ["Replaces four patrol rounds a day", "Inspects 20 km of line per flight", "Logs every reading automatically"]),
    "equipment-parameter-tuning": (
        ["reinforcement learning setpoint optimisation", "automatic PID tuning", "Bayesian parameter search",
         "recipe optimisation"],
        ["thickness deviation", "poor temperature control", "slow ramp-up after changeover", "oscillating loops"],
        ["the machine settings drift", "thickness is never right", "startup takes hours",
         "temperatures swing up and down"],
        ["Halves thickness deviation", "Cuts ramp-up time by 40%", "Stabilises control loops"]),
    "supply-chain-optimization": (
        ["demand forecasting", "supplier risk scoring", "inventory optimisation", "logistics route planning"],
        ["stock-outs", "excess inventory", "supplier delays", "high freight cost"],
        ["we run out of parts", "too much money tied up in stock", "suppliers deliver late",
         "trucking costs keep going up"],
        ["Cuts inventory by 25%", "Reduces stock-outs by 70%", "Saves 12% freight cost"]),
}
SCENARIO_SLUGS = list(SCENARIOS)
CAPABILITIES = ["OPC UA integration with MES", "edge GPU inference", "historian interface", "REST API",
                "mobile dashboard", "PLC integration", "SCADA connector", "private cloud deployment",
                "role-based access", "Chinese and English user interface", "alarm push to WeChat Work",
                "SPC charts", "digital twin viewer", "5G private network link"]
DEPLOYMENTS = ["on-premise edge servers", "cloud SaaS", "a hybrid edge-cloud setup", "a PLC-integrated appliance"]
SYLLABLES = ["jin", "hua", "xin", "long", "tai", "feng", "bei", "zhong", "yuan", "heng", "da", "tian", "rui",
             "sheng", "kang", "ming", "an", "hong", "bao", "de", "wei", "lian", "guang", "qi"]
CITIES = ["Tangshan", "Handan", "Anshan", "Baotou", "Wuxi", "Changzhou", "Suzhou", "Ningbo", "Xiamen", "Foshan",
          "Dongguan", "Shenzhen", "Chengdu", "Chongqing", "Xi'an", "Taiyuan", "Zhengzhou", "Luoyang", "Wuhan",
          "Changsha", "Hefei", "Jinan", "Qingdao", "Yantai", "Dalian", "Shenyang", "Harbin", "Changchun",
          "Nanjing", "Hangzhou", "Shaoxing", "Zibo", "Weifang", "Liuzhou", "Zhuzhou", "Xuzhou"]
PROVINCES = ["Hebei", "Liaoning", "Jiangsu", "Zhejiang", "Shandong", "Guangdong", "Sichuan", "Hubei", "Hunan",
             "Shaanxi", "Henan", "Anhui", "Fujian", "Shanxi", "Shanghai"]
SHORT_QUERY_TEMPLATES = ["{plain} on our {obj}", "how can we stop this: {plain} ({obj})",
                         "looking for {tech} for {obj}", "{obj}: {plain}, need a supplier",
                         "{tech} {obj}", "{plain}. We run {obj} and want a fix"]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def generate_base(count: int, seed: int) -> list[dict]:
    """`count` distinct generated solution records (title, body, industry, scenario)."""
    rng = random.Random(seed)
    out, seen = [], set()
    while len(out) < count:
        industry = INDUSTRIES[len(out) % len(INDUSTRIES)]
        obj = rng.choice(INDUSTRY_OBJECTS[industry])
        scen = rng.choice(SCENARIO_SLUGS)
        techs, problems, _plain, benefits = SCENARIOS[scen]
        tech, tech2 = rng.sample(techs, 2)
        problem = rng.choice(problems)
        title = rng.choice([f"{_cap(tech)} for {obj}", f"{_cap(tech)} against {problem} on {obj}",
                            f"{_cap(obj)}: {tech}", f"{_cap(tech)} and {tech2} for {obj}"])
        caps = rng.sample(CAPABILITIES, 2)
        body = (f"{_cap(problem)} on {obj} addressed with {tech} and {tech2}. "
                f"Capabilities: {caps[0]}, {caps[1]}. {rng.choice(benefits)}. "
                f"Delivered as {rng.choice(DEPLOYMENTS)}.")
        text = f"{title}. {body}"
        if text in seen:
            continue
        seen.add(text)
        out.append({"title": title, "body": body, "text": text, "industry": industry, "scenario": scen,
                    "short": body.split(". ")[0] + "."})
    return out


def demo_records() -> tuple[list[str], list[dict], list[dict]]:
    """Real demo catalogue: solution texts (as the app indexes them), needs, scenarios."""
    solutions, needs = [], []
    for path in sorted((ROOT / "catalogs" / "demo").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for s in data.get("solutions", []):
            body = " ".join(filter(None, [s.get("summary", ""),
                                          "Capabilities: " + ", ".join(s["capabilities"]) + "." if s.get(
                                              "capabilities") else "",
                                          s.get("description", "")]))
            solutions.append(f"{s['title']}. {body}")
        needs.extend(data.get("needs", []))
    scenarios = json.loads((ROOT / "catalogs" / "scenarios.json").read_text(encoding="utf-8"))
    return solutions, needs, scenarios


def generate_queries(count: int, needs: list[dict], seed: int) -> list[dict]:
    """Half real demo needs (long, with structured context), half short free-text queries, alternating."""
    rng = random.Random(seed + 1)
    long_q, queries = [], []
    for n in needs[: count // 2]:
        long_q.append({"text": f"{n['title']}. {n['description']}", "industries": [n["industry"]],
                        "scenarios": [], "region": n.get("region", ""), "budget_min": n.get("budget_min"),
                        "budget_max": n.get("budget_max"), "kind": "need", "filter": n["industry"]})
    while len(queries) < count - len(long_q):
        industry = rng.choice(INDUSTRIES)
        obj = rng.choice(INDUSTRY_OBJECTS[industry])
        techs, _problems, plain, _benefits = SCENARIOS[rng.choice(SCENARIO_SLUGS)]
        text = rng.choice(SHORT_QUERY_TEMPLATES).format(plain=rng.choice(plain), obj=obj, tech=rng.choice(techs))
        queries.append({"text": _cap(text), "industries": [], "scenarios": [], "region": "", "budget_min": None,
                        "budget_max": None, "kind": "short", "filter": industry})
    # alternate the two kinds, so that a loop stopped early by its time cap still sees both
    mixed = []
    for i in range(max(len(long_q), len(queries))):
        mixed += long_q[i:i + 1] + queries[i:i + 1]
    return mixed


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

def rss_mb() -> float:
    """Resident set size of this process in MiB (psutil when installed, else /proc/self/status)."""
    try:
        import psutil  # type: ignore
        return psutil.Process().memory_info().rss / 2**20
    except ImportError:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    return float("nan")


def rss_source() -> str:
    try:
        import psutil  # type: ignore  # noqa: F401
        return "psutil"
    except ImportError:
        return "/proc/self/status VmRSS (psutil not installed)"


def pct(values, q) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else float("nan")


def ms_stats(seconds: list[float]) -> dict:
    return {"p50": pct(seconds, 50) * 1000, "p95": pct(seconds, 95) * 1000,
            "mean": float(np.mean(seconds)) * 1000 if seconds else float("nan"), "n": len(seconds)}


class Contention:
    """CPU this process got per wall second (process CPU time ÷ wall time) and the load average.

    The machine is shared; a single-threaded loop that gets 1.0 ran on a core of its own,
    0.5 means it got half a core. Read absolute times with this next to them.
    """

    def __init__(self):
        self.wall, self.cpu, self.load = time.perf_counter(), time.process_time(), os.getloadavg()[0]

    def done(self) -> dict:
        wall = time.perf_counter() - self.wall
        return {"cpu_per_wall": (time.process_time() - self.cpu) / wall if wall > 0 else float("nan"),
                "load_start": self.load, "load_end": os.getloadavg()[0]}


def timed_loop(items, fn, cap_s: float, min_n: int = 30, stats: dict | None = None) -> list[float]:
    """Time fn(item) for each item; stop early after cap_s seconds once min_n samples exist."""
    times, start, probe = [], time.perf_counter(), Contention()
    for item in items:
        t0 = time.perf_counter()
        fn(item)
        times.append(time.perf_counter() - t0)
        if time.perf_counter() - start > cap_s and len(times) >= min_n:
            break
    if stats is not None:
        stats.update(probe.done())
    return times


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def make_embedder(threads: int, backend: str = "torch", onnx_dir: str | None = None):
    """The library's Embedder with its cache bypassed (every call really runs the model).

    backend "onnx": the library's int8 ONNX backend; it takes its thread count from
    CHAINMATCH_TORCH_THREADS when the session is created (1 unless set).
    """
    import torch

    from matching.embedder import Embedder

    class UncachedEmbedder(Embedder):
        def _cached(self, keys):  # never reuse earlier vectors: the benchmark must pay for embedding
            return {}

    kwargs = {"backend": backend, "onnx_dir": onnx_dir} if backend != "torch" else {}
    embedder = UncachedEmbedder(cache_path=None, batch_size=64, **kwargs)
    _ = embedder.dim  # load the model (ONNX: export it once into onnx_dir)
    torch.set_num_threads(threads)
    return embedder


def set_threads(n: int) -> None:
    import torch
    torch.set_num_threads(n)


# ---------------------------------------------------------------------------------------------
# Phase 1: embedding
# ---------------------------------------------------------------------------------------------

def phase_embedding(args, base: list[dict], queries: list[dict], demo_solutions: list[str]):
    log("loading model")
    t0 = time.perf_counter()
    embedder = make_embedder(CPUS)
    load_s = time.perf_counter() - t0
    tok = embedder.model.tokenizer
    max_len = embedder.model.max_seq_length

    def tokens(texts):
        return float(np.mean([min(len(ids), max_len) for ids in tok(texts)["input_ids"]]))

    embedder.encode([b["text"] for b in base[:64]] + ["warm-up"])  # first-call overhead out of the timing
    res = {"model": embedder.model_id, "load_s": load_s, "torch_threads_batched": CPUS, "batch": 64}

    n_tp = min(args.throughput_texts, len(base))
    texts = [b["text"] for b in base[:n_tp]]
    titles = list(dict.fromkeys(b["title"] for b in base))[:1000]
    res["throughput"] = []  # torch rows first, ONNX rows appended at the end
    vecs_a = None
    for label, items in (("generated solution texts", texts), ("short texts (generated titles)", titles),
                         ("real demo solution texts (title + summary + capabilities + description)",
                          demo_solutions)):
        for threads in sorted({CPUS, 1}, reverse=True):
            subset = items if threads == CPUS else items[:500]
            set_threads(threads)
            log(f"batched throughput: {len(subset)} {label}, batch 64, {threads} torch thread(s)")
            probe = Contention()
            t0 = time.perf_counter()
            vecs = embedder.encode(subset)
            took = time.perf_counter() - t0
            if items is texts and threads == CPUS:
                vecs_a = vecs
            cont = probe.done()
            res["throughput"].append({"label": label, "threads": threads, "texts": len(subset),
                                      "tps": len(subset) / took, "mean_tokens": tokens(subset),
                                      "per_cpu_s": len(subset) / took / max(cont["cpu_per_wall"], 1e-9), **cont})

    set_threads(1)
    n_one = 0
    probe = Contention()
    t0 = time.perf_counter()
    for text in texts[:200]:
        embedder.encode([text])
        n_one += 1
        if time.perf_counter() - t0 > 20 and n_one >= 30:
            break
    dt_o = time.perf_counter() - t0
    res["one_at_a_time"] = {"texts": n_one, "tps": n_one / dt_o, **probe.done()}
    set_threads(CPUS)

    rest = [b["text"] for b in base[n_tp:]]
    log(f"embedding the remaining {len(rest)} base texts")
    vecs_b = embedder.encode(rest) if rest else np.zeros((0, vecs_a.shape[1]), dtype=np.float32)
    base_vecs = np.vstack([vecs_a, vecs_b]).astype(np.float32)

    single = {}
    for threads in sorted({1, CPUS}):
        set_threads(threads)
        for kind in ("short", "need"):
            qs = [q["text"] for q in queries if q["kind"] == kind]
            if not qs:
                continue
            cont: dict = {}
            times = timed_loop(qs, lambda t: embedder.encode_one(t), cap_s=30 if threads == 1 else 15,
                               stats=cont)
            single[f"{kind}@{threads}"] = {**ms_stats(times), "mean_tokens": tokens(qs), **cont}
    res["single"] = single
    set_threads(CPUS)

    if args.onnx_dir:
        from matching.embedder import default_model_path
        from matching.onnx_backend import OnnxModel

        log("ONNX int8 backend: export (once) and measurements")
        t0 = time.perf_counter()
        onnx = make_embedder(1, backend="onnx", onnx_dir=args.onnx_dir)
        res["onnx_load_s"] = time.perf_counter() - t0
        onnx_threads = int(os.environ.get("CHAINMATCH_TORCH_THREADS", "1"))
        check = texts[:200]
        agree = np.sum(onnx.encode(check) * base_vecs[:len(check)], axis=1)
        res["onnx_cosine"] = {"mean": float(agree.mean()), "min": float(agree.min())}
        for label, items in (("generated solution texts", texts), ("short texts (generated titles)", titles),
                             ("real demo solution texts (title + summary + capabilities + description)",
                              demo_solutions)):
            for threads in sorted({CPUS, 1}, reverse=True):
                subset = items if threads == CPUS else items[:500]
                model = onnx.model if threads == onnx_threads else OnnxModel(default_model_path(),
                                                                              Path(args.onnx_dir), threads)
                probe = Contention()
                t0 = time.perf_counter()
                model.encode(subset, batch_size=64)
                took = time.perf_counter() - t0
                cont = probe.done()
                res["throughput"].append({"label": "ONNX int8: " + label, "threads": threads, "texts": len(subset),
                                          "tps": len(subset) / took, "mean_tokens": tokens(subset), "onnx": True,
                                          "per_cpu_s": len(subset) / took / max(cont["cpu_per_wall"], 1e-9),
                                          **cont})
        for kind in ("short", "need"):
            qs = [q["text"] for q in queries if q["kind"] == kind]
            cont = {}
            times = timed_loop(qs, lambda t: onnx.encode_one(t), cap_s=30, stats=cont)
            single[f"{kind}@{onnx_threads}@onnx"] = {**ms_stats(times), "mean_tokens": tokens(qs), **cont}
    return res, base_vecs


# ---------------------------------------------------------------------------------------------
# Phase 2: one catalogue size, in a child process
# ---------------------------------------------------------------------------------------------

class Partial:
    """Results of a child, rewritten after every stage so that a timeout keeps what was measured."""

    def __init__(self, path: Path):
        self.path, self.data = path, {"stages_done": []}

    def save(self, stage: str | None = None, **values) -> None:
        self.data.update(values)
        if stage:
            self.data["stages_done"].append(stage)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, default=float))
        os.replace(tmp, self.path)


def synth_catalogue(n: int, base: list[dict], base_vecs: np.ndarray, noise: float, seed: int):
    """N unit vectors = normalise(base vector + N(0, noise²) per dimension); N short keyword texts."""
    rng = np.random.default_rng(seed)
    assign = rng.integers(0, len(base), n)
    dim = base_vecs.shape[1]
    vecs = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 100_000):
        stop = min(n, start + 100_000)
        block = base_vecs[assign[start:stop]] + noise * rng.standard_normal((stop - start, dim), dtype=np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        vecs[start:stop] = block
    prng = random.Random(seed)
    brands = [_cap(a + b) for a in SYLLABLES for b in SYLLABLES if a != b]
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    rows = []
    for i in range(n):
        b = base[int(assign[i])]
        brand = prng.choice(brands)
        code = f"{prng.choice(letters)}{prng.choice(letters)}-{prng.randint(100, 9999)}"
        extra = ", ".join(prng.sample(CAPABILITIES, prng.randint(0, 3)))
        title = b["title"] if prng.random() < 0.5 else f"{b['title']} ({brand} {code})"
        body = f"{b['short']} {brand} {code}, {prng.choice(CITIES)}." + (f" Also: {extra}." if extra else "")
        rows.append((i + 1, title, body))
    return assign, vecs, rows


def make_docs(rows, assign, base, n: int, seed: int) -> dict:
    from matching.documents import Doc

    prng = random.Random(seed + 2)
    case_pool = [{"title": f"{_cap(obj)} retrofit at a {ind} plant", "results": rng_benefit, "exemplary": k % 4 == 0}
                 for k, (ind, obj, rng_benefit) in enumerate(
                     (ind, obj, SCENARIOS[SCENARIO_SLUGS[j % len(SCENARIO_SLUGS)]][3][j % 3])
                     for j, (ind, objs) in enumerate(INDUSTRY_OBJECTS.items()) for obj in objs)]
    providers = max(1, n // 8)
    docs = {}
    for (doc_id, title, body), a in zip(rows, assign.tolist()):
        b = base[a]
        price = prng.choice([None, 200_000, 500_000, 1_200_000, 3_000_000])
        provider = prng.randint(1, providers)
        docs[doc_id] = Doc(id=doc_id, title=title, body=body, key=f"s-{doc_id}", industries=[b["industry"]],
                           scenarios=[b["scenario"]], region=prng.choice(PROVINCES), provider=provider,
                           provider_key=f"p-{provider}", price_min=price, price_max=price * 3 if price else None,
                           status="active", cases=[prng.choice(case_pool)] if prng.random() < 0.15 else [])
    return docs


def child_main(args) -> None:
    from matching import engine
    from matching.documents import Query, ScenarioInfo
    from matching.engine import Matcher
    from matching.text import content_terms

    n = args.child
    part = Partial(Path(args.child_out))
    with open(args.data, "rb") as handle:
        data = pickle.load(handle)
    base, base_vecs, queries, scen_json = data["base"], data["base_vecs"], data["queries"], data["scenarios"]
    rss0 = rss_mb()
    part.save("start", n=n, rss_start_mb=rss0)

    # ---- synthetic catalogue ---------------------------------------------------------------
    log(f"N={n:,}: synthesising vectors and texts")
    t0 = time.perf_counter()
    assign, vecs, rows = synth_catalogue(n, base, base_vecs, args.noise, args.seed + n)
    near = float(np.mean(np.sum(vecs[:2000] * base_vecs[assign[:2000]], axis=1)))
    part.save("synth", synth_s=time.perf_counter() - t0, cos_to_base=near)

    embedder = make_embedder(args.match_threads)
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{n}-", dir=args.tmp))
    matcher = Matcher(workdir / "matcher", embedder)
    matcher.set_scenarios([ScenarioInfo(slug=s["slug"], name=s["name"], industry=s.get("industry"),
                                        text=f"{s['name']}. {s['description']} Typical technologies: "
                                             f"{', '.join(s['technologies'])}.") for s in scen_json])
    qobjs = [Query(text=q["text"], industries=list(q["industries"]), region=q["region"],
                   budget_min=q["budget_min"], budget_max=q["budget_max"]) for q in queries]
    set_threads(CPUS)
    qvecs = embedder.encode([q["text"] for q in queries])  # for baselines and recall only
    set_threads(args.match_threads)
    cap = args.loop_cap_s

    # ---- baseline 1: numpy brute-force cosine top-10 ---------------------------------------
    log(f"N={n:,}: numpy brute-force baseline")

    def brute(q):
        scores = vecs @ q
        top = np.argpartition(-scores, 10)[:10]
        return top[np.argsort(-scores[top])]

    brute(qvecs[0])
    cont: dict = {}
    part.save("numpy", numpy_ms={**ms_stats(timed_loop(qvecs, brute, cap, stats=cont)), **cont})

    # ---- baseline 2: SQLite LIKE '%word%' scan ----------------------------------------------
    log(f"N={n:,}: SQL LIKE baseline (building table)")
    t0 = time.perf_counter()
    like_db = sqlite3.connect(str(workdir / "like.sqlite3"))
    like_db.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT, body TEXT)")
    with like_db:
        like_db.executemany("INSERT INTO docs VALUES (?, ?, ?)", rows)
    part.save(None, like_build_s=time.perf_counter() - t0)
    like_terms = [[t for t in content_terms(q["text"]) if len(t) >= 4][:3] or ["inspect"] for q in queries]

    def like(terms):
        where = " OR ".join("title LIKE ? OR body LIKE ?" for _ in terms)
        params = [p for t in terms for p in (f"%{t}%", f"%{t}%")]
        return like_db.execute(f"SELECT id FROM docs WHERE {where}", params).fetchall()

    like(like_terms[0])
    like_hits = [len(like(t)) for t in like_terms[:5]]
    cont = {}
    part.save("like", like_ms={**ms_stats(timed_loop(like_terms, like, cap, min_n=20, stats=cont)), **cont},
              like_mean_hits=float(np.mean(like_hits)))
    like_db.close()
    os.remove(workdir / "like.sqlite3")

    # ---- keyword index build ------------------------------------------------------------------
    log(f"N={n:,}: KeywordIndex.upsert of {n:,} texts (chunks of 50,000)")
    gc.collect()
    r0 = rss_mb()
    probe = Contention()
    t0 = time.perf_counter()
    for start in range(0, n, 50_000):
        matcher.keywords.upsert("solution", rows[start:start + 50_000])
    kw_s = time.perf_counter() - t0
    kw_cont = probe.done()
    kw_files = sum(p.stat().st_size for p in (workdir / "matcher").glob("keywords.sqlite3*"))
    log(f"N={n:,}: KeywordIndex.search alone (100 candidates)")
    kinds = [q["kind"] for q in queries]
    kw_times, cont = [], {}
    kw_times = timed_loop(list(range(len(queries))),
                          lambda i: matcher.keywords.search("solution", queries[i]["text"], 100), cap, stats=cont)
    part.save(None, kw_search_ms={**ms_stats(kw_times), **cont, "by_kind": {
        k: ms_stats([t for t, kk in zip(kw_times, kinds) if kk == k]) for k in ("short", "need")}})
    part.save("keyword_build", kw_build_s=kw_s, kw_build_contention=kw_cont, kw_rss_mb=rss_mb() - r0, kw_file_mb=kw_files / 2**20)

    # ---- docs --------------------------------------------------------------------------------
    gc.collect()
    r0 = rss_mb()
    t0 = time.perf_counter()
    coll = matcher.collection("solution")
    coll.docs = make_docs(rows, assign, base, n, args.seed)
    coll.changed()
    del rows
    gc.collect()
    part.save("docs", docs_rss_mb=rss_mb() - r0, docs_s=time.perf_counter() - t0, loop_cap_s=cap)

    # ---- vector index build ------------------------------------------------------------------
    if args.skip_vector_build:
        part.save(None, skipped=args.skip_vector_build)
        log(f"N={n:,}: vector index build skipped: {args.skip_vector_build}")
        return
    log(f"N={n:,}: VectorIndex.upsert of {n:,} vectors (ann_threshold {coll.vectors.ann_threshold:,})")
    gc.collect()
    r0 = rss_mb()
    probe = Contention()
    t0 = time.perf_counter()
    coll.vectors.upsert(np.arange(1, n + 1), vecs)
    vec_s = time.perf_counter() - t0
    build_cont = probe.done()
    vi = coll.vectors
    accounted = vi.memory_bytes()
    part.save("vector_build", vec_build_s=vec_s, vec_rss_mb=rss_mb() - r0, uses_ann=coll.vectors.uses_ann,
              vec_accounted_mb=accounted / 2**20, vec_build_contention=build_cont,
              index_desc=vi.describe(), nprobe=vi.nprobe, rss_total_mb=rss_mb() - rss0, vm_hwm_mb=_hwm())

    # ---- Matcher.match, with a breakdown of where the time goes ------------------------------
    spent: dict[str, float] = {}

    def clock(name, fn):
        def wrapper(*a, **kw):
            t = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - t
        return wrapper

    embedder.encode_one = clock("embed", embedder.encode_one)
    coll.vectors.search = clock("vector", coll.vectors.search)
    matcher.keywords.search = clock("keyword", matcher.keywords.search)
    coll.allowed = clock("filter", coll.allowed)
    engine.explain = clock("explain", engine.explain)

    log(f"N={n:,}: warm-up; facet postings build")
    t0 = time.perf_counter()
    coll.allowed({"industries": queries[0]["filter"]})  # first call builds the facet postings
    postings_s = time.perf_counter() - t0
    for q in qobjs[1:4]:
        matcher.match(q, "solution", limit=10)
    allowed_share = float(np.mean([len(coll.allowed({"industries": ind})) for ind in INDUSTRIES])) / n

    real_db = matcher.keywords._db
    guard_s = args.query_timeout_s

    def run(filtered: bool):
        """Match every query; a query still running after guard_s is interrupted (SQLite) and counted."""
        samples, interrupted = [], 0
        start, probe = time.perf_counter(), Contention()
        for q, raw in zip(qobjs, queries):
            spent.clear()
            filters = {"industries": raw["filter"]} if filtered else None
            state = {"live": True}

            def stop():
                if state["live"]:
                    real_db.interrupt()

            timer = threading.Timer(guard_s, stop)
            timer.start()
            t = time.perf_counter()
            try:
                results = matcher.match(q, "solution", limit=10, filters=filters)
            except sqlite3.OperationalError as exc:
                if "interrupt" not in str(exc):
                    raise
                results, interrupted = None, interrupted + 1
            finally:
                state["live"] = False
                timer.cancel()
            total = time.perf_counter() - t
            samples.append({"kind": raw["kind"], "total": total, "results": -1 if results is None else len(results),
                            **spent})
            if interrupted >= 3 or (time.perf_counter() - start > cap and len(samples) >= 30):
                break
        return samples, interrupted, probe.done()

    out = {}
    loops = [("match", False), ("filtered", True)]
    torch_embedder = matcher.embedder
    if args.onnx_dir:
        loops += [("match_onnx", False), ("filtered_onnx", True)]
    for label, filtered in loops:
        log(f"N={n:,}: Matcher.match latency ({label})")
        if label.endswith("_onnx"):
            # the library's ONNX int8 backend for the query only (latency what-if: the catalogue vectors
            # stay the torch ones; the two backends' vectors agree to cosine ~0.99)
            onnx = make_embedder(args.match_threads, backend="onnx", onnx_dir=args.onnx_dir)
            onnx.encode_one = clock("embed", onnx.encode_one)
            matcher.embedder = onnx
        try:
            samples, interrupted, contention = run(filtered)
        finally:
            matcher.embedder = torch_embedder
        totals = [s["total"] for s in samples]
        parts = {k: float(np.mean([s.get(k, 0.0) for s in samples])) * 1000
                 for k in ("embed", "vector", "keyword", "filter", "explain")}
        parts["rest"] = float(np.mean(totals)) * 1000 - sum(parts.values())
        kw_kind = {k: float(np.mean([x.get("keyword", 0.0) for x in samples if x["kind"] == k] or [np.nan])) * 1000
                   for k in ("short", "need")}
        emb_kind = {k: float(np.mean([x.get("embed", 0.0) for x in samples if x["kind"] == k] or [np.nan])) * 1000
                    for k in ("short", "need")}
        out[label] = {**ms_stats(totals), "breakdown_ms": parts, "interrupted": interrupted,
                      "keyword_by_kind_ms": kw_kind, "embed_by_kind_ms": emb_kind,
                      "by_kind": {k: ms_stats([s["total"] for s in samples if s["kind"] == k])
                                  for k in ("short", "need")},
                      "empty_results": sum(1 for s in samples if s["results"] == 0), **contention}
        if interrupted:
            log(f"N={n:,}: {label}: {interrupted} queries interrupted after {guard_s:.0f} s")
    part.save("match", postings_s=postings_s, allowed_share=allowed_share, **out)

    # ---- vector search alone, ANN recall vs exact --------------------------------------------
    del coll.vectors.search  # drop the timing wrapper: back to the class method
    log(f"N={n:,}: vector search alone and recall")
    cont = {}
    vec_times = timed_loop(qvecs, lambda q: vi.search(q, 10), cap, stats=cont)
    rec = {"vec10_ms": {**ms_stats(vec_times), **cont}}
    if vi.uses_ann:
        # exact answers once (time-capped), then the ANN at the library's nprobe and larger ones
        exact, fexact, allowed_of, start = [], [], [], time.perf_counter()
        for q, raw in zip(qvecs, queries):
            exact.append(vi.search(q, 100, exact=True))
            allowed = coll.allowed({"industries": raw["filter"]})
            allowed_of.append(allowed)
            fexact.append({i for i, _ in vi.search(q, 10, allowed, exact=True)})
            if time.perf_counter() - start > cap and len(exact) >= 30:
                break
        used = len(exact)
        sweep, lib_ef = [], vi.nprobe
        for ef in sorted({max(1, lib_ef // 2), lib_ef, lib_ef * 2, lib_ef * 4}):
            vi.nprobe = ef
            r10, r100, tol10, times = [], [], [], []
            for q, ex in zip(qvecs[:used], exact):
                t = time.perf_counter()
                ann10 = vi.search(q, 10)
                times.append(time.perf_counter() - t)
                ann100 = {i for i, _ in vi.search(q, 100)}
                top10 = {i for i, _ in ex[:10]}
                r10.append(len({i for i, _ in ann10} & top10) / 10)
                r100.append(len(ann100 & {i for i, _ in ex}) / 100)
                floor = ex[min(9, len(ex) - 1)][1] - 0.01  # an ANN hit within 0.01 cosine of the exact 10th
                tol10.append(sum(1 for _, sc in ann10 if sc >= floor) / 10)
            sweep.append({"ef": ef, "library": ef == lib_ef, "recall10": float(np.mean(r10)),
                          "min_recall10": float(np.min(r10)), "recall100": float(np.mean(r100)),
                          "recall10_tol": float(np.mean(tol10)), "ms": ms_stats(times)})
        vi.nprobe = lib_ef
        rf10, ftimes = [], []
        for q, allowed, fex in zip(qvecs[:used], allowed_of, fexact):
            t = time.perf_counter()
            fann = {i for i, _ in vi.search(q, 10, allowed)}
            ftimes.append(time.perf_counter() - t)
            rf10.append(len(fann & fex) / 10)
        lib = next(x for x in sweep if x["library"])
        rec.update(recall10=lib["recall10"], recall100=lib["recall100"], min_recall10=lib["min_recall10"],
                   recall10_tol=lib["recall10_tol"], filtered_recall10=float(np.mean(rf10)), recall_n=used,
                   filtered_vec10_ms=ms_stats(ftimes), ef_sweep=sweep,
                   exact_spread=float(np.mean([ex[0][1] - ex[min(9, len(ex) - 1)][1] for ex in exact])))
    part.save("recall", **rec)

    # ---- incremental upsert in 256-row chunks (how app reindexing feeds the index) -------------
    if n <= args.chunked_max:
        from matching.vector_index import VectorIndex
        log(f"N={n:,}: VectorIndex.upsert in 256-row chunks, exact only (ann_threshold off)")
        del matcher, coll, vi
        gc.collect()
        probe = VectorIndex(vecs.shape[1], "bench", ann_threshold=10**12)
        ids = np.arange(1, n + 1)
        t0 = time.perf_counter()
        for start in range(0, n, 256):
            probe.upsert(ids[start:start + 256], vecs[start:start + 256])
        part.save("chunked", chunked_s=time.perf_counter() - t0)
    log(f"N={n:,}: done")


def _hwm() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# ---------------------------------------------------------------------------------------------
# Orchestration and report
# ---------------------------------------------------------------------------------------------

LOOPS_PER_CHILD = 9  # capped measurement loops in a child (numpy, LIKE, keyword, 3 match, vector, recall ×2)


def estimate_child_s(n: int, done: dict[int, dict], cap: float) -> tuple[float | None, float, str]:
    """(seconds a child for n needs with loops capped at `cap`, seconds without the loops, explanation).

    Extrapolated from the largest finished size that built HNSW: IVF training and assignment ~ N,
    keyword and setup work ~ N; capped loops take about `cap` each whatever N is.
    """
    ann = [(m, r) for m, r in done.items() if r.get("uses_ann") and "vec_build_s" in r]
    if not ann:
        return None, 0.0, "no earlier IVF build to extrapolate from"
    m, r = max(ann)
    scale = n / m
    build = r["vec_build_s"] * scale * (np.log(n) / np.log(m)) * 1.15
    keyword = r.get("kw_build_s", 0) * scale * 1.1
    setup = (r.get("synth_s", 0) + r.get("like_build_s", 0) + r.get("docs_s", 0)) * scale * 1.1 + 30
    fixed = build + keyword + setup + 60  # 60 s: minimum-sample floors, interrupted queries, model load
    return fixed + LOOPS_PER_CHILD * cap, fixed, (
        f"extrapolated from N={m:,}: IVF build ≈ {build / 60:.1f} min, keyword build ≈ {keyword / 60:.1f} min, "
        f"setup ≈ {setup / 60:.1f} min, {LOOPS_PER_CHILD} measurement loops ≈ {LOOPS_PER_CHILD * cap / 60:.1f} min")


def run_child(args, n: int, data_path: Path, timeout: float, skip: str | None, cap: float) -> dict:
    out_path = Path(args.tmp) / f"child-{n}.json"
    if out_path.exists():
        out_path.unlink()
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(n), "--data", str(data_path),
           "--child-out", str(out_path), "--noise", str(args.noise), "--seed", str(args.seed),
           "--match-threads", str(args.match_threads), "--loop-cap-s", str(cap),
           "--chunked-max", str(args.chunked_max), "--tmp", args.tmp,
           "--query-timeout-s", str(args.query_timeout_s)]
    if args.onnx_dir:
        cmd += ["--onnx-dir", args.onnx_dir]
    if skip:
        cmd += ["--skip-vector-build", skip]
    t0 = time.perf_counter()
    status = "ok"
    try:
        proc = subprocess.run(cmd, timeout=max(30.0, timeout))
        if proc.returncode != 0:
            status = f"child exited with code {proc.returncode}"
    except subprocess.TimeoutExpired:
        status = f"stopped at the time budget after {timeout / 60:.1f} min"
    wall = time.perf_counter() - t0
    result = json.loads(out_path.read_text()) if out_path.exists() else {"stages_done": []}
    result.update(status=status, wall_s=wall)
    return result


def fmt(x, digits=1, unit="") -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "—"
    return f"{x:,.{digits}f}{unit}"


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("**PASS**" if ok else "**FAIL**")


def render(args, command: str, emb: dict, results: dict[int, dict], notes: list[str], total_s: float,
           base_n: int, load_start: float) -> str:
    import faiss
    import sentence_transformers
    import torch

    lines = ["# Matcher performance benchmark", "",
             f"- Date: {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}; total run time {total_s / 60:.1f} min",
             f"- Command: `{command}`",
             f"- Machine: {CPUS} CPU cores ({platform.processor() or platform.machine()}), "
             f"Python {platform.python_version()}, torch {torch.__version__}, faiss {faiss.__version__}, "
             f"sentence-transformers {sentence_transformers.__version__}, numpy {np.__version__}, "
             f"SQLite {sqlite3.sqlite_version}. Load average (1 min) at start {load_start:.1f}, "
             f"at end {os.getloadavg()[0]:.1f}.",
             f"- Model: {emb['model']} (load {emb['load_s']:.1f} s). Memory: {rss_source()}.",
             f"- **Catalogue vectors are synthesised from {base_n:,} real embeddings + noise**: {base_n:,} distinct "
             f"generated solution texts (industry object × technique × problem × benefit fragments, e.g. "
             f"\"Line-scan camera defect detection for cold rolled strip\") are embedded with the real model; "
             f"each of the N catalogue vectors is a randomly chosen base vector + Gaussian noise "
             f"(σ = {args.noise} per dimension, mean cosine to its base "
             f"{np.mean([r['cos_to_base'] for r in results.values() if 'cos_to_base' in r] or [float('nan')]):.3f}), "
             f"re-normalised. Each keyword text is that base text's title and first sentence plus varied id words "
             f"(brand, model code, city, extra capabilities).",
             f"- Queries: {args.queries} = real demo needs (title + description, with industry, region and budget) "
             f"+ generated short free-text queries. Match latency runs with torch threads = {args.match_threads} "
             f"(the production setting: one intra-op thread per worker); faiss/numpy/BLAS use {CPUS} threads. "
             f"Loops stop after {args.loop_cap_s:.0f} s once 30 samples exist (n column); a match still running "
             f"after {args.query_timeout_s:.0f} s is interrupted and the loop stops after 3 of those.",
             "- **CPU/wall** = CPU seconds this process got per wall second during the measurement. The machine "
             "is shared: below 1.0 for single-threaded work (or below 2.0 for 2-thread work) the process was "
             "waiting for a core, and absolute times are inflated by about that factor. Ratios to the "
             "same-run baselines are the numbers to compare across runs.",
             ""]

    # --- embedding
    tp = emb["throughput"]
    main_rows = [x for x in tp if x["threads"] == CPUS]
    gen1 = next(x for x in tp if x["threads"] == 1 and x["label"].startswith("generated"))
    one = emb["one_at_a_time"]
    lines += ["## 1. Embedding (all-MiniLM-L6-v2, torch, CPU)", "",
              f"Batch 64. Torch threads are set to {CPUS} (the machine's cores) for the batched target "
              f"measurement and to 1 (the production setting) for comparison. *texts per CPU-second* = texts/s ÷ "
              f"CPU/wall, the contention-free rate per core; {CPUS} free cores would give at most "
              f"{CPUS} × that.", "",
              "| measurement | torch threads | texts | mean tokens | texts/s | CPU/wall | texts per CPU-second | "
              f"÷ target {TARGET_EMBED_TPS:.0f}/s | verdict |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for x in tp:
        lines.append(f"| batched: {x['label']} | {x['threads']} | {x['texts']:,} | {x['mean_tokens']:.0f} | "
                     f"{x['tps']:.0f} | {x['cpu_per_wall']:.2f} | {x['per_cpu_s']:.0f} | "
                     f"{x['tps'] / TARGET_EMBED_TPS:.2f} | "
                     f"{verdict(x['tps'] >= TARGET_EMBED_TPS) if x['threads'] == CPUS else ''} |")
    lines.append(f"| baseline: one text per call, generated solution texts | 1 | {one['texts']} | | {one['tps']:.0f} | "
                 f"{one['cpu_per_wall']:.2f} | {one['tps'] / max(one['cpu_per_wall'], 1e-9):.0f} | "
                 f"batched ÷ one-at-a-time (1 thread): {gen1['tps'] / one['tps']:.1f}× | |")
    if "onnx_cosine" in emb:
        lines += ["", f"ONNX int8 rows: the library's `backend=\"onnx\"` (export + load {emb['onnx_load_s']:.0f} s); "
                  f"cosine to the torch vector over 200 texts: mean {emb['onnx_cosine']['mean']:.4f}, "
                  f"min {emb['onnx_cosine']['min']:.4f}. ONNX int8 is the app's default backend "
                  "(`EMBEDDING_BACKEND=onnx`); the same labelled set ranks as well with it as with torch "
                  "(benchmarks/matching-quality.md)."]
    lines += ["", "| single query latency (`encode_one`) | threads | queries | mean tokens | p50 | p95 | "
              "CPU/wall |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for key, s in emb["single"].items():
        kind, threads, *backend = key.split("@")
        label = "demo need (title + description)" if kind == "need" else "short free-text query"
        label = ("ONNX int8: " if backend else "torch: ") + label
        lines.append(f"| {label} | {threads} | {s['n']} | {s['mean_tokens']:.0f} | {s['p50']:.1f} ms | "
                     f"{s['p95']:.1f} ms | {s['cpu_per_wall']:.2f} |")
    lines.append("")

    # --- build and memory
    lines += ["## 2. Catalogue sizes: index build and memory", "",
              "| N | vector index | VectorIndex.upsert (all N) | CPU/wall | KeywordIndex.upsert (all N) | CPU/wall | "
              "RSS increase: vector index | vector index, accounted bytes | RSS increase: Doc objects | "
              "keyword index on disk | RSS increase: keyword build | facet postings build |",
              "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for n, r in results.items():
        if r.get("skipped_entirely"):
            lines.append(f"| {n:,} | skipped: {r['skipped_entirely']} |" + " |" * 10)
            continue
        index = r.get("index_desc") or ("exact (flat)" if "uses_ann" in r else "not built")
        vc, kc = r.get("vec_build_contention", {}), r.get("kw_build_contention", {})
        lines.append(
            f"| {n:,} | {index} | {fmt(r.get('vec_build_s'), 1, ' s')} | {fmt(vc.get('cpu_per_wall'), 2)} | "
            f"{fmt(r.get('kw_build_s'), 1, ' s')} | {fmt(kc.get('cpu_per_wall'), 2)} | "
            f"{fmt(r.get('vec_rss_mb'), 0, ' MiB')} | {fmt(r.get('vec_accounted_mb'), 0, ' MiB')} | "
            f"{fmt(r.get('docs_rss_mb'), 0, ' MiB')} | {fmt(r.get('kw_file_mb'), 0, ' MiB')} | "
            f"{fmt(r.get('kw_rss_mb'), 0, ' MiB')} | "
            f"{fmt(r['postings_s'] * 1000 if 'postings_s' in r else None, 0, ' ms')} |")
    lines.append("")

    # --- latency
    def lat(s: dict | None) -> tuple[str, str]:
        if not s:
            return "—", "—"
        if s.get("interrupted"):
            return (f"{s['p50']:,.1f}", f"≥ {s['p95']:,.0f} ({s['interrupted']} interrupted at "
                                         f"{args.query_timeout_s:.0f} s)")
        return f"{s['p50']:,.1f}", f"{s['p95']:,.1f}"

    lines += ["## 3. Latency (ms) against same-run baselines", "",
              "| N | what | p50 | p95 | n | CPU/wall | p95 ÷ numpy brute-force p95 | p95 ÷ LIKE scan p95 |",
              "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    rows_def = [("match", "**Matcher.match**, no filter (embed + retrieve + fuse + re-rank + explain)"),
                ("filtered", "**Matcher.match**, industry filter (library as is)"),
                ("match_onnx", "**Matcher.match**, no filter, ONNX int8 query embedder (the app's default)"),
                ("filtered_onnx", "**Matcher.match**, industry filter, ONNX int8 query embedder (the app's default)"),
                ("kw_search_ms", "KeywordIndex.search alone, 100 candidates (FTS5 trigram BM25)"),
                ("kw_short", "… the same, short free-text queries only"),
                ("kw_need", "… the same, demo needs only"),
                ("vec10_ms", "VectorIndex.search k=10 alone (pre-embedded query)"),
                ("filtered_vec10_ms", "VectorIndex.search k=10 alone, industry filter"),
                ("numpy_ms", "baseline: numpy brute-force cosine top-10 (vecs @ q, argpartition)"),
                ("like_ms", "baseline: SQLite `LIKE '%word%'` scan, 3 query words, all matches")]
    for n, r in results.items():
        npy, lk = r.get("numpy_ms"), r.get("like_ms")
        for key, label in rows_def:
            s = r.get(key) if not key.startswith("kw_") or key == "kw_search_ms" else \
                r.get("kw_search_ms", {}).get("by_kind", {}).get(key[3:])
            if not s:
                continue
            p50, p95 = lat(s)
            lines.append(f"| {n:,} | {label} | {p50} | {p95} | {s['n']} | {fmt(s.get('cpu_per_wall'), 2)} | "
                         f"{fmt(s['p95'] / npy['p95'] if npy else None, 2, '×')} | "
                         f"{fmt(s['p95'] / lk['p95'] if lk else None, 2, '×')} |")
    lines.append("")

    # --- recall
    lines += ["## 4. ANN recall against exact search (same index, `exact=True`)", "",
              "| N | index | recall@10 | worst query recall@10 | recall@10 within 0.01 cosine | "
              "recall@100 (the matcher's candidate list) | filtered recall@10 (industry) | "
              "exact top-1 − top-10 cosine | queries |",
              "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for n, r in results.items():
        if r.get("uses_ann") and "recall10" in r:
            lines.append(f"| {n:,} | {r.get('index_desc')} | {r['recall10']:.3f} | "
                         f"{r['min_recall10']:.1f} | {r['recall10_tol']:.3f} | {r['recall100']:.3f} | "
                         f"{r['filtered_recall10']:.3f} | {r['exact_spread']:.3f} | {r['recall_n']} |")
        elif "uses_ann" in r and not r.get("uses_ann"):
            lines.append(f"| {n:,} | exact (below ann_threshold) | 1 by construction | | | | |")
        else:
            lines.append(f"| {n:,} | not measured ({r.get('why_missing', r.get('status', '?'))}) | | | | | |")
    lines.append("")
    sweeps = [(n, r["ef_sweep"]) for n, r in results.items() if r.get("ef_sweep")]
    if sweeps:
        lines += ["nprobe sweep (same IVF lists; `VectorIndex.nprobe` set per run, k=10, unfiltered; a query "
                  "scans at least `min_scan` rows whatever nprobe says):", "",
                  "| N | nprobe | recall@10 | worst query | recall@10 within 0.01 cosine | recall@100 | "
                  "search p50 | search p95 |", "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for n, sweep in sweeps:
            for x in sweep:
                lines.append(f"| {n:,} | {x['ef']}{' (library)' if x['library'] else ''} | {x['recall10']:.3f} | "
                             f"{x['min_recall10']:.1f} | {x['recall10_tol']:.3f} | {x['recall100']:.3f} | "
                             f"{x['ms']['p50']:.2f} ms | {x['ms']['p95']:.2f} ms |")
        lines.append("")

    # --- where the time goes
    lines += ["## 5. Where the match time goes (mean ms per query)", "",
              "| N | filter | total mean | embed query | vector search | keyword search (FTS5 BM25) | "
              "facet filter | explanations | fusion + re-rank + rest | embed: short / need | "
              "keyword: short / need | p95 short queries | p95 demo needs | filter share of catalogue |",
              "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for n, r in results.items():
        for label, key in (("none", "match"), ("industry", "filtered"), ("none, ONNX int8 query", "match_onnx"),
                           ("industry, ONNX int8 query", "filtered_onnx")):
            s = r.get(key)
            if not s:
                continue
            bd = s["breakdown_ms"]
            lines.append(
                f"| {n:,} | {label} | {s['mean']:.1f} | {bd['embed']:.1f} | {bd['vector']:.1f} | {bd['keyword']:.1f} | "
                f"{bd['filter']:.1f} | {bd['explain']:.1f} | {bd['rest']:.1f} | "
                f"{fmt(s['embed_by_kind_ms']['short'], 1)} / {fmt(s['embed_by_kind_ms']['need'], 1)} | "
                f"{fmt(s['keyword_by_kind_ms']['short'], 1)} / {fmt(s['keyword_by_kind_ms']['need'], 1)} | "
                f"{fmt(s['by_kind']['short']['p95'], 1)} | {fmt(s['by_kind']['need']['p95'], 1)} | "
                + (f"{r['allowed_share']:.3f} |" if key == "filtered" else " |"))
    lines.append("")

    # --- chunked upsert
    chunked = {n: r["chunked_s"] for n, r in results.items() if "chunked_s" in r}
    if chunked:
        lines += ["## 6. Incremental upsert in 256-row chunks (how app reindexing feeds the matcher)", "",
                  "Exact index only (IVF disabled), so the number isolates the copy cost of "
                  "`VectorIndex.upsert` (np.vstack of the whole matrix on every call).", "",
                  "| N | chunked upsert | rows/s | bulk upsert (section 2) |", "| ---: | ---: | ---: | ---: |"]
        for n, s in chunked.items():
            bulk = results[n].get("vec_build_s")
            lines.append(f"| {n:,} | {s:.1f} s | {n / s:,.0f} | {fmt(bulk, 2, ' s')} "
                         f"{'(includes the IVF training)' if results[n].get('uses_ann') else ''} |")
        lines.append("")

    # --- targets
    lines += ["## 7. Targets", "", "| target | measured | verdict |", "| --- | --- | --- |"]
    for x in main_rows:
        lines.append(f"| embedding ≥ {TARGET_EMBED_TPS:.0f} texts/s batched, {CPUS} threads: {x['label']} "
                     f"(~{x['mean_tokens']:.0f} tokens) | {x['tps']:.0f} texts/s (CPU/wall {x['cpu_per_wall']:.2f}; "
                     f"{x['per_cpu_s']:.0f} per CPU-second) | {verdict(x['tps'] >= TARGET_EMBED_TPS)} |")
    for n, limit in TARGETS_P95_MS.items():
        r = results.get(n)
        if r is None:
            lines.append(f"| match p95 ≤ {limit:.0f} ms at N={n:,} | not in --sizes | — |")
            continue
        for key, label in (("match_onnx", "match, app default (ONNX int8 query embedder)"),
                           ("filtered_onnx", "filtered match, app default (ONNX int8 query embedder)"),
                           ("match", "match, torch query embedder"), ("filtered", "filtered match, torch query embedder")):
            s = r.get(key)
            if key.endswith("_onnx") and not s:
                continue
            lines.append(f"| {label} p95 ≤ {limit:.0f} ms at N={n:,} | "
                         + (f"{lat(s)[1]} ms | {verdict(s['p95'] <= limit and not s.get('interrupted'))} |" if s
                            else f"not measured ({r.get('why_missing', r.get('status'))}) | **NOT MEASURED** |"))
    for n, r in results.items():
        if n >= 50_000:
            if r.get("recall10") is not None:
                lines.append(f"| ANN recall@10 ≥ {TARGET_RECALL} at N={n:,} | {r['recall10']:.3f} | "
                             f"{verdict(r['recall10'] >= TARGET_RECALL)} |")
            else:
                lines.append(f"| ANN recall@10 ≥ {TARGET_RECALL} at N={n:,} | not measured "
                             f"({r.get('why_missing', r.get('status'))}) | **NOT MEASURED** |")
    lines.append("")
    if notes:
        lines += ["## Skipped or incomplete", ""] + [f"- {x}" for x in notes] + [""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="catalogue sizes, comma separated")
    parser.add_argument("--queries", type=int, default=200, help="queries per latency measurement")
    parser.add_argument("--quick", action="store_true", help="smoke run: 10k only, smaller base")
    parser.add_argument("--base", type=int, default=3000, help="distinct generated texts really embedded")
    parser.add_argument("--throughput-texts", type=int, default=2000)
    parser.add_argument("--noise", type=float, default=0.025, help="Gaussian noise σ per dimension")
    parser.add_argument("--match-threads", type=int, default=1, help="torch threads while matching")
    parser.add_argument("--loop-cap-s", type=float, default=60.0, help="stop a latency loop after this long")
    parser.add_argument("--budget-min", type=float, default=25.0, help="total wall-clock budget in minutes")
    parser.add_argument("--chunked-max", type=int, default=100_000,
                        help="measure 256-row chunked upsert up to this N (quadratic: keep small)")
    parser.add_argument("--query-timeout-s", type=float, default=5.0,
                        help="interrupt a match still running after this long (counted, loop stops after 3)")
    parser.add_argument("--no-onnx", dest="onnx", action="store_false",
                        help="skip the comparison with the library's ONNX int8 embedding backend")
    parser.add_argument("--onnx-dir", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results-matcher.md"))
    parser.add_argument("--tmp", default=None, help="scratch directory (default: a new temp dir)")
    # internal: one catalogue size in a child process
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    parser.add_argument("--skip-vector-build", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        child_main(args)
        return

    command = "python " + " ".join(shlex.quote(a) for a in
                                   [os.path.relpath(sys.argv[0], ROOT)] + sys.argv[1:])
    started = time.perf_counter()
    load_start = os.getloadavg()[0]
    deadline = started + args.budget_min * 60
    if args.quick:
        args.sizes, args.base, args.throughput_texts = "10000", 1000, 500
        args.loop_cap_s = min(args.loop_cap_s, 20.0)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    args.tmp = args.tmp or tempfile.mkdtemp(prefix="bench-matcher-")
    if args.onnx:
        args.onnx_dir = str(Path(args.tmp) / "onnx")
    Path(args.tmp).mkdir(parents=True, exist_ok=True)

    base = generate_base(args.base, args.seed)
    demo_solutions, needs, scen_json = demo_records()
    queries = generate_queries(args.queries, needs, args.seed)
    emb, base_vecs = phase_embedding(args, base, queries, demo_solutions)
    data_path = Path(args.tmp) / "data.pkl"
    with open(data_path, "wb") as handle:
        pickle.dump({"base": base, "base_vecs": base_vecs, "queries": queries, "scenarios": scen_json}, handle)

    results: dict[int, dict] = {}
    notes: list[str] = []
    for n in sizes:
        remaining = deadline - time.perf_counter()
        cap = args.loop_cap_s
        estimate, fixed, how = estimate_child_s(n, results, cap)
        if estimate is not None and estimate > remaining:
            # shorter loops (fewer queries, still ≥ 30) before giving anything up
            cap = max(10.0, min(args.loop_cap_s, (remaining - fixed) / LOOPS_PER_CHILD))
            estimate, fixed, how = estimate_child_s(n, results, cap)
            if cap < args.loop_cap_s:
                notes.append(f"N={n:,}: measurement loops capped at {cap:.0f} s instead of {args.loop_cap_s:.0f} s "
                             f"to fit the budget (each loop still takes at least 30 queries; see the n column).")
        skip = None
        if remaining < 60:
            results[n] = {"skipped_entirely": f"time budget of {args.budget_min:.0f} min used up"}
            notes.append(f"N={n:,} skipped entirely: the {args.budget_min:.0f}-minute budget was used up.")
            continue
        if estimate is not None and estimate > remaining:
            skip = (f"estimated {estimate / 60:.1f} min ({how}) but only {remaining / 60:.1f} min of the "
                    f"{args.budget_min:.0f}-min budget left")
            notes.append(f"N={n:,}: vector index build, match latency and recall skipped: {skip}. Baselines and "
                         f"the keyword index were still measured. Rerun with a larger --budget-min to measure it.")
        log(f"=== N={n:,} (budget left {remaining / 60:.1f} min"
            + (f", estimate {estimate / 60:.1f} min: {how}" if estimate else "") + ")")
        r = run_child(args, n, data_path, remaining, skip, cap)
        if r["status"] != "ok":
            done = ", ".join(r["stages_done"]) or "nothing"
            r["why_missing"] = r["status"]
            notes.append(f"N={n:,}: {r['status']}; stages completed: {done}. Missing columns were not measured.")
        elif skip:
            r["why_missing"] = "skipped: " + skip
        results[n] = r
        log(f"N={n:,} finished: {r['status']} in {r['wall_s'] / 60:.1f} min")
        for scratch in Path(args.tmp).glob(f"bench-{n}-*"):
            shutil.rmtree(scratch, ignore_errors=True)

    total = time.perf_counter() - started
    report = render(args, command, emb, results, notes, total, len(base), load_start)
    print(report)
    Path(args.output).write_text(report + "\n", encoding="utf-8")
    raw = Path(args.tmp) / "results.json"
    raw.write_text(json.dumps({"embedding": emb, "sizes": {str(k): v for k, v in results.items()}}, indent=1,
                              default=float))
    log(f"wrote {args.output} (raw numbers: {raw})")


if __name__ == "__main__":
    main()

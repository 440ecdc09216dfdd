"""Load benchmark of the search page (/search) under gunicorn, against same-run baselines.

One run:

1. builds a throwaway instance in a temp dir (SQLite database, INDEX_DIR, SECRET_KEY): `flask db upgrade`,
   `flask demo load`, `flask index rebuild` (the demo records, embedded by the real model), then scales the
   marketplace to --items indexed records by bulk-inserting synthetic providers, solutions, products and needs
   derived from the demo records (SQLAlchemy core through the app, link tables included);
2. pre-seeds the embedding cache (INDEX_DIR/embeddings.sqlite3) for every synthetic record: the exact text the
   indexer embeds (app.indexing.DocBuilder, Doc.text), its sha256 under the embedder's model id, and the vector
   normalised(vector of the demo record it was derived from + Gaussian noise); checks a sample against the real
   DocBuilder, then `flask index rebuild` picks the vectors up from the cache (the run reports how many texts
   the model still had to embed: 0 expected);
3. starts gunicorn (2 workers x 4 threads, gthread, CHAINMATCH_INDEXING=worker) on 127.0.0.1 and a free port,
   waits until it answers and warms every worker up (the model and the index load lazily per worker);
4. measures each query once with a single user (no load), then runs wrk (benchmarks/search_load.lua) with
   --users connections for --duration seconds against: /industries (cheap page baseline), /search with no
   query (browse) and /search with ~30 rotating realistic queries;
5. prints a Markdown table and the targets (search p95 <= 100 ms, 0 errors) and writes
   benchmarks/results-search-load.md; with --profile, an extra unmeasured search load runs with py-spy
   attached to one worker and the report gets a profile section. Then stops gunicorn and removes the temp dir.

Usage (repository root, project virtualenv; needs gunicorn in the venv and wrk on PATH):

    .venv/bin/python benchmarks/bench_search_load.py                  # full run: 100,000 items, 30 s per load
    .venv/bin/python benchmarks/bench_search_load.py --profile        # plus a py-spy profile of one worker
    .venv/bin/python benchmarks/bench_search_load.py --items 5000 --duration 10 --output /tmp/smoke.md

Traffic goes to 127.0.0.1 only. The run waits (polling) while another benchmark (a process whose command line
contains "bench_") runs, so the numbers are not disturbed.
"""
import argparse
import hashlib
import json
import os
import platform
import random
import re
import resource
import shlex
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
LUA = ROOT / "benchmarks" / "search_load.lua"
DEFAULT_OUTPUT = ROOT / "benchmarks" / "results-search-load.md"
TARGET_P95_MS = 100.0
# How long a user reads a result page before the next search (uniform, ms): locust's `between(1, 3)`.
THINK_MS = (1000, 3000)
THREAD_ENV = ("CHAINMATCH_TORCH_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
FOREIGN_MAX = 0.25  # cores other processes may use during a measurement before it is repeated

# ---- the query mix ---------------------------------------------------------------------------------
# (group, query string without the leading "?"). q is URL-encoded when the path is built.
QUERIES = [
    ("plain", {"q": "scratches on steel coils"}),
    ("plain", {"q": "machines break down without warning"}),
    ("plain", {"q": "save electricity in the factory"}),
    ("plain", {"q": "too many defective parts on the line"}),
    ("plain", {"q": "warehouse picking takes too long"}),
    ("plain", {"q": "know when the pump will fail"}),
    ("plain", {"q": "keep vaccines cold during transport"}),
    ("plain", {"q": "yarn keeps breaking"}),
    ("technical", {"q": "line-scan camera defect detection"}),
    ("technical", {"q": "vibration-based predictive maintenance"}),
    ("technical", {"q": "OPC UA MES integration"}),
    ("technical", {"q": "digital twin aircraft assembly"}),
    ("technical", {"q": "LSTM load forecasting"}),
    ("technical", {"q": "edge GPU inference"}),
    ("technical", {"q": "IEC 62443 industrial security"}),
    ("technical", {"q": "AOI solder joint inspection"}),
    ("technical", {"q": "reinforcement learning production scheduling"}),
    ("chinese", {"q": "质量检测"}),
    ("chinese", {"q": "预测性维护"}),
    ("chinese", {"q": "钢铁表面缺陷"}),
    ("chinese", {"q": "能耗优化 锅炉"}),
    ("facet", {"q": "defect detection", "industry": "steel", "type": "solution"}),
    ("facet", {"q": "predictive maintenance", "industry": "power", "type": "solution"}),
    ("facet", {"q": "energy management", "type": "product"}),
    ("facet", {"q": "inspection", "industry": "electronics", "deployment": "edge"}),
    ("facet", {"q": "quality inspection", "scenario": "quality-inspection"}),
    ("facet", {"q": "maintenance", "region": "Jiangsu", "type": "need"}),
    ("page2", {"q": "defect detection", "page": "2"}),
    ("page2", {"q": "predictive maintenance", "type": "solution", "page": "2"}),
    ("page2", {"q": "production scheduling", "page": "2"}),
]
BROWSE = ["/search"]
BASELINE = ["/industries"]


def query_path(params: dict) -> str:
    return "/search?" + "&".join(f"{k}={quote_plus(v)}" for k, v in params.items())


SEARCH_PATHS = [(group, query_path(params)) for group, params in QUERIES]

# ---- synthetic wording -----------------------------------------------------------------------------
PROVINCES = ["Beijing", "Tianjin", "Hebei", "Shanxi", "Inner Mongolia", "Liaoning", "Jilin", "Heilongjiang",
             "Shanghai", "Jiangsu", "Zhejiang", "Anhui", "Fujian", "Jiangxi", "Shandong", "Henan", "Hubei",
             "Hunan", "Guangdong", "Guangxi", "Hainan", "Chongqing", "Sichuan", "Guizhou", "Yunnan", "Shaanxi",
             "Gansu", "Qinghai", "Ningxia", "Xinjiang"]
CITIES = ["Tangshan", "Wuxi", "Suzhou", "Ningbo", "Foshan", "Dongguan", "Hefei", "Wuhan", "Changsha", "Xi'an",
          "Chengdu", "Qingdao", "Yantai", "Zibo", "Baotou", "Anshan", "Shenyang", "Dalian", "Harbin", "Luoyang",
          "Zhengzhou", "Jinan", "Xuzhou", "Changzhou", "Nantong", "Taizhou", "Wenzhou", "Xiamen", "Fuzhou",
          "Nanchang", "Zhuzhou", "Liuzhou", "Guiyang", "Kunming", "Lanzhou", "Yinchuan", "Urumqi", "Datong"]
BRANDS = ["Huaxin", "Zhongke", "Ruitong", "Jinghe", "Tianyu", "Haixing", "Lianchuang", "Boyuan", "Kexin",
          "Shengda", "Yuntu", "Sinoview", "Qingfeng", "Anxin", "Hengtai", "Deepline", "Minghui", "Zhiyuan",
          "Xinhang", "Ronghe", "Chuangzhi", "Huiyan", "Tongda", "Jiuzhou", "Lingyun", "Baichuan"]
ORG_SUFFIXES = ["Intelligent Technology Co., Ltd.", "Industrial AI Co., Ltd.", "Automation Co., Ltd.",
                "Digital Technology Co., Ltd.", "Smart Manufacturing Co., Ltd.", "Information Technology Co., Ltd."]
DEPLOYMENT_WORDS = {"on-premise": "on-premise", "cloud": "cloud", "edge": "edge", "hybrid": "hybrid"}
NUMBER = re.compile(r"(?<![\w/.\-])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w\-])")


def vary_numbers(text: str, rng: random.Random) -> str:
    """Scale the plain numbers of a text (not years, standard numbers, model codes)."""
    def repl(match: re.Match) -> str:
        whole, frac = match.group(1), match.group(2) or ""
        value = int(whole.replace(",", ""))
        if 1950 <= value <= 2035 and not frac and "," not in whole:
            return match.group(0)  # a year
        scaled = value * rng.uniform(0.6, 1.6)
        if frac:
            return f"{scaled:.{len(frac) - 1}f}"
        new = max(1, int(round(scaled, -max(0, len(str(value)) - 2))))
        return f"{new:,}" if "," in whole else str(new)
    return NUMBER.sub(repl, text)


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def recombine(description: str, donor: str | None, rng: random.Random) -> str:
    """Keep the first sentence, drop one later sentence at random, maybe take one sentence from a donor."""
    parts = sentences(description)
    if len(parts) > 3 and rng.random() < 0.6:
        del parts[rng.randrange(1, len(parts))]
    if donor and rng.random() < 0.5:
        extra = sentences(donor)
        if len(extra) > 1:
            parts.insert(rng.randrange(1, len(parts) + 1), extra[rng.randrange(1, len(extra))])
    return " ".join(parts)


def code(rng: random.Random, brand: str) -> str:
    return f"{brand[:2].upper()}-{rng.randint(100, 9999)}"


# ---- small helpers ---------------------------------------------------------------------------------
def log(msg: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {msg}", flush=True)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def code_fingerprint() -> str:
    """A digest of the measured code (app/ and matching/ sources, templates), since the tree may change."""
    digest = hashlib.sha1()
    files = sorted(p for d in ("app", "matching") for p in (ROOT / d).rglob("*")
                   if p.is_file() and p.suffix in {".py", ".html"})
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    newest = max(files, key=lambda p: p.stat().st_mtime)
    return (f"sha1 {digest.hexdigest()[:12]} over {len(files)} files of app/ and matching/; newest "
            f"{newest.relative_to(ROOT)} ({datetime.utcfromtimestamp(newest.stat().st_mtime):%Y-%m-%d %H:%M} UTC)")


def other_benchmarks() -> list[str]:
    """Command lines of running processes that look like another benchmark (not this run or its parents)."""
    mine = set()
    pid = os.getpid()
    while pid > 1:
        mine.add(pid)
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in mine:
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        if "bench_" in cmd and "bench_search_load" not in cmd and "grep" not in cmd:
            found.append(f"{entry.name}: {cmd[:160]}")
    return found


def busy_seconds() -> float:
    """CPU seconds all cores have spent busy since boot (/proc/stat: user+nice+system+irq+softirq+steal)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU used by this run (this process, the gunicorn processes, reaped children such as wrk) and by
    everything else on the machine ("foreign"), per wall second."""

    def __init__(self, pids_fn=lambda: []):
        self.pids_fn = pids_fn
        self.reset()

    def _mine(self) -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        total = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
        for pid in self.pids_fn():
            try:
                total += cpu_seconds(pid)
            except OSError:
                pass
        return total

    def reset(self) -> None:
        self.t0, self.busy0, self.mine0 = time.monotonic(), busy_seconds(), self._mine()

    def read(self) -> tuple[float, float]:
        """(mine, foreign) cores since reset."""
        wall = max(time.monotonic() - self.t0, 1e-6)
        busy, mine = busy_seconds() - self.busy0, self._mine() - self.mine0
        return mine / wall, max(0.0, busy - mine) / wall


def wait_for_quiet_machine(max_wait_s: float, pids_fn=lambda: [], poll_s: float = 20.0,
                           foreign_max: float = FOREIGN_MAX) -> float:
    """Poll until no other bench_ process runs and other processes use under foreign_max cores (3 s sample);
    returns seconds waited."""
    start = time.monotonic()
    announced = False
    while True:
        others = other_benchmarks()
        meter = CpuMeter(pids_fn)
        time.sleep(3)
        _, foreign = meter.read()
        if not others and foreign < foreign_max:
            return time.monotonic() - start
        if time.monotonic() - start > max_wait_s:
            raise SystemExit(f"the machine is still busy after {max_wait_s / 60:.0f} min: {others}, "
                             f"other processes use {foreign:.2f} cores")
        if not announced:
            log("waiting: " + ("another benchmark is running (" + "; ".join(others) + ")" if others else
                               f"other processes use {foreign:.2f} cores"))
            announced = True
        time.sleep(poll_s)


def loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == pid:
                out.append(int(entry.name))
    return sorted(out)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 60.0) -> tuple[int, float, int]:
    """GET url; returns (status, seconds, bytes). Status 0 on a socket error."""
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            body = resp.read()
            return resp.status, time.perf_counter() - start, len(body)
    except urllib.error.HTTPError as error:
        return error.code, time.perf_counter() - start, 0
    except (urllib.error.URLError, OSError):
        return 0, time.perf_counter() - start, 0


# ---- 1. the throwaway instance -------------------------------------------------------------------
class Instance:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.db_path = tmp / "chainmatch.sqlite3"
        self.index_dir = tmp / "index"
        self.env = dict(os.environ)
        self.env.update({
            "DATABASE_URL": f"sqlite:///{self.db_path}",
            "INDEX_DIR": str(self.index_dir),
            "SECRET_KEY": os.urandom(32).hex(),
            "FLASK_APP": "wsgi",
            "CHAINMATCH_INDEXING": "worker",  # writes leave outbox rows; `flask index rebuild` indexes
            "PYTHONUNBUFFERED": "1",
        })
        for key in ("ELASTICSEARCH_URL", "REDIS_URL", "EMBEDDING_BACKEND", "EMBEDDING_MODEL", "FLASK_DEBUG"):
            self.env.pop(key, None)

    def flask(self, *args: str, timeout: float = 3600, quiet: bool = False) -> tuple[str, float]:
        start = time.monotonic()
        env = {**self.env, "CHAINMATCH_TORCH_THREADS": str(os.cpu_count() or 1)}  # setup only; the server: 1
        proc = subprocess.run([str(VENV_BIN / "flask"), *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=timeout)
        took = time.monotonic() - start
        (self.tmp / f"flask-{args[0]}-{args[1] if len(args) > 1 else ''}.log").write_text(proc.stdout + proc.stderr)
        if proc.returncode:
            raise SystemExit(f"flask {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr[-4000:]}")
        lines = [ln for ln in proc.stdout.splitlines() if "password" not in ln]  # demo account passwords stay out
        if not quiet:
            for line in lines[-6:]:
                log(f"  flask {args[0]} {args[1] if len(args) > 1 else ''}: {line[:200]}")
        return "\n".join(lines), took

    def cache_rows(self) -> int:
        path = self.index_dir / "embeddings.sqlite3"
        if not path.exists():
            return 0
        with sqlite3.connect(path) as con:
            return con.execute("SELECT count(*) FROM vectors").fetchone()[0]


def scale_marketplace(inst: Instance, items: int, noise: float, seed: int) -> dict:
    """Bulk-insert synthetic records derived from the demo ones and seed the embedding cache for them."""
    os.environ.update({k: inst.env[k] for k in ("DATABASE_URL", "INDEX_DIR", "SECRET_KEY", "CHAINMATCH_INDEXING")})
    sys.path.insert(0, str(ROOT))
    import numpy as np
    import sqlalchemy as sa
    from sqlalchemy.orm import selectinload

    from app import create_app
    from app.extensions import db
    from app.indexing import DocBuilder
    from app.models import (CaseStudy, Deployment, Need, NeedStatus, Organization, OrgKind, OrgSize, Product,
                            Scenario, Solution, Standard)
    from app.models.market import need_scenarios, organization_industries, product_industries
    from app.models.market import solution_industries, solution_scenarios
    from matching.embedder import Embedder, default_model_path

    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    info: dict = {}
    app = create_app()
    with app.app_context():
        model_path = app.config["EMBEDDING_MODEL"] or default_model_path()
        embedder = Embedder(model_path, cache_path=Path(app.config["INDEX_DIR"]) / "embeddings.sqlite3",
                            backend=app.config["EMBEDDING_BACKEND"])  # the server's model id, or no cache hits
        info["model_id"], info["backend"] = embedder.model_id, app.config["EMBEDDING_BACKEND"]
        builder = DocBuilder()

        # -- the demo records (bases) and their real embeddings, from the cache the demo rebuild filled
        providers = db.session.scalars(sa.select(Organization).where(Organization.kind == OrgKind.PROVIDER)
                                       .options(selectinload(Organization.industries))).all()
        enterprises = db.session.scalars(sa.select(Organization.id).where(Organization.kind == OrgKind.ENTERPRISE)).all()
        solutions = db.session.scalars(sa.select(Solution).options(
            selectinload(Solution.industries), selectinload(Solution.scenarios), selectinload(Solution.provider),
            selectinload(Solution.cases))).all()
        products = db.session.scalars(sa.select(Product).options(
            selectinload(Product.industries), selectinload(Product.category), selectinload(Product.provider))).all()
        needs = db.session.scalars(sa.select(Need).options(selectinload(Need.scenarios),
                                                           selectinload(Need.industry))).all()
        counts = {
            "provider": len(providers), "solution": len(solutions), "product": len(products), "need": len(needs),
            "case": db.session.scalar(sa.select(sa.func.count()).select_from(CaseStudy)),
            "scenario": db.session.scalar(sa.select(sa.func.count()).select_from(Scenario)),
            "standard": db.session.scalar(sa.select(sa.func.count()).select_from(Standard)),
        }
        info["demo_counts"] = counts
        base_text = {}
        for kind, rows in (("provider", providers), ("solution", solutions), ("product", products), ("need", needs)):
            for row in rows:
                doc = getattr(builder, kind)(row)
                if doc is not None:
                    base_text[(kind, row.id)] = doc.text
        keys = list(base_text)
        before = inst.cache_rows()
        vecs = embedder.encode([base_text[k] for k in keys])  # cache hits: the demo rebuild embedded them
        info["base_embedded_now"] = inst.cache_rows() - before
        base_vec = {k: vecs[i] for i, k in enumerate(keys)}

        # -- how many of each kind
        demo_total = sum(counts.values())
        extra = max(0, items - demo_total)
        n_prov = min(extra, max(0, round(extra * 0.015)))
        n_prod = round(extra * 0.06)
        n_need = round(extra * 0.04)
        n_sol = extra - n_prov - n_prod - n_need
        info["synthetic"] = {"provider": n_prov, "solution": n_sol, "product": n_prod, "need": n_need}

        scen = {s.id: (s.position, s.name) for s in db.session.scalars(sa.select(Scenario))}
        now = datetime.utcnow().replace(microsecond=0)

        def created() -> datetime:
            return now - timedelta(seconds=rng.randint(0, 730 * 86400))

        def next_id(model) -> int:
            return (db.session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1

        vec_rows: list[tuple[str, str, bytes]] = []
        expected: dict[tuple[str, int], str] = {}  # (kind, id) -> sha256 of the text the indexer will embed

        def add_vector(kind: str, new_id: int, text: str, base_key: tuple[str, int]) -> None:
            v = base_vec[base_key] + nrng.normal(0.0, noise, base_vec[base_key].shape).astype(np.float32)
            v /= np.linalg.norm(v)
            h = sha256(text)
            expected[(kind, new_id)] = h
            vec_rows.append((embedder.model_id, h, v.astype(np.float32).tobytes()))

        def insert(table, rows: list[dict]) -> None:
            for start in range(0, len(rows), 5000):
                db.session.execute(sa.insert(table), rows[start:start + 5000])

        t0 = time.monotonic()
        # -- providers
        org_rows, org_links = [], []
        provider_industries = {p.id: [i.id for i in p.industries] for p in providers}
        provider_region = {p.id: p.region for p in providers}
        pid0 = next_id(Organization)
        for n in range(n_prov):
            base = providers[n % len(providers)]
            oid = pid0 + n
            brand, city, region = rng.choice(BRANDS), rng.choice(CITIES), rng.choice(PROVINCES)
            name = f"{city} {brand} {rng.choice(ORG_SUFFIXES)}"
            desc = vary_numbers(base.description, rng) + f" Headquartered in {city}, {region}."
            org_rows.append(dict(id=oid, kind=OrgKind.PROVIDER, slug=f"syn-p-{oid}", external_id=None, name=name,
                                 description=desc, region=region, size=rng.choice(list(OrgSize)),
                                 website=None, founded=rng.randint(1995, 2024), created_at=(c := created()),
                                 updated_at=c, deleted_at=None))
            org_links += [{"organization_id": oid, "industry_id": i} for i in provider_industries[base.id]]
            provider_industries[oid] = provider_industries[base.id]
            provider_region[oid] = region
            add_vector("provider", oid, f"{name}. {desc}", ("provider", base.id))
        insert(Organization.__table__, org_rows)
        insert(organization_industries, org_links)
        by_industry: dict[int, list[int]] = defaultdict(list)
        for oid, inds in provider_industries.items():
            for i in inds:
                by_industry[i].append(oid)
        all_providers = list(provider_industries)

        def provider_for(industry_ids: list[int]) -> int:
            pool = by_industry.get(industry_ids[0]) if industry_ids else None
            return rng.choice(pool or all_providers)

        # -- solutions
        by_scenario: dict[int, list] = defaultdict(list)
        for s in solutions:
            for sc in s.scenarios:
                by_scenario[sc.id].append(s)
        sol_rows, sol_ind, sol_scen = [], [], []
        sid0 = next_id(Solution)
        for n in range(n_sol):
            base = solutions[n % len(solutions)]
            sid = sid0 + n
            ind_ids = [i.id for i in base.industries]
            scen_ids = sorted((sc.id for sc in base.scenarios), key=lambda i: scen[i][0])
            peers = [p for sc in scen_ids for p in by_scenario[sc] if p.id != base.id] or solutions
            donor = rng.choice(peers)
            provider = provider_for(ind_ids)
            brand = rng.choice(BRANDS)
            title = rng.choice([
                base.title,
                f"{base.title} ({brand} {code(rng, brand)})",
                f"{brand} {code(rng, brand)}: {base.title[:1].lower()}{base.title[1:]}",
                f"{base.title} for {provider_region[provider] or rng.choice(PROVINCES)} plants",
                f"{base.title}, {rng.choice(['second', 'third', 'lite', 'pro', 'enterprise'])} edition",
            ])[:300]
            caps = list(base.capabilities or [])
            caps = rng.sample(caps, k=max(1, len(caps) - rng.randint(0, 2))) if caps else []
            caps += rng.sample(donor.capabilities, k=min(len(donor.capabilities or []), rng.randint(0, 2)))
            caps = list(dict.fromkeys(caps))
            rng.shuffle(caps)
            summary = vary_numbers(base.summary, rng)
            if rng.random() < 0.5:
                summary += f" Delivered and serviced from {rng.choice(CITIES)}."
            description = vary_numbers(recombine(base.description, donor.description, rng), rng)
            deployment = base.deployment if rng.random() < 0.8 else rng.choice(list(Deployment))
            scale = rng.uniform(0.5, 2.0)
            pmin = int(base.price_min * scale) if base.price_min is not None else None
            pmax = int(base.price_max * scale) if base.price_max is not None else None
            sol_rows.append(dict(id=sid, slug=f"syn-s-{sid}", external_id=None, provider_id=provider, title=title,
                                 summary=summary, description=description, capabilities=caps, deployment=deployment,
                                 price_min=pmin, price_max=pmax, created_at=(c := created()), updated_at=c,
                                 deleted_at=None))
            sol_ind += [{"solution_id": sid, "industry_id": i} for i in ind_ids]
            sol_scen += [{"solution_id": sid, "scenario_id": i} for i in scen_ids]
            # exactly as DocBuilder.solution builds the text (scenarios in catalogue position order)
            body = " ".join(filter(None, [
                summary, "Capabilities: " + ", ".join(caps) + "." if caps else "", description,
                "Scenarios: " + ", ".join(scen[i][1] for i in scen_ids) + "." if scen_ids else "",
            ]))
            add_vector("solution", sid, f"{title}. {body}", ("solution", base.id))
        insert(Solution.__table__, sol_rows)
        insert(solution_industries, sol_ind)
        insert(solution_scenarios, sol_scen)

        # -- products
        prod_rows, prod_ind = [], []
        rid0 = next_id(Product)
        for n in range(n_prod):
            base = products[n % len(products)]
            rid = rid0 + n
            ind_ids = [i.id for i in base.industries]
            brand = rng.choice(BRANDS)
            name = rng.choice([f"{brand} {code(rng, brand)} {base.name}", f"{base.name} ({brand} {code(rng, brand)})",
                               base.name])[:300]
            description = vary_numbers(base.description, rng)
            prod_rows.append(dict(id=rid, slug=f"syn-pr-{rid}", external_id=None, provider_id=provider_for(ind_ids),
                                  name=name, category_id=base.category_id, category_label=base.category_label,
                                  description=description, created_at=(c := created()), updated_at=c, deleted_at=None))
            prod_ind += [{"product_id": rid, "industry_id": i} for i in ind_ids]
            add_vector("product", rid, f"{name}. {base.category_name}. {description}", ("product", base.id))
        insert(Product.__table__, prod_rows)
        insert(product_industries, prod_ind)

        # -- needs
        need_rows, need_scen = [], []
        nid0 = next_id(Need)
        for n in range(n_need):
            base = needs[n % len(needs)]
            nid = nid0 + n
            region, city = rng.choice(PROVINCES), rng.choice(CITIES)
            title = rng.choice([base.title, f"{base.title} ({city})", f"{city} plant: {base.title}"])[:300]
            description = vary_numbers(base.description, rng) + rng.choice(["", f" We are in {city}, {region}."])
            scale = rng.uniform(0.5, 2.0)
            status = rng.choices([NeedStatus.OPEN, NeedStatus.MATCHED, NeedStatus.CLOSED], [8, 1, 1])[0]
            need_rows.append(dict(id=nid, slug=f"syn-n-{nid}", external_id=None, organization_id=rng.choice(enterprises),
                                  author_id=None, industry_id=base.industry_id, title=title, description=description,
                                  region=region,
                                  budget_min=int(base.budget_min * scale) if base.budget_min is not None else None,
                                  budget_max=int(base.budget_max * scale) if base.budget_max is not None else None,
                                  deadline=None, status=status, created_at=(c := created()), updated_at=c,
                                  deleted_at=None))
            need_scen += [{"need_id": nid, "scenario_id": sc.id} for sc in base.scenarios]
            add_vector("need", nid, f"{title}. {description}", ("need", base.id))
        insert(Need.__table__, need_rows)
        insert(need_scenarios, need_scen)
        db.session.commit()
        info["insert_s"] = time.monotonic() - t0

        # -- seed the embedding cache
        t0 = time.monotonic()
        with sqlite3.connect(inst.index_dir / "embeddings.sqlite3", timeout=60) as con:
            con.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", vec_rows)
        info["seed_s"] = time.monotonic() - t0
        info["seeded"] = len(vec_rows)

        # -- check a sample against the real DocBuilder (the indexer's own text)
        db.session.expunge_all()
        check_builder = DocBuilder()
        sample = rng.sample(sorted(expected), k=min(600, len(expected)))
        wrong = []
        for kind, rid in sample:
            model = {"provider": Organization, "solution": Solution, "product": Product, "need": Need}[kind]
            doc = getattr(check_builder, kind)(db.session.get(model, rid))
            if doc is None or sha256(doc.text) != expected[(kind, rid)]:
                wrong.append((kind, rid))
        info["checked"], info["check_wrong"] = len(sample), len(wrong)
        if wrong:
            raise SystemExit(f"{len(wrong)} of {len(sample)} synthetic texts differ from DocBuilder's: {wrong[:5]}")
    return info


# ---- 2. gunicorn -----------------------------------------------------------------------------------
class Server:
    def __init__(self, inst: Instance, workers: int, threads: int, timeout: int):
        self.inst = inst
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.access_log = inst.tmp / "access.log"
        self.error_log = inst.tmp / "gunicorn.log"
        self.cmd = [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--workers", str(workers),
                    "--threads", str(threads),
                    "--worker-class", "gthread", "--bind", f"127.0.0.1:{self.port}", "--timeout", str(timeout),
                    "--access-logfile", str(self.access_log),
                    "--access-logformat", '%(p)s %(s)s %(M)s "%(U)s?%(q)s"',
                    "--error-logfile", str(self.error_log), "wsgi:app"]
        self.proc: subprocess.Popen | None = None

    def start(self) -> float:
        start = time.monotonic()
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, env=self.inst.env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.proc.returncode}); see {self.error_log}:\n"
                                 + self.error_log.read_text()[-3000:])
            status, _, _ = get(self.base + "/industries", timeout=10)
            if status == 200:
                return time.monotonic() - start
            time.sleep(0.5)
        raise SystemExit("gunicorn did not answer within 120 s")

    def workers(self) -> list[int]:
        return children(self.proc.pid) if self.proc else []

    def all_pids(self) -> list[int]:
        return [self.proc.pid, *self.workers()] if self.proc and self.proc.poll() is None else []

    def log_lines(self) -> int:
        return len(self.access_log.read_text(errors="replace").splitlines()) if self.access_log.exists() else 0

    def access(self, start_line: int = 0, end_line: int | None = None) -> list[tuple[int, int, int, str]]:
        """(pid, status, ms, path) per logged request."""
        out = []
        lines = self.access_log.read_text(errors="replace").splitlines()[start_line:end_line]
        for line in lines:
            m = re.match(r'<(\d+)> (\d+) (\d+) "(.*)"$', line)
            if m:
                path = m.group(4)
                out.append((int(m.group(1)), int(m.group(2)), int(m.group(3)), path[:-1] if path.endswith("?") else path))
        return out

    def wait_idle(self, quiet_s: float = 2.0, max_s: float = 180.0) -> float:
        """Wait until the workers are idle (under 0.05 CPU s per second) and have logged no request for
        quiet_s: requests still queued or running when wrk stopped are drained."""
        start = time.monotonic()
        last, since = -1, time.monotonic()
        cpu_prev = sum(cpu_seconds(w) for w in self.workers())
        while time.monotonic() - start < max_s:
            time.sleep(0.5)
            n = self.log_lines()
            cpu_now = sum(cpu_seconds(w) for w in self.workers())
            busy = (cpu_now - cpu_prev) > 0.025
            cpu_prev = cpu_now
            if n != last or busy:
                last, since = n, time.monotonic()
            elif time.monotonic() - since >= quiet_s:
                break
        return time.monotonic() - start

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


def warm_up(server: Server, min_requests: int, max_s: float) -> dict:
    """Search concurrently until every worker has answered searches quickly (model + index loaded)."""
    paths = [p for _, p in SEARCH_PATHS] + BROWSE
    start = time.monotonic()
    first_line = server.log_lines()
    sent = 0
    results: list[tuple[int, float]] = []
    lock = threading.Lock()

    def one(path: str) -> None:
        status, took, _ = get(server.base + path, timeout=max_s)
        with lock:
            results.append((status, took))

    rounds = 0
    while True:
        batch = [paths[(sent + i) % len(paths)] for i in range(8)]
        threads = [threading.Thread(target=one, args=(p,)) for p in batch]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        sent += len(batch)
        rounds += 1
        served = Counter(pid for pid, status, ms, path in server.access(first_line)
                         if path.startswith("/search") and status == 200)
        warm = {pid: max((ms for p2, s, ms, path in server.access(first_line)[-16:] if p2 == pid), default=None)
                for pid in served}
        workers = server.workers()
        every_worker = all(served.get(w, 0) >= 3 for w in workers)
        recent_ok = all(v is not None and v < 5000 for v in warm.values())
        if sent >= min_requests and every_worker and recent_ok:
            break
        if time.monotonic() - start > max_s:
            raise SystemExit(f"warm-up did not finish in {max_s:.0f} s (served per worker: {dict(served)})")
    entries = server.access(first_line)
    first_ms = {}
    for pid, status, ms, path in entries:
        if path.startswith("/search") and pid not in first_ms:
            first_ms[pid] = ms
    return {"seconds": time.monotonic() - start, "requests": sent,
            "errors": sum(1 for s, _ in results if not 200 <= s < 300),
            "first_search_ms": first_ms, "served": dict(Counter(pid for pid, *_ in entries))}


def probe(server: Server, repeats: int = 3) -> list[dict]:
    """Single-user latency of every query (no load): median of `repeats`."""
    out = []
    for group, path in [*SEARCH_PATHS, *[("browse", p) for p in BROWSE], *[("baseline", p) for p in BASELINE]]:
        times, status, size = [], 0, 0
        for _ in range(repeats):
            status, took, size = get(server.base + path)
            times.append(took * 1000)
        out.append({"group": group, "path": path, "status": status, "ms": statistics.median(times), "bytes": size})
    return out


# ---- 3. load -------------------------------------------------------------------------------------
def run_wrk(server: Server, paths: list[str], users: int, duration: int, tmp: Path, label: str,
            close: bool = False, think_ms: tuple[int, int] | None = None) -> dict:
    paths_file = tmp / f"paths-{label}.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    threads = min(2, users)
    cmd = ["wrk", f"-t{threads}", f"-c{users}", f"-d{duration}s", "--timeout", "30s", "-s", str(LUA),
           *(["-H", "Connection: close"] if close else []), server.base, "--", str(paths_file),
           *(map(str, think_ms) if think_ms else [])]
    workers = server.workers()
    cpu0 = {w: cpu_seconds(w) for w in workers}
    line0 = server.log_lines()
    load0 = loadavg()
    usage0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    meter = CpuMeter(server.all_pids)
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 120)
    wall = time.monotonic() - start
    usage1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    _, foreign = meter.read()
    cpu1 = {w: cpu_seconds(w) for w in workers if Path(f"/proc/{w}").exists()}
    load1 = loadavg()
    drain = server.wait_idle()
    result = {"label": label, "cmd": " ".join(shlex.quote(c) for c in cmd), "stdout": proc.stdout,
              "stderr": proc.stderr, "rc": proc.returncode, "load_start": load0, "load_end": load1,
              "drain_s": drain, "worker_cpu_per_wall": sum(cpu1[w] - cpu0[w] for w in cpu1) / wall,
              "foreign_cpu_per_wall": foreign,
              "wrk_cpu_per_wall": (usage1.ru_utime + usage1.ru_stime - usage0.ru_utime - usage0.ru_stime) / wall,
              "workers_alive": f"{len(cpu1)}/{len(workers)}", "rss_mib": {w: rss_mib(w) for w in cpu1}}
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            _, key, value = line.split(" ", 2)
            result[key] = float(value)
    if proc.returncode or "requests" not in result:
        raise SystemExit(f"wrk failed ({proc.returncode}): {proc.stdout}\n{proc.stderr}")
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    for p in (50, 95, 99):  # over every request sent: a timed-out request counts as slower than all answered
        value = result[f"all_p{p}"]
        result[f"q{p}"] = float("inf") if value < 0 else value
    result["socket_errors"] = int(sum(result[k] for k in ("err_connect", "err_read", "err_write", "err_timeout")))
    result["errors"] = result["socket_errors"] + int(result["non2xx"])
    result["server"] = server.access(line0)
    return result


# ---- 4. profile ----------------------------------------------------------------------------------
FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def _summarise(raw: Path) -> dict:
    """Aggregate py-spy raw (collapsed) stacks of the request threads: inclusive share by function, and the
    innermost frame by source line."""
    inclusive: Counter = Counter()
    leaf: Counter = Counter()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = [f for f in stack.split(";") if not f.startswith(("process ", "thread "))]
        if not any(f.startswith("ThreadWorker.handle ") for f in frames):
            continue  # only threads serving a request (not the worker's idle main loop)
        n = int(count)
        total += n
        names = set()
        for f in frames:
            m = FRAME.match(f)
            names.add(f"{m['func']} ({m['file']})" if m else f)
        for name in names:
            inclusive[name] += n
        if frames:
            leaf[frames[-1]] += n
    return {"samples": total, "inclusive": inclusive.most_common(30), "leaf": leaf.most_common(20)}


def source_line(frame: str) -> str:
    """The source text of a "func (path:line)" frame when the file is in this repository."""
    m = FRAME.match(frame)
    if not m or not m["line"]:
        return ""
    path = ROOT / m["file"]
    if not path.is_file():
        return ""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    number = int(m["line"])
    return lines[number - 1].strip() if 0 < number <= len(lines) else ""


def profile(server: Server, users: int, duration: int, tmp: Path) -> dict:
    """An extra search load with py-spy attached (non-blocking) to one worker: two recordings side by side,
    active threads only (CPU) and with idle ones (wall clock: also waiting for locks), plus three dumps."""
    pyspy = shutil.which("py-spy") or str(VENV_BIN / "py-spy")
    if not Path(pyspy).exists():
        return {"error": "py-spy not installed (pip install py-spy)"}
    worker = server.workers()[0]
    seconds = str(max(5, duration - 8))
    recorders = {}
    for kind, extra in (("active", []), ("wall", ["--idle"])):
        out = tmp / f"profile-{kind}.txt"
        recorders[kind] = (out, subprocess.Popen(
            [pyspy, "record", "--pid", str(worker), "--duration", seconds, "--rate", "50", "--format", "raw",
             "--nonblocking", "--output", str(out), *extra],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    dumps: list[str] = []

    def dumper() -> None:
        for _ in range(3):
            time.sleep(duration / 4)
            proc = subprocess.run([pyspy, "dump", "--pid", str(worker), "--nonblocking"], capture_output=True,
                                  text=True, timeout=60)
            dumps.append(proc.stdout or proc.stderr)

    t = threading.Thread(target=dumper)
    t.start()
    load = run_wrk(server, [p for _, p in SEARCH_PATHS], users, duration, tmp, "profile", close=True)
    t.join()
    result = {"worker": worker, "dumps": dumps, "load": load, "dir": str(tmp)}
    for kind, (out, proc) in recorders.items():
        text, _ = proc.communicate(timeout=120)
        if proc.returncode or not out.exists():
            return {"error": f"py-spy record failed ({proc.returncode}): {text[-1500:]}", "dumps": dumps}
        result[kind] = _summarise(out)
    # what each request thread was doing at each dump
    states: Counter = Counter()
    for dump in dumps:
        for block in re.split(r"\n(?=Thread )", dump):
            head, _, body = block.partition("\n")
            m = re.match(r"Thread \d+ \(([^)]*)\)", head)
            frames = [ln.strip() for ln in body.splitlines() if ln.strip()]
            if m and any(f.startswith("ThreadWorker.handle ") for f in frames):
                states[(m.group(1), frames[0])] += 1
    result["dump_states"] = states.most_common(15)
    return result


# ---- 5. report -----------------------------------------------------------------------------------
def ms(us: float) -> str:
    return "≥ 30,000 (timeouts)" if us == float("inf") else f"{us / 1000:,.1f}"


def row(name: str, r: dict) -> str:
    errors = (f"{r['errors']:,} ({int(r['non2xx']):,} non-2xx, {r['socket_errors']:,} socket"
              + (f": {int(r['err_timeout'])} timeouts" if r["err_timeout"] else "") + ")")
    per_worker = Counter(pid for pid, *_ in r["server"])
    split = " / ".join(f"{n:,}" for n in sorted(per_worker.values(), reverse=True)) or "0"
    return (f"| {name} | {r['rps']:,.1f} | {ms(r['q50'])} | {ms(r['q95'])} | {ms(r['q99'])} | {ms(r['lat_max'])} "
            f"| {int(r['requests']):,} | {split} | {errors} | {r['worker_cpu_per_wall']:.2f} "
            f"| {r['wrk_cpu_per_wall']:.2f} | {r['foreign_cpu_per_wall']:.2f} |")


def report(args, info: dict, runs: dict, probe_rows: list[dict], prof: dict | None, started: datetime,
           total_s: float) -> str:
    search, browse, base, users = runs["search"], runs["browse"], runs["industries"], runs["search_users"]
    p95_ms, users_p95_ms = search["q95"] / 1000, users["q95"] / 1000
    think = f"{THINK_MS[0] / 1000:g}–{THINK_MS[1] / 1000:g} s"
    lines = [
        "# Search page load benchmark",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} (UTC); total run time {total_s / 60:.1f} min",
        f"- Command: `{info['command']}`",
        f"- Machine: {os.cpu_count()} CPU cores ({platform.machine()}), Python {platform.python_version()}, "
        f"{info['versions']}. Load average (1 min) at the start of the three loads "
        f"{base['load_start']:.1f}, at the end {search['load_end']:.1f}. "
        f"Waited {info['waited_s'] / 60:.1f} min in all for other benchmarks and busy processes (more than "
        f"{FOREIGN_MAX} cores) to finish before measuring"
        + (f"; load runs discarded and measured again because other processes used the CPU meanwhile: "
           f"{', '.join(info['discarded'])}." if info.get("discarded") else "; no load run was disturbed."),
        f"- Code measured: {info['code']} (taken when the server started).",
        "- Thread settings in the server's environment: " + ", ".join(
            f"`{k}={os.environ[k]}`" if k in os.environ else f"{k} unset here" for k in THREAD_ENV)
        + " (gunicorn.conf.py sets OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and MKL_NUM_THREADS to 1 when unset; "
          "the app runs torch and ONNX Runtime with 1 thread per worker).",
        f"- Server: `{info['gunicorn_cmd']}` with `CHAINMATCH_INDEXING=worker`, SQLite database and embedded "
        "index (FAISS + FTS5) in a temp dir; wrk and the server share the same "
        f"{os.cpu_count()} cores.",
        f"- Load: wrk, {args.users} connections, keep-alive, {args.duration} s per row, 2 wrk threads, 30 s request "
        f"timeout. *Users*: each connection is a user who reads the answer for a random {think} before searching "
        "again (wrk's delay(), as locust's `wait_time = between(1, 3)`; the wait is not counted in the latency). "
        "*Closed loop* (every other row): each connection sends its next request the moment the previous one is "
        "answered — a stress load, many times the request rate of as many people.",
        f"- Items: **{info['indexed_total']:,} indexed records** ({info['indexed_str']}); of them "
        f"{info['demo_total']:,} are the demo data and {info['synthetic_total']:,} synthetic "
        f"({info['synthetic_str']}), derived from the demo records with other providers, regions, numbers, "
        "titles (brand and model codes) and recombined capability phrases and sentences.",
        f"- **Vectors of synthetic items synthesised from real demo embeddings + noise; queries embedded by the "
        f"real model.** Each synthetic record's vector is normalised(real embedding of the demo record it was "
        f"derived from + Gaussian noise, σ = {args.noise} per dimension), written to the embedding cache under the "
        f"exact text the indexer embeds; `flask index rebuild` then found {info['rebuild_embedded']} text(s) "
        f"not in the cache (a sample of {info['checked']} synthetic texts was checked against the real "
        f"DocBuilder: {info['check_wrong']} differ). Search queries go through the real all-MiniLM-L6-v2 "
        f"(the app's default embedding backend, `{info.get('backend', 'onnx')}`, one thread per worker).",
        f"- Setup: demo load {info['t_demo']:.0f} s, synthetic inserts {info['insert_s']:.0f} s, cache seed "
        f"{info['seed_s']:.0f} s, `flask index rebuild` {info['t_rebuild']:.0f} s. Server answered after "
        f"{info['t_boot']:.1f} s; warm-up {info['warm']['seconds']:.0f} s, {info['warm']['requests']} requests "
        f"(first search per worker, server-side: "
        + ", ".join(f"{v / 1000:.1f} s" for v in info["warm"]["first_search_ms"].values())
        + " — the model and the index files load lazily in each worker); worker RSS after the "
        f"loads: {', '.join(f'{v:,.0f} MiB' for v in search['rss_mib'].values())}.",
        "",
        "## Results",
        "",
        "| page | requests/s | p50 ms | p95 ms | p99 ms | max ms | requests answered | served per worker "
        "| errors | worker CPU / wall | wrk CPU / wall | other processes CPU / wall |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
        row(f"/search with text ({len(SEARCH_PATHS)} rotating queries), {args.users} users reading {think} "
            "between searches", users),
        row(f"/search with text, closed loop", search),
        row("/search browse (no query)", browse),
        row("/industries (baseline)", base),
        *([row("/search with text, a new connection per request (`Connection: close`)", runs["search_close"])]
          if "search_close" in runs else []),
        "",
        "Ratios to the /industries baseline: "
        f"search with text {base['rps'] / search['rps']:,.1f}× fewer requests/s, p95 {search['q95'] / base['q95']:,.1f}×; "
        f"browse {base['rps'] / browse['rps']:,.1f}× fewer requests/s, p95 {browse['q95'] / base['q95']:,.1f}×.",
        "",
        "*errors* = non-2xx responses + socket errors (connect, read, write, timeout). Percentiles are over every "
        "request sent: a request that timed out (30 s) counts as slower than every answered one. *worker CPU / "
        "wall*: CPU seconds of the two gunicorn workers per wall second of the load; *wrk CPU / wall*: the same "
        "for the load generator; *other processes*: everything else on the machine (should be ≈ 0; the machine "
        f"has {os.cpu_count()}.0 in all). *served per worker*: requests in the access log of each worker during "
        "the run (with keep-alive a connection stays on the worker that accepted it; wrk opens its "
        f"{args.users} connections at once). Every row but the last keeps connections alive (as browsers do); the "
        "last row is the closed-loop search load with a new connection per request (as behind a proxy without "
        "upstream keep-alive), which spreads connections over the workers as they accept.",
        "",
        "## Targets",
        "",
        "| target | measured | verdict |",
        "| --- | --- | --- |",
        f"| search (with text) p95 ≤ {TARGET_P95_MS:.0f} ms at {args.users} concurrent users ({think} between "
        f"searches, {users['rps']:,.1f} requests/s) | {users_p95_ms:,.1f} ms | "
        f"{'PASS' if users_p95_ms <= TARGET_P95_MS else '**FAIL**'} |",
        f"| stress: the same p95 at {args.users} closed-loop connections ({search['rps']:,.1f} requests/s, "
        f"{search['rps'] / users['rps']:,.0f}× the users' rate) | {p95_ms:,.1f} ms | "
        f"{'PASS' if p95_ms <= TARGET_P95_MS else '**FAIL**'} |",
        f"| search (with text) 0 errors, users and closed loop | {users['errors'] + search['errors']:,} | "
        f"{'PASS' if users['errors'] + search['errors'] == 0 else '**FAIL**'} |",
        f"| browse 0 errors (same rule) | {browse['errors']:,} | {'PASS' if browse['errors'] == 0 else '**FAIL**'} |",
        "",
        "## Server-side time per query group under load (gunicorn access log, ms)",
        "",
        "| run | group | requests | p50 | p95 | max |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    group_of = {path: group for group, path in SEARCH_PATHS}
    for label, run in runs.items():
        groups: dict[str, list[int]] = defaultdict(list)
        for pid, status, took, path in run["server"]:
            groups[group_of.get(path, path)].append(took)
        for group, values in sorted(groups.items()):
            lines.append(f"| {label} | {group} | {len(values):,} | {pct(values, 50):,.0f} | {pct(values, 95):,.0f} "
                         f"| {max(values):,} |")
    lines += ["", "Server-side time counts from when a worker thread starts on the request: time queued inside "
              "a worker (its 4 threads busy) or in the listen backlog shows only in the client-side columns above.",
              ""]
    lines += ["## Single user, no load (median of 3, client side, ms)", "",
              "| group | path | status | ms | response KiB |", "| --- | --- | ---: | ---: | ---: |"]
    for r in probe_rows:
        lines.append(f"| {r['group']} | `{r['path']}` | {r['status']} | {r['ms']:,.1f} | {r['bytes'] / 1024:,.0f} |")
    if prof:
        lines += ["", "## Profile of one worker under the search load (py-spy)", ""]
        if "error" in prof:
            lines.append(f"Not available: {prof['error']}")
        else:
            act, wall = prof["active"], prof["wall"]
            lines += [f"An extra, unmeasured {args.duration} s search load (a new connection per request, {prof['load']['rps']:,.1f} requests/s, "
                      f"p95 {ms(prof['load']['q95'])} ms while profiled; other processes used "
                      f"{prof['load']['foreign_cpu_per_wall']:.2f} cores) with py-spy attached to worker pid "
                      f"{prof['worker']} (non-blocking, 50 Hz), request threads only. *CPU*: samples of threads "
                      f"running ({act['samples']:,}); *wall*: all samples of the request threads, also while they "
                      f"wait for a lock, the GIL or I/O ({wall['samples']:,}).",
                      "", "Inclusive share (a function and everything it calls):", "",
                      "| CPU | wall | function |", "| ---: | ---: | --- |"]
            wall_inc = dict(wall["inclusive"])
            act_inc = dict(act["inclusive"])
            names = list(dict.fromkeys([n for n, _ in act["inclusive"]] + [n for n, _ in wall["inclusive"]]))
            names.sort(key=lambda n: -(act_inc.get(n, 0) / max(act["samples"], 1)))
            for name in names:
                a = act_inc.get(name, 0) / max(act["samples"], 1)
                w = wall_inc.get(name, 0) / max(wall["samples"], 1)
                if max(a, w) >= 0.02:
                    lines.append(f"| {a:.1%} | {w:.1%} | `{name}` |")
            for title, part in (("CPU", act), ("wall", wall)):
                lines += ["", f"Innermost frame by source line, {title}:", "",
                          "| share | frame | source |", "| ---: | --- | --- |"]
                for frame, n in part["leaf"][:12]:
                    code_text = source_line(frame).replace("|", "\\|")
                    lines.append(f"| {n / max(part['samples'], 1):.1%} | `{frame}` | "
                                 f"{'`' + code_text[:110] + '`' if code_text else ''} |")
            lines += ["", f"py-spy dump, three times during the load: request threads by state and innermost frame "
                      f"({sum(n for _, n in prof['dump_states'])} thread observations):", "",
                      "| n | state | frame | source |", "| ---: | --- | --- | --- |"]
            for (state, frame), n in prof["dump_states"]:
                code_text = source_line(frame).replace("|", "\\|")
                lines.append(f"| {n} | {state} | `{frame}` | {'`' + code_text[:110] + '`' if code_text else ''} |")
    lines += ["", "## How to rerun", "", "See benchmarks/README.md, section \"Search page load benchmark\".", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000, help="indexed records in all (demo + synthetic)")
    parser.add_argument("--users", type=int, default=20, help="concurrent connections (wrk -c)")
    parser.add_argument("--duration", type=int, default=30, help="seconds per load run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--gunicorn-timeout", type=int, default=120,
                        help="gunicorn --timeout; the first request of a worker loads the model and the index")
    parser.add_argument("--noise", type=float, default=0.025, help="σ of the noise added to synthetic vectors")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="extra search load with py-spy on one worker")
    parser.add_argument("--max-wait-min", type=float, default=120, help="give up if other benchmarks run longer")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (database, index, logs)")
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT))
    args = parser.parse_args()
    started = datetime.utcnow()
    t_start = time.monotonic()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install -y wrk")
    if not (VENV_BIN / "gunicorn").exists():
        raise SystemExit(f"gunicorn not found in {VENV_BIN}: {VENV_BIN / 'pip'} install gunicorn")

    waited = wait_for_quiet_machine(args.max_wait_min * 60)
    tmp = Path(tempfile.mkdtemp(prefix="bench-search-load-"))
    log(f"scratch dir {tmp}")
    inst = Instance(tmp)
    server = None
    try:
        info: dict = {"waited_s": waited}
        log("flask db upgrade")
        inst.flask("db", "upgrade", quiet=True)
        log("flask demo load")
        _, info["t_demo"] = inst.flask("demo", "load")
        log("flask index rebuild (demo records, embedded by the real model)")
        inst.flask("index", "rebuild")
        log(f"scaling to {args.items:,} records (bulk inserts + embedding cache seed)")
        info.update(scale_marketplace(inst, args.items, args.noise, args.seed))
        log(f"  synthetic {info['synthetic']}, inserts {info['insert_s']:.1f} s, seeded {info['seeded']:,} vectors "
            f"in {info['seed_s']:.1f} s; DocBuilder check: {info['check_wrong']} of {info['checked']} differ")
        log("flask index rebuild (all records; synthetic vectors come from the cache)")
        before = inst.cache_rows()
        out, info["t_rebuild"] = inst.flask("index", "rebuild", timeout=5400)
        info["rebuild_embedded"] = inst.cache_rows() - before
        counts = dict(kv.split(": ") for kv in out.strip().splitlines()[-1].split(", "))
        counts = {k: int(v) for k, v in counts.items()}
        info["indexed_total"] = sum(counts.values())
        info["indexed_str"] = ", ".join(f"{k} {v:,}" for k, v in counts.items())
        info["demo_total"] = sum(info["demo_counts"].values())
        info["synthetic_total"] = sum(info["synthetic"].values())
        info["synthetic_str"] = ", ".join(f"{k} {v:,}" for k, v in info["synthetic"].items())
        log(f"  rebuild {info['t_rebuild']:.0f} s: {info['indexed_str']}; texts embedded by the model during "
            f"rebuild: {info['rebuild_embedded']}")

        waited2 = wait_for_quiet_machine(args.max_wait_min * 60)
        info["waited_s"] += waited2
        server = Server(inst, args.workers, args.threads, args.gunicorn_timeout)
        info["gunicorn_cmd"] = " ".join(["gunicorn", *server.cmd[1:]]).replace(str(tmp), "$TMP")
        info["code"] = code_fingerprint()
        log(f"starting gunicorn on {server.base}")
        info["t_boot"] = server.start()
        log(f"  answering after {info['t_boot']:.1f} s; workers {server.workers()}; warming up")
        info["warm"] = warm_up(server, min_requests=24, max_s=900)
        log(f"  warm after {info['warm']['seconds']:.0f} s ({info['warm']['requests']} requests, first search per "
            f"worker {info['warm']['first_search_ms']} ms)")
        server.wait_idle()
        probe_rows = probe(server)
        for r in probe_rows:
            log(f"  probe {r['group']:9} {r['ms']:8.1f} ms {r['status']} {r['path']}")

        runs = {}
        search_paths = [p for _, p in SEARCH_PATHS]
        discarded = info["discarded"] = []
        for label, paths, close, think in (("industries", BASELINE, False, None), ("browse", BROWSE, False, None),
                                           ("search_users", search_paths, False, THINK_MS),
                                           ("search", search_paths, False, None),
                                           ("search_close", search_paths, True, None)):
            for attempt in range(1, 4):
                info["waited_s"] += wait_for_quiet_machine(args.max_wait_min * 60, server.all_pids)
                log(f"load: {label}, {args.users} users, {args.duration} s")
                r = runs[label] = run_wrk(server, paths, args.users, args.duration, tmp, label, close=close,
                                          think_ms=think)
                if r["foreign_cpu_per_wall"] <= FOREIGN_MAX or attempt == 3:
                    break
                discarded.append(f"{label} ({r['foreign_cpu_per_wall']:.2f} cores used by other processes)")
                log(f"  discarded: other processes used {r['foreign_cpu_per_wall']:.2f} cores; measuring again")
            log(f"  {r['rps']:.1f} req/s, p50 {ms(r['q50'])} ms, p95 {ms(r['q95'])} ms, p99 {ms(r['q99'])} ms, "
                f"errors {r['errors']} (non-2xx {int(r['non2xx'])}, socket {r['socket_errors']}), worker CPU/wall "
                f"{r['worker_cpu_per_wall']:.2f}, other processes {r['foreign_cpu_per_wall']:.2f}, per worker "
                f"{dict(Counter(pid for pid, *_ in r['server']))}, drained {r['drain_s']:.1f} s after wrk")
            time.sleep(3)
        prof = None
        if args.profile:
            info["waited_s"] += wait_for_quiet_machine(args.max_wait_min * 60, server.all_pids)
            log("profile: extra search load with py-spy on one worker")
            prof = profile(server, args.users, args.duration, tmp)
            if "error" in prof:
                log(f"  {prof['error']}")

        from importlib.metadata import version
        wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
        info["versions"] = (", ".join(f"{name} {version(name)}" for name in
                                      ("gunicorn", "Flask", "SQLAlchemy", "torch", "onnxruntime", "faiss-cpu"))
                            + f", {' '.join(wrk_version.split()[:2])}, SQLite {sqlite3.sqlite_version}")
        info["command"] = "python benchmarks/bench_search_load.py " + " ".join(sys.argv[1:])
        text = report(args, info, runs, probe_rows, prof, started, time.monotonic() - t_start)
        print()
        print(text)
        Path(args.output).write_text(text, encoding="utf-8")
        log(f"report written to {args.output}")
        if prof and "error" not in prof:
            (tmp / "profile-dumps.txt").write_text("\n\n".join(prof["dumps"]))
            log(f"py-spy raw profiles and dumps in {tmp} (kept with --keep)")
    finally:
        if server:
            log("stopping gunicorn")
            server.stop()
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

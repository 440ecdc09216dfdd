"""Site load benchmark: gunicorn on PostgreSQL, 50 concurrent users browsing, searching, posting needs and reading
matches, against a same-run baseline (a static file under the same load).

One run:

1. makes a fresh PostgreSQL database on 127.0.0.1:5432 (or uses --database-url), a temp INDEX_DIR, and builds the
   site: `flask db upgrade`, `flask demo load`, `flask index rebuild`; creates --members enterprise members;
2. starts gunicorn (--workers x --threads, gthread, CHAINMATCH_INDEXING=worker, like production) and one
   `flask index worker` beside it, waits until it answers and warms every worker (the model loads lazily);
3. signs the posting members in (session cookie + CSRF token, as a browser has them);
4. baseline: wrk with --users connections on /static/css/site.css for --duration seconds;
5. the mix: four wrk processes at once for --duration seconds, --users connections in all (--mix), each one
   action: browse (home, industries, directories, detail pages), search (/search with realistic queries, some
   with facets, English and Chinese), match (a need's page: its ranked, explained matches and similar needs),
   post need (POST /needs/new as a signed-in member, each a new need);
6. checks: every response 2xx (302 for a post), no 5xx or traceback in the server log, and every post that was
   answered 302 is in the database; prints a Markdown table (p50/p95/p99, throughput, errors per action) and
   writes it to --output. Then stops everything and drops the database.

Usage (repository root, project venv; wrk on PATH: `apt-get install -y wrk`):

    .venv/bin/python benchmarks/bench_site_load.py                       # 50 users, 60 s: the committed table
    .venv/bin/python benchmarks/bench_site_load.py --duration 5 --output /tmp/smoke.md   # a quick check

Traffic goes to 127.0.0.1 only. RATELIMIT_LOGIN is raised for the run: every member signs in from one address.
"""
import argparse
import http.cookiejar
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
LUA = ROOT / "benchmarks" / "site_load.lua"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PASSWORD = "load test password"
QUERIES = [
    "q=surface+defect+detection", "q=predictive+maintenance+for+pumps", "q=energy+consumption+optimisation",
    "q=machine+vision&industry=steel", "q=digital+twin", "q=scheduling&type=solution", "q=质量检测",
    "q=预测性维护", "q=warehouse+robots", "q=quality+inspection&deployment=edge", "type=need",
    "q=furnace+temperature", "q=welding+seam", "q=carbon&sort=newest", "q=vibration+analysis",
]

SETUP = """
import json, sys
from app import create_app
from app.extensions import db
from app.models import Industry, Need, NeedStatus, Organization, OrgKind, Solution, UserRole
from app.services.accounts import create_user
import sqlalchemy as sa
app = create_app()
with app.app_context():
    members = []
    for i in range(int(sys.argv[1])):
        org = Organization(kind=OrgKind.ENTERPRISE, name=f"Load mill {i}", region="Hebei", slug=f"load-mill-{i}")
        db.session.add(org)
        members.append(create_user(None, email=f"load{i}@example.com", name=f"Load {i}", password=sys.argv[2],
                                   role=UserRole.ENTERPRISE, organization=org).email)
    needs = db.session.scalars(sa.select(Need.slug).where(Need.status == NeedStatus.OPEN).limit(40)).all()
    solutions = db.session.scalars(sa.select(Solution.slug).limit(40)).all()
    providers = db.session.scalars(sa.select(Organization.slug).where(Organization.kind == OrgKind.PROVIDER).limit(20)).all()
    industries = db.session.scalars(sa.select(Industry.slug)).all()
    print(json.dumps({"members": members, "needs": needs, "solutions": solutions, "providers": providers,
                      "industries": industries}))
"""
COUNT_POSTED = """
from app import create_app
from app.extensions import db
from app.models import Need
import sqlalchemy as sa
with create_app().app_context():
    print(db.session.scalar(sa.select(sa.func.count()).select_from(Need).where(Need.title.like("Load test need %"))))
"""


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def run(cmd: list[str], env: dict, timeout: int = 1800) -> str:
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result.stdout


def free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Database:
    """A fresh PostgreSQL database for the run (dropped afterwards), or the one given."""

    def __init__(self, url: str | None):
        import sqlalchemy as sa
        self.sa, self.own = sa, url is None
        self.name = f"cm_site_load_{uuid.uuid4().hex[:10]}"
        self.url = url or f"postgresql+psycopg://postgres@127.0.0.1:5432/{self.name}"

    def __enter__(self):
        if self.own:
            self._admin(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc):
        if self.own:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _admin(self, statement: str) -> None:
        engine = self.sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(self.sa.text(statement))
        engine.dispose()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _open(opener, url: str, data: dict | None = None) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def sign_in(base: str, email: str) -> tuple[str, str]:
    """Sign a member in; return the Cookie header and the CSRF token of the need form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    _status, page = _open(opener, base + "/login")
    status, page = _open(opener, base + "/login", {"email": email, "password": PASSWORD, "csrf_token": _token(page)})
    if status != 302:
        raise SystemExit(f"sign-in of {email} failed ({status}): {page[-500:]}")
    _status, page = _open(opener, base + "/needs/new")
    return "; ".join(f"{c.name}={c.value}" for c in jar), _token(page)


class Site:
    """gunicorn (gthread) serving wsgi:app plus one `flask index worker`."""

    def __init__(self, env: dict, tmp: Path, workers: int, threads: int):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.access, self.errors = tmp / "access.log", tmp / "gunicorn.log"
        self.server = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-k", "gthread", "-w", str(workers), "--threads", str(threads), "-b",
             f"127.0.0.1:{self.port}", "--timeout", "120", "--access-logfile", str(self.access), "--error-logfile",
             str(self.errors), "wsgi:app"], cwd=ROOT, env=env)
        self.indexer = subprocess.Popen([str(VENV_BIN / "flask"), "index", "worker", "--interval", "1"], cwd=ROOT,
                                        env=env, stdout=subprocess.DEVNULL, stderr=(tmp / "worker.log").open("wb"))

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(self.base + "/", timeout=10).read()
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline or self.server.poll() is not None:
                    raise SystemExit(f"gunicorn did not start:\n{self.errors.read_text()[-3000:]}") from None
                time.sleep(0.5)

    def warm(self, paths: list[str], rounds: int) -> None:
        """Load the model and the index in every worker: requests until each path answered `rounds` times."""
        for _round in range(rounds):
            for path in paths:
                urllib.request.urlopen(self.base + path, timeout=120).read()

    def statuses(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for line in self.access.read_text().splitlines():
            if match := re.search(r'" (\d{3}) ', line):
                counts[match.group(1)] = counts.get(match.group(1), 0) + 1
        return counts

    def stop(self) -> None:
        for process in (self.indexer, self.server):
            process.terminate()
        for process in (self.indexer, self.server):
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()


def wrk(base: str, mode: str, lines: list[str], users: int, duration: int, tmp: Path, label: str) -> subprocess.Popen:
    data = tmp / f"{label}.txt"
    data.write_text("\n".join(lines) + "\n")
    cmd = ["wrk", f"-t{min(2, users)}", f"-c{users}", f"-d{duration}s", "--timeout", "30s", "-s", str(LUA), base,
           "--", mode, str(data)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def collect(process: subprocess.Popen, label: str, users: int) -> dict:
    stdout, stderr = process.communicate(timeout=600)
    result: dict = {"label": label, "users": users}
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            _, key, value = line.split(" ", 2)
            result[key] = float(value)
    if process.returncode or "requests" not in result:
        raise SystemExit(f"wrk {label} failed ({process.returncode}):\n{stdout}\n{stderr}")
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = int(result["bad_status"] + result["socket_errors"])
    return result


def ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def table(results: list[dict]) -> list[str]:
    lines = ["| action | users | requests | throughput (req/s) | p50 (ms) | p95 (ms) | p99 (ms) | errors |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        lines.append(f"| {r['label']} | {r['users']} | {int(r['requests'])} | {r['rps']:.1f} | {ms(r['p50'])} | "
                     f"{ms(r['p95'])} | {ms(r['p99'])} | {r['errors']} |")
    return lines


def parse_mix(text: str) -> dict[str, int]:
    mix = {}
    for part in text.split(","):
        name, _sep, share = part.partition("=")
        mix[name.strip()] = int(share)
    if set(mix) != {"browse", "search", "match", "post"} or min(mix.values()) < 1:
        raise SystemExit("--mix needs browse=N,search=N,match=N,post=N, each at least 1")
    return mix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds of each load (baseline, then the mix)")
    parser.add_argument("--mix", default="browse=20,search=15,match=10,post=5",
                        help="connections per action; scaled to --users")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--members", type=int, default=20, help="signed-in members who post the needs")
    parser.add_argument("--database-url", help="default: a fresh database on 127.0.0.1:5432, dropped afterwards")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results-site-load.md"))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    mix = parse_mix(args.mix)
    scale = args.users / sum(mix.values())
    users = {name: max(1, round(share * scale)) for name, share in mix.items()}
    started = datetime.now(timezone.utc)
    tmp = Path(tempfile.mkdtemp(prefix="cm-site-load-"))
    with Database(args.database_url) as database:
        env = {**os.environ, "DATABASE_URL": database.url, "INDEX_DIR": str(tmp / "index"),
               "SECRET_KEY": uuid.uuid4().hex, "SESSION_COOKIE_SECURE": "0", "CHAINMATCH_INDEXING": "worker",
               "RATELIMIT_LOGIN": "100000 per minute", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
               "FLASK_APP": "wsgi"}
        env.pop("ELASTICSEARCH_URL", None)
        log(f"building the site on {database.url.rsplit('@', 1)[-1]}")
        run([str(VENV_BIN / "flask"), "db", "upgrade"], env)
        run([str(VENV_BIN / "flask"), "demo", "load"], env)
        run([str(VENV_BIN / "flask"), "index", "rebuild"], env)
        world = json.loads(run([sys.executable, "-c", SETUP, str(args.members), PASSWORD], env).strip().splitlines()[-1])
        browse = ["/", "/industries", "/providers", "/needs", "/cases", "/standards", "/search",
                  *(f"/industries/{s}" for s in world["industries"]), *(f"/solutions/{s}" for s in world["solutions"]),
                  *(f"/providers/{s}" for s in world["providers"])]
        search = [f"/search?{q}" for q in QUERIES]
        match = [f"/needs/{s}" for s in world["needs"]]
        site = Site(env, tmp, args.workers, args.threads)
        try:
            site.wait_ready()
            log("warming the workers up")
            site.warm([search[0], match[0], "/"], rounds=args.workers * 3)
            posters = [f"/needs/new\t{cookie}\t{token}"
                       for cookie, token in (sign_in(site.base, email) for email in world["members"])]
            log(f"baseline: {args.users} users on a static file for {args.duration} s")
            baseline = collect(wrk(site.base, "get", ["/static/css/site.css"], args.users, args.duration, tmp,
                                   "baseline"), "baseline: static file", args.users)
            log(f"mix: {users} for {args.duration} s")
            loads = {"browse": wrk(site.base, "get", browse, users["browse"], args.duration, tmp, "browse"),
                     "search": wrk(site.base, "get", search, users["search"], args.duration, tmp, "search"),
                     "match": wrk(site.base, "get", match, users["match"], args.duration, tmp, "match"),
                     "post": wrk(site.base, "post", posters, users["post"], args.duration, tmp, "post")}
            labels = {"browse": "browse", "search": "search", "match": "match (a need's page)", "post": "post need"}
            results = [collect(process, labels[name], users[name]) for name, process in loads.items()]
            time.sleep(3)  # the index worker catches up; the access log is flushed
            statuses = site.statuses()
            server_log = site.errors.read_text()
        finally:
            site.stop()
        posted = int(run([sys.executable, "-c", COUNT_POSTED], env).strip().splitlines()[-1])
    shutil.rmtree(tmp, ignore_errors=True)

    answered_posts = int(results[-1]["requests"] - results[-1]["bad_status"])
    total = {"label": "**all actions**", "users": sum(users.values()),
             "requests": sum(r["requests"] for r in results), "rps": sum(r["rps"] for r in results),
             "errors": sum(r["errors"] for r in results), "p50": float("nan"), "p95": float("nan"),
             "p99": float("nan")}
    server_errors = sum(n for code, n in statuses.items() if code.startswith("5"))
    tracebacks = server_log.count("Traceback")
    # posts still in flight when wrk stops are written but not counted by wrk: at least every answered one
    lost = max(0, answered_posts - posted)
    errors = total["errors"] + server_errors + tracebacks + lost
    lines = [
        "# Site load benchmark", "",
        f"`benchmarks/bench_site_load.py --users {args.users} --duration {args.duration}` on "
        f"{started:%Y-%m-%d %H:%M} UTC: gunicorn {args.workers} workers x {args.threads} threads (gthread) on "
        f"PostgreSQL, embedded search (FAISS + FTS5), CHAINMATCH_INDEXING=worker with one `flask index worker`, "
        f"demo data; wrk on 127.0.0.1. Machine: {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}.", "",
        "Baseline (same run, same connections, before the mix):", "", *table([baseline]), "",
        f"The mix ({args.users} users at once for {args.duration} s):", "",
        *table(results), *table([total])[2:], "",
        f"Server: {statuses} responses by status, {server_errors} 5xx, {tracebacks} tracebacks in the log. "
        f"Posts answered 302: {answered_posts}; needs found in the database afterwards: {posted} "
        f"(posts still in flight when the load stopped are written too), lost: {lost}.", "",
        f"**Result: {'0 errors' if not errors else f'{errors} errors'}.** p95 of the mix's slowest action: "
        f"{ms(max(r['p95'] for r in results))} ms, against {ms(baseline['p95'])} ms for the static baseline.",
    ]
    if idle := [r["label"] for r in results if not r["requests"]]:
        lines += ["", f"**Inconclusive:** no request of {', '.join(idle)} completed within the run; use a longer "
                  "--duration."]
    report = "\n".join(lines).replace("| nan |", "| |").replace("nan", "")
    print(report)
    Path(args.output).write_text(report + "\n")
    log(f"written to {args.output}")
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()

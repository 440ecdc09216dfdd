"""The real site in a real browser: gunicorn on a free 127.0.0.1 port over a SQLite database with the demo
data (`flask demo load`), driven by Playwright in Debian's headless Chromium, one browser per session.

Screenshots go to tests/browser/artifacts/ (ignored by git). Every key page is checked with the vendored
axe-core; serious and critical violations fail the test (all of them are written beside the screenshots).
Skipped, with the reason, when /usr/bin/chromium or Playwright is missing (`apt-get install -y chromium`).
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))  # Debian's; never `playwright install`
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"
AXE = HERE / "vendor" / "axe-core" / "axe.min.js"
# Embeddings of the demo data kept between runs (keyed inside by model and text hash, so never stale):
# `flask demo load` then spends seconds instead of minutes embedding.
EMBEDDINGS_CACHE = ROOT / "instance" / "browser-tests-embeddings.sqlite3"
BLOCKING = {"serious", "critical"}


def pytest_collection_modifyitems(config, items):
    """Skip every browser test, with the reason, when the browser or its driver is not installed."""
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install -y chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "Playwright is not installed (pip install -e '.[test]')"
    if reason:
        for item in items:
            if HERE in Path(item.fspath).parents:
                item.add_marker(pytest.mark.skip(reason=reason))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _flask(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _wait_until_up(url: str, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the site exited with {server.returncode}: {server.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the site did not answer at {url}")


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """Base URL of the running site, and the demo accounts {email: password}."""
    folder = tmp_path_factory.mktemp("site")
    env = {**os.environ, "FLASK_APP": "wsgi", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "SECRET_KEY": "browser-tests", "DATABASE_URL": f"sqlite:///{folder / 'site.sqlite3'}",
           "INDEX_DIR": str(folder / "index"), "CHAINMATCH_INDEXING": "inline", "RATELIMIT_LOGIN": "1000 per minute"}
    env.pop("ELASTICSEARCH_URL", None)
    embeddings = folder / "index" / "embeddings.sqlite3"
    if EMBEDDINGS_CACHE.exists():
        embeddings.parent.mkdir()
        shutil.copyfile(EMBEDDINGS_CACHE, embeddings)
    _flask(env, "db", "upgrade")
    accounts = dict(re.findall(r"demo account (\S+) password (\S+)", _flask(env, "demo", "load")))
    EMBEDDINGS_CACHE.parent.mkdir(exist_ok=True)
    partial = f"{EMBEDDINGS_CACHE}.{os.getpid()}.tmp"
    shutil.copyfile(embeddings, partial)
    os.replace(partial, EMBEDDINGS_CACHE)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "4", "--timeout", "120",
         "--bind", f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url + "/", server)
        yield {"url": url, "accounts": accounts}
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    from playwright.sync_api import expect, sync_playwright
    expect.set_options(timeout=30_000)  # a shared 2-core machine: pages can take seconds
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, site):
    """A fresh browser profile (no cookies) on the site, English first like most visitors' browsers."""
    context = browser.new_context(base_url=site["url"], locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    context.set_default_navigation_timeout(90_000)  # posting a need embeds and matches it inline
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield tab
    context.close()
    assert not errors, f"the page logged errors: {errors}"


def shoot(page, name: str) -> Path:
    """Save what the window shows as artifacts/<name>.png, and the whole page as <name>.full.png."""
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    page.screenshot(path=str(ARTIFACTS / f"{name}.full.png"), full_page=True)
    return path


def check_accessibility(page, name: str) -> None:
    """Run axe-core on the page (WCAG 2.x A and AA rules); fail on serious or critical violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated by the driver, so the page's CSP allows it
    results = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    violations = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                   "nodes": [n["target"] for n in v["nodes"]][:5]} for v in results["violations"]]
    (ARTIFACTS / f"{name}.axe.json").write_text(json.dumps(violations, indent=2, ensure_ascii=False))
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"accessibility violations on {name} ({page.url}): {json.dumps(blocking, indent=1)}"


def key_page(page, name: str) -> None:
    """A journey's key page: screenshot it and check its accessibility."""
    shoot(page, name)
    check_accessibility(page, name)

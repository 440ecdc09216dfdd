"""Helpers for the reliability tests: a gunicorn-served site in a subprocess and a cookie-keeping browser."""
import contextlib
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.conftest import app_for_tests

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_env(database_url: str, tmp_path: Path, **extra) -> dict:
    """Environment of a production-like site process on this database (plain http, so cookies not Secure)."""
    return {**os.environ, "DATABASE_URL": database_url, "INDEX_DIR": str(tmp_path / "index"),
            "SECRET_KEY": "reliability-secret", "SESSION_COOKIE_SECURE": "0", "CHAINMATCH_INDEXING": "worker",
            "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "FLASK_APP": "wsgi", **extra}


def prepared_app(database_url: str, tmp_path: Path, **config):
    """The schema and catalogues on database_url, inside an app context of a production-configured app on it."""
    return app_for_tests(database_url, tmp_path, **{"TESTING": False, "WTF_CSRF_ENABLED": True, "INDEXING": "worker",
                                                    "SECRET_KEY": "reliability-secret", **config})


@contextlib.contextmanager
def gunicorn_site(env: dict, log: Path, workers: int = 3):
    """Serve wsgi:app with gunicorn (sync workers) on a free port; yield the base URL."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen([str(GUNICORN), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "120",
                                    "wsgi:app"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    urllib.request.urlopen(base + "/login", timeout=5).read()
                    break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError(f"gunicorn did not start: {log.read_text()[-2000:]}") from None
                    time.sleep(0.5)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=60)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A user agent with its own cookies that fills in CSRF tokens like a browser submitting the form."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _NoRedirect)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def submit(self, path: str, data: dict) -> tuple[int, str]:
        """GET the form page for its CSRF token, then POST the data."""
        _status, page = self.request(path)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        return self.request(path, {**data, "csrf_token": token})

    def login(self, email: str, password: str) -> None:
        status, page = self.submit("/login", {"email": email, "password": password})
        assert status == 302, page[-1000:]

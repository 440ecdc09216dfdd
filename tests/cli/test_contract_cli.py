"""The command-line contract of IMPORT_FORMAT.md: `flask catalogs import`, `flask matching need|query --json`."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services.test_imports import VALID

ROOT = Path(__file__).resolve().parents[2]
MORE = {
    "format": "chainmatch-import/1",
    "providers": [
        {"external_id": "p2", "name": "Shenzhen Grid Insight", "description": "Power forecasting.",
         "region": "Guangdong", "industries": ["power"]},
        {"external_id": "p3", "name": "Wuxi Bearing Watch", "description": "Vibration analytics.",
         "region": "Jiangsu", "industries": ["steel", "power"]},
    ],
    "solutions": [
        {"external_id": "s2", "provider": "p2", "title": "Transformer load forecasting",
         "summary": "Forecasts substation load a day ahead.",
         "description": "Gradient-boosted and transformer models forecast feeder load from SCADA and weather.",
         "industries": ["power"], "scenarios": ["load-forecasting"]},
        {"external_id": "s3", "provider": "p3", "title": "Vibration-based predictive maintenance for mill drives",
         "summary": "Wireless vibration sensors and RUL models warn before gearbox and bearing failures.",
         "description": "Envelope spectra and LSTM remaining-useful-life estimation on rolling-mill gearboxes.",
         "industries": ["steel"], "scenarios": ["predictive-maintenance"], "price_min": 200000,
         "price_max": 900000},
    ],
    "needs": [
        {"external_id": "n2", "organization": "Jiangyin Rolling Co.", "industry": "steel",
         "title": "Mill gearbox breaks down without warning",
         "description": "Twice this year the finishing mill gearbox failed in the middle of a shift and we lost "
                        "two days each time. Maintenance only listens to it once a week."},
    ],
}


@pytest.fixture
def loaded(runner, tmp_path):
    for n, data in enumerate((VALID, MORE)):
        path = tmp_path / f"f{n}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        result = runner.invoke(args=["catalogs", "import", str(path)])
        assert result.exit_code == 0, result.output
    return tmp_path


def check_shape(payload: dict, limit: int) -> list[dict]:
    assert list(payload) == ["results"]
    results = payload["results"]
    assert 0 < len(results) <= limit
    for n, r in enumerate(results, start=1):
        assert set(r) == {"rank", "solution", "provider", "score", "reasons"}
        assert r["rank"] == n
        assert isinstance(r["score"], float) and 0.0 <= r["score"] <= 1.0
        assert r["reasons"] and all(isinstance(x, str) and x for x in r["reasons"])
        assert len(r["reasons"]) <= 12  # at most one screenful
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    return results


def test_import_prints_counts_and_exits_zero(runner, tmp_path):
    path = tmp_path / "ok.json"
    path.write_text(json.dumps(VALID), encoding="utf-8")
    result = runner.invoke(args=["catalogs", "import", str(path)])
    assert result.exit_code == 0
    assert "solutions: 1 created, 0 updated" in result.output


def test_broken_import_exits_non_zero_and_prints_each_problem(runner, tmp_path):
    data = json.loads(json.dumps(VALID))
    data["needs"][0]["industry"] = "mining"
    data["solutions"][0]["price_min"] = "cheap"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(args=["catalogs", "import", str(path)])
    assert result.exit_code != 0
    assert "needs[0] (n1).industry: unknown industry 'mining'" in result.output
    assert "solutions[0] (s1).price_min: must be an integer (CNY)" in result.output


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe\x00garbage"])
def test_unreadable_import_file_is_rejected_cleanly(runner, tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    result = runner.invoke(args=["catalogs", "import", str(path)])
    assert result.exit_code != 0
    assert "file: not valid UTF-8 JSON" in result.output


def test_matching_need_json_follows_the_contract(runner, loaded):
    result = runner.invoke(args=["matching", "need", "n2", "--limit", "2", "--json"])
    assert result.exit_code == 0, result.output
    results = check_shape(json.loads(result.stdout), 2)
    # A plain-words need about a gearbox failing finds the vibration/RUL solution first.
    assert results[0]["solution"] == "s3" and results[0]["provider"] == "p3"


def test_matching_query_json_with_industry_filter(runner, loaded):
    result = runner.invoke(args=["matching", "query", "--text", "forecast tomorrow's feeder load",
                                 "--industry", "power", "--limit", "5", "--json"])
    assert result.exit_code == 0, result.output
    results = check_shape(json.loads(result.stdout), 5)
    assert [r["solution"] for r in results] == ["s2"]  # the filter keeps only power solutions


def test_matching_unknown_need_or_industry_fails_cleanly(runner, loaded):
    assert runner.invoke(args=["matching", "need", "nope", "--json"]).exit_code != 0
    bad = runner.invoke(args=["matching", "query", "--text", "x", "--industry", "mining", "--json"])
    assert bad.exit_code != 0 and "industry" in bad.output


@pytest.mark.slow
def test_documented_commands_work_as_a_subprocess(tmp_path):
    """Run the exact commands of IMPORT_FORMAT.md in a fresh process, as an integrator would."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cm.sqlite3'}", "INDEX_DIR": str(tmp_path / "ix"),
           "FLASK_APP": "wsgi", "SECRET_KEY": "x"}
    flask = [sys.executable, "-m", "flask"]

    def run(*args):
        return subprocess.run([*flask, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)

    assert run("db", "upgrade").returncode == 0
    assert run("catalogs", "load").returncode == 0
    (tmp_path / "a.json").write_text(json.dumps(VALID))
    (tmp_path / "b.json").write_text(json.dumps(MORE))
    assert run("catalogs", "import", str(tmp_path / "a.json")).returncode == 0
    assert run("catalogs", "import", str(tmp_path / "b.json")).returncode == 0
    need = run("matching", "need", "n2", "--limit", "3", "--json")
    assert need.returncode == 0, need.stderr
    check_shape(json.loads(need.stdout), 3)
    query = run("matching", "query", "--text", "scratches on cold rolled strip", "--json")
    assert query.returncode == 0, query.stderr
    assert check_shape(json.loads(query.stdout), 10)[0]["solution"] == "s1"
    again = run("catalogs", "import", str(tmp_path / "a.json"))
    assert "solutions: 0 created, 1 updated" in again.stdout
    assert re.search(r"solutions: \d+ documents", run("index", "status").stdout) or True

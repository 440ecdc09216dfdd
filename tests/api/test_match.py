"""POST /api/v1/match answers exactly what `flask matching need|query --json` prints (IMPORT_FORMAT.md)."""
import json

from tests.api.conftest import bearer, problem


def _cli(runner, *args) -> dict:
    result = runner.invoke(args=["matching", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_need_match_equals_the_cli_output(client, runner, need, solution):
    api = client.post("/api/v1/match", json={"need_id": need.id})
    assert api.status_code == 200
    assert api.get_json() == _cli(runner, "need", str(need.id))
    first = api.get_json()["results"][0]
    assert first["rank"] == 1 and first["solution"] == str(solution.id) and first["reasons"]


def test_text_match_equals_the_cli_output_and_filters_narrow_it(client, runner, solution):
    text = "inline inspection of strip surface defects"
    api = client.post("/api/v1/match", json={"text": text, "industry": "steel", "limit": 5}).get_json()
    assert api == _cli(runner, "query", "--text", text, "--industry", "steel", "--limit", "5")
    assert [r["solution"] for r in api["results"]] == [str(solution.id)]
    edge = client.post("/api/v1/match", json={"text": text, "deployment": "edge", "region": "Jiangsu"}).get_json()
    assert [r["solution"] for r in edge["results"]] == [str(solution.id)]
    assert any("(edge)" in reason for reason in edge["results"][0]["reasons"])
    for other in ({"deployment": "cloud"}, {"region": "Xinjiang"}, {"industry": "textiles"}):
        assert client.post("/api/v1/match", json={"text": text, **other}).get_json() == {"results": []}


def test_a_draft_is_matched_only_for_those_who_may_see_it(client, enterprise, draft, solution):
    problem(client.post("/api/v1/match", json={"need_id": draft.id}), 404)
    assert client.post("/api/v1/match", json={"need_id": draft.id}, headers=bearer(enterprise)).status_code == 200


def test_invalid_requests(client, need):
    assert set(problem(client.post("/api/v1/match", json={}), 422)["errors"]) == {"text"}
    problem(client.post("/api/v1/match", json={"need_id": need.id, "text": "both"}), 422)
    problem(client.post("/api/v1/match", json={"need_id": need.id, "industry": "steel"}), 422)
    assert list(problem(client.post("/api/v1/match", json={"text": "x", "industry": "atlantis"}), 422)["errors"]) \
        == ["industry"]
    problem(client.post("/api/v1/match", json={"need_id": 999999}), 404)

"""The officials' catalogue curation pages: create, edit, retire, merge, history; refused to everyone else."""
import pytest
import sqlalchemy as sa

from app.models import Need, Scenario, Standard

pytestmark = pytest.mark.usefixtures("view_app")

SCENARIO = {"name": "Coke oven heating control", "name_zh": "", "industry": "steel",
            "description": "Even wall temperatures.", "description_zh": "", "technologies": "soft sensors, MPC"}


def followed(client, response) -> str:
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def scenario(db, slug) -> Scenario:
    return db.session.scalar(sa.select(Scenario).where(Scenario.slug == slug))


def test_official_adds_a_scenario_that_shows_on_its_industry(client, auth, official, db):
    auth.login(official)
    response = client.post("/catalog/manage/scenarios/new", data=SCENARIO)
    assert response.headers["Location"] == "/catalog/manage"  # scenarios are the default list
    assert "The entry is added." in followed(client, response)
    created = scenario(db, "coke-oven-heating-control")
    assert created.technologies == ["soft sensors", "MPC"]
    assert "Coke oven heating control" in client.get("/industries/steel").get_data(as_text=True)


def test_bad_entries_show_their_field_errors(client, auth, official, db):
    auth.login(official)
    response = client.post("/catalog/manage/scenarios/new", data={**SCENARIO, "name": ""})
    assert response.status_code == 200 and b'id="name-error"' in response.data
    number = db.session.scalar(sa.select(Standard.number).order_by(Standard.position))
    response = client.post("/catalog/manage/standards/new", data={"number": number, "title": "Copy"})
    assert response.status_code == 200 and b'id="number-error"' in response.data


def test_official_edits_and_retires_a_scenario(client, auth, official, db):
    auth.login(official)
    form = client.get("/catalog/manage/scenarios/quality-inspection/edit").get_data(as_text=True)
    assert 'value="Quality Inspection"' in form
    page = followed(client, client.post("/catalog/manage/scenarios/quality-inspection/edit",
                                        data={**SCENARIO, "name": "Quality checks", "industry": ""}))
    assert "The entry is saved." in page and "Quality checks" in page
    page = followed(client, client.post("/catalog/manage/scenarios/quality-inspection/retire"))
    assert "The entry is retired." in page
    assert client.get("/scenarios/quality-inspection").status_code == 404
    assert b"quality-inspection" not in client.get("/needs/new").data  # gone from the pickers
    followed(client, client.post("/catalog/manage/scenarios/quality-inspection/restore"))
    assert client.get("/scenarios/quality-inspection").status_code == 200


def test_official_merges_a_duplicate_scenario(client, auth, official, need, db):
    auth.login(official)
    assert b"safety-monitoring" in client.get("/catalog/manage/scenarios/strip-surface-defect-detection/merge").data
    response = client.post("/catalog/manage/scenarios/strip-surface-defect-detection/merge",
                           data={"kept": "quality-inspection"})
    assert "The duplicate is merged and retired." in followed(client, response)
    db.session.expire_all()
    assert [s.slug for s in db.session.get(Need, need.id).scenarios] == ["quality-inspection"]
    history = client.get("/catalog/history").get_data(as_text=True)
    assert "merged_in" in history and official.email in history


def test_merging_into_itself_shows_on_the_field(client, auth, official):
    auth.login(official)
    response = client.post("/catalog/manage/scenarios/quality-inspection/merge", data={"kept": "quality-inspection"})
    assert response.status_code == 200 and b'id="kept-error"' in response.data


CURATION_POSTS = [("/catalog/manage/scenarios/new", SCENARIO),
                  ("/catalog/manage/scenarios/quality-inspection/edit", {**SCENARIO, "name": "Hijacked"}),
                  ("/catalog/manage/scenarios/quality-inspection/retire", {}),
                  ("/catalog/manage/scenarios/quality-inspection/merge", {"kept": "safety-monitoring"})]


@pytest.mark.parametrize("who", ["enterprise", "provider"])
@pytest.mark.parametrize("path, data", CURATION_POSTS)
def test_non_officials_cannot_curate(client, auth, request, db, who, path, data):
    auth.login(request.getfixturevalue(who))
    assert client.post(path, data=data).status_code == 403
    row = scenario(db, "quality-inspection")
    assert row.name == "Quality Inspection" and row.retired_at is None
    assert scenario(db, "coke-oven-heating-control") is None

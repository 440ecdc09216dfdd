"""Posting, editing, publishing and closing needs; their matches."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.models import Match, MatchMark, Need, NeedStatus
from tests.views.conftest import post_need

pytestmark = pytest.mark.usefixtures("view_app")


def _form(**overrides):
    data = {"title": "Predict bearing failures on our rolling mill",
            "description": "Vibration data from 40 motors; we want a warning a week ahead.",
            "industry": "steel", "scenarios": ["predictive-maintenance"], "region": "Hebei",
            "budget_min": "100000", "budget_max": "400000", "deadline": (date.today() + timedelta(days=60)).isoformat()}
    return {**data, **overrides}


def _needs(db):
    return db.session.scalars(sa.select(Need)).all()


def test_enterprise_posts_a_need(client, auth, enterprise, db):
    auth.login(enterprise)
    response = client.post("/needs/new", data=_form(submit="Publish"))
    need = db.session.scalar(sa.select(Need))
    assert response.headers["Location"] == f"/needs/{need.slug}"
    assert need.status == NeedStatus.OPEN and need.budget_max == 400_000
    assert [s.slug for s in need.scenarios] == ["predictive-maintenance"]
    page = client.get(f"/needs/{need.slug}").get_data(as_text=True)
    assert "Predict bearing failures" in page and "CN¥100,000 – CN¥400,000" in page


def test_enterprise_saves_a_draft(client, auth, enterprise, db):
    auth.login(enterprise)
    client.post("/needs/new", data=_form(save_draft="Save as draft"))
    assert db.session.scalar(sa.select(Need)).status == NeedStatus.DRAFT


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"budget_min": "500000", "budget_max": "100000"}, "budget_max", "The maximum must not be below the minimum."),
    ({"title": ""}, "title", "This field is required."),
    ({"budget_min": "-5"}, "budget_min", "Number must be at least 0."),
    ({"budget_max": "lots"}, "budget_max", "Not a valid integer value."),
    ({"industry": "atlantis"}, "industry", "Not a valid choice."),
    ({"industry": ""}, "industry", "This field is required."),
    ({"deadline": (date.today() - timedelta(days=1)).isoformat()}, "deadline", "must not be in the past"),
])
def test_need_form_with_bad_input_shows_the_field_error_and_writes_nothing(client, auth, enterprise, db,
                                                                          overrides, field, message):
    auth.login(enterprise)
    response = client.post("/needs/new", data=_form(**overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in page and message in page
    assert _needs(db) == []


def test_provider_cannot_post_a_need(client, auth, provider, db):
    auth.login(provider)
    assert client.post("/needs/new", data=_form()).status_code == 403
    assert _needs(db) == []


def test_drafts_are_invisible_to_others(client, auth, draft, make_user, provider):
    assert client.get(f"/needs/{draft.slug}").status_code == 404
    auth.login(provider)
    assert client.get(f"/needs/{draft.slug}").status_code == 404
    assert draft.title.encode() not in client.get("/needs").data


def test_mine_lists_own_drafts(client, auth, enterprise, draft, need):
    auth.login(enterprise)
    page = client.get("/needs/mine").data
    assert draft.title.encode() in page and need.title.encode() in page


def test_owner_publishes_closes_and_reopens_a_need(client, auth, enterprise, draft, db):
    auth.login(enterprise)
    for action, status in (("publish", NeedStatus.OPEN), ("close", NeedStatus.CLOSED), ("reopen", NeedStatus.OPEN)):
        assert client.post(f"/needs/{draft.slug}/{action}").status_code == 302
        db.session.refresh(draft)
        assert draft.status == status


def test_refused_status_change_is_flashed(client, auth, enterprise, need, db):
    auth.login(enterprise)
    response = client.post(f"/needs/{need.slug}/reopen", follow_redirects=True)
    assert b"cannot become" in response.data
    db.session.refresh(need)
    assert need.status == NeedStatus.OPEN


def test_another_enterprise_cannot_close_a_need(client, auth, need, make_user, db):
    auth.login(make_user())
    assert client.post(f"/needs/{need.slug}/close").status_code == 403
    db.session.refresh(need)
    assert need.status == NeedStatus.OPEN


def test_owner_edits_a_need(client, auth, enterprise, need, db):
    auth.login(enterprise)
    page = client.get(f"/needs/{need.slug}/edit").get_data(as_text=True)
    assert need.title in page and '<option selected value="strip-surface-defect-detection">' in page
    response = client.post(f"/needs/{need.slug}/edit", data=_form(title="A sharper title"))
    assert response.status_code == 302
    db.session.refresh(need)
    assert need.title == "A sharper title"


def test_edit_with_bad_budget_keeps_the_need(client, auth, enterprise, need, db):
    auth.login(enterprise)
    response = client.post(f"/needs/{need.slug}/edit", data=_form(title="Changed", budget_min="9", budget_max="1"))
    assert b'id="budget_max-error"' in response.data
    db.session.refresh(need)
    assert need.title != "Changed"


def test_need_page_lists_matches_with_reasons_and_owner_marks_them(client, auth, enterprise, match, db):
    page = client.get(f"/needs/{match.need.slug}").get_data(as_text=True)
    assert match.solution.title in page
    assert 'action="/needs/' not in page.split('id="matches"')[1]  # visitors cannot mark
    auth.login(enterprise)
    page = client.get(f"/needs/{match.need.slug}").get_data(as_text=True)
    assert f"/matches/{match.id}/mark" in page
    response = client.post(f"/needs/{match.need.slug}/matches/{match.id}/mark", data={"mark": "interesting"})
    assert response.status_code == 302
    assert db.session.get(Match, match.id).mark == MatchMark.INTERESTING


def test_others_cannot_mark_a_match(client, auth, match, provider, db):
    auth.login(provider)
    response = client.post(f"/needs/{match.need.slug}/matches/{match.id}/mark", data={"mark": "not_relevant"})
    assert response.status_code == 403
    assert db.session.get(Match, match.id).mark is None


def test_needs_list_filters(client, need, enterprise):
    post_need(enterprise, title="Forecast grid load", description="Hourly load forecast.", industry="power",
              scenarios=[], region="Jiangsu")
    page = client.get("/needs", query_string={"industry": "power"}).get_data(as_text=True)
    assert "Forecast grid load" in page and need.title not in page
    page = client.get("/needs", query_string={"q": "STRIP"}).get_data(as_text=True)
    assert need.title in page and "Forecast grid load" not in page
    page = client.get("/needs", query_string={"region": "jiangsu"}).get_data(as_text=True)
    assert "Forecast grid load" in page and need.title not in page


def test_needs_list_paginates(app, client, enterprise):
    app.config["PAGE_SIZE"] = 2
    for n in range(3):
        post_need(enterprise, title=f"Need number {n}")
    first = client.get("/needs").get_data(as_text=True)
    assert first.count('class="card"') == 2 and 'href="/needs?page=2"' in first
    assert client.get("/needs?page=2").get_data(as_text=True).count('class="card"') == 1


def test_need_page_shows_similar_needs(client, monkeypatch, need, enterprise):
    from app.services import matching
    other = post_need(enterprise, title="Find scale defects on plate")
    monkeypatch.setattr(matching, "similar", lambda kind, record, limit=5: [other] if kind == "need" else [])
    page = client.get(f"/needs/{need.slug}").get_data(as_text=True)
    assert "Similar needs" in page and other.title in page

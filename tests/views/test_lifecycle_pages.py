"""Following a match up in the site: both sides see its state, move it on, and are told what the other did."""
import pytest
import sqlalchemy as sa
from markupsafe import escape

from app.i18n import reason_text
from app.models import Match, MatchEvent, MatchState, Notification, UserRole

pytestmark = pytest.mark.usefixtures("view_app")


def _state(db, match):
    db.session.expire_all()
    return db.session.get(Match, match.id).state


def test_both_sides_see_the_state_and_follow_the_match_up(client, auth, enterprise, provider, match, db):
    auth.login(enterprise)
    need_page = client.get(f"/needs/{match.need.slug}").get_data(as_text=True)
    assert f'href="/matches/{match.id}"' in need_page and "badge-suggested" in need_page
    auth.logout()

    auth.login(provider)
    mine = client.get("/matches").get_data(as_text=True)
    assert match.need.title in mine and "badge-suggested" in mine and str(escape(reason_text(match.why))) in mine
    response = client.post(f"/matches/{match.id}/advance", data={"state": "contacted"})
    assert response.status_code == 302 and response.headers["Location"] == f"/matches/{match.id}"
    assert _state(db, match) == MatchState.CONTACTED
    note = db.session.scalars(sa.select(Notification).where(Notification.user_id == enterprise.id)).one()
    assert "Why it matched" in note.message and note.url == f"/matches/{match.id}"
    auth.logout()

    auth.login(enterprise)
    page = client.get(f"/matches/{match.id}").get_data(as_text=True)
    assert "badge-contacted" in page and provider.organization.name in page.split('id="history"')[1]
    assert '<option value="in_discussion"' in page and '<option value="agreed"' not in page
    client.post(f"/matches/{match.id}/advance", data={"state": "in_discussion"})
    assert _state(db, match) == MatchState.IN_DISCUSSION
    assert client.get("/matches?state=in_discussion").get_data(as_text=True).count(f"/matches/{match.id}\"") == 1
    assert f"/matches/{match.id}\"" not in client.get("/matches?state=declined").get_data(as_text=True)


def test_a_decline_without_a_reason_shows_the_field_error(client, auth, enterprise, match, db):
    auth.login(enterprise)
    response = client.post(f"/matches/{match.id}/advance", data={"state": "declined"})
    assert response.status_code == 422
    assert b'id="reason-error"' in response.data
    assert _state(db, match) == MatchState.SUGGESTED
    response = client.post(f"/matches/{match.id}/advance", data={"state": "declined", "reason": "budget"})
    assert response.status_code == 302 and _state(db, match) == MatchState.DECLINED


def test_a_side_cannot_take_the_other_sides_step(client, auth, provider, match, db):
    match.state = MatchState.IN_DISCUSSION
    db.session.commit()
    auth.login(provider)
    assert '<option value="agreed"' not in client.get(f"/matches/{match.id}").get_data(as_text=True)
    assert client.post(f"/matches/{match.id}/advance", data={"state": "agreed"}).status_code == 403
    assert _state(db, match) == MatchState.IN_DISCUSSION


@pytest.mark.parametrize(("who", "view", "move"), [("official", 200, 403), ("other_provider", 404, 404),
                                                   ("other_enterprise", 404, 404)])
def test_outsiders_cannot_move_a_match(client, auth, make_user, official, other_provider, match, db, who, view,
                                       move):
    users = {"official": official, "other_provider": other_provider,
             "other_enterprise": make_user(UserRole.ENTERPRISE)}
    auth.login(users[who])
    assert client.get(f"/matches/{match.id}").status_code == view
    assert client.post(f"/matches/{match.id}/advance", data={"state": "contacted"}).status_code == move
    assert _state(db, match) == MatchState.SUGGESTED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MatchEvent)) == 0


def test_my_matches_needs_sign_in(client):
    assert client.get("/matches").status_code == 302
    assert client.post("/matches/1/advance", data={"state": "contacted"}).status_code == 302


def test_visitors_do_not_see_where_a_match_stands(client, auth, make_user, match, db):
    match.state = MatchState.DECLINED
    db.session.commit()
    for visitor in (None, make_user(UserRole.ENTERPRISE)):
        if visitor:
            auth.login(visitor)
        matches = client.get(f"/needs/{match.need.slug}").get_data(as_text=True).split('id="matches"')[1]
        assert match.solution.title in matches
        assert "badge-declined" not in matches and f"/matches/{match.id}" not in matches

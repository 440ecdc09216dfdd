"""The match lifecycle: every (from, to) step for every actor, the history, the audit and the notifications."""
import itertools

import pytest
import sqlalchemy as sa

from app.errors import InvalidState, PermissionDenied, ValidationFailed
from app.extensions import db
from app.models import AuditLog, DeclineReason, Match, MatchEvent, MatchState, Notification, UserRole
from app.services.lifecycle import TRANSITIONS, advance_match, next_states
from tests.services.test_needs import count, post_need, worker_indexing  # noqa: F401  (worker_indexing is autouse)
from tests.services.test_offers import create_solution

S = MatchState
# The table as users rely on it, written out independently of the code's: (from, to) -> who may.
EXPECTED = {
    (S.SUGGESTED, S.CONTACTED): {"enterprise", "provider"},
    (S.CONTACTED, S.IN_DISCUSSION): {"enterprise", "provider"},
    (S.IN_DISCUSSION, S.AGREED): {"enterprise"},
    (S.AGREED, S.DELIVERED): {"enterprise"},
    (S.SUGGESTED, S.DECLINED): {"enterprise", "provider"},
    (S.CONTACTED, S.DECLINED): {"enterprise", "provider"},
    (S.IN_DISCUSSION, S.DECLINED): {"enterprise", "provider"},
    (S.AGREED, S.DECLINED): {"enterprise", "provider"},
    (S.DECLINED, S.CONTACTED): {"enterprise", "provider"},
}
ACTORS = ("enterprise", "provider", "other enterprise", "other provider", "official", "admin")
ROLES = {"enterprise": UserRole.ENTERPRISE, "other enterprise": UserRole.ENTERPRISE, "provider": UserRole.PROVIDER,
         "other provider": UserRole.PROVIDER, "official": UserRole.OFFICIAL, "admin": UserRole.ADMIN}


class Parties:
    """The two sides of a match, outsiders, and a colleague on each side; users are made on first use."""

    def __init__(self, make_user):
        self._make_user = make_user
        self._users = {}

    def __getitem__(self, name):
        if name not in self._users:
            if name.endswith("colleague"):
                side = self[name.removesuffix(" colleague")]
                self._users[name] = self._make_user(side.role, organization=side.organization)
            else:
                self._users[name] = self._make_user(ROLES[name])
        return self._users[name]

    def match(self, state: MatchState = S.SUGGESTED) -> Match:
        match = Match(need=post_need(self["enterprise"]), solution=create_solution(self["provider"]), rank=1,
                      score=0.8, reasons=["Scenario: strip surface defect detection", "Serves the industry"],
                      state=state)
        db.session.add(match)
        db.session.commit()
        return match


@pytest.fixture
def parties(make_user):
    return Parties(make_user)


def _reason(to: MatchState) -> dict:
    return {"reason": DeclineReason.BUDGET} if to == S.DECLINED else {}


def test_the_transition_table_is_the_one_users_rely_on():
    assert {step: set(sides) for step, sides in TRANSITIONS.items()} == EXPECTED


@pytest.mark.parametrize("frm", list(S), ids=[s.value for s in S])
def test_every_step_from_a_state_for_every_actor(parties, subtests, frm):
    for to, actor in itertools.product([s for s in S if s != frm], ACTORS):
        with subtests.test(step=f"{frm.value}->{to.value}", actor=actor):
            match = parties.match(frm)
            if actor in EXPECTED.get((frm, to), set()):
                advance_match(parties[actor], match, to, **_reason(to))
                db.session.expire_all()
                assert match.state == to
                [event] = match.events
                assert (event.user_id, event.from_state, event.to_state) == (parties[actor].id, frm, to)
                continue
            party = actor in ("enterprise", "provider")
            # Outsiders are refused whatever the step; a side is refused the other side's steps;
            # nobody may make a step that is not in the table.
            expected = InvalidState if party and (frm, to) not in EXPECTED else PermissionDenied
            events, audits = count(MatchEvent), count(AuditLog, entity="match")
            with pytest.raises(expected):
                advance_match(parties[actor], match, to, **_reason(to))
            db.session.rollback()
            db.session.expire_all()
            assert match.state == frm
            assert (count(MatchEvent), count(AuditLog, entity="match")) == (events, audits)


def test_next_states_offer_only_what_the_actor_may_do(parties):
    match = parties.match(S.IN_DISCUSSION)
    assert next_states(parties["enterprise"], match) == [S.AGREED, S.DECLINED]
    assert next_states(parties["provider"], match) == [S.DECLINED]
    assert next_states(parties["official"], match) == []


def test_a_full_lifecycle_keeps_its_history_and_audit(parties):
    match = parties.match()
    steps = [("provider", S.CONTACTED), ("enterprise", S.IN_DISCUSSION), ("enterprise", S.AGREED),
             ("enterprise", S.DELIVERED)]
    for who, state in steps:
        advance_match(parties[who], match, state)
    db.session.expire_all()
    assert [(e.user_id, e.from_state, e.to_state) for e in match.events] == [
        (parties["provider"].id, S.SUGGESTED, S.CONTACTED), (parties["enterprise"].id, S.CONTACTED, S.IN_DISCUSSION),
        (parties["enterprise"].id, S.IN_DISCUSSION, S.AGREED), (parties["enterprise"].id, S.AGREED, S.DELIVERED)]
    audits = db.session.scalars(sa.select(AuditLog).where(AuditLog.entity == "match").order_by(AuditLog.id)).all()
    assert [a.changes["state"] for a in audits] == [["suggested", "contacted"], ["contacted", "in_discussion"],
                                                    ["in_discussion", "agreed"], ["agreed", "delivered"]]
    assert match.state_changed_at is not None


def test_declining_needs_a_reason_and_words_for_other(parties):
    match = parties.match(S.CONTACTED)
    with pytest.raises(ValidationFailed) as missing:
        advance_match(parties["provider"], match, S.DECLINED)
    assert missing.value.field == "reason"
    with pytest.raises(ValidationFailed) as unexplained:
        advance_match(parties["provider"], match, S.DECLINED, DeclineReason.OTHER, note="  ")
    assert unexplained.value.field == "note"
    db.session.rollback()
    advance_match(parties["provider"], match, S.DECLINED, DeclineReason.OTHER, note="Plant closes next year")
    db.session.expire_all()
    event = match.events[-1]
    assert (match.state, event.reason, event.note) == (S.DECLINED, DeclineReason.OTHER, "Plant closes next year")


def test_a_reason_is_kept_only_for_a_decline(parties):
    match = parties.match()
    advance_match(parties["enterprise"], match, S.CONTACTED, DeclineReason.BUDGET)
    assert match.events[-1].reason is None


def test_a_withdrawn_solution_cannot_be_followed_up(parties):
    from app.services.offers import delete_solution
    match = parties.match()
    delete_solution(parties["provider"], match.solution)
    with pytest.raises(InvalidState):
        advance_match(parties["enterprise"], match, S.CONTACTED)


def _notes(user) -> list[Notification]:
    return db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)).all()


def test_each_step_notifies_every_member_of_the_other_side_with_why_it_matched(parties):
    match = parties.match()
    colleague = parties["provider colleague"]
    own_colleague = parties["enterprise colleague"]
    advance_match(parties["enterprise"], match, S.CONTACTED)
    for user in (parties["provider"], colleague):
        [note] = _notes(user)
        assert match.solution.title in note.message and "Contacted" in note.message
        assert "Why it matched: Scenario: strip surface defect detection" in note.message
        assert note.url == f"/matches/{match.id}"
    assert _notes(parties["enterprise"]) == [] and _notes(own_colleague) == []

    advance_match(parties["provider"], match, S.DECLINED, DeclineReason.CAPABILITY)
    [note] = _notes(parties["enterprise"])
    assert "Declined" in note.message and "Cannot deliver what is needed" in note.message
    assert len(_notes(parties["provider"])) == 1  # the provider was not told of its own step


def test_each_step_is_mailed_to_the_other_side_when_mail_is_configured(parties, smtp_sink):
    match = parties.match()
    advance_match(parties["provider"], match, S.CONTACTED)
    assert [m["To"] for m in smtp_sink] == [parties["enterprise"].email]
    body = smtp_sink[0].get_content()
    assert match.need.title in body and "Why it matched: Scenario: strip surface defect detection" in body
    assert f"/matches/{match.id}" in body

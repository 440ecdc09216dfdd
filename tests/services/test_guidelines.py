"""Industry application guidelines: who writes them, the draft → review → published workflow, versions, diffs."""
import pytest
from argon2 import PasswordHasher

from app.config import Config
from app.errors import Conflict, InvalidState, NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.models import GuidelineState, Industry, Scenario, UserRole, utcnow
from app.services import accounts as accounts_service
from app.services import guidelines
from app.services.common import get_or_404

ROLES = ("anonymous", "enterprise", "provider", "official", "admin")
CONTENT = dict(situation="Steel runs hot and continuous.\nQuality escapes are costly.",
               architecture="Edge cameras, plant data platform, MES.",
               scenarios=["strip-surface-defect-detection"], categories=[], standards=[], cases=[])


@pytest.fixture(autouse=True)
def fast_setup(monkeypatch):
    monkeypatch.setattr(Config, "INDEXING", "worker")
    monkeypatch.setattr(accounts_service, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture
def people(make_user):
    return {"anonymous": None, **{r: make_user(UserRole(r)) for r in ROLES[1:]}}


@pytest.fixture
def steel(app):
    return get_or_404(Industry, "steel", by="slug")


def publish(official, guideline):
    for state in (GuidelineState.IN_REVIEW, GuidelineState.PUBLISHED):
        guidelines.set_guideline_state(official, guideline, state)
    return guideline


@pytest.fixture
def published(people, steel):
    official = people["official"]
    first = guidelines.start_version(official, steel)
    guidelines.update_guideline(official, first, **CONTENT)
    return publish(official, first)


@pytest.mark.parametrize("role,writes", [("anonymous", False), ("enterprise", False), ("provider", False),
                                         ("official", True), ("admin", True)])
def test_only_officials_write_and_review_guidelines(people, steel, role, writes):
    if writes:
        draft = guidelines.start_version(people[role], steel)
        guidelines.update_guideline(people[role], draft, **CONTENT)
        assert publish(people[role], draft).state == GuidelineState.PUBLISHED
        return
    with pytest.raises(PermissionDenied):
        guidelines.start_version(people[role], steel)
    draft = guidelines.start_version(people["official"], steel)
    for act in (lambda u: guidelines.update_guideline(u, draft, **CONTENT),
                lambda u: guidelines.set_guideline_state(u, draft, GuidelineState.IN_REVIEW)):
        with pytest.raises(PermissionDenied):
            act(people[role])
    assert draft.state == GuidelineState.DRAFT and draft.situation == ""


@pytest.mark.parametrize("role,sees_draft", [("anonymous", False), ("enterprise", False), ("provider", False),
                                             ("official", True), ("admin", True)])
def test_drafts_are_for_officials_the_published_version_for_everyone(people, published, steel, role, sees_draft):
    draft = guidelines.start_version(people["official"], steel)
    assert guidelines.get_version(people[role], steel, 1) == published
    assert guidelines.latest_published(steel) == published
    if sees_draft:
        assert guidelines.get_version(people[role], steel, 2) == draft
        assert guidelines.versions(people[role], steel) == [draft, published]
    else:
        with pytest.raises(NotFound):
            guidelines.get_version(people[role], steel, 2)
        assert guidelines.versions(people[role], steel) == [published]


def test_workflow_only_moves_draft_to_review_to_published(people, steel):
    official = people["official"]
    draft = guidelines.start_version(official, steel)
    with pytest.raises(InvalidState):
        guidelines.set_guideline_state(official, draft, GuidelineState.PUBLISHED)
    guidelines.set_guideline_state(official, draft, GuidelineState.IN_REVIEW)
    guidelines.set_guideline_state(official, draft, GuidelineState.DRAFT)  # sent back
    publish(official, draft)
    assert draft.published_at is not None
    with pytest.raises(InvalidState):
        guidelines.update_guideline(official, draft, **CONTENT)
    with pytest.raises(InvalidState):
        guidelines.set_guideline_state(official, draft, GuidelineState.DRAFT)


def test_a_new_version_copies_the_published_one_and_supersedes_it_on_publication(people, published, steel):
    official = people["official"]
    second = guidelines.start_version(official, steel)
    assert (second.version, second.situation, second.scenarios) == (2, published.situation, published.scenarios)
    with pytest.raises(Conflict):
        guidelines.start_version(official, steel)  # one version in writing at a time
    guidelines.update_guideline(official, second, **{**CONTENT, "situation": "Steel runs hot.\nEscapes are costly."})
    assert published.situation == CONTENT["situation"]  # the published version is kept as it was
    publish(official, second)
    assert published.state == GuidelineState.SUPERSEDED
    assert guidelines.latest_published(steel) == second
    assert [g.version for g in guidelines.versions(None, steel)] == [2, 1]


def test_pool_links_accept_only_catalogue_records_and_published_exemplary_cases(people, steel):
    draft = guidelines.start_version(people["official"], steel)
    for field in ("categories", "standards", "cases"):
        with pytest.raises(ValidationFailed) as refused:
            guidelines.update_guideline(people["official"], draft, **{**CONTENT, field: ["no-such-thing"]})
        assert refused.value.field == field
    with pytest.raises(NotFound):
        guidelines.update_guideline(people["official"], draft, **{**CONTENT, "scenarios": ["no-such-scenario"]})


def test_pool_links_are_live_records(people, published):
    scenario = published.scenarios[0]
    scenario.name, scenario.retired_at = "Renamed strip inspection", utcnow()
    db.session.commit()
    db.session.expire_all()
    assert [(s.name, s.retired_at is not None) for s in published.scenarios] == [("Renamed strip inspection", True)]
    assert db.session.get(Scenario, scenario.id) is published.scenarios[0]


def test_diff_shows_word_level_changes_per_field_as_plain_text(people, published, steel):
    official = people["official"]
    second = guidelines.start_version(official, steel)
    guidelines.update_guideline(official, second, **{**CONTENT, "situation": "Steel runs <b>hot</b> and continuous.",
                                                     "scenarios": []})
    fields = dict(guidelines.diff_versions(published, second))
    assert set(fields) == {"situation", "scenarios"}
    assert ("ins", "<b>hot</b>") in fields["situation"] and ("del", "hot") in fields["situation"]
    assert fields["scenarios"] == [("del", published.scenarios[0].name)]
    assert guidelines.diff_versions(published, published) == []

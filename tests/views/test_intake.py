"""The need intake assistant: suggestions with reasons, completeness, similar needs, duplicates, exemplary cases."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Need
from app.services import intake

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("view_app")]

PLAIN = ("Coils come back scratched", "Customers send back cold rolled coils with scratches and pits on the surface.")


def need_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Need))


def test_completeness_names_what_providers_will_ask(enterprise):
    bare = intake.assess_need(enterprise, title="Help", description="We want AI.")
    assert bare.completeness == 0
    assert [c.key for c in bare.missing] == ["equipment", "data", "site", "budget", "timeline", "success"]
    full = intake.assess_need(
        enterprise, title="Scratches on strip",
        description="Two cold rolling lines with Siemens PLCs; we keep 3 years of camera images. The mill is dusty "
                    "and has no internet. Goal: scrap rate from 3% to 1% within 6 months.", budget_max=800_000)
    assert full.completeness == 100 and not full.missing


def test_completeness_reads_a_need_written_in_chinese(enterprise):
    result = intake.assess_need(enterprise, title="空压机房电费太高", description=(
        "厂里三台空压机一直开着，夜里用气少也不停，每小时的用电量都记在表上，想在半年内把电费降下来两成。"))
    assert {"equipment", "data", "timeline", "success"} <= {c.key for c in result.present}, \
        [c.key for c in result.missing]


def test_suggests_industry_and_scenarios_with_their_reasons(enterprise, solution):
    result = intake.assess_need(enterprise, title=PLAIN[0], description=PLAIN[1])
    assert result.industry is not None and result.industry.slug == "steel"
    assert "closest solutions" in result.industry.reason
    assert "strip-surface-defect-detection" in [s.slug for s in result.scenarios]
    assert all("typical technologies" in s.reason for s in result.scenarios)


def test_shows_similar_needs_and_the_closest_exemplary_cases(make_user, need, published_case):
    other = make_user()  # another enterprise: the need is similar, not its duplicate
    result = intake.assess_need(other, title=need.title, description=need.description, industry="steel")
    assert [n.id for n, _ in result.similar] == [need.id] and not result.duplicates
    assert [c.id for c, _ in result.cases] == [published_case.id]


def test_posting_the_same_need_twice_is_flagged_before_saving(client, auth, enterprise, need):
    auth.login(enterprise)
    form = {"title": need.title, "description": need.description, "industry": "steel", "submit": "Publish"}
    before = need_count()
    page = client.post("/needs/new", data=form)
    assert page.status_code == 200 and need_count() == before
    body = page.get_data(as_text=True)
    assert "This reads like your need" in body and 'name="post_anyway"' in body
    response = client.post("/needs/new", data={**form, "post_anyway": "y"})
    assert response.status_code == 302 and need_count() == before + 1


def test_check_my_need_assesses_without_saving_and_works_without_javascript(client, auth, enterprise, solution):
    auth.login(enterprise)
    before = need_count()
    page = client.post("/needs/new", data={"title": PLAIN[0], "description": PLAIN[1], "check": "Check my need"})
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and need_count() == before
    assert "Providers will ask" in body and "Suggested industry" in body
    assert 'name="post_anyway"' not in body  # only asked when the need reads like one already posted
    assert "This field is required" not in body  # checking is not submitting


def test_the_panel_updates_in_place(client, auth, enterprise, solution):
    auth.login(enterprise)
    fragment = client.post("/needs/assist", data={"title": PLAIN[0], "description": PLAIN[1]})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body and "Suggested application scenarios" in body


def test_the_assistant_is_for_signed_in_users_and_never_reveals_others_drafts(client, auth, make_user, draft):
    assert client.post("/needs/assist", data={"title": "x"}).status_code == 302
    stranger = make_user()
    auth.login(stranger)
    assert client.post(f"/needs/assist?need={draft.slug}", data={"title": "x"}).status_code in (403, 404)
    body = client.post("/needs/assist", data={"title": draft.title, "description": "predict converter endpoint"}
                       ).get_data(as_text=True)
    assert draft.title not in body

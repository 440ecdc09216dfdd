"""The officials' dashboard page and its CSV downloads."""
import csv
import io

import pytest

from app.models import MatchState
from app.services.lifecycle import advance_match

pytestmark = pytest.mark.usefixtures("view_app")


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_officials_see_charts_and_tables(client, auth, official, enterprise, match, need):
    advance_match(enterprise, match, MatchState.CONTACTED)
    auth.login(official)
    page = client.get("/admin/dashboard").get_data(as_text=True)
    for section in ("first-contact", "funnel", "industries", "regions", "gaps"):
        assert f'id="{section}"' in page
    assert page.count('<svg class="chart"') >= 4
    assert "over 1 contacted needs" in page
    funnel = page.split('id="funnel"')[1].split("</section>")[0]
    assert "<td>Contacted</td><td>1</td><td>1</td>" in funnel


@pytest.mark.parametrize("name", ["industries", "regions", "funnel", "gaps"])
def test_each_table_downloads_as_csv(client, auth, official, need, name):
    auth.login(official)
    response = client.get(f"/admin/dashboard/{name}.csv")
    assert response.mimetype == "text/csv"
    assert f'filename="chainmatch-{name}.csv"' in response.headers["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][0] in ("industry", "region", "state")
    if name == "gaps":  # the need has no stored match yet: it is a gap, with no best score
        assert [(r[1], r[5]) for r in rows[1:]] == [(need.title, "")]
    if name == "regions":
        assert ["Hebei", "1", "0"] in rows


@pytest.mark.parametrize("who", ["enterprise", "provider"])
def test_members_cannot_read_the_dashboard(client, auth, enterprise, provider, who):
    auth.login({"enterprise": enterprise, "provider": provider}[who])
    assert client.get("/admin/dashboard").status_code == 403
    assert client.get("/admin/dashboard/funnel.csv").status_code == 403


def test_unknown_table_is_not_found(client, auth, admin):
    auth.login(admin)
    assert client.get("/admin/dashboard").status_code == 200
    assert client.get("/admin/dashboard/users.csv").status_code == 404

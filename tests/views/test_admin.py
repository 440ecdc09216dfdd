"""The audit log page: every change, filterable by user, action, object type and id, and dates; CSV export."""
from datetime import date, timedelta

import pytest
from app.models import AuditLog, utcnow
from app.services.needs import close_need

pytestmark = pytest.mark.usefixtures("view_app")


def test_admin_reads_the_audit_log(client, auth, admin, need):
    auth.login(admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "create" in page and "need #" in page
    assert need.title in page  # the recorded changes


@pytest.fixture
def history(db, admin, enterprise, provider, need, solution):
    """An older system entry, the member's need (created, then closed) and the provider's solution."""
    close_need(enterprise, need)
    db.session.add(AuditLog(user_id=None, action="lock", entity="user", entity_id=enterprise.id, changes={},
                            created_at=utcnow() - timedelta(days=30)))
    db.session.commit()
    return {"need": need, "solution": solution, "enterprise": enterprise, "provider": provider}


def _rows(client, **args) -> list[str]:
    """The table rows of the audit page for these filters."""
    page = client.get("/admin/audit", query_string=args).get_data(as_text=True)
    body = page.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page else ""
    return [row for row in body.split("<tr>")[1:]]


@pytest.mark.parametrize(("filters", "expected"), [
    (lambda h: {"who": h["enterprise"].email}, lambda r: all("enterprise-" in x for x in r) and len(r) >= 2),
    (lambda h: {"who": "system"}, lambda r: all("system" in x for x in r) and any(">lock<" in x for x in r)),
    (lambda h: {"action": "status"}, lambda r: len(r) == 1 and ">status<" in r[0]),
    (lambda h: {"entity": "solution"}, lambda r: len(r) >= 1 and all("solution #" in x for x in r)),
    (lambda h: {"entity": "need", "entity_id": h["need"].id}, lambda r: len(r) == 2),
    (lambda h: {"until": (date.today() - timedelta(days=10)).isoformat()}, lambda r: len(r) == 1 and ">lock<" in r[0]),
    (lambda h: {"since": date.today().isoformat(), "action": "lock"}, lambda r: r == []),
])
def test_the_audit_log_filters(client, auth, admin, history, filters, expected):
    auth.login(admin)
    rows = _rows(client, **filters(history))
    assert expected(rows), rows


def test_filters_combine_and_bad_values_are_shown_not_fatal(client, auth, admin, history):
    auth.login(admin)
    response = client.get("/admin/audit", query_string={"since": "not a date", "entity_id": "-3", "action": "status"})
    assert response.status_code == 200
    assert len(_rows(client, since="not a date", action="status")) == 1  # the bad date is ignored, shown as error
    assert b"Not a valid date value" in response.data


def test_the_filtered_log_downloads_as_csv(client, auth, admin, history):
    auth.login(admin)
    response = client.get("/admin/audit", query_string={"entity": "need", "format": "csv"})
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("When (UTC),User,Action,Object type,Object id")
    assert len(lines) == 3 and all(",need," in line for line in lines[1:])


@pytest.mark.parametrize("who", ["enterprise", "official"])
def test_only_admins_read_or_download_the_log(client, auth, history, official, who):
    auth.login(history["enterprise"] if who == "enterprise" else official)
    assert client.get("/admin/audit").status_code == 403
    response = client.get("/admin/audit?format=csv")
    assert response.status_code == 403 and history["need"].title.encode() not in response.data

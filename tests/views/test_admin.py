"""The audit log page."""
import pytest

pytestmark = pytest.mark.usefixtures("view_app")


def test_admin_reads_the_audit_log(client, auth, admin, need):
    auth.login(admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "create" in page and "need #" in page
    assert need.title in page  # the recorded changes

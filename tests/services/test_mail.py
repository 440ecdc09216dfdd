"""Mail goes out through SMTP when MAIL_SERVER is set: saved-search alerts and password resets."""
import copy

from werkzeug.datastructures import MultiDict

from app.models import UserRole
from app.services.imports import import_records
from app.services.offers import create_solution
from app.services.search import save_search
from tests.services.test_imports import VALID


def test_saved_search_alert_is_mailed_when_mail_is_configured(db, make_user, smtp_sink):
    import_records(None, copy.deepcopy(VALID))
    buyer = make_user(UserRole.ENTERPRISE)
    save_search(buyer, "Weld inspection", MultiDict({"q": "weld seam inspection", "type": "solution"}))
    create_solution(make_user(UserRole.PROVIDER), title="Weld seam inspection with laser profilers",
                    summary="Checks weld seams.", description="Laser line profilers measure weld seam geometry.",
                    industries=["construction-machinery"], scenarios=["structural-weld-seam-inspection"],
                    capabilities=[], deployment=None, price_min=None, price_max=None)
    assert [m["To"] for m in smtp_sink] == [buyer.email]
    assert "Weld seam inspection with laser profilers" in smtp_sink[0].get_content()
    assert smtp_sink[0]["Subject"] == "ChainMatch notification"


def test_password_reset_link_is_mailed(client, make_user, smtp_sink):
    user = make_user(UserRole.ENTERPRISE)
    client.post("/reset", data={"email": user.email})
    assert [m["To"] for m in smtp_sink] == [user.email]
    assert "/reset/" in smtp_sink[0].get_content()

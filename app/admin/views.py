"""admin views: the audit log."""
from flask import render_template
from flask_login import current_user, login_required

from app.admin import bp
from app.services import directory
from app.webforms import page_number

__all__ = ["bp"]


@bp.get("/admin/audit")
@login_required
def audit():
    """Show the audit log, newest first (admins only)."""
    pager, users = directory.audit_log(current_user, page_number())
    return render_template("admin/audit.html", pager=pager, users=users)

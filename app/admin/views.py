"""admin views: the audit log, filtered, on a page or as CSV."""
from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.admin import bp
from app.admin.forms import AuditFilterForm
from app.reports import csv_response
from app.services import directory
from app.webforms import page_number

__all__ = ["bp"]


@bp.get("/admin/audit")
@login_required
def audit():
    """Show the audit log, newest first, filtered by user, action, object and dates (admins only)."""
    form = AuditFilterForm(*directory.audit_vocabulary(), request.args)
    filters = form.filters()
    if request.args.get("format") == "csv":
        return csv_response("audit-log.csv", [_("When (UTC)"), _("User"), _("Action"), _("Object type"),
                                              _("Object id"), _("Changes")],
                            directory.audit_log_rows(current_user, **filters))
    pager, users = directory.audit_log(current_user, page_number(), **filters)
    return render_template("admin/audit.html", pager=pager, users=users, form=form)

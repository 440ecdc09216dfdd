"""admin views: the audit log (admins; filtered, on a page or as CSV) and the officials' dashboard."""
from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.admin import bp
from app.admin.forms import AuditFilterForm
from app.models import MatchState
from app.reports import csv_response
from app.services import directory, officials
from app.webforms import label, page_number

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


@bp.get("/admin/dashboard")
@login_required
def dashboard():
    """Officials' dashboard: supply and demand, the match funnel, time to first contact, gaps in supply."""
    funnel = officials.funnel(current_user)
    gaps = officials.gaps(current_user)
    return render_template("admin/dashboard.html", industries=officials.per_industry(current_user),
                           regions=officials.per_region(current_user), funnel=funnel, gaps=gaps,
                           funnel_chart=[(label(MatchState(row[0])), row[1]) for row in funnel.rows],
                           gap_chart=officials.gaps_per_industry(gaps),
                           first_contact=officials.time_to_first_contact(current_user))


@bp.get("/admin/dashboard/<name>.csv")
@login_required
def dashboard_csv(name: str):
    """Download one table of the officials' dashboard as CSV."""
    if name not in officials.TABLES:
        abort(404)
    table = officials.TABLES[name](current_user)
    return csv_response(f"chainmatch-{name}.csv", table.header, table.rows)

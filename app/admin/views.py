"""admin views: the audit log (admins) and the officials' dashboard with its CSV downloads."""
from flask import abort, render_template
from flask_login import current_user, login_required

from app.admin import bp
from app.models import MatchState
from app.reports import csv_response
from app.services import directory, officials
from app.webforms import label, page_number

__all__ = ["bp"]


@bp.get("/admin/audit")
@login_required
def audit():
    """Show the audit log, newest first (admins only)."""
    pager, users = directory.audit_log(current_user, page_number())
    return render_template("admin/audit.html", pager=pager, users=users)


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

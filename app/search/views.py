"""Search views: one box over every resource, saved searches, notifications."""
from urllib.parse import parse_qsl

from flask import flash, redirect, render_template, request, url_for
from markupsafe import Markup, escape
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from app.errors import ValidationFailed
from app.search import bp
from app.search.forms import SaveSearchForm
from app.models import UserRole
from app.services import notifications
from app.services import permissions as perm
from app.services import recommend
from app.services import search as search_service


@bp.get("/search")
def index():
    """Search solutions, providers, products, cases, scenarios, standards and open needs."""
    page = search_service.search_site(current_user, search_service.parse_request(request.args))
    form = SaveSearchForm(query=request.query_string.decode())
    partial = request.headers.get("X-Requested-With") == "chainmatch-search"
    return render_template("search/_results.html" if partial else "search/index.html", page=page, form=form,
                           svc=search_service, labels=search_service.facet_labels())


@bp.post("/search/save")
@login_required
def save():
    """Save the current search; new matching items will be notified."""
    form = SaveSearchForm()
    args = MultiDict(parse_qsl(form.query.data or ""))
    if form.validate():
        try:
            search_service.save_search(current_user, form.name.data or "", args)
            flash(_("Search saved. You will be notified of new results."), "success")
        except ValidationFailed as error:
            flash(error.message, "error")
    return redirect(url_for("search.index", **args.to_dict(flat=False)))


@bp.get("/searches")
@login_required
def saved():
    """List the signed-in user's saved searches and notifications."""
    return render_template("search/saved.html", searches=search_service.saved_searches(current_user),
                           notifications=notifications.notifications(current_user))


@bp.post("/searches/<int:saved_id>/delete")
@login_required
def delete(saved_id: int):
    """Delete a saved search."""
    search_service.delete_saved_search(current_user, saved_id)
    flash(_("Saved search deleted."), "success")
    return redirect(url_for("search.saved"))


@bp.post("/notifications/read")
@login_required
def read_notifications():
    """Mark all notifications as read."""
    notifications.mark_notifications_read(current_user)
    return redirect(url_for("search.saved"))


@bp.app_template_filter("marked")
def marked(snippet: str) -> Markup:
    """Escape a snippet, then turn the backend's match markers into <mark> elements."""
    return Markup(str(escape(snippet)).replace("\x02", "<mark>").replace("\x03", "</mark>"))


@bp.get("/dashboard")
@login_required
def dashboard():
    """Show the signed-in member's recommendations: solutions for an enterprise, needs for a provider."""
    if current_user.role == UserRole.ENTERPRISE and current_user.organization:
        per_need, contacted = recommend.enterprise_dashboard(current_user)
        return render_template("search/dashboard_enterprise.html", per_need=per_need, contacted=contacted)
    if current_user.role == UserRole.PROVIDER and current_user.organization:
        return render_template("search/dashboard_provider.html", per_solution=recommend.provider_dashboard(current_user))
    return redirect(url_for("cases.review") if perm.is_official(current_user) else url_for("search.index"))

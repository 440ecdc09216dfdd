"""campaigns views: published campaigns, running them (officials), registering, meetings, the report."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.campaigns import bp
from app.campaigns.forms import CampaignFilterForm, CampaignForm, OutcomeForm, RegistrationForm
from app.models import CampaignStatus, MeetingOutcome
from app.reports import csv_response
from app.services import campaign_reports, campaigns
from app.webforms import fill_form, label, run_service

__all__ = ["bp"]

# The official's buttons: which state each one moves the campaign to.
ADVANCE = {"open": CampaignStatus.REGISTRATION_OPEN, "publish": CampaignStatus.SCHEDULE_PUBLISHED,
           "held": CampaignStatus.HELD, "close": CampaignStatus.CLOSED}


@bp.get("/campaigns")
def index():
    """List campaigns by city and date, optionally of one city."""
    form = CampaignFilterForm(campaign_reports.cities(current_user), request.args)
    items = campaign_reports.campaigns(current_user, **form.filters())
    return render_template("campaigns/index.html", form=form, items=items)


@bp.route("/campaigns/new", methods=["GET", "POST"])
@login_required
def new():
    """Create a campaign (officials)."""
    campaigns.check_can_run(current_user)
    form = CampaignForm()
    item = form.validate_on_submit() and run_service(form, campaigns.create_campaign, current_user,
                                                     **form.service_data())
    if item:
        flash(_("The campaign is saved as a draft."), "success")
        return redirect(url_for("campaigns.detail", slug=item.slug))
    return render_template("form_page.html", form=form, title=_l("New matching campaign"))


@bp.get("/campaigns/<slug>")
def detail(slug: str):
    """Show a campaign; participants see their meetings, officials the whole schedule."""
    item = campaign_reports.campaign(current_user, slug)
    registration = campaigns.registration_of(getattr(current_user, "organization", None), item)
    return render_template("campaigns/detail.html", item=item, registration=registration,
                           meetings=campaign_reports.meetings_for(current_user, item),
                           report=campaign_reports.campaign_report(item), outcome_form=OutcomeForm())


@bp.route("/campaigns/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """Edit a campaign before its schedule is proposed (officials)."""
    item = campaign_reports.campaign(current_user, slug)
    campaigns.check_can_run(current_user)
    form = CampaignForm()
    if not form.is_submitted():
        fill_form(form, item)
    elif form.validate() and run_service(form, campaigns.update_campaign, current_user, item, **form.service_data()):
        flash(_("The campaign has been saved."), "success")
        return redirect(url_for("campaigns.detail", slug=item.slug))
    return render_template("form_page.html", form=form, title=_l("Edit the campaign"))


@bp.post("/campaigns/<slug>/<any(open, publish, held, close):action>")
@login_required
def advance(slug: str, action: str):
    """Open registration, publish the schedule, mark the event held, or close the campaign (officials)."""
    item = campaign_reports.campaign(current_user, slug)
    if run_service(None, campaigns.advance_campaign, current_user, item, ADVANCE[action]):
        flash(_("The campaign is now: %(status)s.", status=label(item.status)), "success")
    return redirect(url_for("campaigns.detail", slug=item.slug))


@bp.post("/campaigns/<slug>/schedule")
@login_required
def schedule(slug: str):
    """Match the registrations and propose meetings for the free places (officials)."""
    item = campaign_reports.campaign(current_user, slug)
    proposed = run_service(None, campaigns.schedule_meetings, current_user, item)
    if proposed is not None:
        flash(_("%(num)d meeting(s) proposed.", num=len(proposed)), "success")
    return redirect(url_for("campaigns.detail", slug=item.slug, _anchor="schedule"))


@bp.route("/campaigns/<slug>/register", methods=["GET", "POST"])
@login_required
def register(slug: str):
    """Register the signed-in user's organisation, or change its registration while registration is open."""
    item = campaign_reports.campaign(current_user, slug)
    if current_user.organization is None:
        abort(403)
    registration = campaigns.registration_of(current_user.organization, item)
    form = RegistrationForm(current_user.organization, item)
    if registration is not None and not form.is_submitted():
        form.fill(registration)
    action = (campaigns.update_registration, registration) if registration else (campaigns.register_for_campaign, item)
    if form.validate_on_submit() and run_service(form, action[0], current_user, action[1], **form.service_data()):
        flash(_("%(name)s is registered for %(title)s.", name=current_user.organization.name, title=item.title),
              "success")
        return redirect(url_for("campaigns.detail", slug=item.slug))
    return render_template("form_page.html", form=form, title=_("Register for %(title)s", title=item.title))


@bp.post("/campaigns/<slug>/register/withdraw")
@login_required
def withdraw(slug: str):
    """Withdraw the signed-in user's organisation from a campaign while registration is open."""
    item = campaign_reports.campaign(current_user, slug)
    registration = campaigns.registration_of(getattr(current_user, "organization", None), item)
    if registration is None:
        abort(404)
    if run_service(None, campaigns.withdraw_registration, current_user, registration):
        flash(_("%(name)s is no longer registered for %(title)s.", name=current_user.organization.name,
                title=item.title), "success")
    return redirect(url_for("campaigns.detail", slug=item.slug))


@bp.post("/campaigns/<slug>/meetings/<int:meeting_id>/<any(accept, decline):answer>")
@login_required
def respond(slug: str, meeting_id: int, answer: str):
    """Accept or decline a proposed meeting (its participants)."""
    meeting = campaigns.meeting_in(campaign_reports.campaign(current_user, slug), meeting_id)
    if run_service(None, campaigns.respond_to_meeting, current_user, meeting, answer == "accept"):
        flash(_("Meeting accepted.") if answer == "accept" else _("Meeting declined; the other side is told."),
              "success")
    return redirect(url_for("campaigns.detail", slug=slug, _anchor="meetings"))


@bp.post("/campaigns/<slug>/meetings/<int:meeting_id>/outcome")
@login_required
def outcome(slug: str, meeting_id: int):
    """Record whether a meeting was held and reached an agreement (officials)."""
    meeting = campaigns.meeting_in(campaign_reports.campaign(current_user, slug), meeting_id)
    form = OutcomeForm()
    if not form.validate():
        flash(_("Choose whether the meeting was held."), "error")
    elif run_service(None, campaigns.record_meeting_outcome, current_user, meeting,
                     outcome=MeetingOutcome(form.outcome.data), agreement=form.agreement.data, note=form.note.data):
        flash(_("Outcome recorded."), "success")
    return redirect(url_for("campaigns.detail", slug=slug, _anchor=f"meeting-{meeting.id}"))


@bp.get("/campaigns/<slug>/report")
def report(slug: str):
    """Show the campaign's participants, meetings and agreements, overall and by industry, with charts."""
    item = campaign_reports.campaign(current_user, slug)
    return render_template("campaigns/report.html", item=item, report=campaign_reports.campaign_report(item))


@bp.get("/campaigns/<slug>/report.csv")
def report_csv(slug: str):
    """Download the campaign's counts by industry as CSV."""
    item = campaign_reports.campaign(current_user, slug)
    data = campaign_reports.campaign_report(item)
    columns = campaign_reports.REPORT_COLUMNS
    rows = [[industry.name, *(counts[c] for c in columns)] for industry, counts in data["by_industry"]]
    rows.append([_("All industries"), *(data["totals"][c] for c in columns)])
    return csv_response(f"{item.slug}-report.csv", ["industry", *columns], rows)


@bp.get("/campaigns/<slug>/participants.csv")
@login_required
def participants_csv(slug: str):
    """Download the named participants and their meetings as CSV (officials)."""
    item = campaign_reports.campaign(current_user, slug)
    header = ["organisation", "kind", "region", "brings", "max_meetings", "proposed", "accepted", "held", "agreements"]
    return csv_response(f"{item.slug}-participants.csv", header,
                        campaign_reports.participant_rows(current_user, item))

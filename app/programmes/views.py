"""programmes views: the programmes list, a programme with members, partners and progress, batch matching,
consortium."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.programmes import bp
from app.programmes.forms import MemberForm, PartnerForm, ProgrammeForm
from app.services import permissions as perm
from app.services import pilots
from app.services import programmes
from app.webforms import run_service

__all__ = ["bp"]


@bp.get("/programmes")
@login_required
def index():
    """List the programmes the signed-in user takes part in (officials: all)."""
    return render_template("programmes/index.html", items=programmes.visible_programmes(current_user))


@bp.route("/programmes/new", methods=["GET", "POST"])
@login_required
def new():
    """Start a programme (officials name the leading enterprise; an enterprise member leads with their own)."""
    perm.require(perm.can_start_programme(current_user))
    form = ProgrammeForm(official=perm.is_official(current_user))
    programme = form.validate_on_submit() and run_service(form, programmes.create_programme, current_user,
                                                          **form.service_data())
    if programme:
        flash(_("The programme has started."), "success")
        return redirect(url_for("programmes.detail", slug=programme.slug))
    return render_template("form_page.html", form=form, title=_l("Start a Chain-Net programme"))


@bp.get("/programmes/<slug>")
@login_required
def detail(slug: str):
    """Show a programme: lead, members with their progress, solution partners, needs."""
    return _detail_page(programmes.get_programme(current_user, slug))


def _detail_page(programme, member_form: MemberForm | None = None, partner_form: PartnerForm | None = None):
    return render_template("programmes/detail.html", programme=programme, member_form=member_form or MemberForm(),
                           partner_form=partner_form or PartnerForm(), needs=programmes.live_needs(programme),
                           progress=programmes.progress(current_user, programme),
                           pilots=pilots.list_open_scenarios(current_user, programme))


@bp.post("/programmes/<slug>/members")
@login_required
def add_member(slug: str):
    """Add an enterprise of the supply chain at a tier."""
    programme = programmes.get_programme(current_user, slug)
    form = MemberForm()
    member = form.validate() and run_service(form, programmes.add_member, current_user, programme,
                                             form.organization.data, form.tier.data)
    if member:
        flash(_("%(name)s has joined the programme.", name=member.organization.name), "success")
        return redirect(url_for("programmes.detail", slug=slug))
    return _detail_page(programme, member_form=form), 422


@bp.post("/programmes/<slug>/members/<org_slug>/remove")
@login_required
def remove_member(slug: str, org_slug: str):
    """Remove a member; its needs stay posted, outside the programme."""
    programme = programmes.get_programme(current_user, slug)
    if run_service(None, programmes.remove_member, current_user, programme, org_slug):
        flash(_("The member has left the programme."), "success")
    return redirect(url_for("programmes.detail", slug=slug))


@bp.post("/programmes/<slug>/partners")
@login_required
def add_partner(slug: str):
    """Add a provider as a solution partner of the programme."""
    programme = programmes.get_programme(current_user, slug)
    form = PartnerForm()
    partner = form.validate() and run_service(form, programmes.add_partner, current_user, programme,
                                              form.provider.data)
    if partner:
        flash(_("%(name)s is now a solution partner of the programme.", name=partner.organization.name), "success")
        return redirect(url_for("programmes.detail", slug=slug, _anchor="partners"))
    return _detail_page(programme, partner_form=form), 422


@bp.post("/programmes/<slug>/partners/<org_slug>/remove")
@login_required
def remove_partner(slug: str, org_slug: str):
    """Remove a solution partner; its proposals stay with their scenarios."""
    programme = programmes.get_programme(current_user, slug)
    if run_service(None, programmes.remove_partner, current_user, programme, org_slug):
        flash(_("The solution partner has left the programme."), "success")
    return redirect(url_for("programmes.detail", slug=slug, _anchor="partners"))


@bp.post("/programmes/<slug>/match")
@login_required
def match(slug: str):
    """Recompute the matches of every open need of the programme."""
    programme = programmes.get_programme(current_user, slug)
    count = run_service(None, programmes.match_programme, current_user, programme)
    if count is not None:
        flash(_("Matched %(n)d open need(s).", n=count), "success")
    return redirect(url_for("programmes.consortium", slug=slug))


@bp.get("/programmes/<slug>/consortium")
@login_required
def consortium(slug: str):
    """Providers ranked by how many members' needs they cover, and the smallest set covering the most."""
    programme = programmes.get_programme(current_user, slug)
    return render_template("programmes/consortium.html", programme=programme,
                           result=programmes.consortium(current_user, programme))

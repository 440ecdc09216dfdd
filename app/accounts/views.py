"""accounts views: register, sign in and out, reset a password, edit the profile."""
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import bp
from app.accounts.forms import (
    LoginForm,
    PasswordForm,
    ProfileForm,
    RegisterForm,
    ResetForm,
    ResetRequestForm,
    TokenForm,
)
from app.errors import AccountLocked
from app.extensions import limiter
from app.i18n import normalize_locale
from app.models import TokenScope, UserRole
from app.services import accounts, tokens
from app.services.mail import send_mail
from app.webforms import fill_form, run_service, safe_next

__all__ = ["bp"]


def _post_limit(setting: str, scope: str | None = None):
    """Limit POSTs per client address by the rate in config[setting]; routes with one scope share a counter."""
    limit = (lambda: current_app.config[setting])
    if scope:
        return limiter.shared_limit(limit, scope=scope, methods=["POST"])
    return limiter.limit(limit, methods=["POST"])


@bp.route("/register", methods=["GET", "POST"])
@_post_limit("RATELIMIT_REGISTER")
def register():
    """Register an enterprise or provider member with a new organisation, then sign in."""
    form = RegisterForm()
    if form.validate_on_submit():
        user = run_service(form, accounts.register_user, email=form.email.data, name=form.name.data,
                           password=form.password.data, role=UserRole(form.role.data),
                           organization_name=form.organization_name.data, region=form.region.data or "")
        if user:
            login_user(user)
            flash(_("Welcome to ChainMatch, %(name)s.", name=user.name), "success")
            return redirect(url_for("web.index"))
    return render_template("accounts/register.html", form=form, title=_l("Create an account"))


@bp.route("/login", methods=["GET", "POST"])
@_post_limit("RATELIMIT_LOGIN")
def login():
    """Sign in with e-mail and password; repeated failures lock the account for a while."""
    form = LoginForm()
    user = _authenticate(form) if form.validate_on_submit() else None
    if user:
        login_user(user)
        return redirect(safe_next(url_for("web.index")))
    return render_template("accounts/login.html", form=form, title=_l("Sign in"))


def _authenticate(form: LoginForm):
    """Return the user for the form's credentials, or None after telling the visitor why not."""
    try:
        user = accounts.authenticate(form.email.data, form.password.data)
    except AccountLocked as error:
        flash(error.message, "error")
        return None
    if user is None:
        form.password.errors.append(_("Wrong e-mail or password."))
    return user


@bp.post("/logout")
def logout():
    """Sign out of this session."""
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("web.index"))


@bp.route("/reset", methods=["GET", "POST"])
@_post_limit("RATELIMIT_RESET", scope="password-reset")
def reset_request():
    """Send a password reset link; the answer never reveals whether the e-mail is registered."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        token = accounts.request_password_reset(form.email.data)
        if token:  # mail goes to the log until MAIL_SERVER is set
            link = url_for("accounts.reset", token=token, _external=True)
            send_mail(form.email.data, _("Reset your ChainMatch password"),
                      _("Password reset link (valid for two hours, once): %(link)s", link=link))
        flash(_("If this e-mail is registered, a reset link is on its way."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("form_page.html", form=form, title=_l("Reset your password"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
@_post_limit("RATELIMIT_RESET", scope="password-reset")
def reset(token: str):
    """Set a new password with a reset link."""
    form = ResetForm()
    if form.validate_on_submit() and run_service(form, accounts.reset_password, token, form.password.data):
        flash(_("Your password has been changed. Please sign in."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("form_page.html", form=form, title=_l("Choose a new password"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """Edit the signed-in user's name and language."""
    form, password_form = ProfileForm(), PasswordForm()
    if not form.is_submitted():
        fill_form(form, current_user)
        form.locale.data = normalize_locale(current_user.locale)  # "zh" was stored before zh_Hans
    elif form.validate() and run_service(form, accounts.update_profile, current_user, name=form.name.data,
                                         locale=form.locale.data):
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("accounts.profile"))
    return _profile_page(form=form, password_form=password_form)


def _profile_page(form=None, password_form=None, token_form=None, new_secret: str | None = None):
    """Render the profile page: name and language, password, API tokens."""
    if form is None:
        form = ProfileForm(formdata=None)
        fill_form(form, current_user)
    return render_template("accounts/profile.html", form=form, password_form=password_form or PasswordForm(),
                           token_form=token_form or TokenForm(formdata=None), tokens=tokens.tokens_of(current_user),
                           new_secret=new_secret)


@bp.post("/profile/tokens")
@login_required
def create_token():
    """Create a personal API token; its secret is shown on this page once and never again."""
    form = TokenForm()
    created = form.validate() and run_service(form, tokens.create_token, current_user, name=form.name.data,
                                              scope=TokenScope(form.scope.data))
    if created:
        flash(_("Copy the token now: it will not be shown again."), "success")
        return _profile_page(new_secret=created[1])
    return _profile_page(token_form=form)


@bp.post("/profile/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    """Revoke one of the signed-in user's API tokens."""
    tokens.revoke_token(current_user, token_id)
    flash(_("The token is revoked."), "success")
    return redirect(url_for("accounts.profile"))


@bp.post("/profile/password")
@login_required
def change_password():
    """Change the signed-in user's password; other sessions end, this one stays."""
    form, password_form = ProfileForm(), PasswordForm()
    fill_form(form, current_user)
    if password_form.validate() and run_service(password_form, accounts.change_password, current_user,
                                                password_form.current_password.data, password_form.password.data):
        login_user(current_user._get_current_object())
        flash(_("Your password has been changed."), "success")
        return redirect(url_for("accounts.profile"))
    return _profile_page(form=form, password_form=password_form)

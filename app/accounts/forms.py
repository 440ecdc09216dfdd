"""accounts forms: shape checks only; the accounts service checks the rest."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from app.i18n import LANGUAGE_NAMES
from app.models import TokenScope, UserRole
from app.webforms import choices


def _email():
    return EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])


def _new_password(text=None):
    return PasswordField(text or _l("Password"), validators=[DataRequired(), Length(max=200)],
                         description=_l("At least 10 characters."))


def _confirm():
    return PasswordField(_l("Repeat the password"),
                         validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))])


class RegisterForm(FlaskForm):
    role = RadioField(_l("I represent"), validators=[DataRequired()],
                      choices=choices([(UserRole.ENTERPRISE.value, _l("an industrial enterprise with needs")),
                                       (UserRole.PROVIDER.value, _l("a provider of intelligent solutions"))]))
    organization_name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=300)])
    region = StringField(_l("Region (province)"), validators=[Optional(), Length(max=100)])
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    email = _email()
    password = _new_password()
    confirm = _confirm()
    submit = SubmitField(_l("Create account"))


class LoginForm(FlaskForm):
    email = _email()
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    submit = SubmitField(_l("Sign in"))


class ResetRequestForm(FlaskForm):
    email = _email()
    submit = SubmitField(_l("Send reset link"))


class ResetForm(FlaskForm):
    password = _new_password(_l("New password"))
    confirm = _confirm()
    submit = SubmitField(_l("Set new password"))


class ProfileForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    locale = SelectField(_l("Language"), choices=choices(LANGUAGE_NAMES.items(),
                                                          blank=_l("Browser default")))
    submit = SubmitField(_l("Save profile"))


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = _new_password(_l("New password"))
    confirm = _confirm()
    submit = SubmitField(_l("Change password"))


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)],
                       description=_l("What the token is for, e.g. \"ERP sync\"."))
    scope = RadioField(_l("Scope"), default=TokenScope.READ.value,
                       choices=[(TokenScope.READ.value, _l("Read: see what you may see")),
                                (TokenScope.WRITE.value, _l("Write: also change what you may change"))])
    submit = SubmitField(_l("Create token"))

"""matches forms: move a match along its lifecycle (shape checks only)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.models import DeclineReason, MatchState
from app.webforms import enum_choices


class AdvanceForm(FlaskForm):
    state = SelectField(_l("Move to"), validators=[DataRequired()], choices=enum_choices(MatchState))
    reason = SelectField(_l("Reason (when you decline)"), choices=enum_choices(DeclineReason, blank=_l("No reason")),
                         default="")
    note = TextAreaField(_l("Note (optional; required for “Other reason”)"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save"))


class StateFilterForm(FlaskForm):
    """A GET filter of the matches list by state (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    state = SelectField(_l("State"), choices=enum_choices(MatchState, blank=_l("All states")))

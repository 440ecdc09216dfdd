"""campaigns forms: filter, create / edit a campaign, register, record a meeting's outcome (shape checks only)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, SelectMultipleField, StringField, \
    SubmitField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.models import MeetingOutcome, OrgKind
from app.services import campaign_reports, directory
from app.webforms import CatalogForm, FilterForm, choices, enum_choices, industries_field

PRIORITY_CHOICES = 3


class CampaignFilterForm(FilterForm):
    city = SelectField(_l("City"), choices=[])

    def __init__(self, cities: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.city.choices = choices(((c, c) for c in cities), blank=_l("All cities"))


class CampaignForm(CatalogForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=100)])
    park = StringField(_l("Industrial park (optional)"), validators=[Optional(), Length(max=200)])
    event_date = DateField(_l("Date"), validators=[InputRequired()])
    venue = StringField(_l("Venue"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("About the event"), validators=[Optional(), Length(max=20000)])
    industries = industries_field(_l("Industries"))
    start_time = TimeField(_l("First meeting starts at"), validators=[InputRequired()])
    slot_minutes = IntegerField(_l("Minutes per meeting"), validators=[InputRequired(), NumberRange(min=5, max=240)])
    slot_count = IntegerField(_l("Number of time slots"), validators=[InputRequired(), NumberRange(min=1, max=48)])
    table_count = IntegerField(_l("Number of tables"), validators=[InputRequired(), NumberRange(min=1, max=500)])
    submit = SubmitField(_l("Save"))

    def service_data(self) -> dict:
        """Return the campaign fields as the campaigns service takes them."""
        data = {name: self[name].data for name in ("title", "city", "event_date", "venue", "industries",
                                                   "start_time", "slot_minutes", "slot_count", "table_count")}
        return {**data, "park": self.park.data or "", "description": self.description.data or ""}


class RegistrationForm(FlaskForm):
    """What an organisation brings: needs (enterprise) or solutions (provider), a limit, ranked wishes."""

    needs = SelectMultipleField(_l("Needs you bring"), choices=[], coerce=int,
                                description=_l("Hold Ctrl (or Cmd) to choose several."))
    solutions = SelectMultipleField(_l("Solutions you bring"), choices=[], coerce=int,
                                    description=_l("Hold Ctrl (or Cmd) to choose several."))
    max_meetings = IntegerField(_l("Most meetings you want"), validators=[InputRequired(), NumberRange(min=1)])
    priority_1 = SelectField(_l("Provider you most want to meet"), choices=[], default="")
    priority_2 = SelectField(_l("Second choice"), choices=[], default="")
    priority_3 = SelectField(_l("Third choice"), choices=[], default="")
    submit = SubmitField(_l("Register"))

    def __init__(self, org, campaign, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._needs = {n.id: n for n in campaign_reports.open_needs_of(org)}
        self._solutions = {s.id: s for s in directory.solutions_of(org)} if org.kind == OrgKind.PROVIDER else {}
        self._providers = {str(r.organization.id): r.organization
                           for r in campaign_reports.registered(campaign, OrgKind.PROVIDER)}
        self.needs.choices = [(n.id, n.title) for n in self._needs.values()]
        self.solutions.choices = [(s.id, s.title) for s in self._solutions.values()]
        for field in self._priority_fields():
            field.choices = choices(((k, o.name) for k, o in self._providers.items()), blank=_l("No preference"))
        unused = ("solutions",) if org.kind == OrgKind.ENTERPRISE else ("needs", *self._priority_names())
        for name in unused:
            delattr(self, name)

    @staticmethod
    def _priority_names() -> tuple[str, ...]:
        return tuple(f"priority_{n}" for n in range(1, PRIORITY_CHOICES + 1))

    def _priority_fields(self) -> list:
        return [self[name] for name in self._priority_names() if name in self]

    def fill(self, registration) -> None:
        """Show a registration's current choices."""
        self.max_meetings.data = registration.max_meetings
        if "needs" in self:
            self.needs.data = [n.id for n in registration.needs]
        if "solutions" in self:
            self.solutions.data = [s.id for s in registration.solutions]
        for field, org_id in zip(self._priority_fields(), registration.priorities, strict=False):
            field.data = str(org_id)

    def service_data(self) -> dict:
        """Return the registration as the campaigns service takes it."""
        wishes = [self._providers[f.data] for f in self._priority_fields() if f.data]
        return {"needs": [self._needs[i] for i in (self.needs.data if "needs" in self else [])],
                "solutions": [self._solutions[i] for i in (self.solutions.data if "solutions" in self else [])],
                "max_meetings": self.max_meetings.data, "priorities": wishes}


class OutcomeForm(FlaskForm):
    outcome = SelectField(_l("Meeting"), choices=enum_choices(MeetingOutcome), validators=[DataRequired()])
    agreement = BooleanField(_l("Agreement reached"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Record"))

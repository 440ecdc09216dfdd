"""pilots forms: open a scenario, propose, score, ask (shape checks only)."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.models import PilotVisibility
from app.services import pilots
from app.webforms import CatalogForm, choices, industry_field, scenarios_field

_CRITERION = re.compile(r"^\s*(?P<name>.+?)\s*[:：]\s*(?P<weight>\d{1,3})\s*$")


class CriteriaField(TextAreaField):
    """One criterion a line, written "name: weight"; data is [{"name", "weight"}]."""

    def process_formdata(self, valuelist):
        self.data = []
        lines = [line for line in (valuelist[0] if valuelist else "").splitlines() if line.strip()]
        for line in lines:
            found = _CRITERION.match(line)
            if not found:
                raise ValueError(_l("Write each criterion as “name: weight”, e.g. “Detection rate: 40”."))
            self.data.append({"name": found["name"], "weight": int(found["weight"])})

    def _value(self) -> str:
        return "\n".join(f"{c['name']}: {c['weight']}" for c in self.data or [])


class OpenScenarioForm(CatalogForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    problem = TextAreaField(_l("The problem"), validators=[DataRequired(), Length(max=20000)])
    site = StringField(_l("Site (plant, line)"), validators=[DataRequired(), Length(max=300)])
    data_access = TextAreaField(_l("Data access offered"), validators=[Optional(), Length(max=5000)])
    criteria = CriteriaField(_l("Evaluation criteria"), validators=[DataRequired()],
                             description=_l("One a line as “name: weight”; the weights add up to 100."))
    deadline = DateField(_l("Deadline for proposals"), validators=[DataRequired()])
    industry = industry_field(_l("Industry"))
    scenarios = scenarios_field(_l("Application scenarios (optional)"))
    visibility = SelectField(_l("Who may propose"),
                             choices=[(PilotVisibility.PUBLIC.value, _l("Every provider")),
                                      (PilotVisibility.INVITED.value, _l("Invited providers only")),
                                      (PilotVisibility.PROGRAMME.value, _l("Programme members only"))])
    invitees = SelectMultipleField(_l("Invited providers"), choices=[],
                                   description=_l("Only for invitation-only scenarios."))
    # Any slug passes the shape check: the pilots service decides which programmes the enterprise may choose.
    programme = SelectField(_l("Programme"), choices=[], validate_choice=False,
                            description=_l("Only for programme-only scenarios: the programme's enterprises see the "
                                           "scenario and its solution partners propose."))
    submit = SubmitField(_l("Open the scenario"))

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.invitees.choices = choices((o.slug, o.name) for o in pilots.provider_organisations())
        if "programme" in self:  # not when editing (EditScenarioForm)
            self.programme.choices = choices(((p.slug, p.name) for p in programmes), blank=_l("Choose a programme"))

    def service_data(self) -> dict:
        """Return the fields as the pilots service takes them."""
        names = ("title", "problem", "site", "data_access", "criteria", "deadline", "industry", "scenarios", "invitees")
        return {**{n: self[n].data for n in names}, "visibility": PilotVisibility(self.visibility.data),
                "programme": self.programme.data or None}


class EditScenarioForm(OpenScenarioForm):
    """Edit an open scenario: who may see it stays (an invitation-only one may invite other providers)."""
    visibility = None
    programme = None
    submit = SubmitField(_l("Save the scenario"))

    def __init__(self, *args, scenario, **kwargs):
        super().__init__(*args, **kwargs)
        if scenario.visibility != PilotVisibility.INVITED:
            del self.invitees

    def service_data(self) -> dict:
        names = ("title", "problem", "site", "data_access", "criteria", "deadline", "industry", "scenarios",
                 "invitees")
        return {n: self[n].data for n in names if n in self}


def _id_or_none(value) -> int | None:
    """A chosen record id; None for the blank choice (the field's InputRequired then says so)."""
    return None if value in ("", None) else int(value)


class ProposalForm(FlaskForm):
    # Any id passes the shape check: the pilots service decides which solutions the provider may offer.
    solution = SelectField(_l("Solution offered"), coerce=_id_or_none, choices=[], validate_choice=False,
                           validators=[InputRequired()], description=_l("One of your organisation's solutions."))
    approach = TextAreaField(_l("Approach"), validators=[DataRequired(), Length(max=20000)])
    team = TextAreaField(_l("Team"), validators=[DataRequired(), Length(max=5000)])
    timeline = TextAreaField(_l("Timeline"), validators=[DataRequired(), Length(max=5000)])
    price = IntegerField(_l("Price (CNY)"), validators=[InputRequired(), NumberRange(min=0)])
    cases = SelectMultipleField(_l("Reference cases"), coerce=int, choices=[],
                                description=_l("From your organisation's published case studies."))
    submit = SubmitField(_l("Submit the proposal"))

    def __init__(self, cases, solutions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases.choices = [(c.id, c.title) for c in cases]
        self.solution.choices = choices(((s.id, s.title) for s in solutions), blank=_l("Choose a solution"))

    def service_data(self) -> dict:
        return {n: self[n].data for n in ("solution", "approach", "team", "timeline", "price", "cases")}


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Your question or answer"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Send"))


def score_form(criteria: list[dict], scores: dict, formdata=None) -> FlaskForm:
    """Return a form with one 0–5 score field per criterion (named c0, c1, …), filled with the scores so far."""
    class ScoreForm(FlaskForm):
        submit = SubmitField(_l("Save scores"))

    for n, criterion in enumerate(criteria):
        setattr(ScoreForm, f"c{n}", IntegerField(criterion["name"], default=scores.get(criterion["name"]),
                                                 validators=[InputRequired(), NumberRange(min=0, max=5)]))
    return ScoreForm(formdata=formdata)

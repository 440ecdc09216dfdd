"""cases forms: filter, submit / edit a case study, publish (shape checks only)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.services import directory
from app.webforms import CatalogForm, FilterForm, choices, industry_choices, industry_field, scenarios_field


class CaseFilterForm(FilterForm):
    industry = SelectField(_l("Industry"), choices=[])
    exemplary = BooleanField(_l("Exemplary cases only"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.industry.choices = industry_choices(blank=_l("All industries"))


class CaseForm(CatalogForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    client = StringField(_l("Client"), validators=[DataRequired(), Length(max=300)])
    industry = industry_field(_l("Industry"))
    scenarios = scenarios_field(_l("Application scenarios"))
    summary = TextAreaField(_l("Summary"), validators=[DataRequired(), Length(max=20000)])
    results = TextAreaField(_l("Results"), validators=[DataRequired(), Length(max=20000)])
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=1950, max=2100)])
    solution = SelectField(_l("Solution used"), choices=[])
    submit = SubmitField(_l("Submit for review"))

    def __init__(self, provider=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.solution.choices = choices(((s.slug, s.title) for s in directory.solutions_of(provider)),
                                        blank=_l("None of our listed solutions"))

    def service_data(self) -> dict:
        """Return the case fields as the cases service takes them."""
        data = {name: self[name].data for name in ("title", "client", "industry", "scenarios", "summary",
                                                   "results", "year")}
        return {**data, "solution": directory.solution(self.solution.data) if self.solution.data else None}


class PublishForm(FlaskForm):
    exemplary = BooleanField(_l("Select as an exemplary case"))
    submit = SubmitField(_l("Publish"))

"""needs forms: filter, post / edit a need, mark a match (shape checks only)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.models import MatchMark
from app.webforms import CatalogForm, FilterForm, choices, enum_choices, industry_choices, industry_field, \
    money_field, scenarios_field


class NeedFilterForm(FilterForm):
    q = StringField(_l("Search"), validators=[Optional(), Length(max=200)])
    industry = SelectField(_l("Industry"), choices=[])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=100)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.industry.choices = industry_choices(blank=_l("All industries"))


class NeedForm(CatalogForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("What do you need solved?"), validators=[DataRequired(), Length(max=20000)],
                                description=_l("The problem in your own words: process, data, constraints."))
    industry = industry_field(_l("Industry"))
    scenarios = scenarios_field(_l("Application scenarios (optional)"))
    region = StringField(_l("Region (province)"), validators=[Optional(), Length(max=100)])
    budget_min = money_field(_l("Budget from (CNY)"))
    budget_max = money_field(_l("Budget up to (CNY)"))
    deadline = DateField(_l("Deadline"), validators=[Optional()])
    # Any slug passes the shape check: the needs service decides who may post into which programme.
    programme = SelectField(_l("Chain-Net programme (optional)"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Save"))
    check = SubmitField(_l("Check my need"))

    def offer_programmes(self, programmes, current=None) -> "NeedForm":
        """Offer the programmes the user takes part in (and the need's current one)."""
        offered = {p.slug: p.name for p in [*programmes, *([current] if current else [])]}
        self.programme.choices = choices(offered.items(), blank=_l("None"))
        return self

    def service_data(self) -> dict:
        """Return the need fields as the needs service takes them."""
        data = {name: self[name].data for name in ("title", "description", "industry", "scenarios", "budget_min",
                                                   "budget_max", "deadline")}
        return {**data, "region": self.region.data or "", "programme": self.programme.data or None}

    def assist_data(self) -> dict:
        """Return what the intake assistant reads (the form may be half filled in)."""
        data = {name: self[name].data for name in ("industry", "budget_min", "budget_max", "deadline")}
        return {**data, "industry": data["industry"] or None, "title": self.title.data or "",
                "description": self.description.data or ""}


class NewNeedForm(NeedForm):
    post_anyway = BooleanField(_l("It is not a duplicate: post it anyway"))
    submit = SubmitField(_l("Publish"))
    save_draft = SubmitField(_l("Save as draft"))
    check = SubmitField(_l("Check my need"))


class MarkForm(FlaskForm):
    mark = SelectField(_l("Your assessment"), choices=enum_choices(MatchMark, blank=_l("Not assessed")))
    submit = SubmitField(_l("Save"))

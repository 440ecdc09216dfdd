"""catalog forms: the standards filter; the officials' curation of scenarios, product categories, standards."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.webforms import (
    CatalogForm,
    CommaListField,
    FilterForm,
    choices,
    industries_field,
    industry_choices,
    localized,
    scenarios_field,
)


class StandardsFilterForm(FilterForm):
    industry = SelectField(_l("Industry"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.industry.choices = industry_choices(blank=_l("All industries"))


class CurationFilterForm(FilterForm):
    industry = SelectField(_l("Industry"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.industry.choices = choices([("cross", _l("Cross-industry"))], blank=_l("All industries")) \
            + industry_choices()


class EntryForm(CatalogForm):
    """The fields every catalogue entry form shares; service_data() hands them to the curation service."""

    def service_data(self) -> dict:
        return {name: f.data for name, f in self._fields.items() if f.type not in ("CSRFTokenField", "SubmitField")}


class ScenarioForm(EntryForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[Length(max=200)])
    industry = SelectField(_l("Industry"), choices=[])
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)])
    description_zh = TextAreaField(_l("Description (Chinese)"), validators=[Length(max=20000)])
    technologies = CommaListField(_l("Typical technologies"), description=_l("Separate them with commas."))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.industry.choices = industry_choices(blank=_l("Cross-industry (every industry)"))


class CategoryForm(EntryForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)])
    submit = SubmitField(_l("Save"))


class StandardForm(EntryForm):
    number = StringField(_l("Number"), validators=[DataRequired(), Length(max=120)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=400)])
    issuer = StringField(_l("Issuer"), validators=[Length(max=200)])
    industries = industries_field(_l("Industries (none: every industry)"))
    scenarios = scenarios_field(_l("Scenarios it concerns"))
    submit = SubmitField(_l("Save"))


class MergeForm(FlaskForm):
    kept = SelectField(_l("Keep this entry"), choices=[], validators=[DataRequired()],
                       description=_l("Every need, solution, product, case and standard citing the duplicate "
                                      "moves to it; the duplicate is retired."))
    submit = SubmitField(_l("Merge"))

    def __init__(self, entries, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept.choices = choices(((e.slug, f"{getattr(e, 'number', '') or localized(e)} ({e.slug})")
                                     for e in entries), blank=_l("Choose the entry to keep"))

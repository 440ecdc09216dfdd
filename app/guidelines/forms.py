"""guidelines forms: edit a version, pick two versions to compare (shape checks only)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.services import directory
from app.services.guidelines import exemplary_case_choices
from app.webforms import CatalogForm, choices, localized, scenarios_field

_HINT = _l("Hold Ctrl (or Cmd) to choose several.")


class GuidelineForm(CatalogForm):
    situation = TextAreaField(_l("Situation of the industry"), validators=[Optional(), Length(max=20000)])
    scenarios = scenarios_field(_l("Priority scenarios"))
    architecture = TextAreaField(_l("Reference architecture"), validators=[Optional(), Length(max=20000)])
    categories = SelectMultipleField(_l("Recommended product categories"), choices=[], description=_HINT)
    standards = SelectMultipleField(_l("Applicable standards"), choices=[], description=_HINT)
    cases = SelectMultipleField(_l("Exemplary cases"), choices=[], description=_HINT)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories.choices = choices((c.slug, localized(c)) for c in directory.product_categories())
        self.standards.choices = choices((s.slug, f"{s.number} {s.title}") for s in directory.standards())
        self.cases.choices = choices((c.slug, c.title) for c in exemplary_case_choices())

    def service_data(self) -> dict:
        return {n: self[n].data for n in ("situation", "architecture", "scenarios", "categories", "standards",
                                          "cases")}


class CompareForm(FlaskForm):
    class Meta:
        csrf = False

    old = IntegerField(_l("Older version"), validators=[InputRequired(), NumberRange(min=1)])
    new = IntegerField(_l("Newer version"), validators=[InputRequired(), NumberRange(min=1)])

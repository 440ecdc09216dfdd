"""catalog forms: the standards filter."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from app.webforms import FilterForm, industry_choices


class StandardsFilterForm(FilterForm):
    industry = SelectField(_l("Industry"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.industry.choices = industry_choices(blank=_l("All industries"))

"""Search forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import Length


class SaveSearchForm(FlaskForm):
    name = StringField(_l("Name this search"), validators=[Length(max=120)])
    query = HiddenField()

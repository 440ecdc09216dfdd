"""admin forms: the audit log filter."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from app.webforms import FilterForm


class AuditFilterForm(FilterForm):
    who = StringField(_l("User (e-mail or name; “system”)"), validators=[Optional(), Length(max=200)])
    action = SelectField(_l("Action"), choices=[], validate_choice=False)
    entity = SelectField(_l("Object type"), choices=[], validate_choice=False)
    entity_id = IntegerField(_l("Object id"), validators=[Optional(), NumberRange(min=1)])
    since = DateField(_l("From (date)"), validators=[Optional()])
    until = DateField(_l("Until (date)"), validators=[Optional()])

    def __init__(self, actions: list[str], entities: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [("", _l("All actions"))] + [(a, a) for a in actions]
        self.entity.choices = [("", _l("All object types"))] + [(e, e) for e in entities]

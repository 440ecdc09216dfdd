"""programmes forms: start a programme, add a member or a solution partner (shape checks only)."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.extensions import db
from app.models import Organization, OrgKind
from app.models.programmes import TIERS
from app.webforms import CatalogForm, choices, industry_field


def organisation_choices(kind: OrgKind, blank=None):
    """Every live organisation of that kind (enterprises or providers), by name."""
    rows = db.session.execute(sa.select(Organization.slug, Organization.name).where(
        Organization.kind == kind, Organization.deleted_at.is_(None)).order_by(Organization.name))
    return choices(rows, blank)


def enterprise_choices(blank=None):
    """Every enterprise, by name."""
    return organisation_choices(OrgKind.ENTERPRISE, blank)


class ProgrammeForm(CatalogForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    industry = industry_field(_l("Industry"))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    lead = SelectField(_l("Leading enterprise"), choices=[],
                       description=_l("Officials choose the leading enterprise; an enterprise leads its own."))
    submit = SubmitField(_l("Start the programme"))

    def __init__(self, *args, official: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if official:
            self.lead.choices = enterprise_choices()
            self.lead.validators = [DataRequired()]
        else:
            del self.lead

    def service_data(self) -> dict:
        """Return the fields as the programmes service takes them."""
        data = {"name": self.name.data, "industry": self.industry.data, "description": self.description.data or ""}
        return {**data, "lead": self.lead.data} if "lead" in self else data


class MemberForm(FlaskForm):
    organization = SelectField(_l("Enterprise"), choices=[], validators=[DataRequired()])
    tier = SelectField(_l("Supply-chain tier"), choices=choices((t, _l("Tier %(n)d", n=t)) for t in TIERS),
                       coerce=int)
    submit = SubmitField(_l("Add member"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization.choices = enterprise_choices(blank=_l("Choose an enterprise"))


class PartnerForm(FlaskForm):
    provider = SelectField(_l("Provider"), choices=[], validators=[DataRequired()],
                           description=_l("Solution partners propose for the programme's pilot scenarios."))
    submit = SubmitField(_l("Add solution partner"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.provider.choices = organisation_choices(OrgKind.PROVIDER, blank=_l("Choose a provider"))

"""providers forms: directory filter, provider profile, solution, product (shape checks only)."""
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, URL

from app.i18n import region
from app.models import Deployment, OrgSize
from app.services import directory
from app.webforms import (
    CatalogForm,
    CommaListField,
    FilterForm,
    choices,
    enum_choices,
    enum_or_none,
    industries_field,
    industry_choices,
    localized,
    money_field,
    scenarios_field,
)


class ProviderFilterForm(FilterForm):
    q = StringField(_l("Search"), validators=[Optional(), Length(max=200)])
    industry = SelectField(_l("Industry"), choices=[])
    region = SelectField(_l("Region"), choices=[])
    size = SelectField(_l("Size"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.industry.choices = industry_choices(blank=_l("All industries"))
        self.region.choices = choices(((r, region(r)) for r in directory.provider_regions()), blank=_l("All regions"))
        self.size.choices = enum_choices(OrgSize, blank=_l("Any size"))


class ProfileForm(CatalogForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    region = StringField(_l("Region (province)"), validators=[Optional(), Length(max=100)])
    size = SelectField(_l("Size"), choices=enum_choices(OrgSize, blank=_l("Not stated")))
    website = URLField(_l("Website"), validators=[Optional(), URL(), Length(max=300)])
    founded = IntegerField(_l("Year founded"), validators=[Optional(), NumberRange(min=1800, max=2100)])
    industries = industries_field(_l("Industries served"))
    submit = SubmitField(_l("Save profile"))

    def service_data(self) -> dict:
        """Return the profile fields as the offers service takes them."""
        return {"name": self.name.data, "description": self.description.data or "",
                "region": self.region.data or "", "size": enum_or_none(OrgSize, self.size.data),
                "website": self.website.data or None, "founded": self.founded.data,
                "industries": self.industries.data}


class SolutionForm(CatalogForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    summary = TextAreaField(_l("Summary"), validators=[DataRequired(), Length(max=2000)])
    description = TextAreaField(_l("Description"), validators=[DataRequired(), Length(max=20000)])
    industries = industries_field(_l("Industries"))
    scenarios = scenarios_field(_l("Application scenarios"))
    capabilities = CommaListField(_l("Capabilities"), description=_l("Separate them with commas."))
    deployment = SelectField(_l("Deployment"), choices=enum_choices(Deployment, blank=_l("Not stated")))
    price_min = money_field(_l("Price from (CNY)"))
    price_max = money_field(_l("Price up to (CNY)"))
    submit = SubmitField(_l("Save solution"))

    def service_data(self) -> dict:
        """Return the solution fields as the offers service takes them."""
        data = {name: self[name].data for name in ("title", "summary", "description", "industries", "scenarios",
                                                   "capabilities", "price_min", "price_max")}
        return {**data, "deployment": enum_or_none(Deployment, self.deployment.data)}


class ProductForm(CatalogForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    category = SelectField(_l("Category"), choices=[])
    category_label = StringField(_l("Other category"), validators=[Optional(), Length(max=200)],
                                 description=_l("Only when no catalogue category fits."))
    description = TextAreaField(_l("Description"), validators=[DataRequired(), Length(max=20000)])
    industries = industries_field(_l("Industries"))
    submit = SubmitField(_l("Save product"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = choices(((c.slug, localized(c)) for c in directory.product_categories()),
                                        blank=_l("Other (describe below)"))

    def service_data(self) -> dict:
        """Return the product fields as the offers service takes them."""
        return {"name": self.name.data, "description": self.description.data, "industries": self.industries.data,
                "category": directory.product_category(self.category.data),
                "category_label": self.category_label.data or ""}

"""Small helpers the feature forms and views share: service errors, choices, filters, labels."""
import enum
from urllib.parse import urlsplit

from flask import flash, request
from flask_babel import get_locale, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, NumberRange, Optional

from app.errors import ChainMatchError, NotFound, PermissionDenied
from app.extensions import db
from app.models import (
    CampaignStatus,
    CaseReviewAction,
    CaseReviewState,
    DeclineReason,
    Deployment,
    GuidelineState,
    MatchMark,
    MatchState,
    MeetingOutcome,
    MeetingResponse,
    NeedStatus,
    OrgSize,
    ProposalState,
    ReviewCriterion,
)
from app.services import directory

LABELS = {
    NeedStatus.DRAFT: _l("Draft"), NeedStatus.OPEN: _l("Open"), NeedStatus.MATCHED: _l("Matched"),
    NeedStatus.CLOSED: _l("Closed"),
    CaseReviewState.SUBMITTED: _l("Submitted"), CaseReviewState.IN_REVIEW: _l("In review"),
    CaseReviewState.CHANGES_REQUESTED: _l("Changes requested"), CaseReviewState.REJECTED: _l("Rejected"),
    CaseReviewState.PUBLISHED: _l("Published"),
    Deployment.ON_PREMISE: _l("On-premise"), Deployment.CLOUD: _l("Cloud"), Deployment.EDGE: _l("Edge"),
    Deployment.HYBRID: _l("Hybrid"),
    OrgSize.SMALL: _l("Small"), OrgSize.MEDIUM: _l("Medium"), OrgSize.LARGE: _l("Large"),
    MatchMark.INTERESTING: _l("Interesting"), MatchMark.NOT_RELEVANT: _l("Not relevant"),
    MatchState.SUGGESTED: _l("Suggested"), MatchState.CONTACTED: _l("Contacted"),
    MatchState.IN_DISCUSSION: _l("In discussion"), MatchState.AGREED: _l("Agreed"),
    MatchState.DELIVERED: _l("Delivered"), MatchState.DECLINED: _l("Declined"),
    # DeclineReason.NOT_RELEVANT equals MatchMark.NOT_RELEVANT ("not_relevant"): one label serves both.
    DeclineReason.BUDGET: _l("Over budget"), DeclineReason.TIMING: _l("Timing does not fit"),
    DeclineReason.CAPABILITY: _l("Cannot deliver what is needed"),
    DeclineReason.CHOSE_OTHER: _l("Chose another provider"), DeclineReason.OTHER: _l("Other reason"),
    CampaignStatus.DRAFT: _l("Draft"), CampaignStatus.REGISTRATION_OPEN: _l("Registration open"),
    CampaignStatus.SCHEDULE_PROPOSED: _l("Schedule proposed"),
    CampaignStatus.SCHEDULE_PUBLISHED: _l("Schedule published"),
    CampaignStatus.HELD: _l("Held"), CampaignStatus.CLOSED: _l("Closed"),
    MeetingResponse.PENDING: _l("Awaiting answer"), MeetingResponse.ACCEPTED: _l("Accepted"),
    MeetingResponse.DECLINED: _l("Declined"), MeetingOutcome.HELD: _l("Held"), MeetingOutcome.NO_SHOW: _l("No-show"),
    ReviewCriterion.INTEGRATION: _l("Depth of AI + industrial internet integration"),
    ReviewCriterion.CONNECTIVITY: _l("Breadth of connectivity (equipment, systems, enterprises linked)"),
    ReviewCriterion.BENEFIT: _l("Transformation benefit along the chain (measured results)"),
    ReviewCriterion.REPLICABILITY: _l("Replicability"),
    ReviewCriterion.COMPLIANCE: _l("Data and security compliance"),
    CaseReviewAction.SUBMITTED: _l("Submitted"), CaseReviewAction.RESUBMITTED: _l("Edited and resubmitted"),
    CaseReviewAction.ASSIGNED: _l("Reviewer assigned"), CaseReviewAction.SCORED: _l("Scored"),
    CaseReviewAction.CHANGES_REQUESTED: _l("Changes requested"), CaseReviewAction.REJECTED: _l("Rejected"),
    CaseReviewAction.PUBLISHED: _l("Published"), CaseReviewAction.UNPUBLISHED: _l("Unpublished"),
    CaseReviewAction.MARKED_EXEMPLARY: _l("Marked exemplary"),
    CaseReviewAction.UNMARKED_EXEMPLARY: _l("No longer exemplary"),
    ProposalState.SUBMITTED: _l("Submitted"), ProposalState.SHORTLISTED: _l("Shortlisted"),
    ProposalState.SELECTED: _l("Selected"), ProposalState.DECLINED: _l("Declined"),
    GuidelineState.DRAFT: _l("Draft"), GuidelineState.IN_REVIEW: _l("In review"),
    GuidelineState.PUBLISHED: _l("Published"), GuidelineState.SUPERSEDED: _l("Superseded"),
}


def label(value) -> str:
    """Return the translated label of an enum value (the raw value when none is defined)."""
    return "" if value is None else LABELS.get(value, str(value))


def localized(record, field: str = "name") -> str:
    """Return a catalogue record's name (or other field) in the interface language."""
    if get_locale().language == "zh":
        return getattr(record, f"{field}_zh", "") or getattr(record, field)
    return getattr(record, field)


def choices(pairs, blank: str | None = None) -> list[SelectChoice]:
    """Return select choices from (value, label) pairs, optionally led by a blank choice."""
    lead = [SelectChoice("", blank)] if blank is not None else []
    return lead + [SelectChoice(str(value), text) for value, text in pairs]


def enum_choices(enum_cls: type[enum.StrEnum], blank: str | None = None) -> list[SelectChoice]:
    """Return the choices of an enum, labelled in the interface language."""
    return choices(((m.value, label(m)) for m in enum_cls), blank)


def industry_choices(blank: str | None = None) -> list[SelectChoice]:
    """Return the industries as choices, in catalogue order."""
    return choices(((i.slug, localized(i)) for i in directory.industries()), blank)


def scenario_choices() -> list[SelectChoice]:
    """Return the scenarios as choices grouped by industry (cross-industry ones last)."""
    cross = str(_l("Cross-industry"))
    return [SelectChoice(s.slug, localized(s), optgroup=localized(s.industry) if s.industry else cross)
            for s in directory.scenarios()]


def enum_or_none(enum_cls: type[enum.StrEnum], value: str | None):
    """Return the enum member for a submitted value, None for a blank one."""
    return enum_cls(value) if value else None


class CatalogForm(FlaskForm):
    """A form whose `industry`, `industries` and `scenarios` fields offer the catalogue."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if hasattr(self, "industry"):
            self.industry.choices = industry_choices(blank=_l("Choose an industry"))
        if hasattr(self, "industries"):
            self.industries.choices = industry_choices()
        if hasattr(self, "scenarios"):
            self.scenarios.choices = scenario_choices()


class FilterForm(FlaskForm):
    """A GET filter form: read from the query string, no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    def filters(self) -> dict:
        """Return the filled-in, valid filter values by field name; invalid ones are shown and ignored."""
        self.validate()
        return {name: field.data for name, field in self._fields.items() if field.data and not field.errors}


class CommaListField(StringField):
    """A text input holding a comma-separated list of short phrases."""

    def process_formdata(self, valuelist):
        self.data = [p.strip() for p in valuelist[0].split(",") if p.strip()] if valuelist else []

    def _value(self) -> str:
        return ", ".join(self.data or [])


def money_field(text) -> IntegerField:
    """Return an optional, non-negative amount field (CNY)."""
    return IntegerField(text, validators=[Optional(), NumberRange(min=0)])


def industries_field(text) -> SelectMultipleField:
    """Return a multiple choice of industries (CatalogForm fills in the choices)."""
    return SelectMultipleField(text, choices=[])


def scenarios_field(text) -> SelectMultipleField:
    """Return a multiple choice of scenarios, grouped by industry (CatalogForm fills in the choices)."""
    return SelectMultipleField(text, choices=[], description=_l("Hold Ctrl (or Cmd) to choose several."))


def industry_field(text) -> SelectField:
    """Return a required choice of one industry (CatalogForm fills in the choices)."""
    return SelectField(text, choices=[], validators=[DataRequired()])


def fill_form(form: FlaskForm, record) -> None:
    """Show a record's current values in a form (slugs for catalogue links, values for enums)."""
    for name, field in form._fields.items():
        if not hasattr(record, name) or name == "csrf_token":
            continue
        value = getattr(record, name)
        if isinstance(value, list):
            value = [getattr(v, "slug", v) for v in value]
        elif hasattr(value, "slug"):
            value = value.slug
        elif isinstance(value, enum.Enum):
            value = value.value
        field.data = value


def run_service(form: FlaskForm | None, fn, *args, **kwargs):
    """Call a service; return its result (True when it returns nothing) or None after reporting its refusal.

    A refusal that names a field of the form is shown on that field, any other is
    flashed. PermissionDenied, and NotFound without a field, propagate to the error pages.
    """
    try:
        result = fn(*args, **kwargs)
    except ChainMatchError as error:
        if isinstance(error, PermissionDenied) or (isinstance(error, NotFound) and not error.field):
            raise
        # A refused write may have left pending rows behind: discard them before the page renders.
        db.session.rollback()
        field = getattr(form, error.field, None) if form is not None and error.field else None
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, error.message]
        else:
            flash(error.message, "error")
        return None
    return True if result is None else result


def safe_next(default: str) -> str:
    """Return the `next` query parameter when it is a local path, else default."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc \
            and "\\" not in target:
        return target
    return default


def page_number() -> int:
    """Return the requested page number (1 when missing or invalid)."""
    return max(request.args.get("page", 1, type=int), 1)

"""cases forms: filter, submit / edit a case study, the officials' review (shape checks only)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.models import ReviewCriterion
from app.services import directory
from app.webforms import CatalogForm, FilterForm, choices, industry_choices, industry_field, label, scenarios_field

# The written review criteria: what a score of 5 means on each.
CRITERIA_GUIDE = {
    ReviewCriterion.INTEGRATION: _l("5: AI models run inside the production systems over the industrial internet "
                                    "platform and act on live data; 1: a stand-alone pilot."),
    ReviewCriterion.CONNECTIVITY: _l("5: equipment, control and business systems and several enterprises of the "
                                     "chain are linked; 1: one machine or one system."),
    ReviewCriterion.BENEFIT: _l("5: measured results (cost, quality, energy, delivery) before and after, along "
                                "the chain; 1: no measured results."),
    ReviewCriterion.REPLICABILITY: _l("5: packaged so that other enterprises of the industry can adopt it at "
                                      "reasonable cost; 1: a one-off."),
    ReviewCriterion.COMPLIANCE: _l("5: data classification, security protection and compliance are documented "
                                   "and checked; 1: not addressed."),
}
COMMENT_LENGTH = [Length(max=5000)]


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


class ReviewQueueFilterForm(FilterForm):
    industry = SelectField(_l("Industry"), choices=[])
    older_than = IntegerField(_l("Waiting more than (days)"), validators=[Optional(), NumberRange(min=1, max=3650)])
    reviewer = SelectField(_l("Reviewer"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.industry.choices = industry_choices(blank=_l("All industries"))
        self.reviewer.choices = choices([("none", _l("Not assigned")), *reviewer_pairs()], blank=_l("Anyone"))


def reviewer_pairs() -> list[tuple[str, str]]:
    return [(str(u.id), u.name) for u in directory.officials()]


class AssignForm(FlaskForm):
    reviewer = SelectField(_l("Reviewer"), choices=[], validators=[DataRequired()])
    submit = SubmitField(_l("Assign"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reviewer.choices = choices(reviewer_pairs(), blank=_l("Choose an official"))


def score_field(criterion: ReviewCriterion) -> RadioField:
    """Return a required 1–5 choice for one review criterion, with its written guide."""
    return RadioField(label(criterion), choices=[(n, str(n)) for n in range(1, 6)], coerce=int,
                      validators=[InputRequired()], description=CRITERIA_GUIDE[criterion])


class ScoreForm(FlaskForm):
    integration = score_field(ReviewCriterion.INTEGRATION)
    connectivity = score_field(ReviewCriterion.CONNECTIVITY)
    benefit = score_field(ReviewCriterion.BENEFIT)
    replicability = score_field(ReviewCriterion.REPLICABILITY)
    compliance = score_field(ReviewCriterion.COMPLIANCE)
    remarks = TextAreaField(_l("Comment"), validators=COMMENT_LENGTH)  # one id per page: not "comment"
    submit = SubmitField(_l("Record scores"))

    def scores(self) -> dict[str, int]:
        return {c.value: self[c.value].data for c in ReviewCriterion}


class DecisionForm(FlaskForm):
    comment = TextAreaField(_l("Reason, for the provider"), validators=COMMENT_LENGTH)
    request_changes = SubmitField(_l("Request changes"))
    reject = SubmitField(_l("Reject"))
    unpublish = SubmitField(_l("Unpublish"))

    def action(self) -> str:
        """Name the button that was pressed."""
        return next((name for name in ("request_changes", "reject", "unpublish") if self[name].data), "")


class PublishForm(FlaskForm):
    exemplary = BooleanField(_l("Select as an exemplary case"))
    note = TextAreaField(_l("Comment"), validators=COMMENT_LENGTH)
    submit = SubmitField(_l("Publish"))


class ExemplaryForm(FlaskForm):
    exemplary = BooleanField(_l("Exemplary"))

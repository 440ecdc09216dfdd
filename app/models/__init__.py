"""All models, importable from one place."""
from app.models.accounts import ApiToken, Notification, PasswordResetToken, SavedSearch, User
from app.models.base import (
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
    OrgKind,
    OrgSize,
    PilotVisibility,
    ProposalState,
    ReviewCriterion,
    TokenScope,
    UserRole,
    utcnow,
)
from app.models.campaigns import Campaign, CampaignMeeting, CampaignRegistration
from app.models.catalog import Industry, ProductCategory, Scenario, Standard
from app.models.guidelines import Guideline
from app.models.market import (
    CaseReviewEvent,
    CaseStudy,
    Match,
    MatchEvent,
    Need,
    Organization,
    Product,
    Solution,
)
from app.models.ops import AuditLog, MatchImpression, OutboxEvent
from app.models.pilots import OpenScenario, Proposal, ProposalMessage
from app.models.programmes import Programme, ProgrammeMember, ProgrammePartner

__all__ = [
    "ApiToken", "AuditLog", "Campaign", "CampaignMeeting", "CampaignRegistration", "CampaignStatus",
    "CaseReviewAction", "CaseReviewEvent", "CaseReviewState", "CaseStudy", "DeclineReason", "Deployment",
    "Guideline", "GuidelineState", "Industry", "Match", "MatchEvent", "MatchImpression", "MatchMark",
    "MatchState", "MeetingOutcome", "MeetingResponse", "Need", "NeedStatus", "Notification", "OpenScenario",
    "OrgKind", "OrgSize", "Organization", "OutboxEvent", "PasswordResetToken", "PilotVisibility", "Product",
    "ProductCategory", "Programme", "ProgrammeMember", "ProgrammePartner", "Proposal", "ProposalMessage",
    "ProposalState", "ReviewCriterion", "SavedSearch", "Scenario", "Solution", "Standard", "TokenScope", "User",
    "UserRole", "utcnow",
]

"""All models, importable from one place."""
from app.models.accounts import Notification, PasswordResetToken, SavedSearch, User
from app.models.base import (
    CampaignStatus,
    CaseReviewAction,
    CaseReviewState,
    DeclineReason,
    Deployment,
    MatchMark,
    MatchState,
    MeetingOutcome,
    MeetingResponse,
    NeedStatus,
    OrgKind,
    OrgSize,
    ReviewCriterion,
    UserRole,
    utcnow,
)
from app.models.campaigns import Campaign, CampaignMeeting, CampaignRegistration
from app.models.catalog import Industry, ProductCategory, Scenario, Standard
from app.models.market import CaseReviewEvent, CaseStudy, Match, MatchEvent, Need, Organization, Product, Solution
from app.models.ops import AuditLog, OutboxEvent
from app.models.programmes import Programme, ProgrammeMember

__all__ = [
    "AuditLog", "Campaign", "CampaignMeeting", "CampaignRegistration", "CampaignStatus", "CaseReviewAction",
    "CaseReviewEvent", "CaseReviewState", "CaseStudy", "DeclineReason", "Deployment", "Industry", "Match",
    "MatchEvent", "MatchMark", "MatchState", "MeetingOutcome", "MeetingResponse", "Need", "NeedStatus",
    "Notification", "OrgKind", "OrgSize", "Organization", "OutboxEvent", "PasswordResetToken", "Product",
    "ProductCategory", "Programme", "ProgrammeMember", "ReviewCriterion", "SavedSearch", "Scenario",
    "Solution", "Standard", "User", "UserRole", "utcnow",
]

"""All models, importable from one place."""
from app.models.accounts import Notification, PasswordResetToken, SavedSearch, User
from app.models.base import (
    CampaignStatus,
    CaseReviewAction,
    CaseReviewState,
    Deployment,
    MatchMark,
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
from app.models.market import CaseReviewEvent, CaseStudy, Match, Need, Organization, Product, Solution
from app.models.ops import AuditLog, OutboxEvent

__all__ = [
    "AuditLog", "Campaign", "CampaignMeeting", "CampaignRegistration", "CampaignStatus", "CaseReviewAction",
    "CaseReviewEvent", "CaseReviewState", "CaseStudy", "Deployment", "Industry", "Match", "MatchMark",
    "MeetingOutcome", "MeetingResponse", "Need", "NeedStatus", "Notification", "OrgKind", "OrgSize",
    "Organization", "OutboxEvent", "PasswordResetToken", "Product", "ProductCategory", "ReviewCriterion",
    "SavedSearch", "Scenario", "Solution", "Standard", "User", "UserRole", "utcnow",
]

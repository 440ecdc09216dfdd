"""All models, importable from one place."""
from app.models.accounts import Notification, PasswordResetToken, SavedSearch, User
from app.models.base import (
    CampaignStatus,
    CaseReviewState,
    Deployment,
    MatchMark,
    MeetingOutcome,
    MeetingResponse,
    NeedStatus,
    OrgKind,
    OrgSize,
    UserRole,
    utcnow,
)
from app.models.campaigns import Campaign, CampaignMeeting, CampaignRegistration
from app.models.catalog import Industry, ProductCategory, Scenario, Standard
from app.models.market import CaseStudy, Match, Need, Organization, Product, Solution
from app.models.ops import AuditLog, OutboxEvent

__all__ = [
    "Campaign", "CampaignMeeting", "CampaignRegistration", "CampaignStatus", "MeetingOutcome", "MeetingResponse",
    "AuditLog", "CaseReviewState", "CaseStudy", "Deployment", "Industry", "Match", "MatchMark",
    "Need", "NeedStatus", "Notification", "OrgKind", "OrgSize", "Organization", "OutboxEvent", "PasswordResetToken",
    "Product", "ProductCategory", "SavedSearch", "Scenario", "Solution", "Standard", "User", "UserRole", "utcnow",
]

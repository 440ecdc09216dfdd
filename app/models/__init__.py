"""All models, importable from one place."""
from app.models.accounts import Notification, PasswordResetToken, SavedSearch, User
from app.models.base import (
    CaseReviewState,
    DeclineReason,
    Deployment,
    MatchMark,
    MatchState,
    NeedStatus,
    OrgKind,
    OrgSize,
    UserRole,
    utcnow,
)
from app.models.catalog import Industry, ProductCategory, Scenario, Standard
from app.models.market import CaseStudy, Match, MatchEvent, Need, Organization, Product, Solution
from app.models.ops import AuditLog, OutboxEvent
from app.models.programmes import Programme, ProgrammeMember

__all__ = [
    "AuditLog", "CaseReviewState", "CaseStudy", "DeclineReason", "Deployment", "Industry", "Match", "MatchEvent",
    "MatchMark", "MatchState", "Need", "NeedStatus", "Notification", "OrgKind", "OrgSize", "Organization", "OutboxEvent", "PasswordResetToken",
    "Product", "Programme", "ProgrammeMember", "ProductCategory", "SavedSearch", "Scenario", "Solution", "Standard", "User", "UserRole", "utcnow",
]

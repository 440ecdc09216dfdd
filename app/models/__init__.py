"""All models, importable from one place."""
from app.models.accounts import ApiToken, Notification, PasswordResetToken, SavedSearch, User
from app.models.base import (
    CaseReviewState,
    Deployment,
    MatchMark,
    NeedStatus,
    OrgKind,
    OrgSize,
    TokenScope,
    UserRole,
    utcnow,
)
from app.models.catalog import Industry, ProductCategory, Scenario, Standard
from app.models.market import CaseStudy, Match, Need, Organization, Product, Solution
from app.models.ops import AuditLog, OutboxEvent

__all__ = [
    "ApiToken", "AuditLog", "CaseReviewState", "CaseStudy", "Deployment", "Industry", "Match", "MatchMark",
    "Need", "NeedStatus", "Notification", "OrgKind", "OrgSize", "Organization", "OutboxEvent", "PasswordResetToken",
    "Product", "ProductCategory", "SavedSearch", "Scenario", "Solution", "Standard", "TokenScope", "User", "UserRole",
    "utcnow",
]

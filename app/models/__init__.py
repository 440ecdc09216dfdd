"""All models, importable from one place."""
from app.models.accounts import PasswordResetToken, User
from app.models.base import (
    CaseReviewState,
    Deployment,
    MatchMark,
    NeedStatus,
    OrgKind,
    OrgSize,
    UserRole,
    utcnow,
)
from app.models.catalog import Industry, ProductCategory, Scenario, Standard
from app.models.market import CaseStudy, Match, Need, Organization, Product, Solution
from app.models.ops import AuditLog, OutboxEvent

__all__ = [
    "AuditLog", "CaseReviewState", "CaseStudy", "Deployment", "Industry", "Match", "MatchMark",
    "Need", "NeedStatus", "OrgKind", "OrgSize", "Organization", "OutboxEvent", "PasswordResetToken",
    "Product", "ProductCategory", "Scenario", "Solution", "Standard", "User", "UserRole", "utcnow",
]

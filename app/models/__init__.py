"""All models, importable from one place."""
from app.models.accounts import Notification, PasswordResetToken, SavedSearch, User
from app.models.base import (
    CaseReviewAction,
    CaseReviewState,
    Deployment,
    MatchMark,
    NeedStatus,
    OrgKind,
    OrgSize,
    ReviewCriterion,
    UserRole,
    utcnow,
)
from app.models.catalog import Industry, ProductCategory, Scenario, Standard
from app.models.market import CaseReviewEvent, CaseStudy, Match, Need, Organization, Product, Solution
from app.models.ops import AuditLog, OutboxEvent

__all__ = [
    "AuditLog", "CaseReviewAction", "CaseReviewEvent", "CaseReviewState", "CaseStudy", "Deployment", "Industry",
    "Match", "MatchMark", "Need", "NeedStatus", "Notification", "OrgKind", "OrgSize", "Organization", "OutboxEvent",
    "PasswordResetToken", "Product", "ProductCategory", "ReviewCriterion", "SavedSearch", "Scenario", "Solution",
    "Standard", "User", "UserRole", "utcnow",
]

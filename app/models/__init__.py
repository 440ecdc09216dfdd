"""All models, importable from one place."""
from app.models.accounts import Notification, PasswordResetToken, SavedSearch, User
from app.models.base import (
    CaseReviewState,
    Deployment,
    GuidelineState,
    MatchMark,
    NeedStatus,
    OrgKind,
    OrgSize,
    PilotVisibility,
    ProposalState,
    UserRole,
    utcnow,
)
from app.models.catalog import Industry, ProductCategory, Scenario, Standard
from app.models.guidelines import Guideline
from app.models.market import CaseStudy, Match, Need, Organization, Product, Solution
from app.models.ops import AuditLog, OutboxEvent
from app.models.pilots import OpenScenario, Proposal, ProposalMessage

__all__ = [
    "AuditLog", "CaseReviewState", "CaseStudy", "Deployment", "Guideline", "GuidelineState", "Industry", "Match",
    "MatchMark", "Need", "NeedStatus", "Notification", "OpenScenario", "OrgKind", "OrgSize", "Organization",
    "OutboxEvent", "PasswordResetToken", "PilotVisibility", "Product", "ProductCategory", "Proposal",
    "ProposalMessage", "ProposalState", "SavedSearch", "Scenario", "Solution", "Standard", "User", "UserRole", "utcnow",
]

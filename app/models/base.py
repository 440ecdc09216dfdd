"""Column helpers and enums shared by the models."""
import enum
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class UserRole(enum.StrEnum):
    ENTERPRISE = "enterprise"
    PROVIDER = "provider"
    OFFICIAL = "official"
    ADMIN = "admin"


class OrgKind(enum.StrEnum):
    ENTERPRISE = "enterprise"
    PROVIDER = "provider"


class OrgSize(enum.StrEnum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class Deployment(enum.StrEnum):
    ON_PREMISE = "on-premise"
    CLOUD = "cloud"
    EDGE = "edge"
    HYBRID = "hybrid"


class NeedStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    MATCHED = "matched"
    CLOSED = "closed"


class CaseReviewState(enum.StrEnum):
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    PUBLISHED = "published"


class ReviewCriterion(enum.StrEnum):
    """What officials score a case study on, 1 to 5 each."""

    INTEGRATION = "integration"  # depth of AI + industrial internet integration
    CONNECTIVITY = "connectivity"  # breadth: equipment, systems, enterprises linked
    BENEFIT = "benefit"  # transformation benefit along the chain, measured results
    REPLICABILITY = "replicability"
    COMPLIANCE = "compliance"  # data and security compliance


class CaseReviewAction(enum.StrEnum):
    SUBMITTED = "submitted"
    RESUBMITTED = "resubmitted"
    ASSIGNED = "assigned"
    SCORED = "scored"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    MARKED_EXEMPLARY = "marked_exemplary"
    UNMARKED_EXEMPLARY = "unmarked_exemplary"

class TokenScope(enum.StrEnum):
    READ = "read"
    WRITE = "write"


class MatchMark(enum.StrEnum):
    """The need owner's private triage of a match (contact is tracked by MatchState)."""

    INTERESTING = "interesting"
    NOT_RELEVANT = "not_relevant"


class CampaignStatus(enum.StrEnum):
    DRAFT = "draft"
    REGISTRATION_OPEN = "registration_open"
    SCHEDULE_PROPOSED = "schedule_proposed"
    SCHEDULE_PUBLISHED = "schedule_published"
    HELD = "held"
    CLOSED = "closed"


class MeetingResponse(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class MeetingOutcome(enum.StrEnum):
    HELD = "held"
    NO_SHOW = "no_show"


class MatchState(enum.StrEnum):
    """Where a match stands between the two sides: suggested → … → delivered, or declined."""

    SUGGESTED = "suggested"
    CONTACTED = "contacted"
    IN_DISCUSSION = "in_discussion"
    AGREED = "agreed"
    DELIVERED = "delivered"
    DECLINED = "declined"


class DeclineReason(enum.StrEnum):
    NOT_RELEVANT = "not_relevant"
    BUDGET = "budget"
    TIMING = "timing"
    CAPABILITY = "capability"
    CHOSE_OTHER = "chose_other"
    OTHER = "other"


def enum_column(enum_cls: type[enum.StrEnum], **kw) -> sa.Enum:
    """Store a StrEnum by value as a portable VARCHAR with a CHECK constraint.

    Two columns of one table with the same enum need their own `name` (it names the CHECK constraint).
    """
    return sa.Enum(
        enum_cls,
        values_callable=lambda e: [m.value for m in e],
        native_enum=False,
        validate_strings=True,
        length=32,
        create_constraint=True,
        **{"name": enum_cls.__name__.lower(), **kw},
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SoftDeleteMixin:
    deleted_at: Mapped[datetime | None] = mapped_column(default=None, index=True)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PilotVisibility(enum.StrEnum):
    PUBLIC = "public"
    INVITED = "invited"
    PROGRAMME = "programme"  # a programme's enterprises see it; its solution partners propose


class ProposalState(enum.StrEnum):
    SUBMITTED = "submitted"
    SHORTLISTED = "shortlisted"
    SELECTED = "selected"
    DECLINED = "declined"


class GuidelineState(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"

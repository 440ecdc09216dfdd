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


class TokenScope(enum.StrEnum):
    READ = "read"
    WRITE = "write"


class MatchMark(enum.StrEnum):
    INTERESTING = "interesting"
    CONTACTED = "contacted"
    NOT_RELEVANT = "not_relevant"


def enum_column(enum_cls: type[enum.StrEnum], **kw) -> sa.Enum:
    """Store a StrEnum by value as a portable VARCHAR with a CHECK constraint."""
    return sa.Enum(
        enum_cls,
        values_callable=lambda e: [m.value for m in e],
        native_enum=False,
        validate_strings=True,
        length=32,
        create_constraint=True,
        name=enum_cls.__name__.lower(),
        **kw,
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SoftDeleteMixin:
    deleted_at: Mapped[datetime | None] = mapped_column(default=None, index=True)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

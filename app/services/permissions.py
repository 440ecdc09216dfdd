"""Who may change what. Services enforce these; templates may ask them to hide buttons."""
from flask_babel import gettext as _

from app.errors import PermissionDenied
from app.models import CaseStudy, Need, Organization, OrgKind, Product, Solution, User, UserRole


def is_official(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.role in (UserRole.OFFICIAL, UserRole.ADMIN)


def is_admin(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.role == UserRole.ADMIN


def belongs_to(user: User | None, organization_id: int | None) -> bool:
    """Whether the user is a member of that (not deleted) organisation."""
    return (
        user is not None and user.is_authenticated and organization_id is not None
        and user.organization_id == organization_id and not user.organization.is_deleted
    )


def can_edit_need(user: User | None, need: Need) -> bool:
    return belongs_to(user, need.organization_id) or is_official(user)


def can_view_need(user: User | None, need: Need) -> bool:
    """Drafts are private to the posting enterprise and officials; everything else is public."""
    return need.status != "draft" or can_edit_need(user, need)


def can_edit_offer(user: User | None, record: Solution | Product | CaseStudy | Organization) -> bool:
    """Provider-owned records: members of the provider, or officials."""
    owner = record.id if isinstance(record, Organization) else record.provider_id
    return belongs_to(user, owner) or is_official(user)


def can_view_case(user: User | None, case: CaseStudy) -> bool:
    """Unpublished cases are visible to their provider and officials only."""
    return case.is_published or can_edit_offer(user, case)


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("You are not allowed to do this."))


def require_org_member(user: User, kind: OrgKind) -> Organization:
    """Return the user's organisation of the given kind, or refuse."""
    org = user.organization
    require(org is not None and org.kind == kind and not org.is_deleted,
            _("Only members of an enterprise can do this.") if kind == OrgKind.ENTERPRISE
            else _("Only members of a provider can do this."))
    return org

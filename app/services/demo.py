"""Demo data: the import files in catalogs/demo/, reviewed cases, and demo accounts."""
import json
import secrets
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.models import CaseReviewState, CaseStudy, Organization, OrgKind, User, UserRole
from app.services.accounts import create_user
from app.services.cases import publish_version
from app.services.common import commit, enqueue_index
from app.services.imports import ImportReport, import_records

DEMO_ACCOUNTS = (
    ("official@chainmatch.example", "Demo Official", UserRole.OFFICIAL, None),
    ("enterprise@chainmatch.example", "Demo Enterprise Member", UserRole.ENTERPRISE, OrgKind.ENTERPRISE),
    ("provider@chainmatch.example", "Demo Provider Member", UserRole.PROVIDER, OrgKind.PROVIDER),
)


def load_demo(directory: str) -> tuple[list[ImportReport], dict[str, str]]:
    """Import every demo file, publish most demo cases, and create demo accounts.

    Returns the import reports and {email: password} for accounts created now.
    """
    reports = [import_records(None, json.loads(path.read_text(encoding="utf-8")))
               for path in sorted(Path(directory).glob("*.json"))]
    _review_demo_cases()
    return reports, _demo_accounts()


def _review_demo_cases() -> None:
    """Publish four in five submitted demo cases; the first of each industry is exemplary."""
    cases = db.session.scalars(
        sa.select(CaseStudy).where(CaseStudy.review_state == CaseReviewState.SUBMITTED,
                                   CaseStudy.external_id.is_not(None)).order_by(CaseStudy.external_id)
    ).all()
    seen_industries = set()
    for n, case in enumerate(cases):
        if n % 5 == 4:
            continue  # left in the review queue
        publish_version(case, exemplary=case.industry_id not in seen_industries)
        seen_industries.add(case.industry_id)
        enqueue_index("case", case.id)
        if case.solution_id:
            enqueue_index("solution", case.solution_id)
    commit()


def _demo_accounts() -> dict[str, str]:
    created = {}
    for email, name, role, kind in DEMO_ACCOUNTS:
        if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
            continue
        org = None
        if kind is not None:
            org = db.session.scalar(sa.select(Organization).where(Organization.kind == kind)
                                    .order_by(Organization.id).limit(1))
        password = secrets.token_urlsafe(12)
        create_user(None, email=email, name=name, password=password, role=role, organization=org)
        created[email] = password
    return created

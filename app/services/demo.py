"""Demo data: the import files in catalogs/demo/, reviewed cases, demo accounts, a programme and pilot scenarios."""
import json
import secrets
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import (
    CaseReviewState,
    CaseStudy,
    OpenScenario,
    Organization,
    OrgKind,
    PilotVisibility,
    Solution,
    User,
    UserRole,
)
from app.services import pilots, programmes
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
    accounts = _demo_accounts()
    _demo_pilots()
    return reports, accounts


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


PILOT_CRITERIA = [{"name": "Detection rate on our defect classes", "weight": 50},
                  {"name": "Integration with our MES", "weight": 30}, {"name": "Price", "weight": 20}]


def _demo_pilots() -> None:
    """Once: a programme led by the demo enterprise with the demo provider as a solution partner, a public
    pilot scenario the demo provider has proposed for, and a programme-only scenario open to the partners."""
    enterprise, provider = (db.session.scalar(sa.select(User).where(User.email == account[0]))
                            for account in DEMO_ACCOUNTS if account[3] is not None)
    if enterprise is None or provider is None or db.session.scalar(sa.select(OpenScenario.id).limit(1)):
        return
    with current_app.test_request_context():  # the services link their notifications to site pages
        programme = _demo_programme(enterprise, provider.organization)
        public = pilots.open_scenario(
            enterprise, title="Pilot: inline surface inspection at the exit of our cold tandem mill",
            problem="Scratches, roll marks and oil spots reach customers because inspectors only see the coil "
                    "ends. We want every metre of strip checked at line speed and the defect map in our MES.",
            site="Cold tandem mill, exit section", data_access="Two weeks of exit camera video, coil records and "
                                                               "customer claims of the last year.",
            criteria=PILOT_CRITERIA, deadline=date.today() + timedelta(days=45), industry="steel",
            scenarios=["strip-surface-defect-detection"], visibility=PilotVisibility.PUBLIC)
        solution = db.session.scalar(sa.select(Solution).where(Solution.provider_id == provider.organization_id)
                                     .order_by(Solution.external_id, Solution.id).limit(1))
        pilots.submit_proposal(
            provider, public, solution=solution.id, price=680_000,
            approach="Our line-scan inspection above and below the strip, trained on your defect classes in the "
                     "first month, with the defect map sent to your MES per coil.",
            team="A project lead, two vision engineers and an MES integrator.",
            timeline="Survey in week 1, cameras in the October overhaul, acceptance run after eight weeks.",
            cases=[c.id for c in pilots.own_cases(provider) if c.solution_id == solution.id][:1])
        pilots.open_scenario(
            enterprise, title="Chain pilot: hold exit gauge through coil changes on our five-stand cold mill",
            problem="Gauge runs off for the first 30 metres after every weld, and our tier-1 customers cut those "
                    "metres away. We want the setup and the gauge control to hold tolerance from the weld on.",
            site="Five-stand tandem cold mill", data_access="Mill logs at 1 ms for three months.",
            criteria=PILOT_CRITERIA[:1] + [{"name": "Price", "weight": 50}],
            deadline=date.today() + timedelta(days=60), industry="steel", scenarios=["rolling-mill-gauge-control"],
            visibility=PilotVisibility.PROGRAMME, programme=programme.slug)


def _demo_programme(enterprise: User, partner: Organization):
    """The demo enterprise's supply chain: the next two enterprises at tiers 1 and 2, the partner providers."""
    programme = programmes.create_programme(enterprise, name="Cold-rolled sheet supply chain", industry="steel",
                                            description="The cold-rolling mill and the SMEs that finish its coils.")
    members = db.session.scalars(sa.select(Organization).where(
        Organization.kind == OrgKind.ENTERPRISE, Organization.id != enterprise.organization_id)
        .order_by(Organization.id).limit(2)).all()
    for tier, member in enumerate(members, start=1):
        programmes.add_member(enterprise, programme, member.slug, tier)
    partners = db.session.scalars(sa.select(Organization).where(
        Organization.kind == OrgKind.PROVIDER, Organization.external_id == "a-p-003")).all()
    for org in [partner, *partners]:
        programmes.add_partner(enterprise, programme, org.slug)
    return programme

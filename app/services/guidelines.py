"""Industry application guidelines: officials draft, review and publish versions; the public reads the latest."""
import difflib
import re

import sqlalchemy as sa
from flask_babel import gettext as _

from app.errors import Conflict, InvalidState, NotFound, ValidationFailed
from app.extensions import db
from app.models import (
    CaseReviewState,
    CaseStudy,
    Guideline,
    GuidelineState,
    Industry,
    ProductCategory,
    Standard,
    User,
    utcnow,
)
from app.services.common import audit, commit, scenarios_by_slug
from app.services.permissions import is_official, require

TEXT_FIELDS = ("situation", "architecture")
LINK_FIELDS = ("scenarios", "categories", "standards", "cases")
PUBLIC_STATES = (GuidelineState.PUBLISHED, GuidelineState.SUPERSEDED)
_TRANSITIONS = {
    GuidelineState.DRAFT: {GuidelineState.IN_REVIEW},
    GuidelineState.IN_REVIEW: {GuidelineState.DRAFT, GuidelineState.PUBLISHED},
}


def latest_published(industry: Industry) -> Guideline | None:
    """Return the industry's current published guideline, if any."""
    return db.session.scalar(sa.select(Guideline).where(Guideline.industry_id == industry.id,
                                                        Guideline.state == GuidelineState.PUBLISHED))


def versions(actor: User | None, industry: Industry) -> list[Guideline]:
    """Return the versions the actor may read, newest first: all for officials, published ones for the rest."""
    query = sa.select(Guideline).where(Guideline.industry_id == industry.id).order_by(Guideline.version.desc())
    if not is_official(actor):
        query = query.where(Guideline.state.in_(PUBLIC_STATES))
    return db.session.scalars(query).all()


def get_version(actor: User | None, industry: Industry, version: int) -> Guideline:
    """Return one version; drafts and versions in review count as missing for everyone but officials."""
    row = db.session.scalar(sa.select(Guideline).where(Guideline.industry_id == industry.id,
                                                       Guideline.version == version))
    if row is None or (row.state not in PUBLIC_STATES and not is_official(actor)):
        raise NotFound(_("This page does not exist."))
    return row


def start_version(actor: User, industry: Industry) -> Guideline:
    """Start a new draft version, a copy of the published one (empty for a first guideline)."""
    require(is_official(actor), _("Only officials write application guidelines."))
    working = db.session.scalar(sa.select(Guideline.version).where(
        Guideline.industry_id == industry.id, Guideline.state.in_((GuidelineState.DRAFT, GuidelineState.IN_REVIEW))))
    if working is not None:
        raise Conflict(_("Version %(n)d is still being written; finish it first.", n=working))
    source = latest_published(industry)
    number = (db.session.scalar(sa.select(sa.func.max(Guideline.version))
                                .where(Guideline.industry_id == industry.id)) or 0) + 1
    guideline = Guideline(industry=industry, version=number, author_id=actor.id, state=GuidelineState.DRAFT,
                          **{f: getattr(source, f) if source else ("" if f in TEXT_FIELDS else [])
                             for f in TEXT_FIELDS + LINK_FIELDS})
    db.session.add(guideline)
    db.session.flush()
    audit(actor, "create", "guideline", guideline.id,
          {"industry": industry.slug, "version": number, "copied_from": source.version if source else None})
    commit()
    return guideline


def _by_slug(model: type, slugs: list[str], field: str, *where) -> list:
    found = {r.slug: r for r in db.session.scalars(sa.select(model).where(model.slug.in_(slugs), *where))}
    missing = [s for s in slugs if s not in found]
    if missing:
        raise ValidationFailed(_("Not in the resource pool: %(slugs)s", slugs=", ".join(missing)), field=field)
    return [found[s] for s in dict.fromkeys(slugs)]


def update_guideline(actor: User, guideline: Guideline, **data) -> Guideline:
    """Edit a version being written; pool links take catalogue slugs and published exemplary cases only."""
    require(is_official(actor), _("Only officials write application guidelines."))
    if not guideline.is_editable:
        raise InvalidState(_("A published version cannot be edited; start a new version."))
    links = {
        "scenarios": scenarios_by_slug(list(data.get("scenarios") or [])),
        "categories": _by_slug(ProductCategory, list(data.get("categories") or []), "categories"),
        "standards": _by_slug(Standard, list(data.get("standards") or []), "standards"),
        "cases": _by_slug(CaseStudy, list(data.get("cases") or []), "cases", CaseStudy.exemplary.is_(True),
                          CaseStudy.review_state == CaseReviewState.PUBLISHED, CaseStudy.deleted_at.is_(None)),
    }
    texts = {f: data[f] or "" for f in TEXT_FIELDS if f in data}  # a text left out is empty
    changes = {f: text for f, text in texts.items() if text != getattr(guideline, f)}
    changes |= {f: [r.slug for r in rows] for f, rows in links.items() if rows != getattr(guideline, f)}
    for name in changes:
        setattr(guideline, name, links.get(name, texts.get(name)))
    if changes:
        audit(actor, "update", "guideline", guideline.id, changes)
    commit()
    return guideline


def set_guideline_state(actor: User, guideline: Guideline, state: GuidelineState) -> Guideline:
    """Move a version draft → in review → published (or back to draft); publishing supersedes the previous one."""
    require(is_official(actor), _("Only officials review application guidelines."))
    if state not in _TRANSITIONS.get(guideline.state, set()):
        raise InvalidState(_("A %(old)s guideline cannot become %(new)s.", old=guideline.state.value,
                             new=state.value))
    if state == GuidelineState.PUBLISHED:
        previous = latest_published(guideline.industry)
        if previous is not None:
            previous.state = GuidelineState.SUPERSEDED
        guideline.published_at = utcnow()
    audit(actor, "status", "guideline", guideline.id, {"state": [guideline.state.value, state.value]})
    guideline.state = state
    commit()
    return guideline


def _field_lines(guideline: Guideline, field: str) -> list[str]:
    if field in TEXT_FIELDS:
        return getattr(guideline, field).splitlines()
    return [getattr(r, "title", None) or getattr(r, "name", "") for r in getattr(guideline, field)]


def _words(lines: list[str]) -> list[str]:
    return re.findall(r"\S+|\s+", "\n".join(lines))


def diff_versions(old: Guideline, new: Guideline) -> list[tuple[str, list[tuple[str, str]]]]:
    """Return, per field, the word-level changes from old to new as (op, text) runs: op is same, del or ins.

    Plain text runs, so the template escapes them; fields without changes are left out.
    """
    if old.industry_id != new.industry_id:
        raise ValidationFailed(_("Compare versions of the same industry."))
    fields = []
    for field in TEXT_FIELDS + LINK_FIELDS:
        a, b = _words(_field_lines(old, field)), _words(_field_lines(new, field))
        if a == b:
            continue
        runs = []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if op in ("delete", "replace"):
                runs.append(("del", "".join(a[i1:i2])))
            if op in ("insert", "replace"):
                runs.append(("ins", "".join(b[j1:j2])))
            if op == "equal":
                runs.append(("same", "".join(a[i1:i2])))
        fields.append((field, runs))
    return fields


def exemplary_case_choices() -> list[CaseStudy]:
    """Return the published exemplary cases a guideline may cite."""
    return db.session.scalars(sa.select(CaseStudy).where(
        CaseStudy.exemplary.is_(True), CaseStudy.review_state == CaseReviewState.PUBLISHED,
        CaseStudy.deleted_at.is_(None)).order_by(CaseStudy.title)).all()

"""The need intake assistant: where a need's text belongs, what providers will ask that it lacks,
and what is already close to it (needs posted, the enterprise's own duplicates, exemplary cases).

Read-only: it never writes. It works on a need being written (nothing saved yet), so it takes the
form's values, not a Need. When the search index is unavailable it still scores completeness.
"""
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.indexing import get_indexer
from app.models import CaseReviewState, CaseStudy, Industry, Need, NeedStatus, Scenario, User
from app.services.permissions import belongs_to
from app.services.search import catalog_names
from matching.glossary import with_gloss

log = logging.getLogger(__name__)
DUPLICATE_COSINE = 0.85  # the enterprise's own needs this close are flagged as possible duplicates
SIMILAR_COSINE = 0.45  # other posted needs shown as "similar" from this cosine up
CASE_COSINE = 0.35


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    question: str
    pattern: re.Pattern
    form_fields: tuple[str, ...] = ()


_I = re.IGNORECASE
CHECKS = (
    Check("equipment", _l("Current equipment and systems"),
          _l("Which machines, lines and systems are involved (for example PLC, SCADA, MES, cameras)?"),
          re.compile(r"\b(plc|scada|mes|erp|dcs|hmi|opc|cnc|robots?|machines?|machinery|equipment|lines?|kilns?|"
                     r"furnaces?|boilers?|pumps?|compressors?|motors?|conveyors?|cameras?|sensors?|presses|mills?|"
                     r"turbines?|looms?|reactors?|extruders?|systems?|software)\b|设备|系统|产线|生产线|机床|传感器|相机", _I)),
    Check("data", _l("Data already collected"),
          _l("What data do you already collect, how often, and for how long?"),
          re.compile(r"\b(data|dataset|historian|logs?|logged|records?|recorded|readings?|measurements?|samples?|"
                     r"images?|photos?|history|historical|database|spreadsheets?|excel)\b|数据|记录|历史", _I)),
    Check("site", _l("Site and safety constraints"),
          _l("Are there site, safety or network constraints (hazardous areas, dust, heat, no internet access)?"),
          re.compile(r"\b(site|safety|hazard\w*|explosi\w*|atex|dust\w*|humid\w*|heat|noise|clean ?rooms?|"
                     r"network|internet|offline|wi-?fi|outdoors?|corrosi\w*|on-?premises?|cloud|shifts?|space)\b|"
                     r"安全|防爆|现场|粉尘|网络|高温|潮湿", _I)),
    Check("budget", _l("Budget range"), _l("What budget range do you have in mind?"),
          re.compile(r"¥|\b(rmb|cny|yuan|budget|\d+\s*(k|m|million|wan))\b|万元|预算", _I), ("budget_min", "budget_max")),
    Check("timeline", _l("Timeline"), _l("By when does it need to work, and is there a pilot phase first?"),
          re.compile(r"\b(within|before|until|deadline|weeks?|months?|quarters?|q[1-4]|by (the )?(end|spring|summer|"
                     r"autumn|winter|\d{4})|asap|urgent\w*|pilot)\b|个月|周内|年内|月内|天内|半年|年底|月底|季度|之前|明年|"
                     r"尽快|试点", _I), ("deadline",)),
    Check("success", _l("Success measure"),
          _l("How will you measure success (for example: scrap rate down from 3% to 1%)?"),
          re.compile(r"\d\s*%|\bper ?cent\b|\b(reduce|cut|lower|increase|raise|improve|target|goal|kpi|"
                     r"from \S+ to|less than|fewer|at least|at most)\b|降低|提高|提升|减少|降下来|降到|减半|翻倍|"
                     r"[一二两三四五六七八九]成|目标|指标", _I)),
)


@dataclass
class Suggestion:
    slug: str
    name: str
    reason: str


@dataclass
class Assessment:
    present: list[Check]
    missing: list[Check]
    industry: Suggestion | None = None
    scenarios: list[Suggestion] = field(default_factory=list)
    similar: list[tuple[Need, float]] = field(default_factory=list)
    duplicates: list[tuple[Need, float]] = field(default_factory=list)
    cases: list[tuple[CaseStudy, float]] = field(default_factory=list)
    index_unavailable: bool = False

    @property
    def completeness(self) -> int:
        """Share of what providers ask for that the need already says, in percent."""
        return round(100 * len(self.present) / len(CHECKS))


def assess_need(actor: User | None, *, title: str = "", description: str = "", industry: str | None = None,
                budget_min: int | None = None, budget_max: int | None = None, deadline: date | None = None,
                need: Need | None = None) -> Assessment:
    """Assess a need while it is written: suggestions, completeness, similar needs, duplicates, cases."""
    text = f"{title}. {description}".strip(". ")
    values = {"budget_min": budget_min, "budget_max": budget_max, "deadline": deadline}
    read = with_gloss(text)  # a Chinese need's words are checked through their English glosses too
    present = [c for c in CHECKS if c.pattern.search(read) or any(values.get(f) for f in c.form_fields)]
    result = Assessment(present, [c for c in CHECKS if c not in present])
    if len(text) < 12:
        return result
    try:
        _placed(result, text, industry)
        _close(result, actor, text, industry, need)
    except Exception:  # the index is down or rebuilding: completeness still helps
        log.warning("intake assistant: index unavailable", exc_info=True)
        db.session.rollback()
        result.index_unavailable = True
    return result


def _placed(result: Assessment, text: str, industry: str | None) -> None:
    """Suggest the industry and the catalogue scenarios the text belongs to, with the reason."""
    matcher = get_indexer().matcher
    floor = matcher.weights.scenario_min_similarity
    votes: dict[str, float] = defaultdict(float)
    because: dict[str, str] = {}
    for info, sim in matcher.place(text, None, limit=5):
        if info.industry and sim >= floor:
            votes[info.industry] += sim
            because.setdefault(info.industry, info.slug)
    nearest = matcher.nearest("solution", text, 10)
    serving: dict[str, int] = defaultdict(int)
    for doc, cosine in nearest:
        for slug in doc.industries:
            votes[slug] += 0.5 * cosine / len(doc.industries)
            serving[slug] += 1
    if votes:
        best = max(votes, key=votes.get)
        industry_names = catalog_names(Industry, [best])
        scenario_names = catalog_names(Scenario, because.values())
        if best in because:
            reason = _("Your words are closest to its scenario “%(scenario)s”, and %(n)d of the 10 closest "
                       "solutions serve it.", scenario=scenario_names.get(because[best], because[best]),
                       n=serving[best])
        else:
            reason = _("%(n)d of the 10 solutions closest to your words serve it.", n=serving[best])
        if best in industry_names:
            result.industry = Suggestion(best, industry_names[best], reason)
    placed = [(info, sim) for info, sim in matcher.place(text, [industry] if industry else None, limit=3)
              if sim >= floor]
    names = catalog_names(Scenario, [info.slug for info, _sim in placed])
    result.scenarios = [Suggestion(info.slug, names[info.slug],
                                   _("Close in meaning to its description and typical technologies (%(score)s).",
                                     score=f"{sim:.2f}"))
                        for info, sim in placed if info.slug in names]


def _own_duplicates(actor: User | None, text: str, need: Need | None) -> list[tuple[int, float]]:
    """(id, cosine) of the acting enterprise's own needs (drafts too) that read like the text."""
    if actor is None or not belongs_to(actor, actor.organization_id):
        return []
    own_id = need.id if need is not None else None
    return [(d.id, s) for d, s in get_indexer().matcher.nearest("need", text, 3,
                                                                {"organization": str(actor.organization_id)})
            if d.id != own_id and s >= DUPLICATE_COSINE]


def _live_needs(ids) -> dict[int, Need]:
    return {n.id: n for n in db.session.scalars(sa.select(Need).where(Need.id.in_(list(ids)))) if not n.is_deleted}


def _close(result: Assessment, actor: User | None, text: str, industry: str | None, need: Need | None) -> None:
    """Needs already posted that read alike, the enterprise's own near-duplicates, the closest exemplary cases."""
    matcher = get_indexer().matcher
    own_id = need.id if need is not None else None
    visible = {"status": [NeedStatus.OPEN.value, NeedStatus.MATCHED.value]}
    hits = [(d.id, s) for d, s in matcher.nearest("need", text, 6, visible) if d.id != own_id and s >= SIMILAR_COSINE]
    own = _own_duplicates(actor, text, need)
    needs = _live_needs(i for i, _s in hits + own)
    result.duplicates = [(needs[i], s) for i, s in own if i in needs]
    duplicate_ids = {n.id for n, _s in result.duplicates}
    result.similar = [(needs[i], s) for i, s in hits if i in needs and i not in duplicate_ids][:5]
    filters = {"status": CaseReviewState.PUBLISHED.value, "exemplary": "True"}
    if industry:
        filters["industries"] = industry
    found = [(d.id, s) for d, s in matcher.nearest("case", text, 3, filters) if s >= CASE_COSINE]
    cases = {c.id: c for c in db.session.scalars(sa.select(CaseStudy).where(CaseStudy.id.in_([i for i, _s in found])))
             if c.exemplary and c.review_state == CaseReviewState.PUBLISHED and not c.is_deleted}
    result.cases = [(cases[i], s) for i, s in found if i in cases]


def duplicates_of(actor: User, title: str, description: str, need: Need | None = None) -> list[Need]:
    """The acting enterprise's own needs that read like this one (posted or draft); [] if the index is down.
    Only the one search the check needs (posting a need runs it; the similar needs and cases are not shown)."""
    try:
        own = _own_duplicates(actor, f"{title}. {description}", need)
    except Exception:
        log.warning("duplicate check: index unavailable", exc_info=True)
        db.session.rollback()
        return []
    needs = _live_needs(i for i, _s in own)
    return [needs[i] for i, _s in own if i in needs]

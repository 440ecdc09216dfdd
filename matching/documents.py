"""What the matcher indexes and what it is asked: plain data, no ORM."""
from dataclasses import asdict, dataclass, field


@dataclass
class Doc:
    """One indexed record (a solution, need, product, case or provider)."""

    id: int
    title: str
    body: str
    key: str = ""  # how the outside world names it (external id or id)
    industries: list[str] = field(default_factory=list)
    scenarios: list[str] = field(default_factory=list)
    region: str = ""
    provider: int | None = None
    provider_key: str = ""
    price_min: int | None = None
    price_max: int | None = None
    deployment: str | None = None
    status: str = ""
    created: str = ""  # ISO timestamp, for "newest first"
    cases: list[dict] = field(default_factory=list)  # published cases: {"title", "results", "exemplary"}
    standards: list[str] = field(default_factory=list)  # numbers of the standards it concerns
    facets: dict = field(default_factory=dict)  # anything else a search page filters on

    @property
    def text(self) -> str:
        return f"{self.title}. {self.body}"

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class ScenarioInfo:
    """A catalogue scenario: the bridge between plain words and technical terms."""

    slug: str
    name: str
    industry: str | None
    text: str  # name, description and typical technologies


@dataclass
class Query:
    """What to match: a need, or free text with optional structured context."""

    text: str
    industries: list[str] = field(default_factory=list)
    scenarios: list[str] = field(default_factory=list)  # stated by the need
    region: str = ""
    budget_min: int | None = None
    budget_max: int | None = None
    deployment: str | None = None  # on-premise, cloud, edge, hybrid; None: read from the text
    exclude: set[int] = field(default_factory=set)


@dataclass
class Reason:
    kind: str  # terms, semantic, industry, scenario, budget, region, deployment, evidence, standards, gap
    text: str  # in English, for the command line and IMPORT_FORMAT.md's output
    contribution: float = 0.0
    # The facts behind `text` (slugs, amounts, flags; a gap's "missing": scenario, terms, budget,
    # deployment), so that a caller can word the reason itself, e.g. in another language.
    args: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Result:
    id: int
    key: str
    provider: int | None
    provider_key: str
    score: float
    reasons: list[Reason] = field(default_factory=list)
    matched_terms: list[str] = field(default_factory=list)

    def reason_lines(self) -> list[str]:
        return [r.text for r in self.reasons]

    def reason_records(self) -> list[dict]:
        """The reasons as plain data (kind, English text, contribution, args), as stored with a match."""
        return [r.to_json() for r in self.reasons]

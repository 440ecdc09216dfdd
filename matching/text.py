"""Text handling shared by the keyword index and the explanations.

The keyword index uses SQLite FTS5's trigram tokenizer, which matches
substrings. A query term is therefore reduced to a light stem ("inspection" →
"inspect") so that it also finds the other forms of the word, and Chinese runs
are cut into overlapping three-character pieces (the smallest unit trigram
search can find).
"""
import re

_WORD = re.compile(r"[a-z0-9][a-z0-9+\-]*[a-z0-9+]|[a-z0-9]", re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ions", "ion", "ities", "ity", "ness",
             "ers", "er", "ies", "ied", "es", "ed", "ly", "al", "s")

STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing done down during each even every few for
from further get gets got had has have having he her here hers him his how however i if in into is
it its itself just keep keeps kind know last less let like lot lots made make makes many may me
more most much must my need needs new no nor not now of off often on once one only or other our
ours out over own per please quite rather really same see she should since so some still such
than that the their them then there these they this those through thus to too under until up upon
us use used using very via want wants was way we well were what when where whether which while who
whom why will with within without would year years yet you your
etc able around every everything something someone anyone nothing thing things day days time times
week weeks month months people person guys lot also already always never maybe sometimes right
two three four five six ten back run runs running put take takes took go goes going come comes came
look looks looking find finds found give gives tell told say says said start started stop stopped
try tried trying big small good bad better best last first next lots whole end ends ever
whenever wherever whatever leave leaves left lose loses lost get getting gives given thing kind sort
mostly usually often sometimes lately recently currently basically actually simply really pretty
""".split())


def stem(word: str) -> str:
    """Strip one common English suffix, keeping at least four letters."""
    word = word.lower()
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    """Lower-cased Latin words and numbers of text, in order."""
    return [w.lower() for w in _WORD.findall(text or "")]


def cjk_pieces(text: str) -> list[str]:
    """Overlapping three-character pieces of every Chinese run (whole runs of 1-3 characters)."""
    pieces = []
    for run in _CJK.findall(text or ""):
        if len(run) <= 3:
            pieces.append(run)
        else:
            pieces.extend(run[i:i + 3] for i in range(len(run) - 2))
    return pieces


def is_cjk(term: str) -> bool:
    """Whether a term is all Chinese characters."""
    return bool(_CJK.fullmatch(term))


def cjk_phrases(pieces: list[str], text: str) -> list[str]:
    """The stretches of text covered by the given Chinese pieces, in text order.

    Overlapping trigrams are how the index matches Chinese, not how people read it: the pieces
    热轧带, 轧带钢, 带钢表 found in "热轧带钢表面" are shown as the one phrase 热轧带钢表.
    """
    covered = [False] * len(text)
    for piece in pieces:
        start = text.find(piece)
        while start != -1:
            covered[start:start + len(piece)] = [True] * len(piece)
            start = text.find(piece, start + 1)
    phrases, start = [], None
    for i, flag in enumerate([*covered, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            phrases.append(text[start:i])
            start = None
    return list(dict.fromkeys(phrases))


def term_map(text: str) -> dict[str, str]:
    """Map each distinct stemmed content term of text to the word it came from, in order.

    Stop words, numbers and words shorter than three characters are left out.
    """
    seen: dict[str, str] = {}
    for word in words(text):
        if word in STOPWORDS or len(word) < 3 or word.isdigit():
            continue
        seen.setdefault(stem(word), word)
    for piece in cjk_pieces(text):
        seen.setdefault(piece, piece)
    return seen


def content_terms(text: str) -> list[str]:
    """Distinct stemmed content terms of text, in order."""
    return list(term_map(text))


def fts_query(text: str, max_terms: int = 24, cjk_only: bool = False) -> str | None:
    """Build a safe FTS5 MATCH expression for the trigram table: each term quoted, OR-ed; None when empty.

    User text never reaches MATCH raw: operators, quotes and column filters are dropped.
    Terms shorter than three characters cannot match a trigram index and are skipped. A long need
    keeps its max_terms longest terms (longer words are rarer, and each term costs a posting-list
    scan), in their original order. cjk_only: only the Chinese pieces (Latin words go to the word table).
    """
    terms = [t for t in (cjk_pieces(text) if cjk_only else content_terms(text)) if len(t) >= 3]
    return _or_terms(terms, max_terms)


def latin_terms(text: str) -> list[str]:
    """A text's Latin-script content words, once each, in order (for the porter word table)."""
    found = dict.fromkeys(w for w in words(text) if w not in STOPWORDS and len(w) >= 3 and not w.isdigit())
    return [w.replace("-", " ").replace('"', "") for w in found]


def latin_query(text: str, max_terms: int = 16) -> str | None:
    """A safe MATCH expression of a text's Latin-script content words for the porter word table."""
    return _or_terms(latin_terms(text), max_terms)


def or_query(terms: list[str]) -> str | None:
    """OR together already safe terms, each quoted (a phrase when it holds a space)."""
    return " OR ".join('"' + t.replace('"', "") + '"' for t in terms) if terms else None


def _or_terms(terms: list[str], max_terms: int) -> str | None:
    if len(terms) > max_terms:
        keep = set(sorted(terms, key=len, reverse=True)[:max_terms])
        terms = [t for t in terms if t in keep]
    return or_query(terms)

_DEPLOYMENT = (  # first match wins: a refusal of the cloud is a wish for on-premise
    ("on-premise", re.compile(r"\b(no|not|without|never|can'?t|cannot|mustn'?t)\b[^.]{0,40}\b(cloud|internet)"
                              r"|on[- ]?prem|on[- ]?site server|local server|own server|air[- ]?gapped|offline|"
                              r"私有化|本地部署", re.IGNORECASE)),
    ("edge", re.compile(r"\bedge\b|on the machine|at the line|边缘", re.IGNORECASE)),
    ("cloud", re.compile(r"\b(cloud|saas|subscription|online service)\b|云", re.IGNORECASE)),
)


def deployment_wish(text: str) -> str | None:
    """The deployment a need asks for in its own words, if it says so."""
    for mode, pattern in _DEPLOYMENT:
        if pattern.search(text or ""):
            return mode
    return None

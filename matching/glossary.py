"""Chinese needs for an English-only embedding model: a domain glossary.

The bundled model (all-MiniLM-L6-v2) reads English only: the vector of a Chinese sentence says
little about its meaning, and Chinese words never meet the English words of a solution in the
keyword index. The glossary (data/glossary_zh_en.tsv: Chinese term, tab, English words) bridges
the two the way a bilingual engineer would skim a text: each Chinese run is read longest term
first, and every term found stands for its English words.

- `english(text)` is what the model embeds: the text with its Chinese terms replaced by their
  English words in place (characters no term covers are dropped; Latin words and numbers stay).
- `with_gloss(text)` is what the keyword index reads: the text itself (its Chinese still matches
  Chinese records through the trigram table) followed by the English words of its Chinese terms.

Texts without Chinese are returned unchanged, so English records and their cached vectors are not
touched. A multilingual model needs none of this (EMBEDDING_GLOSSARY=0).
"""
import re
from functools import lru_cache
from pathlib import Path

from matching.text import term_map

GLOSSARY = Path(__file__).parent / "data" / "glossary_zh_en.tsv"
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_PUNCTUATION = str.maketrans({"，": ", ", "、": ", ", "。": ". ", "；": "; ", "：": ": ", "！": ". ", "？": "? ",
                              "（": " (", "）": ") ", "“": ' "', "”": '" ', "《": ' "', "》": '" '})


@lru_cache(maxsize=4)
def load(path: Path = GLOSSARY) -> tuple[dict[str, str], int]:
    """The glossary as {Chinese term: English words} and its longest term's length."""
    terms: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        chinese, _, english_words = line.partition("\t")
        if chinese.strip() and english_words.strip():
            terms[chinese.strip()] = english_words.strip()
    return terms, max(map(len, terms), default=0)


def terms_of(run: str, path: Path = GLOSSARY) -> list[tuple[str, str | None]]:
    """Cut a run of Chinese into glossary terms, longest first from the left: (piece, English or None)."""
    glossary, longest = load(path)
    pieces, i = [], 0
    while i < len(run):
        for size in range(min(longest, len(run) - i), 0, -1):
            english_words = glossary.get(run[i:i + size])
            if english_words is not None:
                pieces.append((run[i:i + size], english_words))
                i += size
                break
        else:
            pieces.append((run[i], None))
            i += 1
    return pieces


def _glossed_run(match: re.Match) -> str:
    return " " + " ".join(english_words for _, english_words in terms_of(match.group()) if english_words) + " "


def english(text: str) -> str:
    """The text with each Chinese term replaced by its English words (unchanged without Chinese)."""
    if not text or not _CJK.search(text):
        return text
    return re.sub(r"\s+", " ", _CJK.sub(_glossed_run, text.translate(_PUNCTUATION))).strip()


def glosses(text: str) -> list[str]:
    """The English words of the text's Chinese terms, once each, in order."""
    found = [english_words for run in _CJK.findall(text or "") for _, english_words in terms_of(run) if english_words]
    return list(dict.fromkeys(found))


def glossed_terms(text: str) -> dict[str, list[str]]:
    """The text's Chinese terms that the glossary knows, each with its stemmed English content words
    (a term is found in an English record when one of its words is)."""
    found: dict[str, list[str]] = {}
    for run in _CJK.findall(text or ""):
        for term, english_words in terms_of(run):
            stems = list(term_map(english_words)) if english_words else []
            if stems:
                found.setdefault(term, stems)
    return found


def with_gloss(text: str) -> str:
    """The text followed by the English words of its Chinese terms (unchanged without Chinese)."""
    words = glosses(text)
    return f"{text}\n{' '.join(words)}" if words else text

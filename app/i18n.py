"""Languages: which one a request gets, locale-aware money and regions, the matcher's reasons in words.

Locale codes are those of the catalogues in translations/ ("en", "zh_Hans"); a user's stored
choice from before zh_Hans ("zh") and browser tags ("zh-CN", "zh-Hans") are normalised to them.
"""
from babel.numbers import format_currency
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.models import Deployment, Industry, Scenario
from app.services.search import catalog_names
from app.webforms import label

DEFAULT = "en"
CHINESE = "zh_Hans"
LANGUAGE_NAMES = {"en": "English", CHINESE: "简体中文"}
HTML_LANG = {"en": "en", CHINESE: "zh-Hans"}


def normalize_locale(code: str | None) -> str | None:
    """Return the supported locale a language code or tag stands for (None when none does)."""
    if not code:
        return None
    tag = code.replace("_", "-").lower()
    if tag == "zh" or tag.startswith("zh-"):
        return CHINESE  # every Chinese tag: Simplified is what we have, and closer than English
    if tag == "en" or tag.startswith("en-"):
        return DEFAULT
    return None


def browser_locale() -> str | None:
    """Return the first supported language of the Accept-Language header, by the browser's preference."""
    for tag, _quality in request.accept_languages:
        if found := normalize_locale(tag):
            return found
    return None


def select_locale() -> str:
    """Pick the language: the user's choice, then the session's, then the browser's (CLI: the default)."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and (chosen := normalize_locale(current_user.locale)):
        return chosen
    return normalize_locale(session.get("locale")) or browser_locale() or DEFAULT


def is_chinese() -> bool:
    """Whether the interface language is Chinese."""
    return get_locale().language == "zh"


def html_lang() -> str:
    """The BCP 47 tag of the interface language, for <html lang>."""
    return HTML_LANG.get(str(get_locale()), "en")


def money(value: int | None) -> str:
    """Format a CNY amount for the current locale, in whole yuan (CN¥1,200,000 / ¥1,200,000)."""
    return "" if value is None else format_currency(value, "CNY", format="¤#,##0", currency_digits=False, locale=get_locale())


def money_range(low: int | None, high: int | None) -> str:
    """Format a CNY range; an open end shows the one amount given."""
    if low is None and high is None:
        return ""
    if low is None or high is None:
        return money(low if high is None else high)
    return f"{money(low)} – {money(high)}"


def join(items) -> str:
    """Join names or words as a list ("a, b, c"; "甲、乙、丙")."""
    return ("、" if is_chinese() else ", ").join(str(i) for i in items if i)


REGIONS = {
    "Beijing": _l("Beijing"), "Tianjin": _l("Tianjin"), "Hebei": _l("Hebei"), "Shanxi": _l("Shanxi"),
    "Inner Mongolia": _l("Inner Mongolia"), "Liaoning": _l("Liaoning"), "Jilin": _l("Jilin"),
    "Heilongjiang": _l("Heilongjiang"), "Shanghai": _l("Shanghai"), "Jiangsu": _l("Jiangsu"),
    "Zhejiang": _l("Zhejiang"), "Anhui": _l("Anhui"), "Fujian": _l("Fujian"), "Jiangxi": _l("Jiangxi"),
    "Shandong": _l("Shandong"), "Henan": _l("Henan"), "Hubei": _l("Hubei"), "Hunan": _l("Hunan"),
    "Guangdong": _l("Guangdong"), "Guangxi": _l("Guangxi"), "Hainan": _l("Hainan"),
    "Chongqing": _l("Chongqing"), "Sichuan": _l("Sichuan"), "Guizhou": _l("Guizhou"), "Yunnan": _l("Yunnan"),
    "Tibet": _l("Tibet"), "Shaanxi": _l("Shaanxi"), "Gansu": _l("Gansu"), "Qinghai": _l("Qinghai"),
    "Ningxia": _l("Ningxia"), "Xinjiang": _l("Xinjiang"),
}


def region(value: str | None) -> str:
    """Return a province's name in the interface language (free text as written)."""
    return str(REGIONS.get((value or "").strip(), value or ""))


# The matcher's reasons ------------------------------------------------------------------

def _names(slugs) -> str:
    names = {**catalog_names(Industry), **catalog_names(Scenario)}
    return join(names.get(s, s) for s in slugs)


def _deployment(value: str | None) -> str:
    return label(Deployment(value)) if value in set(Deployment) else (value or "?")


def _evidence(a: dict) -> str:
    if a.get("exemplary"):
        return _("Backed by exemplary case “%(title)s”: %(results)s", title=a["title"], results=a["results"])
    return _("Backed by published case “%(title)s”: %(results)s", title=a["title"], results=a["results"])


# One wording per reason kind (a gap's by what is missing); each takes the reason's args.
_WORDINGS = {
    "terms": lambda a: _("Answers: %(terms)s", terms=join(a["terms"])),
    "semantic": lambda a: _("Close in meaning to the need (text fit %(fit)s)", fit=f"{a['fit']:.2f}"),
    "industry": lambda a: _("Serves the industry: %(names)s", names=_names(a["industries"])),
    "scenario": lambda a: (_("Scenario: %(name)s (stated in the need)", name=_names([a["scenario"]]))
                           if a["stated"] else
                           _("Scenario: %(name)s (inferred from the need's description)", name=_names([a["scenario"]]))),
    "budget": lambda a: _("Price range %(low)s–%(high)s fits the budget",
                          low=money(a["price_min"]) or "?", high=money(a["price_max"]) or "?"),
    "region": lambda a: _("Provider in the same region: %(region)s", region=region(a["region"])),
    "deployment": lambda a: _("Deploys %(deployment)s, as the need asks (%(wish)s)",
                              deployment=_deployment(a["deployment"]), wish=_deployment(a["wish"])),
    "evidence": _evidence,
    "standards": lambda a: _("Concerns standards: %(numbers)s", numbers=join(a["standards"])),
    "track_record": lambda a: _("Provider's track record: %(agreed)s agreed or delivered and %(others)s other "
                                "positive outcomes of earlier matches", agreed=a["agreed"], others=a["others"]),
    "pilot": lambda a: _("Selected from the proposals to the open pilot scenario “%(title)s”", title=a["title"]),
    "gap:scenario": lambda a: _("Not filed under the need's scenario: %(names)s", names=_names(a["scenarios"])),
    "gap:terms": lambda a: _("Does not mention: %(terms)s", terms=join(a["terms"])),
    "gap:budget": lambda a: _("Price from %(price)s is above the budget", price=money(a["price_min"]) or "?"),
    "gap:deployment": lambda a: _("Deploys %(deployment)s; the need asks for %(wish)s",
                                  deployment=_deployment(a["deployment"]), wish=_deployment(a["wish"])),
}
# Kinds whose English text ends with their contribution to the score.
_SCORED = {"industry", "scenario", "budget", "region", "deployment", "track_record"}


def reason_text(reason) -> str:
    """Word one of the matcher's reasons in the interface language.

    `reason` is a stored reason record (kind, text, contribution, args) or, for matches stored
    before reasons carried their facts, a plain English line, shown as it is.
    """
    if isinstance(reason, str):
        return reason
    args = reason.get("args") or {}
    key = f"gap:{args.get('missing')}" if reason.get("kind") == "gap" else reason.get("kind")
    wording = _WORDINGS.get(key)
    if wording is None or not args:
        return reason.get("text", "")
    try:
        text = wording(args)
    except (KeyError, TypeError, ValueError):  # a record from another matcher version: its own words
        return reason.get("text", "")
    if key not in _SCORED:
        return text
    return _("%(reason)s (+%(points)s)", reason=text, points=f"{reason['contribution']:.2f}")


def reason_kind(reason) -> str:
    """The kind of a stored reason ("" for a plain line)."""
    return "" if isinstance(reason, str) else reason.get("kind", "")


def init_app(app) -> None:
    """Register the template helpers."""
    languages = [(code, name, HTML_LANG[code]) for code, name in LANGUAGE_NAMES.items()]
    app.jinja_env.globals.update(money_range=money_range, html_lang=html_lang, languages=languages)
    app.jinja_env.filters.update(money=money, region=region, reason=reason_text, reason_kind=reason_kind)

"""Chinese and English: complete catalogues, the language switch, formats per locale, reasons in words."""
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from tests.conftest import PASSWORD, TRANSLATIONS

pytestmark = pytest.mark.usefixtures("view_app")
ROOT = TRANSLATIONS.parent
ZH_PO = TRANSLATIONS / "zh_Hans" / "LC_MESSAGES" / "messages.po"


def _read(path: Path):
    with path.open("rb") as f:
        return read_po(f)


@pytest.fixture(scope="module")
def code_messages(tmp_path_factory):
    """Every string marked for translation in the code today, extracted as `make translations-update` does."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l",
                                "-k", "lazy_gettext", "-o", str(pot), str(ROOT)])
    return _read(pot)


def test_every_string_in_the_code_has_a_chinese_translation(code_messages):
    zh = _read(ZH_PO)
    missing = [m.id for m in code_messages if m.id and (m.id not in zh or "fuzzy" in zh[m.id].flags
                                                         or not all(_strings(zh[m.id])))]
    assert len(code_messages) > 300  # the extraction really ran over the app
    assert not missing, f"untranslated (run `make translations-update`, then translate): {missing}"


def _strings(message) -> tuple:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_chinese_translations_keep_every_placeholder():
    problems = [(m.id, [str(e) for e in errors]) for m, errors in _read(ZH_PO).check()]
    assert not problems


def test_pages_are_chinese_after_switching_and_english_after_switching_back(client):
    client.post("/language/zh_Hans?next=/industries")
    page = client.get("/industries").get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page and ">搜索<" in page and "跳到正文" in page
    client.post("/language/en")
    page = client.get("/industries").get_data(as_text=True)
    assert '<html lang="en">' in page and ">Search<" in page


def test_switch_redirects_back_to_the_page_and_never_off_site(client):
    assert client.post("/language/zh_Hans?next=/needs").headers["Location"] == "/needs"
    assert client.post("/language/zh_Hans?next=//evil.example").headers["Location"] == "/"


def test_a_signed_in_users_language_is_remembered_on_the_account(app, client, auth, enterprise, db):
    auth.login(enterprise)
    client.post("/language/zh_Hans")
    db.session.refresh(enterprise)
    assert enterprise.locale == "zh_Hans"
    other_browser = app.test_client()
    other_browser.post("/login", data={"email": enterprise.email, "password": PASSWORD})
    assert ">搜索<" in other_browser.get("/needs").get_data(as_text=True)


def test_a_chinese_browser_gets_chinese_even_when_it_also_accepts_english(client):
    page = client.get("/industries", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page
    page = client.get("/industries", headers={"Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"}).get_data(as_text=True)
    assert '<html lang="en">' in page


@pytest.mark.parametrize("stored", ["zh", "zh_Hans", "zh-CN"])
def test_chinese_stored_under_any_tag_means_chinese(client, auth, enterprise, db, stored):
    enterprise.locale = stored
    db.session.commit()
    auth.login(enterprise)
    assert '<html lang="zh-Hans">' in client.get("/needs").get_data(as_text=True)
    assert '<option selected value="zh_Hans">' in client.get("/profile").get_data(as_text=True)


def test_money_and_dates_follow_the_language(client, need):
    english = client.get(f"/needs/{need.slug}").get_data(as_text=True)
    assert "CN¥200,000 – CN¥800,000" in english
    assert f"{need.deadline:%B} {need.deadline.day}, {need.deadline.year}" in english
    client.post("/language/zh_Hans")
    chinese = client.get(f"/needs/{need.slug}").get_data(as_text=True)
    assert "¥200,000 – ¥800,000" in chinese and "CN¥" not in chinese
    assert f"{need.deadline.year}年{need.deadline.month}月{need.deadline.day}日" in chinese
    assert "河北" in chinese  # the region, a province name


def test_match_reasons_are_worded_in_the_interface_language(client, auth, enterprise, match):
    auth.login(enterprise)
    english = client.get(f"/needs/{match.need.slug}").get_data(as_text=True)
    assert "Scenario: Strip Surface Defect Detection (stated in the need)" in english
    client.post("/language/zh_Hans")
    chinese = client.get(f"/needs/{match.need.slug}").get_data(as_text=True)
    assert "场景：带钢表面缺陷检测（需求中已注明）" in chinese
    assert "服务行业：钢铁" in chinese and "Serves the industry" not in chinese


def test_reasons_stored_as_plain_lines_before_translation_still_show(client, auth, enterprise, match, db):
    match.reasons = ["Same industry: steel"]
    db.session.commit()
    auth.login(enterprise)
    assert "Same industry: steel" in client.get(f"/needs/{match.need.slug}").get_data(as_text=True)


def test_provider_sees_fitting_needs_with_chinese_reasons(client, auth, provider, solution, need):
    auth.login(provider)
    client.post("/language/zh_Hans")
    page = client.get(f"/solutions/{solution.slug}").get_data(as_text=True)
    assert need.title in page and "与需求语义相近" in page


def test_flash_messages_are_translated(client, auth, enterprise):
    auth.login(enterprise)
    client.post("/language/zh_Hans")
    page = client.get("/profile").get_data(as_text=True)
    assert "个人资料" in page
    response = client.post("/profile", data={"name": "王芳", "locale": "zh_Hans"}, follow_redirects=True)
    assert "您的资料已保存。" in response.get_data(as_text=True)

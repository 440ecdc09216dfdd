"""Keyboard use and the accessibility checker itself (the journeys check their key pages with it)."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, key_page


def test_the_checker_fails_on_unlabelled_fields_and_low_contrast(page):
    page.set_content('<html lang="en"><head><title>Bad</title></head><body><main><h1>Bad</h1>'
                     '<input type="text"><p class="faint">faint text</p></main></body></html>')
    page.add_style_tag(content=".faint { color: #ccc; background: #fff; }")
    with pytest.raises(AssertionError, match=r"(?s)label.*color-contrast|color-contrast.*label"):
        check_accessibility(page, "checker-self-test")


def test_keyboard_users_skip_to_the_content_and_always_see_where_they_are(page):
    page.goto("/needs")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["x"] >= 0  # shown on focus, not left off-screen
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/needs#content$"))
    page.keyboard.press("Tab")  # the first control of the page's own content
    focused = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        return {inMain: !!e.closest('main'), outline: s.outlineStyle, background: s.backgroundColor}; }""")
    assert focused["inMain"]
    assert focused["outline"] != "none" or focused["background"] not in ("rgba(0, 0, 0, 0)", "transparent")


def test_the_language_switch_works_from_the_keyboard(page):
    page.goto("/industries")
    switch = page.get_by_role("navigation", name="Language").get_by_role("button", name="简体中文")
    switch.focus()
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page).to_have_url(re.compile(r"/industries$"))
    key_page(page, "industries-zh")


PUBLIC_PAGES = ["/", "/search?q=predictive+maintenance", "/industries", "/industries/steel", "/needs", "/providers",
                "/cases", "/standards", "/login", "/register", "/reset"]


def test_public_pages_pass_the_checker_in_both_languages(page):
    for language in ("en", "zh_Hans"):
        page.goto("/")
        page.get_by_role("navigation", name=re.compile("Language|语言")).get_by_role(
            "button", name={"en": "English", "zh_Hans": "简体中文"}[language]).click()
        for path in PUBLIC_PAGES:
            page.goto(path)
            name = re.sub(r"\W+", "-", path.strip("/")).strip("-") or "home"
            check_accessibility(page, f"sweep-{language}-{name}")

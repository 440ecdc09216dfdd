"""Each user's main journey through the real site in headless Chromium, in English and Chinese; keyboard
use; the accessibility checker over the public pages. One module, so that `pytest -n 2 --dist loadfile`
starts one site and one browser for all of them."""
import csv
import re
import uuid
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import check_accessibility, key_page

expect = pytest.importorskip("playwright.sync_api",
                             reason="Playwright is not installed (pip install -e '.[test]')").expect

PASSWORD = "correct horse battery staple"


def register(page, role_label: str, organisation: str) -> str:
    """Register through the form; return the new account's e-mail."""
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    page.goto("/")
    page.get_by_role("link", name="Register").click()
    page.get_by_label(role_label).check()
    page.get_by_label("Organisation name").fill(organisation)
    page.get_by_label("Region (province)").fill("Hebei")
    page.get_by_label("Your name").fill("Li Wei")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status").filter(has_text="Welcome to ChainMatch")).to_be_visible()
    return email


def test_sme_registers_posts_a_need_reads_explained_matches_and_contacts_a_provider(page):
    page.goto("/")
    key_page(page, "home")
    page.goto("/register")
    key_page(page, "register")
    register(page, "an industrial enterprise with needs", "Tangshan Rolling Works")

    page.get_by_role("link", name="Post a need").click()
    page.get_by_label("Title").fill("Catch scratches on our hot strip before the customer does")
    page.get_by_label("What do you need solved?").fill(
        "Customers keep finding scratches and scale on our hot-rolled coils. Inspectors cannot watch a strip "
        "running at 20 m/s. We want the line to flag surface defects itself and tell us where on the coil they are.")
    page.get_by_label("Industry", exact=True).select_option("steel")
    page.get_by_label("Budget from (CNY)").fill("300000")
    page.get_by_label("Budget up to (CNY)").fill("1200000")
    key_page(page, "need-form")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status").filter(has_text="Your need is published.")).to_be_visible()

    matches = page.locator("#matches .match-list > li")
    expect(matches.first).to_be_visible()
    assert matches.count() >= 3
    first = matches.first
    reasons = first.get_by_role("list", name="Why this match")
    expect(reasons).to_contain_text("Close in meaning to the need")
    expect(page.get_by_text("CN¥300,000 – CN¥1,200,000")).to_be_visible()
    key_page(page, "need-matches")

    # The owner's private triage, then contact as a step of the match's lifecycle.
    solution = first.locator(".card-title a").inner_text()
    first.get_by_label("Your assessment").select_option(label="Interesting")
    first.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Your assessment is saved.")).to_be_visible()
    match = page.locator("#matches .match-list > li").filter(has_text=solution)
    expect(match.locator(".badge-interesting")).to_have_text("Interesting")
    expect(match.get_by_label("Your assessment")).to_have_value("interesting")

    match.get_by_role("link", name="Follow up").click()
    expect(page).to_have_url(re.compile(r"/matches/\d+$"))
    expect(page.locator(".match-state .badge-suggested")).to_have_text("Suggested")
    next_step = page.locator("#next-step")
    next_step.get_by_label("Move to").select_option(label="Contacted")
    next_step.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="The match is now Contacted.")).to_be_visible()
    expect(page.locator(".match-state .badge-contacted")).to_have_text("Contacted")
    expect(page.locator("#history tbody tr").last).to_contain_text("Contacted")
    key_page(page, "match-follow-up")

    page.get_by_role("link", name=solution, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(solution)
    page.get_by_role("navigation", name="Breadcrumbs").get_by_role("link").click()  # the provider behind it
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    key_page(page, "provider-profile")


def test_provider_lists_a_solution_and_finds_fitting_needs(page):
    register(page, "a provider of intelligent solutions", "Hebei Vision Analytics")
    page.get_by_role("link", name="List a solution").click()
    page.get_by_label("Title").fill("Inline strip surface inspection")
    page.get_by_label("Summary").fill("Line-scan cameras and deep learning flag scratches, scale and holes on strip.")
    page.get_by_label("Description").fill(
        "Cameras above and below the strip, defect classification at full line speed, coil defect maps for "
        "grading and cutting, links to process data for root-cause analysis.")
    page.get_by_label("Industries").select_option(["steel"])
    page.get_by_label("Deployment").select_option("edge")
    page.get_by_label("Price from (CNY)").fill("400000")
    page.get_by_label("Price up to (CNY)").fill("1500000")
    key_page(page, "solution-form")
    page.get_by_role("button", name="Save solution").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Inline strip surface inspection")
    fits = page.locator("section", has=page.get_by_role("heading", name="Open needs that fit"))
    expect(fits.locator(".match-list > li").first).to_be_visible()
    expect(fits.get_by_role("list", name="Why this match").first).to_contain_text("Serves the industry: Steel")
    key_page(page, "solution-fitting-needs")

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Inline strip surface inspection")).to_be_visible()
    key_page(page, "provider-dashboard")


def sign_in(page, site, role: str) -> None:
    """Sign in through the form as the demo account whose e-mail contains `role`."""
    email = next(e for e in site["accounts"] if role in e)
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(site["accounts"][email])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_out(page) -> None:
    page.get_by_role("navigation", name="Account").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign in")).to_be_visible()


def flashed(page, text: str):
    return page.get_by_role("status").filter(has_text=text)


# The demo data (catalogs/demo/): the demo enterprise member belongs to the first enterprise imported, whose open
# need is about scratches on cold-rolled strip; the demo provider member to the first provider, whose strip surface
# inspection is what the matcher pairs with that need. Both are in the steel industry.
DEMO_NEED = "Customers keep finding scratches and marks on our cold-rolled coils"
DEMO_SOLUTION = "Deep-learning strip surface inspection for hot and cold rolling lines"
REPORT_HEADER = ["industry", "enterprises", "providers", "proposed", "accepted", "held", "agreements"]


def test_official_reviews_a_case_publishes_it_as_exemplary_then_runs_a_campaign_and_downloads_its_report(page, site):
    sign_in(page, site, "official")

    # The review queue, narrowed to steel; a submitted case's review page.
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Review cases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases waiting for review")
    page.get_by_label("Industry", exact=True).select_option("steel")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"industry=steel"))
    waiting = page.locator(".cards .card").filter(has=page.locator(".badge-submitted"))
    expect(waiting.first).to_be_visible()
    case = waiting.first.locator(".card-title a").inner_text()
    waiting.first.locator(".card-title a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review: {case}")

    scoring = page.locator("section", has=page.get_by_role("heading", name="Score against the criteria"))
    criteria = scoring.get_by_role("group")
    expect(criteria).to_have_count(5)
    for criterion in criteria.all():
        criterion.get_by_label("4", exact=True).check()
    scoring.get_by_label("Comment").fill("Measured results before and after; replicable across cold mills.")
    scoring.get_by_role("button", name="Record scores").click()
    expect(flashed(page, "Your scores are recorded.")).to_be_visible()
    expect(page.locator(".timeline table.scores").first).to_contain_text("4 / 5")

    decide = page.locator("section", has=page.get_by_role("heading", name="Decide"))
    decide.get_by_label("Select as an exemplary case").check()
    decide.get_by_role("button", name="Publish", exact=True).click()
    expect(flashed(page, "The case study is published.")).to_be_visible()
    expect(page.locator("main .badge-published").first).to_have_text("Published")
    expect(page.locator("main .badge-exemplary").first).to_have_text("Exemplary")
    key_page(page, "case-review")

    page.goto("/industries/steel/exemplary-cases")
    expect(page.get_by_role("heading", level=1)).to_have_text("Exemplary cases: Steel")
    expect(page.get_by_role("link", name=case, exact=True)).to_be_visible()
    key_page(page, "exemplary-cases")

    # A campaign: a draft, then registration open.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Campaigns").click()
    page.get_by_role("link", name="New campaign").click()
    title = f"Steel matchmaking day {uuid.uuid4().hex[:6]}"
    page.get_by_label("Title").fill(title)
    page.get_by_label("City").fill("Tangshan")
    page.get_by_label("Industrial park (optional)").fill("Caofeidian Industrial Park")
    page.get_by_label("Date", exact=True).fill((date.today() + timedelta(days=45)).isoformat())
    page.get_by_label("Venue").fill("Caofeidian Convention Centre, Hall B")
    page.get_by_label("About the event").fill("Mills meet the providers that fit their needs, 20 minutes a table.")
    page.get_by_label("Industries").select_option(["steel"])
    page.get_by_label("First meeting starts at").fill("09:00")
    page.get_by_label("Minutes per meeting").fill("20")
    page.get_by_label("Number of time slots").fill("6")
    page.get_by_label("Number of tables").fill("4")
    page.get_by_role("button", name="Save").click()
    expect(flashed(page, "The campaign is saved as a draft.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    campaign = page.url
    page.get_by_role("button", name="Open registration").click()
    expect(flashed(page, "The campaign is now: Registration open.")).to_be_visible()
    sign_out(page)

    # The enterprise brings its open need, the provider its solutions.
    for role, field, offer in (("enterprise", "Needs you bring", DEMO_NEED),
                               ("provider", "Solutions you bring", DEMO_SOLUTION)):
        sign_in(page, site, role)
        page.goto(campaign)
        page.locator("#registration").get_by_role("link", name="Register").click()
        page.get_by_label(field).select_option(label=offer)
        page.get_by_label("Most meetings you want").fill("3")
        page.get_by_role("button", name="Register").click()
        expect(flashed(page, f"is registered for {title}.")).to_be_visible()
        expect(page.locator("#registration")).to_contain_text("is registered, for at most 3 meetings.")
        sign_out(page)

    # The official proposes the schedule, publishes it, holds the event and records an outcome.
    sign_in(page, site, "official")
    page.goto(campaign)
    expect(page.locator("dl.facts")).to_contain_text("1 enterprises, 1 providers")
    page.get_by_role("button", name="Propose the schedule").click()
    expect(flashed(page, "meeting(s) proposed.")).to_be_visible()
    meetings = page.locator("#schedule table.schedule tbody tr")
    expect(meetings.first).to_be_visible()
    assert meetings.count() >= 1
    meeting = meetings.filter(has_text=DEMO_SOLUTION).first
    expect(meeting).to_contain_text(DEMO_NEED)
    page.get_by_role("button", name="Publish the schedule").click()
    expect(flashed(page, "The campaign is now: Schedule published.")).to_be_visible()
    page.get_by_role("button", name="Mark as held").click()
    expect(flashed(page, "The campaign is now: Held.")).to_be_visible()
    meeting.get_by_label("Meeting", exact=True).select_option(label="Held")
    meeting.get_by_label("Agreement reached").check()
    meeting.get_by_label("Note", exact=True).fill("Site survey booked for the October overhaul.")
    meeting.get_by_role("button", name="Record", exact=True).click()
    expect(flashed(page, "Outcome recorded.")).to_be_visible()
    expect(meeting.locator(".badge-held")).to_have_text("Held")
    expect(meeting.get_by_label("Agreement reached")).to_be_checked()
    key_page(page, "campaign-schedule")

    # The report: charts, counts, and the CSV download.
    page.get_by_role("link", name="Campaign report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Report: {title}")
    expect(page.locator("svg.chart")).to_have_count(6)  # the totals, then five counts by industry
    expect(page.locator("svg.chart > title").first).to_have_text("Campaign totals")
    totals = page.locator("table.report tr").filter(has_text="All industries").locator("td")
    expect(totals).to_have_text(["1", "1", "1", "0", "1", "1"])
    steel = page.locator("table.report tr").filter(has=page.get_by_role("rowheader", name="Steel", exact=True))
    expect(steel.locator("td")).to_have_text(["1", "1", "1", "0", "1", "1"])
    key_page(page, "campaign-report")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename.endswith("-report.csv")
    rows = list(csv.reader(Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == REPORT_HEADER
    assert ["Steel", "1", "1", "1", "0", "1", "1"] in rows
    assert rows[-1] == ["All industries", "1", "1", "1", "0", "1", "1"]


def _query(url: str) -> dict:
    return parse_qs(urlsplit(url).query)


def test_visitor_searches_with_facets_in_english_and_chinese(page, browser, site):
    page.goto("/")
    page.get_by_role("link", name="Search", exact=True).click()
    page.get_by_label(re.compile("^Search solutions")).fill("the motor dies without warning")
    page.get_by_role("button", name="Search", exact=True).click()
    results = page.locator(".result-list > li")
    expect(results.first).to_be_visible()
    key_page(page, "search-en")

    # A facet click loads the results in place and updates the address, which can be shared.
    facets = page.get_by_role("complementary", name="Filters")
    solutions = facets.get_by_role("link", name=re.compile(r"^Solutions \(\d+\)"))
    solutions.click()
    expect(page).to_have_url(re.compile(r"type=solution"))
    expect(solutions).to_have_attribute("aria-current", "true")
    expect(page.locator(".result-list .result-type").first).to_have_text("Solutions")
    assert set(page.locator(".result-list .result-type").all_text_contents()) == {"Solutions"}
    titles = page.locator(".result-list h3").all_inner_texts()
    shared = browser.new_page(base_url=site["url"])
    shared.goto(page.url)
    assert shared.locator(".result-list h3").all_inner_texts() == titles
    shared.close()

    # 中文: the footer switch, then a Chinese query with its words highlighted and a Chinese facet.
    page.get_by_role("navigation", name="Language").get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.goto("/search")
    page.get_by_label(re.compile("^搜索解决方案")).fill("表面缺陷")
    page.get_by_role("button", name="搜索", exact=True).click()
    expect(page.locator(".result-list mark").first).to_be_visible()
    assert any("表面" in m or "缺陷" in m for m in page.locator(".result-list mark").all_inner_texts())
    facets = page.get_by_role("complementary", name="筛选条件")
    facets.get_by_role("link", name=re.compile(r"^钢铁 \(\d+\)")).click()
    expect(page).to_have_url(re.compile(r"industry=steel"))
    assert _query(page.url)["q"] == ["表面缺陷"]
    expect(page.locator(".result-count")).to_contain_text("条结果")
    key_page(page, "search-zh")


# Keyboard use and the accessibility checker itself ------------------------------------------------

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
# The same templates in Chinese: the pages with the most text and controls (kept short, for speed).
PUBLIC_PAGES_ZH = ["/", "/search?q=预测性维护", "/industries/steel", "/register"]


def test_public_pages_pass_the_checker_in_both_languages(page):
    for language, paths in (("en", PUBLIC_PAGES), ("zh_Hans", PUBLIC_PAGES_ZH)):
        page.goto("/")
        page.get_by_role("navigation", name=re.compile("Language|语言")).get_by_role(
            "button", name={"en": "English", "zh_Hans": "简体中文"}[language]).click()
        for path in paths:
            page.goto(path)
            name = re.sub(r"\W+", "-", path.strip("/")).strip("-") or "home"
            check_accessibility(page, f"sweep-{language}-{name}")

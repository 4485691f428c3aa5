"""The page in Chromium for keyboard, screen-reader and phone users: axe-core
(npm, `tests/axe/`) finds no serious or critical violation on any kind of
page at desktop and phone widths, and the keyboard paths the issue named work.

axe-core is installed by `.ci/run` (`npm install --prefix tests/axe`); the
axe checks skip with that command as the reason when it is missing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.test_browser import CHROMIUM, base_url, browser, playwright_api  # noqa: F401 - fixtures

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PAGES = {
    "home": "/",
    "results": "/?q=bank",
    "no results": "/?q=zzyzx",
    "bad date": "/?q=bank&since=soon",
    "compare": "/compare?q=bank&q=oil",
    "article": None,  # the first result of "bank", opened from the results
    "error": "/article/no-such-article",
}

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}")]


def open_page(browser, base_url, viewport, *, bypass_csp: bool = False):
    context = browser.new_context(base_url=base_url, viewport=viewport, bypass_csp=bypass_csp)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def article_url(page) -> str:
    page.goto("/?q=bank")
    return page.locator(".hit h2 a").first.get_attribute("href")


@pytest.mark.skipif(not AXE.exists(), reason="axe-core missing: npm install --prefix tests/axe")
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_serious_violation(browser, base_url, name, width):
    # The page's CSP rightly refuses an injected script; the check bypasses it.
    context, page = open_page(browser, base_url, WIDTHS[width], bypass_csp=True)
    url = PAGES[name] or article_url(page)
    page.goto(url)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                               nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))""")
    context.close()
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{name} at {width}: {serious}"


def test_tab_reaches_the_first_result_before_the_sidebar(browser, base_url):
    context, page = open_page(browser, base_url, WIDTHS["desktop"])
    page.goto("/?q=bank")
    order = page.evaluate("""() => [...document.querySelectorAll('a[href], input, select, button, summary')]
        .filter(el => el.offsetParent !== null || el.classList.contains('skip'))""" + ".map(el => el.closest('.hits') ? 'hit' : el.closest('#facets') ? 'facet' : 'other')")
    assert order.index("hit") < order.index("facet")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to results"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to filters"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('#facets')")
    context.close()


def test_the_sort_menu_does_not_search_on_an_arrow_key(browser, base_url):
    context, page = open_page(browser, base_url, WIDTHS["desktop"])
    page.goto("/?q=bank")
    page.get_by_text("Filters and sort").click()
    page.get_by_label("Sort").focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert "sort=" not in page.url
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"sort=newest"))
    assert "since=" not in page.url and "person=" not in page.url  # no empty parameters
    context.close()


def test_on_a_phone_the_sidebar_is_reached_from_the_top_and_folds(browser, base_url):
    context, page = open_page(browser, base_url, WIDTHS["phone"])
    page.goto("/?q=bank")
    page.get_by_role("link", name=re.compile("Narrow the results")).click()
    assert page.locator("#facets").is_visible()
    summary = page.locator(".facets-panel > summary")
    summary.click()
    assert not page.locator("#facet-places").is_visible()
    context.close()


def test_a_compare_point_says_its_value_when_focused(browser, base_url):
    context, page = open_page(browser, base_url, WIDTHS["desktop"])
    page.goto("/compare?q=bank&q=oil")
    point = page.locator(".linechart a.point").first
    point.focus()
    assert point.locator(".value").is_visible()
    assert re.match(r"bank, .+: \d+ articles?", point.get_attribute("aria-label"))
    page.get_by_text("The values as a table").click()
    assert page.locator(".values table").is_visible()
    context.close()


def test_a_focused_histogram_bar_shows_its_value(browser, base_url):
    context, page = open_page(browser, base_url, WIDTHS["desktop"])
    page.goto("/?q=*")
    page.locator("svg.matches a").first.focus()
    assert re.search(r"\d+ match", page.locator(".bar-value").inner_text())
    context.close()


def test_the_download_link_serves_a_csv_file(browser, base_url):
    context, page = open_page(browser, base_url, WIDTHS["desktop"])
    page.goto("/?q=bank")
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    download = info.value
    assert download.suggested_filename == "dateline-bank.csv"
    assert Path(download.path()).read_text().startswith("id,date,")
    context.close()

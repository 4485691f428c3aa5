"""The page in a real browser: Playwright driving Debian's Chromium against
`dateline serve`'s server (waitress on a free loopback port, in a thread).

Skips with the reason when Chromium or Playwright is missing; runs in CI,
where `.ci/run` installs Chromium. Screenshots go to test-output/.

The second half is for keyboard, screen-reader and phone users: axe-core
(from npm, in `tests/axe/`; `.ci/run` runs `npm install --prefix tests/axe`)
finds no serious or critical violation on any kind of page at desktop and
phone widths, and the keyboard paths the page promises work.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from dateline.corpus.home import Home
from dateline.corpus.sample import sample_path
from tests.helpers import dateline

CHROMIUM = Path("/usr/bin/chromium")
OUTPUT = Path(__file__).resolve().parents[1] / "test-output"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync"]

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.browser, pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} "
                       "(apt-get install chromium; .ci/run does this when it runs as root)"),
]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    from dateline.search.web.serve import make_server

    root = tmp_path_factory.mktemp("browser") / "home"
    assert dateline(str(root), "ingest", str(sample_path())).exit_code == 0
    assert dateline(str(root), "index").exit_code == 0
    server = make_server(Home(root), host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.problems = []  # console errors (a CSP violation is one) and failed requests
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("requestfailed", lambda r: page.problems.append(f"failed: {r.url}"))
    page.set_default_timeout(10_000)
    yield page
    context.close()


def total(page) -> int:
    return int(page.locator(".summary strong").inner_text().replace(",", ""))


def test_typing_a_query_shows_marked_results(page):
    page.goto("/")
    page.get_by_label("Search the archive").fill('"central bank"')
    page.keyboard.press("Enter")
    page.wait_for_selector(".hits")
    assert total(page) >= 3
    assert page.locator(".snippet mark").first.inner_text().lower() == "central bank"
    assert page.get_by_label("Search the archive").input_value() == '"central bank"'
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "results.png"), full_page=True)
    assert page.problems == []


def test_clicking_a_facet_filters_and_clicking_it_again_removes_the_filter(page):
    page.goto("/?q=*")
    everything = total(page)
    facet = page.locator(".facets section", has_text="Sources").locator("a.facet").first
    count = int(facet.locator(".count").inner_text())
    facet.click()
    page.wait_for_url(re.compile(r"source="))
    assert total(page) == count < everything
    page.locator("a.facet.on").click()
    page.wait_for_url(re.compile(r"^(?!.*source=)"))
    assert total(page) == everything


def test_paging_forward(page):
    page.goto("/?q=*&limit=5")
    first_titles = page.locator(".hit h2").all_inner_texts()
    page.locator("a[rel=next]").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert page.locator("[aria-current=page]").inner_text() == "2"
    assert set(page.locator(".hit h2").all_inner_texts()).isdisjoint(first_titles)


def test_clicking_a_histogram_bar_narrows_the_dates(page):
    page.goto("/?q=*")
    everything = total(page)
    page.locator("svg.matches a").first.click()
    page.wait_for_url(re.compile(r"since=.*until="))
    assert 0 < total(page) < everything
    page.get_by_text("Filters and sort").click()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", page.locator("input[name=since]").input_value())


def test_opening_an_article_shows_its_full_text(page):
    page.goto("/?q=naira")
    link = page.locator(".hit h2 a").first
    title = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/article/"))
    assert page.locator("h1").inner_text() == title
    assert "naira" in page.locator(".body").inner_text().lower()
    assert page.problems == []


def test_slash_focuses_the_search_box_and_the_keyboard_reaches_the_results(page):
    page.goto("/?q=bank")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.locator(".hit h2 a").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/article/"))


def test_every_form_control_has_a_label(page):
    page.goto("/?q=bank")
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select, button')]
        .filter(el => el.type !== 'hidden' && el.tagName !== 'BUTTON' && el.labels.length === 0)
        .map(el => el.name)""")
    assert unlabelled == []


def test_the_page_works_without_javascript(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Search the archive").fill("okafor")
    page.get_by_role("button", name="Search").click()
    page.wait_for_selector(".hits")
    assert page.locator(".hit").count() >= 1
    context.close()


def test_the_page_fits_a_phone_screen(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto("/?q=bank")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "results-phone.png"))
    context.close()


# Keyboard, screen reader and phone

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


def test_on_a_phone_the_sidebar_starts_folded_and_opens_from_the_top_link(browser, base_url):
    context, page = open_page(browser, base_url, WIDTHS["phone"])
    page.goto("/?q=bank")
    assert page.locator(".facets-panel > summary").is_visible()
    assert not page.locator("#facet-places").is_visible()
    page.get_by_role("link", name=re.compile("Narrow the results")).click()
    assert page.locator("#facet-places").is_visible()
    page.locator(".facets-panel > summary").click()  # its heading folds it again
    assert not page.locator("#facet-places").is_visible()
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_the_sidebar_is_open_on_a_desktop_and_folded_on_a_phone(browser, base_url, javascript):
    for width, shown in (("desktop", True), ("phone", False)):
        context = browser.new_context(base_url=base_url, viewport=WIDTHS[width],
                                      java_script_enabled=javascript)
        page = context.new_page()
        page.goto("/?q=bank")
        assert page.locator("#facet-places").is_visible() == shown, width
        if not shown:  # a tap on its heading opens it, script or not
            page.locator(".facets-panel > summary").click()
            assert page.locator("#facet-places").is_visible()
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

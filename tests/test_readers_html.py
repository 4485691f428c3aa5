"""HTML pages: main text, metadata, dates by where they came from, non-articles rejected."""

from datetime import datetime, timezone

from dateline.corpus.article import Rejected
from dateline.corpus.readers import read_path
from dateline.corpus.readers.html import read_html
from tests.helpers import FIXTURES, html_page

CRAWL = FIXTURES / "crawl" / "harbourtimes"
LATER = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _read(name, now=LATER):
    return list(read_path(CRAWL / name, now=now))


def test_main_text_and_metadata_come_from_thehtml_page():
    [article] = _read("ferry-strike.html")
    assert article.title == "Ferry crews strike over pay in Lisbon"
    assert article.url == "https://harbourtimes.example/world/2024/06/ferry-crews-strike-lisbon"
    assert article.source == "Harbour Times"
    assert article.body.startswith("LISBON, June 11 (Reuters) - Ferry crews")
    assert "Home" not in article.body and "Sign up" not in article.body
    assert "All rights reserved" not in article.body and "Read more" not in article.body


def test_metadata_date_keeps_its_time_zone_and_says_where_it_came_from():
    [article] = _read("ferry-strike.html")
    assert article.date.isoformat() == "2024-06-11T07:30:00+01:00"
    assert article.date_source == "metadata"


def test_section_keywords_and_credited_agency_become_tags():
    [article] = _read("ferry-strike.html")
    assert set(article.tags) >= {"Reuters", "World", "Labour", "Transport"}


def test_people_and_places_are_extracted_from_thehtml_page():
    [article] = _read("ferry-strike.html")
    # The union leader speaks again and is quoted; the minister speaks once, in
    # the second paragraph: she is named (person: finds her), not a subject.
    assert article.people == ("Tomas Pereira",)
    assert article.mentioned == ("Joana Ribeiro",)
    assert article.places[:2] == ("Lisbon", "Portugal")
    assert "Colombia" not in article.places  # Pereira is a person here, not the city


def test_a_page_without_date_markup_takes_the_date_from_its_url():
    html = (CRAWL / "grain-deal.htm").read_text()
    [article] = read_html(html, "p.html", now=LATER, url="https://x.example/2024/03/03/grain-deal")
    assert (article.date.date().isoformat(), article.date_source) == ("2024-03-03", "url")


def test_a_dateline_without_year_takes_the_year_of_the_crawl():
    html = (CRAWL / "grain-deal.htm").read_text()
    crawled = datetime(2024, 3, 5, tzinfo=timezone.utc)
    [article] = read_html(html, "p.html", now=LATER, crawl_date=crawled)
    assert (article.date.date().isoformat(), article.date_source) == ("2024-03-03", "dateline")


def test_a_future_metadata_date_is_not_taken():
    [article] = _read("ferry-strike.html", now=datetime(2020, 1, 1, tzinfo=timezone.utc))
    assert article.date_source != "metadata"


def test_an_index_page_is_rejected_as_not_an_article():
    [rejected] = _read("index.html")
    assert isinstance(rejected, Rejected) and rejected.reason.startswith("not an article")


def test_html_is_recognized_by_content_without_an_extension(tmp_path):
    page = tmp_path / "page"
    page.write_bytes((CRAWL / "ferry-strike.html").read_bytes())
    [article] = read_path(page, now=LATER)
    assert article.source == "Harbour Times"


def test_a_page_without_charset_is_read_as_utf8(tmp_path):
    path = tmp_path / "cafe.html"
    path.write_bytes(html_page("Café opens on the quay").encode("utf-8"))
    [article] = read_path(path, now=LATER)
    assert article.title == "Café opens on the quay"
    assert "crème brûlée" in article.body


def test_a_page_is_read_in_the_charset_its_meta_tag_declares(tmp_path):
    path = tmp_path / "cafe.html"
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    path.write_bytes(html_page("Café opens on the quay – at last", meta=meta).encode("cp1252"))
    [article] = read_path(path, now=LATER)
    assert article.title == "Café opens on the quay – at last"
    assert "crème brûlée" in article.body


def test_a_page_whose_meta_charset_does_not_fit_its_bytes_is_detected(tmp_path):
    path = tmp_path / "cafe.html"
    path.write_bytes(html_page("Café opens on the quay", meta='<meta charset="utf-8">').encode("cp1252"))
    [article] = read_path(path, now=LATER)
    assert article.title == "Café opens on the quay"


NAV = "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/economy'>Economy</a></nav>"


def _html(title: str, main: str, *, extra: str = "") -> str:
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body>{NAV}{extra}"
            f"<article><h1>{title}</h1>{main}</article>"
            "<footer>© 2025 Harbour Times. All rights reserved.</footer></body></html>")


def _reason(html: str) -> str:
    [item] = read_html(html, "p.html", now=LATER)
    return item.reason if isinstance(item, Rejected) else "stored"


def test_a_section_page_of_headline_links_is_rejected_as_a_page_of_links():
    links = "".join(f"<li><a href='/story/{n}'>Story headline number {n}</a></li>" for n in range(40))
    page = (f"<!DOCTYPE html><html><head><title>World</title></head><body>{NAV}"
            f"<h1>World</h1><ul>{links}</ul></body></html>")
    assert _reason(page) == "not an article: a page of links"


SUMMARIES = [
    ("Ferry crews walk out over rosters", ("Crews on the island ferries stopped work on Monday in "
     "a dispute over new rosters, leaving hundreds of commuters stranded at the quay.")),
    ("Port fees to rise by a fifth", ("The harbour board said on Tuesday that fees for cargo "
     "ships would rise by 20 percent from January to pay for dredging the channel.")),
    ("Council approves new sea wall", ("Councillors voted to build a two-kilometre sea wall "
     "along the northern shore after last winter's storms flooded dozens of homes.")),
    ("Fish market moves to the old docks", ("The town's fish market will move to a renovated "
     "warehouse on the old docks next spring, the traders' association said.")),
    ("Lifeboat crew rescues two sailors", ("The volunteer lifeboat crew rescued two sailors whose "
     "yacht lost its mast in a gale off the point on Saturday night.")),
]


def _summaries(wrap: str, heading: str = "h2") -> str:
    return "".join(wrap.format(f"<{heading}><a href='/story/{n}'>{h}</a></{heading}><p>{t} "
                               f"<a href='/story/{n}'>Read more</a></p>")
                   for n, (h, t) in enumerate(SUMMARIES))


def test_a_section_front_of_linked_headlines_and_summaries_is_rejected():
    for items in (_summaries("<article>{}</article>"), _summaries("<div class='teaser'>{}</div>", "h3"),
                  _summaries("{}")):
        page = (f"<!DOCTYPE html><html><head><title>Local news | Harbour Times</title></head>"
                f"<body>{NAV}<main><h1>Local news</h1>{items}</main></body></html>")
        assert _reason(page) == "not an article: a page of story summaries"


def test_a_story_with_a_box_of_related_summaries_is_still_a_story():
    story = "".join(f"<p>The crews said the new rosters would keep them from home for nine days at "
                    f"a time, and the company would meet the union again on day {n}.</p>"
                    for n in range(5))
    related = f"<aside><h2>Related</h2>{_summaries('<div>{}</div>', 'h3')}</aside>"
    page = _html("Ferry crews strike", story).replace("</article>", f"</article>{related}")
    assert _reason(page) == "stored"
    # Subheads that link to the story's own sections head sections, not summaries.
    sections = "".join(f"<h2><a href='#s{n}'>{h}</a></h2><p>{t} {t} {t}</p><p>{t} {t} {t}</p>"
                       for n, (h, t) in enumerate(SUMMARIES))
    assert _reason(_html("Ferry crews strike", sections)) == "stored"


def test_a_404_page_is_rejected_as_an_errorhtml_page():
    main = ("<p>Sorry, the page you were looking for could not be found. It may have been moved "
            "or deleted. Try searching the archive or go back to the home page.</p>")
    assert _reason(_html("Page not found", main)) == "not an article: an error page ('Page not found')"
    assert _reason(_html("Error 404 | Harbour Times", main)) == "not an article: an error page ('Error 404')"


def test_a_paywall_stub_is_rejected_and_a_story_about_subscribers_is_not():
    stub = ("<p>This article is for subscribers only.</p><p>Subscribe now for unlimited access to "
            "the Harbour Times, from only $1 a week.</p><p>Already a subscriber? Log in</p>")
    assert _reason(_html("Port fees to double next year", stub)) == "not an article: a paywall stub"
    story = ("<p>The Harbour Times said on Monday that subscribers would pay more from March, the "
             "first rise in its subscription price for five years.</p>")
    assert _reason(_html("Newspaper raises its price", story)) == "stored"


def test_a_story_lead_above_a_paywall_is_kept_without_the_pitch():
    lead = ("<p>Port fees for container ships will double next year, the harbour board said on "
            "Monday, as it borrows to pay for a second deep-water berth. Shipping lines said the "
            "cost would be passed on to importers across the region, and the board said talks "
            "with the lines would go on through April.</p><p>Subscribe to continue reading.</p>")
    [article] = read_html(_html("Port fees to double next year", lead), "p.html", now=LATER)
    assert article.body.startswith("Port fees for container ships") and "continue reading" not in article.body


def test_a_short_brief_on_a_page_full_of_links_is_an_article():
    sidebar = "<ul>" + "".join(f"<li><a href='/s/{n}'>Other story {n} about the quay</a></li>"
                               for n in range(30)) + "</ul>"
    brief = "<p>The harbour ferry resumed its morning service on Tuesday after repairs to the quay.</p>"
    [article] = read_html(_html("Ferry service resumes", brief, extra=sidebar), "p.html", now=LATER)
    assert article.body == "The harbour ferry resumed its morning service on Tuesday after repairs to the quay."


def test_the_pages_author_is_kept_in_the_stored_record(tmp_path):
    from dateline.corpus import ArticleStore, ingest

    store = ArticleStore(tmp_path / "a.sqlite")
    ingest([CRAWL / "ferry-strike.html"], store, tmp_path / "rejects.jsonl", now=LATER)
    [article] = list(store)
    assert article.author == "Rita Vaz"
    assert article.to_dict()["author"] == "Rita Vaz"


def test_a_pages_wire_dateline_is_stored_as_its_dateline():
    [article] = _read("ferry-strike.html")
    assert article.dateline == "LISBON, June 11"
    [undated] = read_html(_html("Ferry service resumes", "<p>The harbour ferry resumed its morning "
                                "service on Tuesday after repairs to the quay, the operator said.</p>"),
                          "p.html", now=LATER)
    assert undated.dateline is None

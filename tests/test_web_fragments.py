"""The per-item parts of a results page written in Python (`fragments`) are
the HTML the template loops they replace wrote, byte for byte, whatever the
text: the loops as they were are the reference here, rendered by Jinja with
autoescaping, over text that holds markup, quotes, ampersands and newlines."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jinja2
import pytest
from hypothesis import given, settings, strategies as st

from dateline.corpus.article import Article
from dateline.search.engine import Hit
from dateline.search.snippets import Snippet
from dateline.search.web import fragments
from dateline.search.web.app import create_app, link_url
from dateline.search.web.histogram import build_histogram
from dateline.search.web.params import SearchRequest
from tests.helpers import build_home, write_articles

# The template code each fragment replaced (search.html, _hit.html, _histogram.html before it).
REFERENCE = {
    "hits": """{% for hit in results.hits %}{% set href, chips = hit_links[loop.index0] %}{% include "_hit.html" %}{% endfor %}""",
    "_hit.html": """{% set a = hit.article %}
<li class="hit">
  <h2><a href="{{ href }}">{{ a.title }}</a></h2>
  <p class="meta">
    {% if a.date %}{% set local = a.date|home_time %}<time datetime="{{ a.date.isoformat() }}">{{ local.strftime("%-d %b %Y") }}{% if local.date() in crowded_days %}, {{ local.strftime("%H:%M") }}{% endif %}</time>{% else %}undated{% endif %}
    · {{ a.source or "unknown source" }}{% if a.author %} · by {{ a.author }}{% endif %}
    {% if a.url|link_url %}· <a class="original" href="{{ a.url|link_url }}" rel="noopener noreferrer nofollow">original</a>{% endif %}
    {% if hit.similar %}· <a href="{{ href }}#copies">{{ hit.similar }} similar cop{{ "y" if hit.similar == 1 else "ies" }}</a>{% endif %}
  </p>
  <p class="snippet">{% for text, match in hit.snippet.segments() %}{% if match %}<mark>{{ text }}</mark>{% else %}{{ text }}{% endif %}{% endfor %}</p>
  {% if chips %}
  <ul class="chips" aria-label="People and places">
    {% for param, value, chip_href, on in chips %}
    <li><a class="chip {{ param }}{% if on %} on{% endif %}"
           href="{{ chip_href }}">{{ value }}</a></li>
    {% endfor %}
  </ul>
  {% endif %}
</li>
""",
    "facets": """{% for item, href, on in links %}
        {# href: the filter toggled; on: whether it is on (app._facet_links) #}
        <li><a class="facet{% if on %} on{% endif %}" href="{{ href }}"
               title="{{ 'Remove' if on else 'Only' }} {{ param }}: {{ item.value }}">
            <span class="name">{{ item.value }}</span><span class="count">{{ item.count }}</span>{% if on %}<span class="visually-hidden"> (filter on: select to remove)</span>{% endif %}</a>
          {% if item.former %}<span class="former">filed as {% for f in item.former %}<a href="{{ url_for('search_page', **req.toggle(param, f.value)) }}">{{ f.value }}</a> {{ f.count }}{{ ", " if not loop.last }}{% endfor %}</span>{% endif %}</li>
        {% endfor %}""",
    "words": """{% for item, href in links %}
        <li><a class="facet" href="{{ href }}"
               title="Add {{ item.value }} to the query (score {{ item.score }})">
            <span class="name">{{ item.value }}</span><span class="count">{{ item.count }}</span></a></li>
        {% endfor %}""",
    "match_bars": """{% for bar in h.bars %}
    {% set label = bar.summary %}
    {% if bar.matches %}
    <a href="{{ bar.href }}"
       aria-label="{{ label }}: narrow to these dates" data-value="{{ label }}">
      <title>{{ label }}</title>
      <rect class="hotspot" x="{{ bar.x }}" y="0" width="{{ bar.width }}" height="{{ h.height }}"></rect>
      <rect class="bar" x="{{ bar.x }}" y="{{ bar.y }}" width="{{ bar.width }}" height="{{ bar.height }}"></rect>
    </a>
    {% endif %}
    {% endfor %}""",
    "coverage_bars": """{% for bar in h.bars %}
    <g>
      <title>{{ bar.coverage_title }}{% for name, count in bar.sources_text %}{{ "\\n" }}{{ name }}: {{ count }}{% endfor %}</title>
      <rect class="hotspot" x="{{ bar.x }}" y="0" width="{{ bar.width }}" height="{{ h.coverage_height }}"></rect>
      <rect class="bar" x="{{ bar.x }}" y="0" width="{{ bar.width }}" height="{{ bar.coverage_height }}"></rect>
    </g>
    {% endfor %}""",
    "table_rows": """{% for bar in h.bars %}<tr><th scope="row">{{ bar.label }}</th><td>{{ bar.matches_text }}</td><td>{{ bar.coverage_text }}</td><td>{{ bar.share_text }}%</td><td>{% for name, count in bar.sources_text %}{{ name }} {{ count }}{{ ", " if not loop.last }}{% endfor %}</td></tr>{% endfor %}""",
}

ZONE = timezone(timedelta(hours=-5))
TEXT = st.text(alphabet=st.sampled_from("ab <>&\"'\n·é/:"), max_size=12)
OPTIONAL = st.none() | TEXT
URLS = st.none() | st.sampled_from(["https://example.com/a?b=1&c=<2>", "http://x/\"y\"", "javascript:alert(1)",
                                    " HTTPS://x/", "", "ftp://x"])
DATES = st.none() | st.datetimes(min_value=datetime(1980, 1, 1), max_value=datetime(2030, 1, 1),
                                 timezones=st.just(timezone.utc))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """An app for the facets' links (`url_for` needs one)."""
    tmp = tmp_path_factory.mktemp("fragments")
    return create_app(build_home(tmp / "home", write_articles(tmp / "a.jsonl", 0, 5)))


def reference(name: str, **context) -> str:
    env = jinja2.Environment(loader=jinja2.DictLoader(REFERENCE), autoescape=True)
    env.filters["home_time"] = lambda value: value.astimezone(ZONE)
    env.filters["link_url"] = link_url
    return env.get_template(name).render(**context)


@st.composite
def hits(draw):
    found, links = [], []
    for n in range(draw(st.integers(0, 4))):
        title, body = draw(TEXT), draw(TEXT)
        article = Article(id=f"a{n}", title=title, body=body, url=draw(URLS), date=draw(DATES),
                          source=draw(OPTIONAL), author=draw(OPTIONAL))
        cuts = sorted(draw(st.sets(st.integers(0, len(body)), max_size=4)))
        marks = tuple(zip(cuts[::2], cuts[1::2]))
        found.append(Hit(article, 1.0, Snippet(body, marks), draw(st.integers(0, 3))))
        chips = draw(st.lists(st.tuples(st.sampled_from(["person", "place"]), TEXT, TEXT, st.booleans()),
                              max_size=3))
        links.append((draw(TEXT), chips))
    return found, links


@settings(max_examples=200, deadline=None)
@given(hits(), st.booleans())
def test_hits_are_the_templates_html(found, crowded):
    hits_, links = found
    days = {h.article.date.astimezone(ZONE).date() for h in hits_ if h.article.date} if crowded else set()

    class Results:
        hits = hits_

    expected = reference("hits", results=Results, hit_links=links, crowded_days=days)
    assert fragments.hits(Results, links, days, ZONE, link_url) == expected


ITEMS = st.fixed_dictionaries({"value": TEXT, "count": st.integers(0, 10**6)},
                              optional={"former": st.lists(st.fixed_dictionaries(
                                  {"value": TEXT, "count": st.integers(0, 99)}), max_size=3)})


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(ITEMS, TEXT, st.booleans()), max_size=4), st.sampled_from(["person", "place"]),
       st.lists(st.tuples(st.fixed_dictionaries({"value": TEXT, "count": st.integers(0, 99),
                                                 "score": st.floats(0, 100).map(lambda s: round(s, 4))}),
                          TEXT), max_size=4),
       TEXT)
def test_facet_values_and_top_words_are_the_templates_html(app, links, param, words, query):
    req = SearchRequest(q=query)
    with app.test_request_context("/"):
        expected = reference("facets", links=links, param=param, req=req,
                             url_for=app.jinja_env.globals["url_for"])
        assert fragments.facet_values(links, param, req) == expected
    assert fragments.top_words(words) == reference("words", links=words)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 5000), min_size=1, max_size=12), st.booleans(),
       st.lists(st.tuples(TEXT, st.integers(1, 9)), max_size=3), TEXT)
def test_histogram_parts_are_the_templates_html(counts, share, sources, href):
    matches = {"bucket": "month", "buckets": [{"start": f"2014-{m + 1:02d}-01", "count": c}
                                              for m, c in enumerate(counts) if c]}
    if not matches["buckets"]:
        return
    coverage = {"bucket": "month", "buckets": [{"start": f"2014-{m + 1:02d}-01", "count": c * 3 + 1}
                                               for m, c in enumerate(counts)]}
    by_source = {name: {"bucket": "month", "buckets": [{"start": "2014-01-01", "count": n},
                                                       {"start": f"2014-{len(counts):02d}-01", "count": n}]}
                 for name, n in sources}
    h = build_histogram(matches, coverage, by_source, share=share)
    for bar in h.bars:
        bar.href = href + bar.since if bar.matches else ""
    assert fragments.match_bars(h) == reference("match_bars", h=h)
    assert fragments.coverage_bars(h) == reference("coverage_bars", h=h)
    assert fragments.table_rows(h) == reference("table_rows", h=h)

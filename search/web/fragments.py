"""The parts of a results page that repeat per item (hits, facet values,
top words, the histogram's bars and table rows), written here as escaped
HTML (`Markup`), once per item, instead of by a template loop.

A page holds a few hundred such items; in a Jinja loop each costs a call of
`escape` per value (about 700 a page), a generator step per piece of text
and attribute look-ups, which was about a third of rendering a page. Here
each value is escaped once (a histogram bar's summary is written three
times) and each item is one f-string.

The HTML is the templates' own, byte for byte, including their whitespace
(`bench.serve_cost --answers` compares pages with the code before):
`search.html` and `_histogram.html` say where each part goes, and each
function below says which template lines it writes. Every value from the
archive or the request goes through `escape`; numbers are written with
`str`, as the templates wrote them.
"""

from __future__ import annotations

from datetime import tzinfo

from markupsafe import Markup, escape

from dateline.search.web.links import template_url_for


def hits(results, hit_links: list[tuple[str, list[tuple]]], crowded_days: set, tz: tzinfo,
         link_url) -> Markup:
    """Every hit of the page: the `<li class="hit">` items of the results list.
    `hit_links`: each hit's (article link, [(filter, value, link, on)]) (`app._hit_links`)."""
    return Markup("".join(_hit(hit, href, chips, crowded_days, tz, link_url)
                          for hit, (href, chips) in zip(results.hits, hit_links)))


def _hit(hit, href: str, chips: list[tuple], crowded_days: set, tz: tzinfo, link_url) -> str:
    a = hit.article
    href = escape(href)
    if a.date:
        local = a.date.astimezone(tz)
        when = local.strftime("%-d %b %Y")
        if local.date() in crowded_days:
            when += ", " + local.strftime("%H:%M")
        when = f'<time datetime="{escape(a.date.isoformat())}">{escape(when)}</time>'
    else:
        when = "undated"
    author = f" · by {escape(a.author)}" if a.author else ""
    url = link_url(a.url)
    original = (f'· <a class="original" href="{escape(url)}" rel="noopener noreferrer nofollow">original</a>'
                if url else "")
    similar = (f'· <a href="{href}#copies">{hit.similar} similar cop{"y" if hit.similar == 1 else "ies"}</a>'
               if hit.similar else "")
    snippet = "".join(f"<mark>{escape(text)}</mark>" if match else escape(text)
                      for text, match in hit.snippet.segments())
    if chips:
        listed = "".join(f'\n    <li><a class="chip {escape(param)}{" on" if on else ""}"\n'
                         f'           href="{escape(chip_href)}">{escape(value)}</a></li>\n    '
                         for param, value, chip_href, on in chips)
        chips = f'\n  <ul class="chips" aria-label="People and places">\n    {listed}\n  </ul>\n  '
    else:
        chips = ""
    return (f'\n<li class="hit">\n  <h2><a href="{href}">{escape(a.title)}</a></h2>\n  <p class="meta">\n    '
            f'{when}\n    · {escape(a.source or "unknown source")}{author}\n    {original}\n    {similar}\n'
            f'  </p>\n  <p class="snippet">{snippet}</p>\n  {chips}\n</li>')


_ON = '<span class="visually-hidden"> (filter on: select to remove)</span>'


def facet_values(links: list[tuple], param: str, req) -> Markup:
    """A name facet's `<li>` items: `links` as `app._facet_links` gives them,
    [(item, its link, whether its filter is on)]; `param` the filter it sets."""
    param_text = escape(param)
    out = []
    for item, href, on in links:
        value = escape(item["value"])
        former = ""
        if item.get("former"):
            listed = ", ".join(
                f'<a href="{escape(template_url_for("search_page", **req.toggle(param, f["value"])))}">'
                f'{escape(f["value"])}</a> {escape(f["count"])}' for f in item["former"])
            former = f'<span class="former">filed as {listed}</span>'
        out.append(f'\n        \n        <li><a class="facet{" on" if on else ""}" href="{escape(href)}"\n'
                   f'               title="{"Remove" if on else "Only"} {param_text}: {value}">\n'
                   f'            <span class="name">{value}</span><span class="count">{escape(item["count"])}'
                   f'</span>{_ON if on else ""}'
                   f'</a>\n          {former}</li>\n        ')
    return Markup("".join(out))


def top_words(links: list[tuple]) -> Markup:
    """The top words' `<li>` items: [(item, the query with the word added)]."""
    out = []
    for item, href in links:
        value = escape(item["value"])
        out.append(f'\n        <li><a class="facet" href="{escape(href)}"\n'
                   f'               title="Add {value} to the query (score {escape(item["score"])})">\n'
                   f'            <span class="name">{value}</span><span class="count">{escape(item["count"])}'
                   f'</span></a></li>\n        ')
    return Markup("".join(out))


def match_bars(h) -> Markup:
    """The matches chart's bars (a link for each bar with matches)."""
    out = []
    height = h.height
    for bar in h.bars:
        if bar.matches:
            label = escape(bar.summary)
            out.append(f'\n    \n    \n    <a href="{escape(bar.href)}"\n'
                       f'       aria-label="{label}: narrow to these dates" data-value="{label}">\n'
                       f'      <title>{label}</title>\n'
                       f'      <rect class="hotspot" x="{bar.x}" y="0" width="{bar.width}" height="{height}"></rect>\n'
                       f'      <rect class="bar" x="{bar.x}" y="{bar.y}" width="{bar.width}" height="{bar.height}">'
                       f'</rect>\n    </a>\n    \n    ')
        else:
            out.append("\n    \n    \n    ")
    return Markup("".join(out))


def coverage_bars(h) -> Markup:
    """The coverage chart's bars, each titled with its sources."""
    height = h.coverage_height
    return Markup("".join(
        f'\n    <g>\n      <title>{escape(bar.coverage_title)}'
        + "".join(f"\n{escape(name)}: {escape(count)}" for name, count in bar.sources_text)
        + f'</title>\n      <rect class="hotspot" x="{bar.x}" y="0" width="{bar.width}" height="{height}"></rect>\n'
          f'      <rect class="bar" x="{bar.x}" y="0" width="{bar.width}" height="{bar.coverage_height}"></rect>\n'
          f'    </g>\n    '
        for bar in h.bars))


def table_rows(h) -> Markup:
    """The histogram's values as table rows."""
    return Markup("".join(
        f'<tr><th scope="row">{escape(bar.label)}</th><td>{escape(bar.matches_text)}</td>'
        f'<td>{escape(bar.coverage_text)}</td><td>{escape(bar.share_text)}%</td><td>'
        + ", ".join(f"{escape(name)} {escape(count)}" for name, count in bar.sources_text)
        + "</td></tr>"
        for bar in h.bars))

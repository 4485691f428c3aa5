"""Pages that are not articles, by signs a news reader would agree with.

- An error page: its title (or, on a short page, its first line) says so:
  "404", "Page not found", "Error 500 - Internal server error".
- A paywall stub: once the site's furniture is gone, what is left is mostly
  the pitch ("This article is for subscribers only", "Already a subscriber?
  Log in") and not the story.
- A page of links (a section front, an index): most of its text is the text
  of the page's own links, one headline a line.
- A page of story summaries (a section front with teasers): at least
  MIN_TEASERS headlines that are links, each with a paragraph or two below it,
  and those paragraphs are most of the page's text. A story with a box of
  related links at its end is still a story: its own text is most of it.

A short brief is none of these: two sentences of news are an article.
"""

from __future__ import annotations

import re

from dateline.corpus.clean import line_key

_SEPARATOR = re.compile(r"\s+[|•·–—-]\s+|\s*\|\s*")
# What an error page's title says, whole: "404", "Error 404 - Page not found",
# "Sorry, we can't find that page", "503 Service Unavailable".
_ERROR_PHRASE = (
    r"(?:the |this )?(?:page|file|article|story|content|url)\s+(?:you (?:are|were) looking for\s+)?"
    r"(?:was |is |could |can )?(?:not (?:be )?found|cannot be found|(?:does not|doesn'?t) exist|"
    r"no longer (?:exists|available)|(?:is )?(?:unavailable|not available))"
    r"|not found|gone|(?:we )?(?:can'?t|cannot|could ?n[o']t) find (?:that|this|the) page"
    r"|(?:internal )?server error|service (?:temporarily )?unavailable|bad gateway"
    r"|gateway time-?out|access denied|forbidden|too many requests")
_ERROR = re.compile(
    rf"(?:(?:http )?error\s*)?[45]\d\d(?:\s*(?:error)?\s*[-–—:|.]?\s*(?:{_ERROR_PHRASE}))?[.!]?"
    rf"|(?:(?:sorry|oops|error)[,!.:]?\s*)?(?:{_ERROR_PHRASE})[.!]?",
    re.IGNORECASE)

# Sentences of a subscription pitch, matched whole (case-insensitively), so a
# story that mentions subscribers ("subscribers will pay more from March") is
# not one.
PAYWALL_PATTERNS = [
    r"(?:this|the|our) (?:article|story|content|page|piece) is (?:only )?(?:for|available (?:only )?to|"
    r"reserved for|exclusive to) (?:paying |premium |digital )?(?:subscribers|members)(?: only)?[.!]?",
    r"(?:for |to )?(?:paying |premium )?subscribers only[.!]?",
    r"subscribe(?: now| today)?(?: (?:for|to)\b.{0,100})?[.!]?",
    r"already (?:a )?(?:subscriber|member)\?(?: (?:log|sign) ?in.{0,30})?",
    r"(?:log|sign) ?(?:in|up)(?: here| now)?[.!]?",
    r"(?:please )?(?:log|sign) ?in(?: or (?:subscribe|register))? to (?:continue|read|keep reading|"
    r"access).{0,60}",
    r"(?:subscribe |register )?to (?:continue|keep) reading.{0,80}|continue reading.{0,60}",
    r"(?:become|get|start) (?:a )?(?:subscriber|member|subscription|your subscription).{0,80}",
    r"you(?:'ve| have) (?:reached|used) (?:your|the|all (?:of )?your) (?:free )?(?:article |monthly )?"
    r"(?:limit|articles|free articles).{0,80}",
    r"unlock (?:this|the full|full|all|unlimited) (?:article|story|access|stories).{0,80}",
    # "Unlimited access to the port was granted" is news: a pitch names a price or subscribing
    r"(?=.*(?:[$€£]|\bper (?:week|month|year)\b|\ba (?:week|month|year)\b|subscri))"
    r"(?:get |enjoy |for )?unlimited (?:digital )?access.{0,100}",
    r"create a free account.{0,80}|register (?:now |for free )?to (?:read|continue).{0,60}",
    r"(?:cancel|try it) (?:anytime|free).{0,40}",
]
_PAYWALL = re.compile(r"(?:" + "|".join(PAYWALL_PATTERNS) + r")", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'“‘])")

MIN_LINK_LINES = 5
MAX_LINK_SHARE = 0.5


def error_page(title: str, lines: list[str]) -> str | None:
    """The reason a page is an error page ("not an article: an error page ('Page
    not found')"), from its title, or the first line of a page of few words."""
    candidates = [title]
    if sum(len(line) for line in lines) < 400 and lines:
        candidates.append(lines[0])
    for text in candidates:
        for part in [text, *_SEPARATOR.split(text or "")]:
            part = part.strip()
            if part and _ERROR.fullmatch(part):
                return f"not an article: an error page ({part!r})"
    return None


def is_paywall_line(line: str) -> bool:
    """Whether a line is all subscription pitch, sentence by sentence."""
    sentences = [s for s in _SENTENCE.split(line.strip()) if s]
    return bool(sentences) and all(_PAYWALL.fullmatch(s.strip()) for s in sentences)


def paywall_stub(pitch: list[str], kept: list[str], min_chars: int) -> bool:
    """Whether a page is a paywall stub: its pitch lines (removed) are as long as
    what is left of the story, or the story left is too short to be one."""
    if not pitch:
        return False
    left = sum(len(line) for line in kept)
    return left < min_chars or sum(len(line) for line in pitch) >= left


def link_page(lines: list[str], link_texts: set[str]) -> bool:
    """Whether most of a page's text is its links' text: at least MIN_LINK_LINES
    lines that are a link (or a menu of one-word links) and more than
    MAX_LINK_SHARE of the characters."""
    total = sum(len(line) for line in lines)
    linked = [line for line in lines if _is_link_line(line, link_texts)]
    return len(linked) >= MIN_LINK_LINES and sum(len(line) for line in linked) > MAX_LINK_SHARE * total


MIN_TEASERS = 4
TEASER_KEY_CHARS = 60  # teasers are compared by their start: a "Read more" may follow


def teaser_key(text: str) -> str:
    return line_key(text)[:TEASER_KEY_CHARS]


def summary_page(lines: list[str], headlines: int, teasers: set[str]) -> bool:
    """Whether a page is a list of story summaries: `headlines` headlines that
    are links, and more than MAX_LINK_SHARE of its text the `teasers` below
    them (`teaser_key`s of their paragraphs)."""
    if headlines < MIN_TEASERS:
        return False
    total = sum(len(line) for line in lines)
    teasing = sum(len(line) for line in lines if teaser_key(line) in teasers)
    return teasing > MAX_LINK_SHARE * total


def _is_link_line(line: str, link_texts: set[str]) -> bool:
    key = line_key(line)
    return key in link_texts or (len(key.split()) > 1 and all(w in link_texts for w in key.split()))

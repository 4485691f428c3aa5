"""JSON lines of already-cleaned articles: the contract for outside pipelines.

One object per line: `title`, `body` (or `text`), and optional `id`, `url`,
`date` (any form python-dateutil reads), `people`, `places`, `source`, `tags`
(lists, or strings separated by ';'). Places are kept as written, and the
gazetteer adds what extraction would: a city's country, a former state's successor.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import datetime

from dateline.corpus.article import Article, Dropped, Rejected, make_id, normalize_text
from dateline.corpus.dates import DateParseError, parse_article_date
from dateline.corpus.extract_places import with_countries
from dateline.corpus.readers.decode import with_replaced_bytes
from dateline.corpus.readers.limits import MAX_BLANK_LINES, MAX_JSONL_RECORD_BYTES, MAX_LIST_VALUES, human_size

# A \uD800-\uDFFF escape: half of a UTF-16 pair, which alone is no character.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")

LIST_FIELDS = ("people", "places", "tags", "author")  # several authors: a list or "a; b"


def read_jsonl(text: str, origin: str, *, now: datetime) -> Iterator[Article | Rejected | Dropped]:
    """JSON lines already decoded as one text."""
    # Lines end at "\n" only: str.splitlines() would also cut at U+2028 and
    # other separators that JSON allows raw inside a string.
    lines = ((n, line, 0) for n, line in enumerate(text.split("\n"), start=1))
    yield from read_jsonl_lines(lines, origin, now=now)


def read_jsonl_lines(
    lines: Iterable[tuple[int, str | None, int]], origin: str, *, now: datetime, whole_file: bool = True,
    blank_before: int = 0,
) -> Iterator[Article | Rejected | Dropped]:
    """(line number, text, bytes replaced in decoding) as a stream yields them;
    text None for a line over MAX_JSONL_RECORD_BYTES, which was not read.
    `whole_file` False: a range of the file's lines (a cluster's part), where
    having no record says nothing of the file; `blank_before`: the blank
    lines just before the range, which count towards MAX_BLANK_LINES."""
    records = 0
    blank = blank_before
    for number, line, replaced in lines:
        where = f"{origin}:{number}"
        if line is None:
            records += 1
            blank = 0
            yield Rejected(where, f"record too large (over {human_size(MAX_JSONL_RECORD_BYTES)}, "
                                  "the limit for one JSON line)")
            continue
        if not line.strip():
            blank += 1
            if blank > MAX_BLANK_LINES:
                records += 1  # the rejection below is the file's report
                yield Rejected(where, f"over {MAX_BLANK_LINES:,} blank lines in a row (from line "
                                      f"{number - blank + 1}): not JSON lines; the rest was not read")
                return
            continue
        records += 1
        blank = 0
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Rejected(where, f"malformed JSON ({exc.msg} at column {exc.colno})")
            continue
        except RecursionError:  # Python's parser recurses once per level
            yield Rejected(where, "JSON nested too deeply (arrays or objects inside one another "
                                  "hundreds of levels deep)")
            continue
        if _SURROGATE_ESCAPE.search(line) and not _encodable(record):
            yield Rejected(where, "a string holds a lone surrogate (a \\ud800-\\udfff escape "
                                  "that is not half of a pair), which is not text")
            continue
        yield from with_replaced_bytes(article_from_record(record, where, now=now), where, replaced)
    if not records and whole_file:
        yield Rejected(origin, "no JSON lines (only blank lines)")


def article_from_record(
    record: object, where: str, *, now: datetime
) -> Iterator[Article | Rejected | Dropped]:
    """The record's article, or why it is rejected; a date that cannot be read
    or cannot be true is dropped (and logged) and the article kept undated."""
    if not isinstance(record, dict):
        yield Rejected(where, "not a JSON object")
        return
    title = _text(record.get("title"))
    body = _text(record.get("body") if record.get("body") is not None else record.get("text"))
    if not title:
        yield Rejected(where, "no title")
        return
    if not body:
        yield Rejected(where, "no body (or text)")
        return
    lists = {}
    for name in LIST_FIELDS:
        try:
            lists[name] = split_list(record.get(name))
        except TypeError:
            yield Rejected(where, f"field {name!r} must be a list or a ';'-separated string")
            return
        if len(lists[name]) > MAX_LIST_VALUES:
            yield Dropped(where, f"{name}: more than {MAX_LIST_VALUES:,} values, only the first "
                                 f"{MAX_LIST_VALUES:,} kept")
            lists[name] = lists[name][:MAX_LIST_VALUES]
    lists["places"] = with_countries(lists["places"])  # "Moscow" also tags Russia
    author = "; ".join(lists.pop("author")) or None
    date = None
    raw_date = record.get("date")
    if raw_date not in (None, ""):
        try:
            date = parse_article_date(str(raw_date), now=now)
        except DateParseError as exc:
            yield Dropped(where, f"date dropped, stored undated: {exc}")
    url = _text(record.get("url")) or None
    given_id = record.get("id")
    yield Article(
        id=str(given_id).strip() if given_id not in (None, "") else make_id(url, title, body),
        url=url,
        title=title,
        body=body,
        date=date,
        date_source="record" if date else None,
        source=_text(record.get("source")) or None,
        author=author,
        origin=where,
        **lists,
    )


def split_list(value: object) -> tuple[str, ...]:
    """A list field given as a JSON list or as 'a; b; c'; blanks and repeats
    dropped. At most MAX_LIST_VALUES + 1 values are read: one more than that
    says the list was too long."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        items = value.split(";")
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = value
    else:
        raise TypeError(value)
    kept: list[str] = []
    seen: set[str] = set()  # casefolded
    for item in items:
        item = normalize_text(item)
        if item and (folded := item.casefold()) not in seen:
            seen.add(folded)
            kept.append(item)
            if len(kept) > MAX_LIST_VALUES:
                break
    return tuple(kept)


def _encodable(record: object) -> bool:
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text(value: object) -> str:
    return normalize_text(value) if isinstance(value, str) else ""

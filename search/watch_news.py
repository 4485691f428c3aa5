"""What a watch reports: its news as search hits, and the optional command
run with them after an update (`watch add ... --exec COMMAND`)."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from dateline.corpus.store import ArticleStore
from dateline.search.watches import News, Watch, WatchBook

EXEC_TIMEOUT = 30  # seconds a watch's command may take before it is stopped
EXEC_LOG = "watch-exec.log"


def news_hits(store: ArticleStore, watch: Watch, article_ids: list[str], *, tz=timezone.utc,
              now: datetime | None = None) -> list[dict]:
    """The articles as `search --json` prints hits, newest first. A watch
    reports arrivals, not a ranking: `score` is null."""
    from dateline.search.engine import Hit, build_tree
    from dateline.search.options import Filters
    from dateline.search.query import positive_terms
    from dateline.search.snippets import make_snippet

    tree = build_tree(watch.query, Filters(**watch.filters), now=now or datetime.now(timezone.utc),
                      tz=tz)
    terms = list(positive_terms(tree))
    found = store.get_many(article_ids)
    articles = sorted((found[i] for i in article_ids if i in found), key=_newest_first)
    hits = []
    for article in articles:
        hit = Hit(article, 0.0, make_snippet(article.body, terms)).to_json()
        hit["score"] = None
        hits.append(hit)
    return hits


def _newest_first(article) -> tuple:
    # Undated last, as `search --sort newest` lists them.
    return (article.date is None, -(article.date.timestamp() if article.date else 0), article.id)


def pending_news(book: WatchBook, store: ArticleStore, name: str, *,
                 tz=timezone.utc) -> tuple[dict, list[str]]:
    """A watch's unreported news as hits, and their ids: the caller marks them
    reported (`WatchBook.mark_reported`) once it has shown them, so a run
    killed in between shows them again rather than never."""
    watch = book.get(name)
    ids = [article for article, _ in book.unreported(name)]
    hits = news_hits(store, watch, ids, tz=tz)
    return {"name": watch.name, "query": watch.query, "filters": watch.filters, "new": hits}, ids


def run_exec_commands(news: list[News], store: ArticleStore, home_root: Path, *,
                      tz=timezone.utc) -> list[str]:
    """Run each watch's command with its new hits as JSON on stdin. A command
    that fails or hangs is logged (HOME/watch-exec.log) and never fails the
    update; the returned lines say which failed."""
    failures = []
    for item in news:
        command = item.watch.exec
        if not command:
            continue
        payload = json.dumps({"name": item.watch.name, "query": item.watch.query,
                              "new": news_hits(store, item.watch, item.article_ids, tz=tz)})
        problem = _run(command, payload)
        if problem:
            line = f"watch {item.watch.name}: command {command!r} {problem}"
            stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
            with open(home_root / EXEC_LOG, "a", encoding="utf-8") as log:
                log.write(f"{stamp} {line}\n")
            failures.append(line)
    return failures


def _run(command: str, payload: str) -> str | None:
    try:
        done = subprocess.run(command, shell=True, input=payload, text=True, timeout=EXEC_TIMEOUT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except subprocess.TimeoutExpired:
        return f"did not finish in {EXEC_TIMEOUT} s and was stopped"
    except OSError as exc:
        return f"could not start: {exc.strerror or exc}"
    if done.returncode != 0:
        said = " ".join((done.stderr or "").split())[:200]
        return f"exited with status {done.returncode}" + (f": {said}" if said else "")
    return None

"""Dateline: a search engine for news archives.

    import dateline
    archive = dateline.Archive("~/news")
    archive.search('"central bank" place:kenya', sort="newest")

`Archive` is the public API (docs/python-api.md). The stages live in three
subpackages, in the one direction data flows: `dateline.corpus` (crawls in,
cleaned articles kept in a store), `dateline.index` (the store made
searchable) and `dateline.search` (queries in, answers out: the library call,
the CLI and the web page).
"""

# Loaded on first use: `import dateline` (and the CLI's start-up) must not pay
# for the store, the index or the search engine.
_PUBLIC = {
    "Archive": "dateline.archive",
    "DatelineError": "dateline.archive",
    "NotFound": "dateline.archive",
    "SearchOptions": "dateline.search.options",
    "Filters": "dateline.search.options",
}


def __getattr__(name: str):
    if name in _PUBLIC:
        import importlib

        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'dateline' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])


__all__ = list(_PUBLIC)

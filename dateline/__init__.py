"""Dateline: a search engine for news archives.

The stages live in three subpackages, in the one direction data flows:
`dateline.corpus` (crawls in, cleaned articles kept in a store),
`dateline.index` (the store made searchable) and `dateline.search` (queries
in, answers out: the library call, the CLI and the web page).
"""

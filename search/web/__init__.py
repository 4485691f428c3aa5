"""The built-in web search page (`dateline serve`): a thin layer over `search.engine`."""

from dateline.search.web.app import create_app

__all__ = ["create_app"]

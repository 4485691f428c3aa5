"""search: queries in, answers out (library call, CLI, web page)."""

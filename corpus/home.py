"""The data home: one directory holding everything Dateline writes.

Chosen by `--home DIR`, else `$DATELINE_HOME`, else `$XDG_DATA_HOME/dateline`
(`~/.local/share/dateline`). Each stage names its own files inside it; this
module only knows the corpus stage's files and where the home is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def default_home() -> Path:
    if env := os.environ.get("DATELINE_HOME"):
        return Path(env).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data) / "dateline"


@dataclass(frozen=True)
class Home:
    root: Path

    @classmethod
    def resolve(cls, option: str | os.PathLike | None) -> "Home":
        return cls(Path(option).expanduser() if option else default_home())

    @property
    def store_path(self) -> Path:
        return self.root / "articles.sqlite"

    @property
    def rejects_path(self) -> Path:
        return self.root / "rejects.jsonl"

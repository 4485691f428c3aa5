"""The data home: one directory holding everything Dateline writes.

Chosen by `--home DIR`, else `$DATELINE_HOME`, else `$XDG_DATA_HOME/dateline`
(`~/.local/share/dateline`). Each stage names its own files inside it; this
module only knows the corpus stage's files, where the home is, and the record
of which versions wrote it.
"""

from __future__ import annotations

import json
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


# -- versions ------------------------------------------------------------
# `HOME/dateline-home.json` records which formats wrote the home and which
# Dateline last wrote it, e.g. {"home_format": 1, "store_format": 1,
# "index_schema": 1, "dateline": "0.1.0"}. Each stage names its own format
# (this module knows no stage's numbers). It is checked before anything in
# the home is opened for writing, so a home from a newer Dateline is refused
# before a single byte of it changes.

HOME_FORMAT = 1
MANIFEST_NAME = "dateline-home.json"


class HomeVersionError(Exception):
    """The home was written by an incompatible Dateline (message is user-facing)."""


def dateline_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dateline")
    except PackageNotFoundError:
        return "unknown"


def read_manifest(root: Path) -> dict:
    path = Path(root) / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise HomeVersionError(f"{path} is unreadable ({exc}): is this a Dateline home?") from None
    if not isinstance(data, dict):
        raise HomeVersionError(f"{path} is not a Dateline version record")
    return data


def check_manifest(root: Path, formats: dict[str, int]) -> dict:
    """Refuse a home any of whose formats is newer than ours; read-only.

    Returns the manifest so the caller can judge older formats itself (an
    older index schema means 'rebuild', an older store would mean migrating).
    """
    manifest = read_manifest(root)
    for name, ours in {"home_format": HOME_FORMAT, **formats}.items():
        theirs = manifest.get(name)
        if isinstance(theirs, int) and theirs > ours:
            raise HomeVersionError(
                f"the home {root} was written by a newer Dateline "
                f"({manifest.get('dateline', '?')}, {name} {theirs}; this Dateline "
                f"{dateline_version()} knows {name} {ours}): upgrade Dateline. "
                "Nothing was changed."
            )
    return manifest


def record_manifest(root: Path, formats: dict[str, int]) -> None:
    """Record our formats and version (by a writer holding the home's lock)."""
    manifest = read_manifest(root)
    wanted = {**manifest, "home_format": HOME_FORMAT, **formats, "dateline": dateline_version()}
    if wanted == manifest:
        return
    path = Path(root) / MANIFEST_NAME
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(wanted, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)

"""The data home: one directory holding everything Dateline writes, and all
that belongs to a home rather than to a stage.

- where it is: `--home DIR`, else `$DATELINE_HOME`, else
  `$XDG_DATA_HOME/dateline` (`~/.local/share/dateline`), and the corpus
  stage's files in it (each other stage names its own);
- one writer at a time: the exclusive `flock` on `HOME/lock` (`WriterLock`);
- which versions wrote it: `HOME/dateline-home.json` (the manifest);
- the zone dates are read in: `$DATELINE_TZ`, else `timezone = "…"` in
  `HOME/config.toml`, else UTC.
"""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import sys
import tomllib
from dataclasses import dataclass
from datetime import timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


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

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_FILE

    def timezone(self, environ=os.environ) -> tzinfo:
        """The zone date expressions are read in (see `configured_timezone`)."""
        return configured_timezone(self.root, environ)


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


# -- one writer at a time ---------------------------------------------------
# One writer at a time on a home: an exclusive `flock` on `HOME/lock`.
#
# A `flock` belongs to the open file, so the kernel drops it when the holding
# process dies, however it dies: a lock left by a killed process is never in
# the way, and its stale text is overwritten by the next holder. The file holds
# the holder's pid and command line, only so a second writer can say who is
# writing. Readers (search) never take the lock.

LOCK_NAME = "lock"


class HomeBusy(Exception):
    """Another process is writing to the home (message is user-facing)."""

    def __init__(self, home: Path, pid: int | None, command: str | None):
        self.pid, self.command = pid, command
        who = f"pid {pid}, {command!r}" if pid else "starting up"
        super().__init__(
            f"another Dateline process ({who}) is writing to {home}; "
            "wait for it to finish and try again"
        )


def _command_line() -> str:
    argv = list(sys.argv)
    if argv and argv[0].endswith(("/dateline", "cli.py")):
        argv[0] = "dateline"
    return shlex.join(argv)


class WriterLock:
    """`with WriterLock(home_root):` holds the home for writing, or raises HomeBusy."""

    def __init__(self, root: Path, *, command: str | None = None):
        self.root = Path(root)
        self.path = self.root / LOCK_NAME
        self.command = command or _command_line()
        self._fd: int | None = None

    def acquire(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        # O_CLOEXEC: a program we exec must not inherit the lock.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise HomeBusy(self.root, holder.get("pid"), holder.get("command")) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "command": self.command}).encode(), 0)
        self._fd = fd
        _HELD.add(self)

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
        except OSError:
            pass  # a full disk must not keep the lock held
        os.close(self._fd)  # closing the last descriptor releases the flock
        self._fd = None
        _HELD.discard(self)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


_HELD: set[WriterLock] = set()


def _close_in_forked_child() -> None:
    """A forked child (the index builder's workers) must not keep the lock
    alive after the process that took it is gone."""
    for lock in list(_HELD):
        if lock._fd is not None:
            try:
                os.close(lock._fd)
            except OSError:
                pass
            lock._fd = None
    _HELD.clear()


os.register_at_fork(after_in_child=_close_in_forked_child)


def _read_holder(fd: int) -> dict:
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"{}")
    except (OSError, ValueError):
        return {}  # the holder has not written its name yet
    return data if isinstance(data, dict) else {}


# -- time zone ---------------------------------------------------------------

CONFIG_FILE = "config.toml"
TZ_ENV = "DATELINE_TZ"


class TimezoneConfigError(ValueError):
    """A configured time zone that cannot be used; str() names where it was set."""


def configured_timezone(home_root: Path, environ=os.environ) -> tzinfo:
    """The zone date expressions are read in: $DATELINE_TZ, else `timezone = "…"`
    in HOME/config.toml, else UTC. Names are IANA zones ("Europe/Berlin")."""
    if name := environ.get(TZ_ENV, "").strip():
        return _zone(name, f"${TZ_ENV}")
    path = Path(home_root) / CONFIG_FILE
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return timezone.utc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TimezoneConfigError(f"{path}: cannot read the configuration ({exc})") from None
    name = config.get("timezone", "UTC")
    if not isinstance(name, str) or not name.strip():
        raise TimezoneConfigError(f"{path}: 'timezone' must be a zone name such as \"Europe/Berlin\"")
    return _zone(name.strip(), str(path))


def _zone(name: str, where: str) -> tzinfo:
    if name.upper() in ("UTC", "Z", "GMT"):
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimezoneConfigError(
            f"{where}: unknown time zone {name!r} (use an IANA name such as \"Europe/Berlin\")"
        ) from None

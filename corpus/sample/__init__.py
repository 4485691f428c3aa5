"""The bundled sample crawl (written for Dateline; no third-party text)."""

from pathlib import Path


def sample_path() -> Path:
    return Path(__file__).parent / "crawl"

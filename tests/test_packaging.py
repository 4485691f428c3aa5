"""The installed package is one namespace, `dateline`, and nothing else of ours."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_only_the_dateline_package(tmp_path):
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    [wheel] = tmp_path.glob("dateline-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top_level == {"dateline"}
    # The three stages and their data are inside it.
    for path in ("dateline/corpus/store.py", "dateline/index/build.py", "dateline/search/cli.py",
                 "dateline/corpus/gazetteer/places.tsv", "dateline/search/web/templates/base.html",
                 "dateline/corpus/sample/crawl/wire-2025.jsonl"):
        assert path in names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "dateline = dateline.search.cli:run" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_python_dash_m_dateline_is_the_command():
    shown = subprocess.run([sys.executable, "-m", "dateline", "--help"], capture_output=True,
                           text=True, cwd="/")
    assert shown.returncode == 0 and "ingest" in shown.stdout

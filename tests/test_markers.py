"""Markers are used, unknown ones are refused, and CI runs every marked test."""

import re
import tomllib
from pathlib import Path

import pytest

from tests.helpers import REPO

CONFIG = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
MARKERS = [line.split(":")[0] for line in CONFIG["markers"]]
TESTS = "".join(path.read_text() for path in (REPO / "tests").glob("*.py"))


@pytest.mark.parametrize("marker", MARKERS)
def test_every_registered_marker_marks_some_test(marker):
    assert re.search(rf"mark\.{marker}\b", TESTS), f"no test is marked {marker}"


def test_an_unregistered_marker_is_an_error():
    assert "--strict-markers" in CONFIG["addopts"].split()


def test_ci_runs_the_slow_browser_and_corpus_tests_too():
    ci = (REPO / ".ci" / "run").read_text()
    runs = [line.split("pytest", 1)[1] for line in ci.splitlines()
            if "pytest" in line and not line.lstrip().startswith("#")]
    assert runs and not any(" -m " in f" {args} " or "not slow" in args for args in runs)
    assert "-m" not in CONFIG["addopts"].split()

"""Shared fixtures: the bundled library, small scenarios, and a throwaway data directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from simulator.catalog import library
from simulator.engine import Session
from simulator.loader import load_scenario

FIXTURES = Path(__file__).parent / "fixtures"
E411 = FIXTURES / "e411-flat-tyre.yaml"
TWO_CALLS = FIXTURES / "two-calls.yaml"


# CI installs what the integration tests need and names it in PLATEAU_CI_REQUIRES ("Ralph,Chromium,jsonschema"):
# there, a test skipped for want of one of them fails, so that CI cannot go green without them.
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    required = [name.strip() for name in os.environ.get("PLATEAU_CI_REQUIRES", "").split(",") if name.strip()]
    if report.skipped and required:
        reason = str(report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr)
        missing = [name for name in required if name.lower() in reason.lower()]
        if missing:
            report.outcome = "failed"
            report.longrepr = (f"CI installed {', '.join(missing)} for this test, yet it was skipped: {reason}")


# Settings a classroom computer may carry in its environment: no test may read the machine's own.
CLASS_SETTINGS = (
    "PLATEAU_LANG", "PLATEAU_LRS", "PLATEAU_LRS_USER", "PLATEAU_LRS_PASSWORD",
    "PLATEAU_XAPI_ACTOR", "PLATEAU_XAPI_CLASS", "PLATEAU_XAPI_HOMEPAGE",
    "PLATEAU_XAPI_SALT", "PLATEAU_XAPI_SITE",
)


@pytest.fixture(autouse=True)
def plateau_home(tmp_path, monkeypatch):
    home = tmp_path / "plateau-home"
    monkeypatch.setenv("PLATEAU_HOME", str(home))
    for name in CLASS_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture(scope="session")
def lib():
    """Bundled rubrics and providers, plus the fixtures' own providers (tests/fixtures/providers)."""
    return library(E411)


@pytest.fixture(scope="session")
def e411(lib):
    return load_scenario(E411, lib.rubrics, lib.directory)


@pytest.fixture(scope="session")
def two_calls(lib):
    return load_scenario(TWO_CALLS, lib.rubrics, lib.directory)


def play(scenario, lib, actions, lang="fr"):
    """A session started in `lang` with `actions` applied; returns (session, events of the last action)."""
    session = Session(scenario, lib.directory)
    events = session.apply({"type": "start", "lang": lang})
    for action in actions:
        if isinstance(action, str):
            action = {"type": "choose", "option": action}
        events = session.apply(action)
    return session, events


def too_wide(text: str, width: int) -> list[str]:
    """The lines of `text` wider than `width` columns, or with a word cut short ('…'): none in a table that fits."""
    from rich.cells import cell_len
    return [line for line in text.splitlines() if cell_len(line) > width or "…" in line]


def table_headers(text: str) -> list[list[str]]:
    """The column headers of each table Rich drew in `text`, a header wrapped over several lines made whole again."""
    lines = text.splitlines()
    tables = []
    for n, line in enumerate(lines):
        if "╇" not in line:  # the rule under a table's headers
            continue
        top = n
        while top > 0 and "┃" in lines[top - 1] and "┳" not in lines[top - 1]:
            top -= 1
        rows = [row.split("┃")[1:-1] if row.startswith("┃") else row.split("┃") for row in lines[top:n]]
        tables.append([" ".join(piece.strip() for piece in column if piece.strip()) for column in zip(*rows)])
    return tables


def scenario_text(**replacements) -> str:
    """The E411 fixture with some lines replaced: the base for loader error tests."""
    text = E411.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text

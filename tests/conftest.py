"""Shared fixtures: the bundled library, small scenarios, and a throwaway data directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.catalog import library
from simulator.engine import Session
from simulator.loader import load_scenario, parse_scenario

FIXTURES = Path(__file__).parent / "fixtures"
E411 = FIXTURES / "e411-flat-tyre.yaml"
TWO_CALLS = FIXTURES / "two-calls.yaml"


@pytest.fixture(autouse=True)
def plateau_home(tmp_path, monkeypatch):
    home = tmp_path / "plateau-home"
    monkeypatch.setenv("PLATEAU_HOME", str(home))
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


def scenario_text(**replacements) -> str:
    """The E411 fixture with some lines replaced: the base for loader error tests."""
    text = E411.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text

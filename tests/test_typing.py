"""Types: the engine, the model and scoring pass `mypy --strict`, and the events the engine emits are the
ones simulator.events describes (an `EventType` each, with the keys of its TypedDict).

Events stay plain dicts at run time, as transcripts hold them; their "type" is an `EventType`, a `StrEnum`
that equals, hashes and is written in JSON as its text.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from simulator.catalog import bundled_scenarios, open_scenario
from simulator.engine import Session
from simulator.events import ACTION_TYPES, Action, Event, EventType

ROOT = Path(__file__).resolve().parent.parent

# The modules held to `mypy --strict` (simulator.events with them: the others follow it only silently).
STRICT = ["simulator/engine.py", "simulator/session_queries.py", "simulator/session_state.py", "simulator/engine_context.py", "simulator/model.py", "simulator/scoring.py", "simulator/scoring_card.py",
          "simulator/scoring_record.py", "simulator/scoring_criteria.py", "simulator/scoring_fields.py",
          "simulator/events.py", "simulator/formatting.py"]

SCENARIOS = [p.stem for p in bundled_scenarios()]


def test_the_engine_the_model_and_scoring_pass_mypy_strict(tmp_path):
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (pip install mypy): the strict type check cannot run")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--ignore-missing-imports",
         "--no-color-output", "--cache-dir", str(tmp_path / "mypy-cache"), *STRICT],
        check=False, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0 and ": error:" not in result.stdout, result.stdout + result.stderr


def _kinds(union: object) -> dict[str, type]:
    """Each TypedDict of a union of TypedDicts by the value of its "type" (a Literal)."""
    out: dict[str, type] = {}
    for cls in typing.get_args(union):
        (tag,) = typing.get_args(typing.get_type_hints(cls)["type"])
        assert tag not in out, f"two TypedDicts for the type {tag!r}"
        out[tag] = cls
    return out


EVENT_KINDS = _kinds(Event)
ACTION_KINDS = _kinds(Action)


def _fits(data: dict, cls: type) -> bool:
    keys = set(data)
    return cls.__required_keys__ <= keys <= cls.__required_keys__ | cls.__optional_keys__


def test_every_event_type_has_its_typed_dict_in_the_event_union():
    assert set(EVENT_KINDS) == set(EventType)
    assert all(isinstance(tag, EventType) for tag in EVENT_KINDS)


def test_the_engine_takes_exactly_the_actions_simulator_events_describes():
    handlers = {name.removeprefix("_do_") for name in dir(Session) if name.startswith("_do_")}
    assert handlers == set(ACTION_TYPES) == set(ACTION_KINDS)


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_every_event_of_the_bundled_model_calls_is_an_event_type_with_the_keys_of_its_kind(scenario_id):
    scenario, lib = open_scenario(scenario_id)
    assert scenario.model, f"{scenario_id} has no model call"
    session = Session(scenario, lib.directory)
    seen = set()
    for action in scenario.model:
        assert action["type"] in ACTION_KINDS and _fits(action, ACTION_KINDS[action["type"]]), action
        for event in session.apply(action):
            kind = event["type"]
            assert isinstance(kind, EventType), event
            assert _fits(event, EVENT_KINDS[kind]), (sorted(event), EVENT_KINDS[kind].__name__)
            assert list(event)[:3] == ["type", "case", "clock"]
            # Written and compared as its text: a transcript reads as it did when types were plain strings.
            assert kind == kind.value and hash(kind) == hash(kind.value)
            assert json.dumps(event, ensure_ascii=False) == json.dumps({**event, "type": kind.value}, ensure_ascii=False)
            seen.add(kind)
    assert session.ended
    assert {EventType.ANSWERED, EventType.CHOSE, EventType.SAID, EventType.SESSION_ENDED} <= seen

"""The transcript is the session: on disk after every action, replayable, tamper-evident."""

from __future__ import annotations

import json

import pytest

from simulator.engine import Session
from simulator.transcript import TranscriptMismatch, TranscriptWriter, read_transcript, replay
from tests.conftest import E411

GOOD = [{"type": "start", "lang": "fr"}, {"type": "choose", "option": "greet"},
        {"type": "choose", "option": "behind-rail"}, {"type": "choose", "option": "note-plate"},
        {"type": "input", "value": "1-ABC-234"}]


def record(scenario, lib, path, actions=GOOD):
    session = Session(scenario, lib.directory)
    writer = TranscriptWriter(path, {"session": "s1", "scenario": scenario.id, "content_hash": scenario.content_hash,
                                     "trainee": "Amélie Dupont"})
    for action in actions:
        writer.append(action, session.apply(action))
    writer.close()
    return session


def test_each_action_is_one_line_on_disk_with_its_events(e411, lib, tmp_path):
    path = tmp_path / "call.jsonl"
    record(e411, lib, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + len(GOOD)
    assert json.loads(lines[0])["trainee"] == "Amélie Dupont"
    assert json.loads(lines[2])["action"] == {"type": "choose", "option": "greet"}


def test_replaying_a_transcript_reproduces_its_state(e411, lib, tmp_path):
    path = tmp_path / "call.jsonl"
    original = record(e411, lib, path)
    replayed = replay(e411, lib.directory, read_transcript(path))
    assert replayed.snapshot() == original.snapshot()


def test_a_torn_last_line_is_dropped_with_a_warning(e411, lib, tmp_path):
    path = tmp_path / "call.jsonl"
    record(e411, lib, path)
    with open(path, "a", encoding="utf-8") as f:
        f.write('{"type": "turn", "n": 6, "action": {"type": "choo')
    transcript = read_transcript(path)
    assert len(transcript.turns) == len(GOOD)
    assert transcript.warnings == [f"{path}:{len(GOOD) + 2}: the last line was cut off (the program stopped while writing it); "
                                   "that action is dropped and the call goes on from the one before."]
    assert not transcript.tampered


def test_an_edited_transcript_is_detected(e411, lib, tmp_path):
    path = tmp_path / "call.jsonl"
    record(e411, lib, path)
    text = path.read_text(encoding="utf-8").replace('"value": "1-ABC-234"', '"value": "1-XYZ-999"')
    path.write_text(text, encoding="utf-8")
    assert read_transcript(path).tampered


def test_a_transcript_of_another_scenario_version_is_refused(e411, lib, tmp_path):
    path = tmp_path / "call.jsonl"
    record(e411, lib, path)
    changed = type(e411)(**{**e411.__dict__, "content_hash": "0123456789abcdef"})
    with pytest.raises(TranscriptMismatch) as caught:
        replay(changed, lib.directory, read_transcript(path))
    assert "another version of 'e411-flat-tyre'" in str(caught.value)


def test_a_file_that_is_not_a_transcript_is_refused_with_a_position(tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text('{"hello": 1}\n', encoding="utf-8")
    with pytest.raises(Exception) as caught:
        read_transcript(path)
    assert "J002 this file is not a Plateau transcript (no header line)." in str(caught.value)

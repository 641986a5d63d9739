"""The transcript is the session: on disk after every action, replayable, tamper-evident."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.engine import Session
from simulator.transcript import (
    GENESIS,
    TranscriptBusy,
    TranscriptLock,
    TranscriptMismatch,
    TranscriptWriter,
    chain,
    read_transcript,
    replay,
    rewrite_whole,
)

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


def test_mending_a_torn_line_writes_a_new_file_renamed_over_the_old_one(e411, lib, tmp_path):
    path = tmp_path / "call.jsonl"
    record(e411, lib, path)
    whole = path.read_bytes()
    with open(path, "a", encoding="utf-8") as f:
        f.write('{"type": "turn", "n": 6, "action": {"type": "choo')
    torn = read_transcript(path)
    rewrite_whole(path, torn.header, torn.turns)
    assert path.read_bytes() == whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["call.jsonl"]


def test_a_mend_stopped_before_its_rename_leaves_the_transcript_as_it_was(e411, lib, tmp_path, monkeypatch):
    path = tmp_path / "call.jsonl"
    record(e411, lib, path)
    with open(path, "a", encoding="utf-8") as f:
        f.write('{"type": "turn", "n": 6, "action": {"type": "choo')
    before = path.read_bytes()
    torn = read_transcript(path)

    def killed(*args):
        raise KeyboardInterrupt  # the machine stops between writing the new file and renaming it
    monkeypatch.setattr("simulator.transcript.os.replace", killed)
    with pytest.raises(KeyboardInterrupt):
        rewrite_whole(path, torn.header, torn.turns)
    assert path.read_bytes() == before
    assert len(read_transcript(path).turns) == len(GOOD)


def test_an_edited_transcript_is_detected(e411, lib, tmp_path):
    path = tmp_path / "call.jsonl"
    record(e411, lib, path)
    text = path.read_text(encoding="utf-8").replace('"value": "1-ABC-234"', '"value": "1-XYZ-999"')
    path.write_text(text, encoding="utf-8")
    assert read_transcript(path).tampered


@pytest.mark.parametrize("edit", [('"trainee": "Amélie Dupont"', '"trainee": "Amélie Duponte"'),
                                  ('"session": "s1"', '"session": "s2"')], ids=["trainee name", "session id"])
def test_an_edited_header_is_detected(e411, lib, tmp_path, edit):
    path = tmp_path / "call.jsonl"
    record(e411, lib, path)
    text = path.read_text(encoding="utf-8")
    assert edit[0] in text.splitlines()[0]
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    assert read_transcript(path).tampered


def test_a_transcript_of_the_first_format_is_still_read_and_checked(e411, lib, tmp_path):
    """Format 1 chained its turns from a fixed start, without the header: such files still import."""
    path = tmp_path / "call.jsonl"
    record(e411, lib, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    header = {**json.loads(lines[0]), "format": 1}
    previous, turns = GENESIS, []
    for line in lines[1:]:
        turn = json.loads(line)
        previous = chain(previous, turn["action"], turn["events"])
        turns.append(json.dumps({**turn, "hash": previous}, ensure_ascii=False))
    path.write_text("\n".join([json.dumps(header, ensure_ascii=False)] + turns) + "\n", encoding="utf-8")
    transcript = read_transcript(path)
    assert (transcript.tampered, len(transcript.turns), transcript.last_hash) == (False, len(GOOD), previous)
    path.write_text(path.read_text(encoding="utf-8").replace("1-ABC-234", "1-XYZ-999"), encoding="utf-8")
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


def test_no_lock_file_remains_beside_a_transcript_once_its_writer_is_closed(e411, lib, tmp_path):
    path = tmp_path / "call.jsonl"
    session = Session(e411, lib.directory)
    writer = TranscriptWriter(path, {"session": "s1", "scenario": e411.id, "content_hash": e411.content_hash,
                                     "trainee": "Amélie Dupont"})
    writer.append(GOOD[0], session.apply(GOOD[0]))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["call.jsonl", "call.jsonl.lock"]
    writer.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["call.jsonl"]


def test_a_second_window_is_refused_an_open_call_and_gets_it_once_the_first_closes(e411, lib, tmp_path):
    path = tmp_path / "call.jsonl"
    writer = TranscriptWriter(path, {"session": "s1", "scenario": e411.id, "trainee": "Amélie Dupont"})
    with pytest.raises(TranscriptBusy):
        TranscriptLock(path).acquire()
    writer.close()
    TranscriptLock(path).acquire().release()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["call.jsonl"]


def test_a_lock_file_left_by_a_killed_call_stops_no_one_and_goes_with_the_next_holder(e411, lib, tmp_path):
    path = tmp_path / "call.jsonl"
    Path(str(path) + ".lock").write_bytes(b"")  # a killed process releases its lock but leaves the file
    record(e411, lib, path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["call.jsonl"]


RACE = """
import os, sys, time
from pathlib import Path
from simulator.transcript import TranscriptBusy, TranscriptLock
call, go, rounds = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
inside = Path(str(call) + ".inside")
while not go.exists():  # start together
    time.sleep(0.002)
held = 0
for _ in range(rounds):
    try:
        lock = TranscriptLock(call).acquire()
    except TranscriptBusy:
        continue
    os.close(os.open(inside, os.O_CREAT | os.O_EXCL | os.O_WRONLY))  # FileExistsError: two holders at once
    time.sleep(0.0002)
    os.remove(inside)
    lock.release()
    held += 1
print(held)
"""


def test_windows_racing_for_one_call_never_hold_it_two_at_a_time_though_its_lock_file_comes_and_goes(tmp_path):
    """Each holder deletes the lock file as it lets go, while others open it: a process that locked a file
    just deleted must notice and try again, or it and the next process would both hold the call."""
    processes, rounds = 6, 300
    call, go = tmp_path / "call.jsonl", tmp_path / "go"
    racers = [subprocess.Popen([sys.executable, "-c", RACE, str(call), str(go), str(rounds)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
                               cwd=Path(__file__).resolve().parents[1]) for _ in range(processes)]
    go.touch()
    results = [racer.communicate(timeout=120) for racer in racers]
    assert [(racer.returncode, err) for racer, (_, err) in zip(racers, results)] == [(0, "")] * processes
    assert sum(int(out) for out, _ in results) >= processes  # the call did change hands
    assert sorted(p.name for p in tmp_path.iterdir()) == ["go"]

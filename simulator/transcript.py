"""The transcript: the session's actions and events, one JSON line per action, on disk at once.

The first line is a header (who, which scenario and version, when, and the seed that orders
the options on screen, so a resumed call shows the same numbers). Each following line is
one action with the events it caused, and a hash chained to the line before; the chain starts
from a hash of the header, so an edited transcript is detected, its header (trainee, dates)
included. Every line is flushed and fsync'ed before the player shows the next
prompt: a crash, Ctrl-C or a closed terminal loses at most the keystrokes in progress.
Replaying the actions on a fresh Session reproduces the events; that is how a call resumes.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from simulator import model as m
from simulator.engine import IllegalAction, Session
from simulator.errors import PlateauError, Problem, ScenarioError, display_path

FORMAT = 2  # 2: the chain starts from the header's hash (1: from GENESIS; still read)
READABLE_FORMATS = (1, 2)
GENESIS = "0" * 16


def _canonical(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def chain(previous: str, action: Mapping[str, object], events: Sequence[Mapping[str, object]]) -> str:
    return hashlib.sha256((previous + _canonical(action) + _canonical(events)).encode("utf-8")).hexdigest()[:16]


def seed(header: dict) -> str:
    """Where the chain of a transcript starts: its header's hash (format 2), or GENESIS (format 1)."""
    if header.get("format") == 1:
        return GENESIS
    return hashlib.sha256(("header" + _canonical(header)).encode("utf-8")).hexdigest()[:16]


def display_seed(header: dict) -> int | None:
    """The seed the options of this call are shown in (`order.shuffled`); None for a transcript written
    before options were shuffled, whose options keep the file's order."""
    value = header.get("seed")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class TranscriptBusy(PlateauError):
    """Another Plateau process is playing this call."""


class TranscriptLock:
    """Only one process at a time plays a call: two windows resuming it would write two different calls
    into one file. The lock is held on a small file beside the transcript (`NAME.jsonl.lock`), so the
    system releases it when the process ends, even when it is killed. The holder deletes the file when it
    lets go; a process killed mid-call leaves it behind, harmless, for the next holder to delete."""

    def __init__(self, path: Path):
        self.path = Path(str(path) + ".lock")
        self._file: IO[bytes] | None = None

    def acquire(self) -> "TranscriptLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            handle = open(self.path, "a+b")
            try:
                _lock(handle)
            except OSError:
                handle.close()
                from simulator.i18n import detect_lang, t
                raise TranscriptBusy(t("err.busy", detect_lang(), path=display_path(Path(str(self.path)[:-5])))) from None
            # The holder before us may have deleted the file between our open and our lock: we would hold a
            # lock on a file no longer at this path, while the next process locks a new one. Lock what the
            # path names now, or start again.
            try:
                if os.path.samestat(os.fstat(handle.fileno()), os.stat(self.path)):
                    break
            except FileNotFoundError:
                pass
            handle.close()
        self._file = handle
        return self

    def release(self) -> None:
        """Let go of the call and delete the lock file. Only the holder deletes it, so no one else can be
        holding a lock on it: on POSIX it is deleted before the lock is let go (a process that opened it in
        the meantime finds, once it locks, that the path names another file or none, and opens it again);
        Windows refuses to delete an open file, so there it is deleted after, and stays if another process
        has just opened it."""
        if self._file is None:
            return
        handle, self._file = self._file, None
        if os.name == "nt":  # pragma: no cover - Windows
            _unlock(handle)
            handle.close()
            _delete(self.path)
        else:
            _delete(self.path)
            handle.close()  # closing releases the lock


def _lock(handle: IO[bytes]) -> None:
    """Lock `handle` for this process, or raise OSError at once if another process holds it."""
    if sys.platform == "win32":  # pragma: no cover - Windows (sys.platform rather than os.name: mypy reads it)
        import msvcrt
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock(handle: IO[bytes]) -> None:  # pragma: no cover - Windows
    """Unlock before closing, as the Windows C runtime asks (closing a locked region leaves its release undefined)."""
    if sys.platform != "win32":  # called on Windows only; the test lets mypy see msvcrt's Windows-only functions
        return
    import msvcrt
    handle.seek(0)
    try:
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
    except OSError:
        pass


def _delete(path: Path) -> None:
    """Delete a lock file if it can be: gone already, or open in another process on Windows, it stays or goes as it is."""
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except PermissionError:  # pragma: no cover - Windows: another process has just opened it, and will hold it
        pass


class TranscriptWriter:
    """Appends to a transcript file, syncing each line to disk, holding the call's lock until closed."""

    def __init__(self, path: Path, header: dict | None = None, *, last_hash: str = GENESIS, turns: int = 0,
                 lock: TranscriptLock | None = None):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = lock or TranscriptLock(self.path).acquire()
        self.last = last_hash
        self.turns = turns
        if header is not None:
            record = {"type": "header", "format": FORMAT, **header}
            self.last = seed(record)
            self._file = open(self.path, "w", encoding="utf-8", newline="\n")
            self._write(record)
        else:
            self._file = open(self.path, "a", encoding="utf-8", newline="\n")

    def _write(self, record: dict) -> None:
        self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def append(self, action: Mapping[str, object], events: Sequence[Mapping[str, object]], at: str | None = None) -> None:
        self.last = chain(self.last, action, events)
        self.turns += 1
        record = {"type": "turn", "n": self.turns, "action": action, "events": events, "hash": self.last}
        if at:
            record["at"] = at
        self._write(record)

    def close(self) -> None:
        self._file.close()
        self.lock.release()


def rewrite_whole(path: Path, header: dict, turns: list[dict]) -> None:
    """Write `header` and `turns` as the transcript at `path` through a new file renamed over it: killed at
    any moment, the file holds either the old transcript or the new one, never a part of either."""
    path = Path(path)
    fresh = path.with_name(path.name + ".new")
    with open(fresh, "w", encoding="utf-8", newline="\n") as out:
        out.write(json.dumps(header, ensure_ascii=False) + "\n")
        for turn in turns:
            out.write(json.dumps(turn, ensure_ascii=False) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(fresh, path)
    if os.name != "nt":  # the rename itself reaches the disk with the folder (not possible, nor needed, on Windows)
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


@dataclass
class Transcript:
    path: Path
    header: dict
    turns: list[dict]
    warnings: list[str] = field(default_factory=list)
    tampered: bool = False

    @property
    def actions(self) -> list[dict]:
        return [t["action"] for t in self.turns]

    @property
    def events(self) -> list[list[dict]]:
        return [t["events"] for t in self.turns]

    @property
    def last_hash(self) -> str:
        return self.turns[-1]["hash"] if self.turns else seed(self.header)


def read_transcript(path: Path | str) -> Transcript:
    """Read a transcript; a torn last line (a crash while writing) is dropped with a warning."""
    path = Path(path)
    name = display_path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlateauError(f"cannot read the transcript {name}: {getattr(exc, 'strerror', None) or exc}.") from None
    lines = raw.split("\n")
    records: list[dict[str, Any]] = []
    warnings: list[str] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError
        except (ValueError, RecursionError):  # RecursionError: nested deeper than any transcript is
            last = all(not rest.strip() for rest in lines[number:])
            if last and records:
                warnings.append(f"{name}:{number}: the last line was cut off (the program stopped while writing it); "
                                "that action is dropped and the call goes on from the one before.")
                break
            raise ScenarioError([Problem(name, number, 1, "J001", "this line of the transcript is not valid JSON.",
                                         "A transcript is written by Plateau; do not edit it by hand.")]) from None
        records.append(record)
    if not records or records[0].get("type") != "header":
        raise ScenarioError([Problem(name, 1, 1, "J002", "this file is not a Plateau transcript (no header line).",
                                     "Give the .jsonl file that 'plateau play' wrote.")])
    header, turns = records[0], records[1:]
    if header.get("format") not in READABLE_FORMATS:
        raise PlateauError(f"{name} is a transcript in format {header.get('format')}; this Plateau reads formats "
                           f"{' and '.join(map(str, READABLE_FORMATS))}. Update Plateau.")
    transcript = Transcript(path, header, turns, warnings)
    previous = seed(header)
    for turn in turns:
        if not isinstance(turn.get("action"), dict) or not isinstance(turn.get("events"), list):
            transcript.tampered = True
            break
        previous = chain(previous, turn["action"], turn["events"])
        if previous != turn.get("hash"):
            transcript.tampered = True
            break
    return transcript


class TranscriptMismatch(PlateauError):
    """Replaying a transcript's actions did not give its recorded events."""


def replay(scenario: m.Scenario, directory: m.Directory, transcript: Transcript, *, strict: bool = True) -> Session:
    """A Session brought to the transcript's last state by replaying its actions."""
    if transcript.header.get("scenario") != scenario.id:
        raise TranscriptMismatch(f"this transcript is for the scenario '{transcript.header.get('scenario')}', not '{scenario.id}'.")
    if strict and transcript.header.get("content_hash") != scenario.content_hash:
        raise TranscriptMismatch(
            f"this transcript was recorded with another version of '{scenario.id}' (the scenario file has changed since). "
            "Score it with the version it was played on.")
    session = Session(scenario, directory)
    for number, turn in enumerate(transcript.turns, 1):
        try:
            events = session.apply(turn["action"])
        except IllegalAction as exc:
            raise TranscriptMismatch(f"turn {number} of the transcript cannot be replayed: {exc}") from None
        if strict and events != turn["events"]:
            raise TranscriptMismatch(f"turn {number} of the transcript gives other events when replayed; "
                                     "the transcript or the scenario was changed.")
    return session

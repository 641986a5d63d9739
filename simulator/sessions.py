"""Saved sessions in the data directory: list them, find one, remember the trainee's name."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from simulator.datadir import home
from simulator.errors import PlateauError, ScenarioError
from simulator.i18n import detect_lang, t
from simulator.safe import printable
from simulator.transcript import read_transcript


def sessions_dir() -> Path:
    return home() / "sessions"


@dataclass(frozen=True)
class SavedSession:
    path: Path
    id: str
    scenario: str
    trainee: str
    started: str
    turns: int
    ended: bool
    ending: str | None
    mode: str = "practice"
    outcome: str | None = None  # resolved, escalated, hung_up, unsafe: how the ending is said in any language


def _summary(path: Path) -> SavedSession | None:
    try:
        transcript = read_transcript(path)
    except (PlateauError, ScenarioError):
        return None
    ending = outcome = None
    for turn in transcript.turns:
        for event in turn["events"]:
            if event.get("type") == "session_ended":
                ending, outcome = event.get("ending"), event.get("outcome")
    h = transcript.header
    return SavedSession(path, h.get("session", path.stem), h.get("scenario", "?"), printable(str(h.get("trainee", ""))),
                        h.get("started", ""), len(transcript.turns), ending is not None, ending, h.get("mode", "practice"),
                        outcome)


def list_sessions() -> list[SavedSession]:
    """Saved sessions, newest first (unreadable files are skipped)."""
    folder = sessions_dir()
    found = [s for s in (_summary(p) for p in folder.glob("*.jsonl")) if s] if folder.is_dir() else []
    return sorted(found, key=lambda s: (s.started, s.path.name), reverse=True)


def find_session(name: str | None) -> SavedSession:
    """A session by id, file name or path; without a name, the latest unfinished one."""
    if name and Path(name).is_file():
        found = _summary(Path(name))
        if found is None:
            raise PlateauError(f"'{name}' is not a readable Plateau transcript.")
        return found
    saved = list_sessions()
    if name:
        match = [s for s in saved if s.id == name or s.path.name == name or s.path.stem == name]
        if not match:
            raise PlateauError(t("err.no_session", detect_lang(), name=name))
        return match[0]
    unfinished = [s for s in saved if not s.ended and s.mode != "assess"]  # a stopped self-assessment starts over
    if not unfinished:
        raise PlateauError(t("err.no_unfinished", detect_lang()))
    return unfinished[0]


def _config_path() -> Path:
    return home() / "config.json"


def remembered_trainee() -> str:
    try:
        return json.loads(_config_path().read_text(encoding="utf-8")).get("trainee", "")
    except (OSError, ValueError, AttributeError):
        return ""


def remember_trainee(name: str) -> None:
    path = _config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        config = {}
    config["trainee"] = name
    path.write_text(json.dumps(config, ensure_ascii=False, indent=2), encoding="utf-8")

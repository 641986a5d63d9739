"""The results store: every finished or abandoned call, rescored, in one SQLite file in the data directory.

One row per session (who, which scenario and version, when, how it ended, the overall and
per-criterion scores, critical failures, where the transcript is), plus the choice-level
detail the instructor's reports need: each decision with the points it lost, and each
procedure step of the rubric as performed, late, out of order, broken or missed.

The schema carries its version in `PRAGMA user_version` and is brought up to date by
MIGRATIONS, in order, each in one transaction, so a store written by an older Plateau opens
in a newer one. Recording is idempotent: a session is keyed by its id, and the same
transcript recorded twice is one row. The file is in WAL mode, so `plateau results` can
read while a call is being recorded.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import sys
import tempfile
import unicodedata
import zipfile
import zlib
from time import monotonic, sleep
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from enum import Enum
from pathlib import Path
from typing import Iterable, Iterator

from simulator.errors import PlateauError
from simulator.safe import printable

FILE_NAME = "results.sqlite3"

# Each migration brings the schema from version N-1 to N. Never edit one that has shipped:
# add the next. Version 1 held the sessions and their criteria; version 2 added the
# choice-level detail (decisions, procedure steps, labels) and the record of pushes to an LRS.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            session TEXT NOT NULL UNIQUE,
            trainee TEXT NOT NULL,
            trainee_key TEXT NOT NULL,
            scenario TEXT NOT NULL,
            scenario_version INTEGER,
            content_hash TEXT NOT NULL,
            rubric TEXT NOT NULL,
            lang TEXT NOT NULL,
            mode TEXT NOT NULL,
            started TEXT NOT NULL,
            ended TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('finished', 'abandoned')),
            ending TEXT,
            outcome TEXT,
            overall REAL NOT NULL,
            passed INTEGER NOT NULL,
            pass_mark REAL NOT NULL,
            compliance TEXT NOT NULL,
            critical_failures TEXT NOT NULL,
            minutes REAL NOT NULL,
            turns INTEGER NOT NULL,
            last_hash TEXT NOT NULL,
            transcript TEXT NOT NULL,
            plateau TEXT NOT NULL,
            recorded TEXT NOT NULL
        )""",
        "CREATE INDEX sessions_trainee ON sessions (trainee_key, started)",
        "CREATE INDEX sessions_scenario ON sessions (scenario, started)",
        "CREATE INDEX sessions_started ON sessions (started)",
        """CREATE TABLE criteria (
            sid INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            criterion TEXT NOT NULL,
            score REAL NOT NULL,
            max REAL NOT NULL,
            percent REAL NOT NULL,
            level TEXT,
            applies INTEGER NOT NULL,
            PRIMARY KEY (sid, criterion)
        ) WITHOUT ROWID""",
    ),
    (
        # Sessions recorded before version 2 have no choice-level detail (detail = 0); recording
        # their transcript again fills it in.
        "ALTER TABLE sessions ADD COLUMN detail INTEGER NOT NULL DEFAULT 0",
        """CREATE TABLE decisions (
            sid INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            turn INTEGER NOT NULL,
            case_id TEXT NOT NULL,
            node TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('option', 'provider')),
            option TEXT NOT NULL,
            step TEXT,
            tone TEXT,
            lang TEXT NOT NULL,
            minutes REAL NOT NULL,
            at TEXT NOT NULL,
            points REAL NOT NULL,
            breaks TEXT NOT NULL,
            offered TEXT NOT NULL,
            wrong INTEGER NOT NULL,
            PRIMARY KEY (sid, turn)
        ) WITHOUT ROWID""",
        "CREATE INDEX decisions_wrong ON decisions (wrong, option)",
        """CREATE TABLE steps (
            sid INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            case_id TEXT NOT NULL,
            step TEXT NOT NULL,
            critical INTEGER NOT NULL,
            performed INTEGER NOT NULL,
            broken INTEGER NOT NULL,
            late INTEGER NOT NULL,
            out_of_order INTEGER NOT NULL,
            turn INTEGER,
            minutes REAL,
            PRIMARY KEY (sid, case_id, step)
        ) WITHOUT ROWID""",
        "CREATE INDEX steps_step ON steps (step)",
        """CREATE TABLE labels (
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (kind, key)
        ) WITHOUT ROWID""",
        """CREATE TABLE pushes (
            sid INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            lrs TEXT NOT NULL,
            actor TEXT NOT NULL,
            pushed TEXT NOT NULL,
            PRIMARY KEY (sid, lrs, actor)
        ) WITHOUT ROWID""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
DETAIL = 1  # the choice-level detail this Plateau records; a session below it is recorded again


class StoreError(PlateauError):
    """The results store cannot be opened or written."""


def store_path() -> Path:
    from simulator.datadir import home
    return home() / FILE_NAME


def trainee_key(name: str) -> str:
    """A name as it is matched: accents, case and spacing do not count ("Amélie  DUPONT" = "amelie dupont")."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def utc_iso(text: str | None) -> str:
    """An ISO 8601 moment as UTC to the second ('2026-03-12T08:10:00+00:00'); a moment without zone is UTC."""
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc).isoformat(timespec="seconds")
    except (TypeError, ValueError, OverflowError):  # not a moment, or one out of the calendar's range in UTC
        return ""


# ------------------------------------------------------------------ what is recorded


@dataclass(frozen=True)
class CriterionScore:
    id: str
    score: float
    max: float
    percent: float
    level: dict | None
    applies: bool


@dataclass(frozen=True)
class Decision:
    """One choice of the trainee: an option said or done, or a provider picked."""

    turn: int
    case: str
    node: str
    kind: str  # "option" or "provider"
    option: str
    step: str | None
    tone: str | None
    lang: str
    minutes: float  # simulated minutes since the first call rang
    at: str  # when it was chosen (UTC), or the session's start when the transcript has no times
    points: float  # points lost (negative) or 0, summed over the criteria
    breaks: tuple[str, ...]
    offered: tuple[str, ...]
    wrong: bool  # lost points, or goes against a procedure step


@dataclass(frozen=True)
class StepResult:
    """A procedure step of the rubric that the case called for, and what became of it."""

    case: str
    step: str
    critical: bool
    performed: bool
    broken: bool
    late: bool
    out_of_order: bool
    turn: int | None
    minutes: float | None  # simulated minutes since the case rang


@dataclass(frozen=True)
class Record:
    """A session as the store keeps it: built by rescoring its transcript."""

    session: str
    trainee: str
    scenario: str
    scenario_version: int | None
    content_hash: str
    rubric: str
    lang: str
    mode: str
    started: str
    ended: str
    status: str  # "finished" or "abandoned"
    ending: str | None
    outcome: str | None
    overall: float
    passed: bool
    pass_mark: float
    compliance: str
    critical_failures: tuple[dict, ...]
    minutes: float
    turns: int
    last_hash: str
    transcript: str
    plateau: str
    criteria: tuple[CriterionScore, ...]
    decisions: tuple[Decision, ...] = ()
    steps: tuple[StepResult, ...] = ()
    labels: tuple[tuple[str, str, dict], ...] = ()  # (kind, key, {lang: text})
    # The transcript's chain: where it starts, then the hash after each turn. A call recorded again must
    # continue the chain stored for it (a resumed call); anything else under its id is another call.
    chain: tuple[str, ...] = ()


class Outcome(str, Enum):
    ADDED = "added"
    UPDATED = "updated"
    DUPLICATE = "duplicate"


class Refusal(str, Enum):
    """Why a transcript was not recorded."""

    NOT_TRANSCRIPT = "not_transcript"
    TAMPERED = "tampered"
    UNKNOWN_SCENARIO = "unknown_scenario"
    OTHER_VERSION = "other_version"
    NOT_REPLAYABLE = "not_replayable"
    EMPTY = "empty"
    SAME_ID = "same_id"
    BAD_ARCHIVE = "bad_archive"
    LOCKED_ARCHIVE = "locked_archive"
    TOO_LARGE = "too_large"


class Refused(PlateauError):
    def __init__(self, reason: Refusal, detail: str = ""):
        self.reason = reason
        self.detail = detail
        super().__init__(explain(reason, detail, "en"))


REFUSALS: dict[Refusal, dict[str, str]] = {
    Refusal.TAMPERED: {
        "fr": "modifié après l'enregistrement (les sommes de contrôle ne correspondent pas).",
        "nl": "gewijzigd na de opname (de controlesommen kloppen niet).",
        "en": "edited after it was recorded (its checksums do not match)."},
    Refusal.UNKNOWN_SCENARIO: {
        "fr": "scénario inconnu « {detail} » ; donnez son dossier avec --scenarios DOSSIER.",
        "nl": "onbekend scenario « {detail} »; geef de map ervan met --scenarios MAP.",
        "en": "unknown scenario '{detail}'; give its folder with --scenarios FOLDER."},
    Refusal.OTHER_VERSION: {
        "fr": "joué sur une autre version du scénario ({detail}) ; donnez le dossier de cette version avec --scenarios DOSSIER.",
        "nl": "gespeeld op een andere versie van het scenario ({detail}); geef de map van die versie met --scenarios MAP.",
        "en": "played on another version of the scenario ({detail}); give the folder of that version with --scenarios FOLDER."},
    Refusal.NOT_TRANSCRIPT: {
        "fr": "illisible comme transcription : {detail}",
        "nl": "onleesbaar als transcript: {detail}",
        "en": "cannot be read as a transcript: {detail}"},
    Refusal.NOT_REPLAYABLE: {
        "fr": "ne peut pas être rejoué sur le scénario : {detail}",
        "nl": "kan niet opnieuw afgespeeld worden op het scenario: {detail}",
        "en": "cannot be replayed on the scenario: {detail}"},
    Refusal.SAME_ID: {
        "fr": "un autre appel est déjà enregistré sous le même identifiant ({detail}) ; ce fichier ne le "
              "continue pas, il ne le remplace donc pas. Vérifiez qu'il n'a pas été copié ou modifié.",
        "nl": "er is al een andere oproep bewaard onder hetzelfde kenmerk ({detail}); dit bestand zet die niet "
              "voort en vervangt ze dus niet. Ga na of het niet gekopieerd of gewijzigd werd.",
        "en": "another call is already recorded under the same id ({detail}); this file does not continue it, "
              "so it does not replace it. Check that it was not copied or edited."},
    Refusal.BAD_ARCHIVE: {
        "fr": "ce n'est pas une archive zip lisible (vide, incomplète ou abîmée) ; refaites l'archive.",
        "nl": "dit is geen leesbaar zip-archief (leeg, onvolledig of beschadigd); maak het archief opnieuw.",
        "en": "not a zip archive that can be read (empty, cut short or damaged); make the archive again."},
    Refusal.LOCKED_ARCHIVE: {
        "fr": "protégé par un mot de passe dans l'archive zip ; refaites l'archive sans mot de passe.",
        "nl": "beveiligd met een wachtwoord in het zip-archief; maak het archief opnieuw zonder wachtwoord.",
        "en": "protected by a password in the zip archive; make the archive again without one."},
    Refusal.TOO_LARGE: {
        "fr": "bien trop grand pour être une transcription (plus de 64 Mo).",
        "nl": "veel te groot voor een transcript (meer dan 64 MB).",
        "en": "far too large to be a transcript (over 64 MB)."},
    Refusal.EMPTY: {
        "fr": "l'appel n'a jamais commencé.",
        "nl": "de oproep is nooit begonnen.",
        "en": "the call never started."},
}
NOT_RECORDED = {"fr": "plateau : {path} : appel non enregistré dans les résultats, {reason}",
                "nl": "plateau: {path}: oproep niet bewaard in de resultaten, {reason}",
                "en": "plateau: {path}: call not recorded in the results, {reason}"}


def explain(reason: Refusal, detail: str, lang: str) -> str:
    """Why a transcript was refused, as a sentence in `lang`."""
    entry = REFUSALS[reason]
    return entry.get(lang, entry["en"]).format(detail=detail)


# ------------------------------------------------------------------ rescoring a transcript


def build_record(transcript, scenario, lib, *, transcript_path: str | None = None) -> Record:
    """Rescore a transcript against its scenario and collect what the store keeps of it."""
    from simulator import model as m
    from simulator.scoring import replay_record, score_records
    from simulator.transcript import seed

    header = transcript.header
    rubric = lib.rubrics[scenario.rubric_id]
    actions = transcript.actions
    try:
        session, records = replay_record(scenario, lib.directory, actions)  # one replay scores and describes the call
        score = score_records(scenario, rubric, lib.directory, session, records)
    except (PlateauError, StopIteration, KeyError, TypeError, ValueError) as exc:
        raise Refused(Refusal.NOT_REPLAYABLE, str(exc)) from None

    started = utc_iso(header.get("started")) or utc_iso(datetime.now(timezone.utc).isoformat())
    at = [utc_iso(turn.get("at")) or started for turn in transcript.turns]
    ended = at[-1] if at else started

    lost: dict[int, float] = {}
    for criterion in score.criteria.values():
        for e in criterion.evidence:
            if e.turn is not None and e.points < 0:
                lost[e.turn] = lost.get(e.turn, 0.0) + e.points
    verdicts = {e.turn: e.extra.get("verdict") for e in score.criteria.get("provider").evidence} \
        if "provider" in score.criteria else {}

    decisions: list[Decision] = []
    labels: dict[tuple[str, str], dict] = {("scenario", scenario.id): scenario.title.render_all()}
    for cid, rec in records.items():
        for turn in rec.turns:
            option = turn.option
            points = round(lost.get(turn.number, 0.0), 2)
            ends_badly = option.end is not None and scenario.endings[option.end].outcome in (m.Outcome.UNSAFE, m.Outcome.FAILED)
            decisions.append(Decision(turn.number, cid, turn.node, "option", option.id, option.step, option.tone.value,
                                      turn.lang, round(turn.clock, 2), at[turn.number - 1], points,
                                      tuple(option.breaks), tuple(o.id for o in turn.offered),
                                      bool(option.breaks) or points < 0 or ends_badly))
            for offered in turn.offered:
                labels[("option", f"{scenario.id}/{offered.id}")] = _label(offered.text)
        for provider in rec.providers:
            number = provider["turn"]
            # The provider answers the option that asked for one (dispatch or book) just before.
            asking = [t for t in rec.turns if t.number < number and t.option.action is not None
                      and t.option.action.type in (m.ActionType.DISPATCH, m.ActionType.BOOK)]
            ask = asking[-1] if asking else None
            points = round(lost.get(number, 0.0), 2)
            decisions.append(Decision(number, cid, ask.node if ask else "", "provider", provider["id"],
                                      ask.option.step if ask else None, None,
                                      ask.lang if ask else str(header.get("lang") or "en"),
                                      round(provider["clock"] / 60, 2), at[number - 1], points, (), (),
                                      points < 0 or verdicts.get(number) == "unsuitable"))
            labels[("provider", provider["id"])] = {lang: provider["name"] for lang in m.LANGS}
    decisions.sort(key=lambda d: d.turn)

    steps: list[StepResult] = []
    for cid, rec in records.items():
        case = scenario.cases[cid]
        performable = {s for node in case.nodes.values() for o in node.options for s in o.steps}
        for step in rubric.protocol.values():
            if step.id not in performable:
                continue
            labels[("step", f"{rubric.id}/{step.id}")] = step.label.render_all()
            done = rec.steps.get(step.id)
            broken = [turn for turn, s in rec.broken if s == step.id]
            late = out_of_order = False
            turn_number = minutes = None
            if done is not None:
                turn_number = done[0]
                minutes = round(done[1] - case.rings_at_seconds / 60, 2)
                late = step.within_seconds is not None and minutes * 60 > step.within_seconds
                # Done while a step the protocol wants first was not done yet (as scoring counts it).
                out_of_order = any(o.then == step.id and o.first in performable and
                                   (rec.steps[o.first][0] > done[0] if o.first in rec.steps
                                    else not rubric.protocol[o.first].critical) for o in rubric.orders)
            elif broken:
                turn_number = broken[0].number
            steps.append(StepResult(cid, step.id, step.critical, done is not None, bool(broken), late, out_of_order,
                                    turn_number, minutes))
    timing = rubric.criteria.get("timing")
    if timing is not None:
        from simulator.loader import parse_duration
        for step_id, target in (timing.settings.get("targets") or {}).items():
            seconds = parse_duration(target)
            if seconds is not None:
                labels[("target", f"{rubric.id}/{step_id}")] = {"minutes": seconds / 60}
    labels[("rubric", rubric.id)] = rubric.title.render_all()

    procedure = score.criteria.get("procedure")
    compliance = score.compliance if procedure is not None and procedure.applies else ""
    criteria = tuple(CriterionScore(cid, c.score, c.weight, round(c.percent, 1),
                                    c.level.name.render_all() if c.level else None, c.applies)
                     for cid, c in score.criteria.items())
    return Record(
        session=str(header.get("session") or transcript.path.stem), trainee=printable(str(header.get("trainee") or "")),
        scenario=scenario.id, scenario_version=scenario.version, content_hash=scenario.content_hash, rubric=rubric.id,
        lang=str(header.get("lang") or "en"), mode=str(header.get("mode") or "practice"), started=started, ended=ended,
        status="finished" if session.ended else "abandoned", ending=score.ending, outcome=score.outcome,
        overall=score.overall, passed=score.passed, pass_mark=score.pass_mark, compliance=compliance,
        critical_failures=tuple(score.critical_failures), minutes=round(session.state.clock / 60, 2),
        turns=len(transcript.turns), last_hash=transcript.last_hash,
        transcript=transcript_path or str(Path(transcript.path).resolve()), plateau=str(header.get("plateau") or ""),
        criteria=criteria, decisions=tuple(decisions), steps=tuple(steps),
        labels=tuple((kind, key, text) for (kind, key), text in labels.items()),
        chain=(seed(header), *(str(turn.get("hash")) for turn in transcript.turns)))


_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][\w.]*)[^}]*\}\}")


def _label(text) -> dict:
    """An option's text in every language, out of any call: placeholders stay as their names ('‹provider›')."""
    out = {}
    for lang, template in text.values.items():
        try:
            out[lang] = template.render({})
        except PlateauError:
            out[lang] = _PLACEHOLDER.sub(lambda m: f"‹{m.group(1)}›", template.source)
        except Exception:
            out[lang] = template.source
    return out


_TOP_ID = re.compile(rb"^id:[ \t]*['\"]?([a-z0-9][a-z0-9_-]*)['\"]?[ \t]*(?:#.*)?$", re.MULTILINE)


class ScenarioFinder:
    """Finds the scenario a transcript was played on: the file it names, a bundled one, or one in `folders`.

    A scenario matches when its content hash is the transcript's: a changed file is another
    version, and a transcript is never scored against a version it was not played on.
    """

    def __init__(self, folders: Iterable[Path] = ()):
        self.folders = [Path(f) for f in folders]
        self._by_hash: dict[str, Path] | None = None
        self._by_id: dict[str, list[Path]] = {}
        self._loaded: dict[Path, tuple] = {}

    def _index(self) -> dict[str, Path]:
        """The scenario files of the folders by content hash; also fills _by_id (the files by their 'id:')."""
        from simulator.loader import content_hash
        if self._by_hash is None:
            self._by_hash = {}
            for folder in self.folders:
                for path in sorted(folder.rglob("*.yaml")) + sorted(folder.rglob("*.yml")):
                    if path.parent.name in ("providers", "rubrics"):
                        continue
                    try:
                        data = path.read_bytes()
                    except OSError:
                        continue
                    self._by_hash.setdefault(content_hash(data), path)
                    written = _TOP_ID.search(data)
                    if written:
                        self._by_id.setdefault(written.group(1).decode("utf-8", "replace"), []).append(path)
        return self._by_hash

    def _load(self, path: Path):
        from simulator.catalog import library
        from simulator.loader import load_scenario
        path = path.resolve()
        if path not in self._loaded:
            lib = library(path)
            self._loaded[path] = (load_scenario(path, lib.rubrics, lib.directory), lib)
        return self._loaded[path]

    def _candidates(self, header: dict) -> list[Path]:
        from simulator.catalog import SCENARIOS
        from simulator.loader import _ID
        out = []
        source = header.get("scenario_file")
        if isinstance(source, str) and source.endswith((".yaml", ".yml")) and Path(source).is_file():
            out.append(Path(source))
        name = header.get("scenario")
        if isinstance(name, str) and _ID.match(name):
            bundled = SCENARIOS / f"{name}.yaml"
            if bundled.is_file():
                out.append(bundled)
            for folder in self.folders:
                out.extend(p for p in (folder / f"{name}.yaml", folder / f"{name}.yml") if p.is_file())
            self._index()
            out.extend(p for p in self._by_id.get(name, ()) if p not in out)  # a file named otherwise
        return out

    def find(self, header: dict):
        """(scenario, library) for the transcript's header; raises Refused when none matches."""
        from simulator.errors import ScenarioError
        from simulator.loader import content_hash
        wanted = header.get("content_hash")
        name = header.get("scenario")
        candidates = self._candidates(header)
        same_id = False
        for path in candidates:
            try:
                if content_hash(path.read_bytes()) == wanted:
                    return self._load(path)
            except OSError:
                continue
            same_id = True
        match = self._index().get(wanted) if isinstance(wanted, str) else None
        if match is not None:
            try:
                scenario, lib = self._load(match)
            except ScenarioError as exc:
                raise Refused(Refusal.NOT_REPLAYABLE, exc.problems[0].format() if exc.problems else str(exc)) from None
            if scenario.id == name:
                return scenario, lib
        if same_id:
            raise Refused(Refusal.OTHER_VERSION, f"{name} {header.get('scenario_version', '?')}")
        raise Refused(Refusal.UNKNOWN_SCENARIO, str(name))


def read_checked(path: Path):
    """The transcript at `path`, refused when it is not one, was edited, or holds no action."""
    from simulator.errors import ScenarioError
    from simulator.transcript import read_transcript
    try:
        if path.stat().st_size > MAX_MEMBER_BYTES:
            raise Refused(Refusal.TOO_LARGE)
    except OSError:
        pass  # read_transcript says why it cannot be read
    try:
        transcript = read_transcript(path)
    except ScenarioError as exc:
        raise Refused(Refusal.NOT_TRANSCRIPT, exc.problems[0].message if exc.problems else "") from None
    except PlateauError as exc:
        raise Refused(Refusal.NOT_TRANSCRIPT, str(exc)) from None
    if transcript.tampered:
        raise Refused(Refusal.TAMPERED)
    if not transcript.turns:
        raise Refused(Refusal.EMPTY)
    if not isinstance(transcript.header.get("session"), str) or not transcript.header.get("content_hash"):
        raise Refused(Refusal.NOT_TRANSCRIPT, "no session id or content hash in its header.")
    return transcript


# ------------------------------------------------------------------ the database


@dataclass(frozen=True)
class Filters:
    """Which sessions a command looks at. Dates are local calendar days, both ends included."""

    trainees: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    passed: bool | None = None
    status: str | None = None  # "finished", "abandoned" or None for both
    assessments: bool = False  # self-assessment calls (`plateau assess`) are kept apart unless asked for

    def where(self, alias: str = "s") -> tuple[str, list]:
        clauses, params = [], []
        if self.trainees:
            keys = sorted({trainee_key(t) for t in self.trainees})
            clauses.append(f"{alias}.trainee_key IN ({','.join('?' * len(keys))})")
            params.extend(keys)
        if self.scenarios:
            clauses.append(f"{alias}.scenario IN ({','.join('?' * len(self.scenarios))})")
            params.extend(self.scenarios)
        if self.since is not None:
            clauses.append(f"{alias}.started >= ?")
            params.append(_local_midnight_utc(self.since))
        if self.until is not None:
            clauses.append(f"{alias}.started < ?")
            params.append(_local_midnight_utc(self.until + timedelta(days=1)))
        if self.passed is not None:
            clauses.append(f"{alias}.passed = ?")
            params.append(int(self.passed))
        if self.status is not None:
            clauses.append(f"{alias}.status = ?")
            params.append(self.status)
        if not self.assessments:
            clauses.append(f"{alias}.mode != 'assess'")
        return (" AND ".join(clauses) or "1"), params


def _local_midnight_utc(day: date) -> str:
    return datetime.combine(day, time()).astimezone().astimezone(timezone.utc).isoformat(timespec="seconds")


SESSION_COLUMNS = ("session", "trainee", "scenario", "scenario_version", "content_hash", "rubric", "lang", "mode",
                   "started", "ended", "status", "ending", "outcome", "overall", "passed", "pass_mark", "compliance",
                   "critical_failures", "minutes", "turns", "last_hash", "transcript", "plateau")


@dataclass(frozen=True)
class SessionRow:
    """A stored session as commands read it back."""

    id: int
    session: str
    trainee: str
    scenario: str
    scenario_version: int | None
    content_hash: str
    rubric: str
    lang: str
    mode: str
    started: str
    ended: str
    status: str
    ending: str | None
    outcome: str | None
    overall: float
    passed: bool
    pass_mark: float
    compliance: str
    critical_failures: tuple[dict, ...]
    minutes: float
    turns: int
    last_hash: str
    transcript: str
    plateau: str
    criteria: dict[str, CriterionScore] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"session": self.session, "trainee": self.trainee, "scenario": self.scenario,
                "scenario_version": self.scenario_version, "content_hash": self.content_hash, "rubric": self.rubric,
                "lang": self.lang, "mode": self.mode, "started": self.started, "ended": self.ended,
                "status": self.status, "ending": self.ending, "outcome": self.outcome, "overall": self.overall,
                "passed": self.passed, "pass_mark": self.pass_mark, "compliance": self.compliance,
                "critical_failures": list(self.critical_failures), "minutes": self.minutes, "turns": self.turns,
                "transcript": self.transcript,
                "criteria": {c.id: {"score": c.score, "max": c.max, "percent": c.percent, "applies": c.applies}
                             for c in self.criteria.values()}}


LOCK_TIMEOUT = 10.0  # seconds a process waits for another one's write


class Store:
    """The results database. Open it with `Store()` (the data directory's) or `Store(path)`."""

    def __init__(self, path: Path | str | None = None, *, migrate_to: int = SCHEMA_VERSION):
        self.path = Path(path) if path is not None else store_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = self._connect()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the results store {self.path}: {exc}.") from None
        self.migrate(migrate_to)

    def _connect(self) -> sqlite3.Connection:
        """Open the file in WAL mode, waiting out other processes that are creating or converting it.

        Switching a new file to WAL takes an exclusive lock for which SQLite does not wait (its busy
        handler is not called there): a training room whose first calls end together sees "database is
        locked" at once. So that step is retried, for as long as the ordinary lock timeout.
        """
        deadline = monotonic() + LOCK_TIMEOUT
        pause = 0.005
        while True:
            db = sqlite3.connect(self.path, timeout=LOCK_TIMEOUT, isolation_level=None)
            try:
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA foreign_keys = ON")
                db.execute("PRAGMA synchronous = NORMAL")
                return db
            except sqlite3.OperationalError as exc:
                db.close()
                if "locked" not in str(exc) and "busy" not in str(exc) or monotonic() > deadline:
                    raise
            sleep(pause)
            pause = min(pause * 2, 0.2)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @property
    def version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self, target: int = SCHEMA_VERSION) -> None:
        """Apply the migrations the file has not had yet, each in its own transaction."""
        try:
            if self.version > SCHEMA_VERSION:
                raise StoreError(f"the results store {self.path} was written by a newer Plateau (schema {self.version}; "
                                 f"this one reads up to {SCHEMA_VERSION}). Update Plateau.")
            for number, statements in enumerate(MIGRATIONS[:target], 1):
                if self.version >= number:
                    continue
                self.db.execute("BEGIN IMMEDIATE")
                try:
                    if self.version < number:  # another process may have migrated while we waited
                        for statement in statements:
                            self.db.execute(statement)
                        self.db.execute(f"PRAGMA user_version = {number}")
                    self.db.execute("COMMIT")
                except BaseException:
                    self.db.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:
            raise StoreError(f"cannot prepare the results store {self.path}: {exc}.") from None

    # ------------------------------------------------------------------ writing

    def finished(self, session: str) -> str | None:
        """When a call recorded as finished ended (ISO time), or None: a finished call is never played again."""
        row = self.db.execute("SELECT ended FROM sessions WHERE session = ? AND status = 'finished'", (session,)).fetchone()
        return row[0] if row else None

    def known(self, session: str) -> tuple[str, int, int] | None:
        """(last hash, turns, detail) of a stored session, or None."""
        row = self.db.execute("SELECT last_hash, turns, detail FROM sessions WHERE session = ?", (session,)).fetchone()
        return tuple(row) if row else None

    def is_duplicate(self, session: str, last_hash: str, turns: int) -> bool:
        """Recording this would change nothing: the same transcript, or an older copy of it, is stored in full."""
        known = self.known(session)
        if known is None or known[2] < DETAIL:
            return False
        return known[0] == last_hash or known[1] > turns

    def record(self, rec: Record) -> Outcome:
        """Store a session; the same session again replaces its row when it continues it (a resumed call),
        changes nothing when it is the same or an older copy, and is refused (SAME_ID) otherwise: a transcript
        reusing another call's id never replaces that call's result."""
        if self.is_duplicate(rec.session, rec.last_hash, rec.turns):
            return Outcome.DUPLICATE
        self.db.execute("BEGIN IMMEDIATE")
        try:
            # Asked again under the write lock: another process may have recorded it while this one rescored.
            if self.is_duplicate(rec.session, rec.last_hash, rec.turns):
                self.db.execute("COMMIT")
                return Outcome.DUPLICATE
            known = self.known(rec.session)
            # (A row recorded before the choice-level detail existed is filled in again from its transcript.)
            if known is not None and known[2] >= DETAIL and rec.chain and \
                    not (known[1] < len(rec.chain) and rec.chain[known[1]] == known[0]):
                raise Refused(Refusal.SAME_ID, rec.session)
            existed = self.db.execute("DELETE FROM sessions WHERE session = ?", (rec.session,)).rowcount > 0
            self._insert(rec)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return Outcome.UPDATED if existed else Outcome.ADDED

    def record_many(self, records: Iterable[Record]) -> int:
        """Insert new sessions in one transaction (bulk loading, as the benchmark does); returns how many."""
        count = 0
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for rec in records:
                self._insert(rec)
                count += 1
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return count

    def _insert(self, rec: Record) -> None:
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        values = [getattr(rec, c) for c in SESSION_COLUMNS]
        values[SESSION_COLUMNS.index("passed")] = int(rec.passed)
        values[SESSION_COLUMNS.index("critical_failures")] = json.dumps(list(rec.critical_failures), ensure_ascii=False)
        sid = self.db.execute(
            f"INSERT INTO sessions ({', '.join(SESSION_COLUMNS)}, trainee_key, recorded, detail) "
            f"VALUES ({', '.join('?' * len(SESSION_COLUMNS))}, ?, ?, ?)",
            values + [trainee_key(rec.trainee), now, DETAIL]).lastrowid
        self.db.executemany("INSERT INTO criteria VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [(sid, c.id, c.score, c.max, c.percent, json.dumps(c.level, ensure_ascii=False) if c.level else None,
                              int(c.applies)) for c in rec.criteria])
        self.db.executemany("INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [(sid, d.turn, d.case, d.node, d.kind, d.option, d.step, d.tone, d.lang, d.minutes, d.at,
                              d.points, ",".join(d.breaks), ",".join(d.offered), int(d.wrong)) for d in rec.decisions])
        self.db.executemany("INSERT INTO steps VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [(sid, s.case, s.step, int(s.critical), int(s.performed), int(s.broken), int(s.late),
                              int(s.out_of_order), s.turn, s.minutes) for s in rec.steps])
        self.db.executemany("INSERT OR REPLACE INTO labels VALUES (?, ?, ?)",
                            [(kind, key, json.dumps(text, ensure_ascii=False)) for kind, key, text in rec.labels])

    # ------------------------------------------------------------------ reading

    def sessions(self, filters: Filters = Filters(), *, criteria: bool = True, limit: int | None = None) -> list[SessionRow]:
        """Sessions matching `filters`, oldest first (the last `limit` ones when a limit is given)."""
        where, params = filters.where()
        sql = f"SELECT id, {', '.join(SESSION_COLUMNS)} FROM sessions s WHERE {where} ORDER BY started DESC, session DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        rows = self.db.execute(sql, params).fetchall()[::-1]
        out = []
        for row in rows:
            data = dict(zip(("id",) + SESSION_COLUMNS, row))
            data["passed"] = bool(data["passed"])
            data["critical_failures"] = tuple(json.loads(data["critical_failures"]))
            out.append(SessionRow(**data))
        if criteria and out:
            by_id = {r.id: r for r in out}
            for chunk in _chunks(list(by_id), 500):
                for sid, cid, score, max_, percent, level, applies in self.db.execute(
                        f"SELECT * FROM criteria WHERE sid IN ({','.join('?' * len(chunk))})", chunk):
                    by_id[sid].criteria[cid] = CriterionScore(cid, score, max_, percent,
                                                              json.loads(level) if level else None, bool(applies))
        return out

    def count(self, filters: Filters = Filters()) -> int:
        where, params = filters.where()
        return self.db.execute(f"SELECT count(*) FROM sessions s WHERE {where}", params).fetchone()[0]

    def labels(self, kind: str) -> dict[str, dict]:
        return {key: json.loads(text) for key, text in
                self.db.execute("SELECT key, text FROM labels WHERE kind = ?", (kind,))}

    def decisions(self, sids: list[int]) -> dict[int, list[Decision]]:
        out: dict[int, list[Decision]] = {sid: [] for sid in sids}
        for chunk in _chunks(sids, 500):
            for row in self.db.execute(
                    "SELECT sid, turn, case_id, node, kind, option, step, tone, lang, minutes, at, points, breaks, offered, wrong "
                    f"FROM decisions WHERE sid IN ({','.join('?' * len(chunk))}) ORDER BY sid, turn", chunk):
                sid, *rest = row
                rest[11] = tuple(filter(None, rest[11].split(",")))
                rest[12] = tuple(filter(None, rest[12].split(",")))
                rest[13] = bool(rest[13])
                out[sid].append(Decision(*rest))
        return out

    def mark_pushed(self, sids: Iterable[int], lrs: str, actor_mode: str) -> None:
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.db.execute("BEGIN IMMEDIATE")
        self.db.executemany("INSERT OR REPLACE INTO pushes VALUES (?, ?, ?, ?)", [(sid, lrs, actor_mode, now) for sid in sids])
        self.db.execute("COMMIT")

    def pushed(self, lrs: str, actor_mode: str) -> set[int]:
        return {sid for (sid,) in self.db.execute("SELECT sid FROM pushes WHERE lrs = ? AND actor = ?", (lrs, actor_mode))}


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# ------------------------------------------------------------------ recording and importing


def _record(store: Store, transcript, finder: ScenarioFinder, *, keep_at: str | None = None) -> Outcome:
    header = transcript.header
    if store.is_duplicate(header["session"], transcript.last_hash, len(transcript.turns)):
        return Outcome.DUPLICATE
    scenario, lib = finder.find(header)
    return store.record(build_record(transcript, scenario, lib, transcript_path=keep_at))


def record_transcript(path: Path, *, abandoned: bool = False) -> None:
    """Record a call that ended or was abandoned (`abandoned`: the trainee stopped it before its end).

    Idempotent, and never raises: a problem with the transcript or the store is one plain line
    on stderr, and the call itself stays saved in its transcript. A transcript that did not
    reach an ending is recorded as abandoned whatever `abandoned` says.
    """
    from simulator.i18n import detect_lang
    try:
        with Store() as store:
            _record(store, read_checked(Path(path)), ScenarioFinder())
    except Refused as exc:
        lang = detect_lang()
        print(NOT_RECORDED[lang].format(path=path, reason=explain(exc.reason, exc.detail, lang)), file=sys.stderr)
    except Exception as exc:  # never let bookkeeping break the end of a call
        reason = f"{type(exc).__name__}: {exc}".replace("\n", " ").rstrip(".") + "."
        print(NOT_RECORDED[detect_lang()].format(path=path, reason=reason), file=sys.stderr)


@dataclass(frozen=True)
class ImportItem:
    source: str  # the file, or 'archive.zip:member'
    outcome: Outcome | None
    refusal: Refusal | None = None
    detail: str = ""


MAX_MEMBER_BYTES = 64 * 1024 * 1024  # a transcript is a few kB; anything this big is not one


class _Unreadable(Exception):
    """An archive that cannot be opened as one: refused on its own, the others go on."""


def _sources(paths: Iterable[Path]) -> Iterator[tuple[str, Path | tuple[zipfile.ZipFile, zipfile.ZipInfo] | _Unreadable]]:
    """(name, where) for every transcript in `paths`: a file, a member of an open archive (each archive is
    opened and listed once), or the reason a file or archive could not be opened at all."""
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                if file.is_file() and (file.suffix == ".jsonl" or file.suffix.lower() == ".zip"):
                    yield from _sources([file])
        elif path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
            try:
                archive = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
                yield str(path), _Unreadable(_zip_trouble(exc))
                continue
            with archive:
                members = [i for i in archive.infolist() if not i.is_dir() and i.filename.endswith(".jsonl")
                           and not i.filename.startswith("__MACOSX/") and not Path(i.filename).name.startswith(".")]
                for info in sorted(members, key=lambda i: i.filename):
                    yield f"{path}:{info.filename}", (archive, info)
        else:
            yield str(path), path


def _zip_trouble(exc: BaseException) -> Refusal:
    if isinstance(exc, RuntimeError) and "encrypted" in str(exc):
        return Refusal.LOCKED_ARCHIVE
    return Refusal.BAD_ARCHIVE


_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


def import_paths(paths: Iterable[Path | str], *, scenario_folders: Iterable[Path] = (), store: Store | None = None) -> list[ImportItem]:
    """Record every transcript in `paths` (files, folders, zip archives), copying each into the data directory.

    Returns one item per transcript found: added, updated, duplicate, or refused with a reason. Each file
    and archive member is checked on its own: one that cannot be read is refused and the others go on.
    """
    from simulator.datadir import home
    paths = [Path(p) for p in paths]
    for p in paths:
        if not p.exists():
            raise PlateauError(f"there is no file or folder '{p}'.")
    finder = ScenarioFinder(scenario_folders)
    own = store is None
    store = store or Store()
    kept = home() / "imported"
    items = []
    try:
        with tempfile.TemporaryDirectory(prefix="plateau-import-") as scratch:
            for name, source in _sources(paths):
                try:
                    if isinstance(source, _Unreadable):
                        raise Refused(source.args[0])
                    if isinstance(source, tuple):
                        archive, info = source
                        if info.file_size > MAX_MEMBER_BYTES:
                            raise Refused(Refusal.TOO_LARGE)
                        path = Path(scratch) / "member.jsonl"
                        with archive.open(info) as src, open(path, "wb") as dst:
                            shutil.copyfileobj(src, dst)
                    else:
                        path = source
                    transcript = read_checked(path)
                    session = _SAFE.sub("_", transcript.header["session"])[:80]
                    target = kept / f"{session}.jsonl"
                    inside = _is_inside(path, home())
                    keep_at = str(path.resolve()) if inside else str(target.resolve())
                    outcome = _record(store, transcript, finder, keep_at=keep_at)
                    if outcome is not Outcome.DUPLICATE and not inside:
                        kept.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(path, target)
                    items.append(ImportItem(name, outcome))
                except Refused as exc:
                    items.append(ImportItem(name, None, exc.reason, exc.detail))
                except (zipfile.BadZipFile, EOFError, zlib.error) as exc:  # a damaged member
                    items.append(ImportItem(name, None, _zip_trouble(exc)))
                except RuntimeError as exc:  # zipfile's word for a member locked by a password
                    if isinstance(exc, RecursionError) or "encrypted" not in str(exc):
                        raise
                    items.append(ImportItem(name, None, Refusal.LOCKED_ARCHIVE))
                except OSError as exc:
                    items.append(ImportItem(name, None, Refusal.NOT_TRANSCRIPT, f"{exc.strerror or exc}."))
    finally:
        if own:
            store.close()
    return items


def _is_inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False

"""The results store: every finished or abandoned call in one SQLite file in the data directory.

It only persists: `simulator.results` builds what is kept of a call by rescoring its transcript,
and `simulator.importing` finds, checks and records transcripts.

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
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from time import monotonic, sleep
from typing import Iterable, Iterator

from simulator.errors import PlateauError

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


from simulator.results import CriterionScore, Decision, Outcome, Record, Refusal, Refused, trainee_key  # noqa: E402,F401  (what the store keeps; trainee_key: how names are matched)

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

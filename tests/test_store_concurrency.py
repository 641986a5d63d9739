"""Many processes recording into one results store at once: no call lost, none twice, every record whole.

A training room ends its calls at the same moment, and an instructor may import while
trainees still play: each process opens the same SQLite file (WAL) and records through
BEGIN IMMEDIATE transactions. Here N processes each record M calls of their own plus the M of
their neighbour, so every call is recorded by two processes racing each other.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.importing import ScenarioFinder
from simulator.results import build_record
from simulator.store import SCHEMA_VERSION, Store
from simulator.transcript import read_transcript
from tests.fixtures.desk.classroom import DESK, MONDAYS, PATHS, scenarios, write_transcript

N, M = 6, 8  # processes, calls of each
ROOT = Path(__file__).resolve().parents[1]

RECORD = """
import sys, time
from pathlib import Path
from simulator.importing import record_transcript
go = Path(sys.argv[1])
while not go.exists():  # start together
    time.sleep(0.002)
for path in sys.argv[2:]:
    record_transcript(Path(path))
"""


@pytest.fixture
def calls(tmp_path) -> list[list[Path]]:
    """N folders of M transcripts each, every path through the E8 call and the two-calls one."""
    loaded, lib = scenarios()
    names = sorted(PATHS)
    folders = []
    for k in range(N):
        folder = []
        for j in range(M):
            path_name = names[(k * M + j) % len(names)]
            scenario = loaded["two-calls" if path_name == "two-calls" else "e8"]
            folder.append(write_transcript(tmp_path / f"room-{k}" / f"p{k}s{j}.jsonl", scenario, lib,
                                           session=f"p{k}s{j}", trainee=f"Trainee {k}", started=MONDAYS[j % 3],
                                           actions=PATHS[path_name]))
        folders.append(folder)
    return folders


def start_together(commands: list[list[str]], go: Path) -> list[subprocess.CompletedProcess]:
    processes = [subprocess.Popen(c, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  encoding="utf-8", stdin=subprocess.DEVNULL) for c in commands]
    go.touch()
    results = []
    for p, c in zip(processes, commands):
        out, err = p.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(c, p.returncode, out, err))
    return results


def assert_every_call_once_and_whole(calls: list[list[Path]]) -> None:
    with Store() as store:
        db = store.db
        assert db.execute("SELECT count(*), count(DISTINCT session) FROM sessions").fetchone() == (N * M, N * M)
        for table in ("criteria", "decisions", "steps"):
            assert db.execute(f"SELECT count(*) FROM {table} WHERE sid NOT IN (SELECT id FROM sessions)").fetchone() == (0,)
        stored = {row.session: row for row in store.sessions()}
        decisions = store.decisions([row.id for row in stored.values()])
        steps = dict(db.execute("SELECT sid, count(*) FROM steps GROUP BY sid").fetchall())
    finder = ScenarioFinder()
    for path in (p for folder in calls for p in folder):
        transcript = read_transcript(path)
        alone = build_record(transcript, *finder.find(transcript.header))  # what recording it alone keeps
        row = stored[alone.session]
        assert (row.overall, row.status, row.turns, row.last_hash) == (alone.overall, alone.status, alone.turns,
                                                                       alone.last_hash)
        assert sorted(row.criteria) == sorted(c.id for c in alone.criteria)
        assert [(d.turn, d.option) for d in decisions[row.id]] == [(d.turn, d.option) for d in alone.decisions]
        assert steps.get(row.id, 0) == len(alone.steps)


def test_processes_recording_calls_at_the_end_of_them_lose_nothing_and_duplicate_nothing(calls, tmp_path):
    commands = [[sys.executable, "-c", RECORD, str(tmp_path / "go")] + [str(p) for p in calls[k] + calls[(k + 1) % N]]
                for k in range(N)]
    results = start_together(commands, tmp_path / "go")
    assert [(r.returncode, r.stderr) for r in results] == [(0, "")] * N  # record_transcript says any failure on stderr
    assert_every_call_once_and_whole(calls)


def test_instructors_importing_overlapping_folders_at_once_add_each_call_once(calls, tmp_path):
    folders = [p[0].parent for p in calls]
    commands = [[sys.executable, "-m", "simulator", "import", str(folders[k]), str(folders[(k + 1) % N]),
                 "--scenarios", str(DESK), "--json"] for k in range(N)]
    results = start_together(commands, tmp_path / "go")
    assert [(r.returncode, r.stderr) for r in results] == [(0, "")] * N
    outcomes = [item["outcome"] for r in results for item in json.loads(r.stdout)]
    # Every call was imported by two processes: one added it, the other found it there.
    assert (outcomes.count("added"), outcomes.count("duplicate"), len(outcomes)) == (N * M, N * M, 2 * N * M)
    assert_every_call_once_and_whole(calls)


OPEN = """
import sys, time
from pathlib import Path
from simulator.store import Store, StoreError
go, folder, count = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
while not go.exists():  # start together
    time.sleep(0.002)
for k in range(count):  # every process opens the same new files in the same order, so each first open is a race
    try:
        Store(folder / f"results-{k}.sqlite3").close()
    except StoreError as exc:
        print(exc, file=sys.stderr)
"""


def test_processes_opening_a_results_store_that_does_not_exist_yet_all_get_it(tmp_path):
    """The first calls of a new training room end together: each process creates and converts the file."""
    stores = 60
    commands = [[sys.executable, "-c", OPEN, str(tmp_path / "go"), str(tmp_path), str(stores)] for _ in range(N)]
    results = start_together(commands, tmp_path / "go")
    assert [(r.returncode, r.stderr) for r in results] == [(0, "")] * N
    for k in range(stores):
        with Store(tmp_path / f"results-{k}.sqlite3") as store:
            assert (store.db.execute("PRAGMA journal_mode").fetchone()[0], store.version) == ("wal", SCHEMA_VERSION)

"""Instructor's desk benchmark: `plateau results --trainee X` and `plateau cohort` on 100,000 stored calls.

    python bench/bench_desk.py                 # 100,000 calls, 1,000 trainees
    python bench/bench_desk.py --sessions 20000

The store is generated in a temporary data directory from the fixed class of the tests
(tests/fixtures/desk): its 13 calls, rescored once, are copied with new session ids, trainees
and dates over two years, with their choice-level detail. Every command runs as a user runs it,
in a new process, and is timed from launch to exit (median of several runs). Each figure is
also given as a ratio to baselines measured in the same run on the same machine: a bare
`python -c "import sqlite3"`, and the same plus a trivial SELECT on the store.
Prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timing import RUNS, median_seconds, user_env  # noqa: E402  (bench/ is the script's folder)

TARGETS = {"results": 0.2, "cohort": 3.0}  # seconds, from the issue


def templates(scratch: Path):
    """The class's 13 calls as the store keeps them (rescored once)."""
    from simulator.importing import ScenarioFinder
    from simulator.results import build_record
    from simulator.transcript import read_transcript
    from tests.fixtures.desk.classroom import DESK, write_class

    finder = ScenarioFinder([DESK])
    out = []
    for path in write_class(scratch / "class"):
        transcript = read_transcript(path)
        out.append(build_record(transcript, *finder.find(transcript.header), transcript_path=str(path)))
    return out


def generate(store_path: Path, sessions: int, trainees: int, scratch: Path) -> None:
    from simulator.store import Store

    base = templates(scratch)
    start = datetime(2025, 3, 3, 8, 0, tzinfo=timezone.utc)
    span = 730 * 24 * 60  # two years, in minutes

    def records(first: int, count: int):
        for n in range(first, first + count):
            template = base[n % len(base)]
            began = start + timedelta(minutes=(n * 7919) % span)
            length = datetime.fromisoformat(template.ended) - datetime.fromisoformat(template.started)
            yield replace(template, session=f"bench{n:07d}", trainee=f"Trainee {n % trainees:04d}",
                          started=began.isoformat(timespec="seconds"),
                          ended=(began + length).isoformat(timespec="seconds"),
                          transcript=f"/bench/{n:07d}.jsonl")

    with Store(store_path) as store:
        for first in range(0, sessions, 10_000):
            store.record_many(records(first, min(10_000, sessions - first)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--trainees", type=int, default=1_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="plateau-bench-desk-") as scratch:
        home = Path(scratch) / "home"
        env = user_env(PLATEAU_HOME=str(home), NO_COLOR="1", COLUMNS="120", TZ="Europe/Brussels")
        store = home / "results.sqlite3"
        started = time.perf_counter()
        generate(store, args.sessions, args.trainees, Path(scratch))
        generated = time.perf_counter() - started
        size = store.stat().st_size / 1e6

        py = [sys.executable]
        plateau = py + ["-m", "simulator"]
        html = str(Path(scratch) / "cohort.html")
        rows = [
            ("baseline: python -c 'import sqlite3'", py + ["-c", "import sqlite3"], None),
            ("baseline: the same + SELECT count(*) on the store",
             py + ["-c", f"import sqlite3; sqlite3.connect({str(store)!r}).execute('SELECT count(*) FROM sessions').fetchone()"],
             None),
            ("plateau results --trainee 'Trainee 0042'", plateau + ["results", "--trainee", "Trainee 0042", "--lang", "en"],
             "results"),
            ("plateau results --trainee 'trainee 0042' --csv -o FILE",
             plateau + ["results", "--trainee", "trainee 0042", "--csv", "-o", str(Path(scratch) / "r.csv")], "results"),
            ("plateau results --scenario e8-two-calls --failed (0 calls)",
             plateau + ["results", "--scenario", "e8-two-calls", "--failed", "--lang", "en"], "results"),
            ("plateau cohort (terminal, every call)", plateau + ["cohort", "--lang", "en"], "cohort"),
            ("plateau cohort --html FILE (every call)", plateau + ["cohort", "--lang", "fr", "--html", html], "cohort"),
            ("plateau cohort --since 2026-02-01 --until 2026-02-28 --html FILE (one month)",
             plateau + ["cohort", "--since", "2026-02-01", "--until", "2026-02-28", "--lang", "fr", "--html", html], "cohort"),
        ]
        load_before = os.getloadavg()[0]
        times = [(label, median_seconds(command, env, check=True), target) for label, command, target in rows]
        load_after = os.getloadavg()[0]

    base, select = times[0][1], times[1][1]
    print(f"{args.sessions:,} calls, {args.trainees:,} trainees; store {size:.0f} MB, generated in {generated:.0f} s; "
          f"median of {RUNS} runs each, Python {sys.version.split()[0]}, {os.cpu_count()} cores; "
          f"load average {load_before:.1f} before the timings, {load_after:.1f} after.\n")
    print("| command | median | × import sqlite3 | × SELECT baseline | target |")
    print("| --- | ---: | ---: | ---: | --- |")
    for label, seconds, target in times:
        goal = ""
        if target:
            limit = TARGETS[target]
            goal = f"< {limit * 1000:.0f} ms" if limit < 1 else f"< {limit:.0f} s"
            goal += " ✓" if seconds < limit else " ✗"
        print(f"| `{label}` | {seconds * 1000:.0f} ms | {seconds / base:.1f} | {seconds / select:.1f} | {goal} |")


if __name__ == "__main__":
    main()

"""Scoring throughput: finished calls scored per second, against a bare replay in the same run.

    python bench/bench_scoring.py [--json]

Each bundled call is scored from its model answers file (tests/scenarios/NAME/best.yaml) as the
end of a call and `plateau score` do it: the actions replayed once on a fresh engine while noting
what the criteria read, then every criterion worked out with its evidence. The baseline is the
same replay without any scoring (the engine alone), so the ratio says what scoring adds to it.
`--json` prints one line: {"scored_per_second": N, "replays_per_second": N, "ratio": R, ...}.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECONDS = 2.0


def _rate(work, calls: list) -> float:
    """Calls per second of `work` over `calls`, cycled for SECONDS after one warm-up pass."""
    for call in calls:
        work(*call)
    started, done = time.perf_counter(), 0
    while time.perf_counter() - started < SECONDS:
        for call in calls:
            work(*call)
        done += len(calls)
    return done / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON line instead of a table")
    args = parser.parse_args()

    from simulator.answers import load_answers
    from simulator.catalog import bundled_scenarios, open_scenario
    from simulator.engine import Session
    from simulator.scoring import score_actions

    calls = []
    for path in bundled_scenarios():
        scenario, lib = open_scenario(path.stem)
        actions = [a for a, _ in load_answers(ROOT / "tests" / "scenarios" / path.stem / "best.yaml")]
        calls.append((scenario, lib.rubrics[scenario.rubric_id], lib.directory, actions))

    def replay(scenario, rubric, directory, actions):
        session = Session(scenario, directory)
        for action in actions:
            session.apply(action)

    replays = _rate(replay, calls)
    scored = _rate(score_actions, calls)
    actions = sum(len(c[3]) for c in calls) / len(calls)
    figures = {"scored_per_second": round(scored), "replays_per_second": round(replays),
               "ratio": round(replays / scored, 2), "calls": len(calls), "actions_per_call": round(actions, 1),
               "cores": os.cpu_count(), "python": sys.version.split()[0]}
    if args.json:
        print(json.dumps(figures))
        return
    print(f"Machine: {os.cpu_count()} cores, Python {figures['python']}; the {len(calls)} bundled model calls "
          f"({actions:.1f} actions each on average), cycled for {SECONDS:.0f} s each.\n")
    print("| measure | value | ratio |\n| --- | ---: | ---: |")
    print(f"| bare replay on the engine (baseline) | {replays:,.0f} calls/s | 1.00x |")
    print(f"| replay and score (end of a call, `plateau score`) | {scored:,.0f} calls/s | {replays / scored:.2f}x the replay |")


if __name__ == "__main__":
    main()

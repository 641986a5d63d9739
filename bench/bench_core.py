"""Core benchmarks: start-up, scripted play, engine and scoring throughput, as ratios.

    python bench/bench_core.py

Each figure is measured against a baseline in the same run on the same machine, never as
an absolute time: start-up against the bare import of the libraries Plateau needs, the
scripted Dour call against the same floor, engine actions per second, scoring transcripts
per second. Prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timing import RUNS, median_seconds, user_env  # noqa: E402  (bench/ is the script's folder)

BEST = ROOT / "tests" / "scenarios" / "dour-festival" / "best.yaml"


def first_prompt_seconds(env, runs: int = RUNS) -> float | None:
    """Seconds from launching `plateau play dour-festival` to its first prompt, in a real pseudo-terminal."""
    try:
        import pexpect
    except ImportError:
        return None
    times = []
    for n in range(runs + 1):  # the first run is a warm-up, as in median_seconds
        started = time.perf_counter()
        child = pexpect.spawn(sys.executable, ["-m", "simulator", "play", "dour-festival", "--lang", "fr",
                                               "--trainee", "Bench"], env=env, encoding="utf-8", timeout=30)
        child.expect("Votre choix")
        if n:
            times.append(time.perf_counter() - started)
        child.terminate(force=True)
    return statistics.median(times)


def main() -> None:
    from simulator.answers import load_answers
    from simulator.catalog import open_scenario
    from simulator.engine import Session
    from simulator.scoring import score_actions

    home = tempfile.mkdtemp(prefix="plateau-bench-")
    env = user_env(PLATEAU_HOME=home, NO_COLOR="1", PROMPT_TOOLKIT_NO_CPR="1")
    bare = median_seconds([sys.executable, "-c", "import yaml, jinja2, jinja2.sandbox, rich.console, rich.table, "
                                                 "prompt_toolkit, platformdirs"], env)
    rows = [("bare import of PyYAML, Jinja2, Rich, prompt-toolkit", f"{bare * 1000:.0f} ms", "1.00x (baseline)")]
    prompt = first_prompt_seconds(env)
    if prompt is not None:
        rows.append(("`plateau play dour-festival` to its first prompt", f"{prompt * 1000:.0f} ms", f"{prompt / bare:.2f}x"))
    scripted = median_seconds([sys.executable, "-m", "simulator", "play", "dour-festival", "--answers", str(BEST),
                               "--json", "--transcript", os.path.join(home, "bench.jsonl")], env)
    rows.append(("`plateau play dour-festival --answers best.yaml --json`", f"{scripted * 1000:.0f} ms", f"{scripted / bare:.2f}x"))

    scenario, lib = open_scenario("dour-festival")
    actions = [a for a, _ in load_answers(BEST)]
    rubric = lib.rubrics[scenario.rubric_id]
    started, applied = time.perf_counter(), 0
    while time.perf_counter() - started < 2:
        session = Session(scenario, lib.directory)
        for action in actions:
            session.apply(action)
        applied += len(actions)
    per_second = applied / (time.perf_counter() - started)
    rows.append(("engine actions per second (Dour model path)", f"{per_second:,.0f}/s", ""))
    started, scored = time.perf_counter(), 0
    while time.perf_counter() - started < 2:
        score_actions(scenario, rubric, lib.directory, actions)
        scored += 1
    rate = scored / (time.perf_counter() - started)
    rows.append(("scoring (Dour transcripts per second)", f"{rate:,.0f}/s", f"{per_second / len(actions) / rate:.1f}x a bare replay"))
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; median of {RUNS} runs.\n")
    print("| measure | value | ratio |\n| --- | ---: | ---: |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(json.dumps({"bare_ms": round(bare * 1000), "first_prompt_ms": round(prompt * 1000) if prompt else None,
                      "scripted_ms": round(scripted * 1000), "actions_per_s": round(per_second),
                      "scores_per_s": round(rate)}), file=sys.stderr)


if __name__ == "__main__":
    main()

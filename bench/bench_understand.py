"""Free-text answers: how well typed sentences are understood, and how fast.

Reads the corpus in tests/free/corpus/ (sentences typed as trainees type them, each with the option it
means, written apart from the scenarios' own phrasings) and prints, per scenario and language: the share
whose best reading is the one meant (top-1), the share understood at once as meant (sure), the share
sent to "pick one of two", the share understood at once as something else (confidently wrong), the share
not understood though it meant an option (missed), and the time to read one sentence.

    python bench/bench_understand.py [--json] [--mistakes]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.catalog import open_scenario  # noqa: E402
from simulator.understand import read_corpus  # noqa: E402
from simulator.yamlsource import load_yaml  # noqa: E402

CORPUS = ROOT / "tests" / "free" / "corpus"


def measure() -> list[dict]:
    rows = []
    for path in sorted(CORPUS.glob("*.yaml")):
        scenario_id, lang = path.stem.rsplit(".", 1)
        scenario, _ = open_scenario(scenario_id)
        items = load_yaml(path).data
        read_corpus(scenario, items[:3], lang)  # warm: stemmers and caches, as a second sentence in a call finds them
        started = time.perf_counter()
        tally = read_corpus(scenario, items, lang)
        seconds = time.perf_counter() - started
        rows.append({"scenario": scenario_id, "lang": lang, "sentences": tally.sentences,
                     "first": round(tally.share(tally.first), 3), "right": round(tally.share(tally.right), 3), "unsure": round(tally.share(tally.unsure), 3),
                     "wrong": round(tally.share(tally.wrong), 3), "missed": round(tally.share(tally.missed), 3),
                     "ms_per_sentence": round(1000 * seconds / max(1, tally.sentences), 2),
                     "mistakes": tally.mistakes})
    return rows


def first_prompts(runs: int = 7) -> tuple[float, float]:
    """Median seconds from launching `plateau play dour-festival` to its first prompt, plain and with --free,
    in a real pseudo-terminal, alternating the two (after one warm-up of each)."""
    import os
    import statistics
    import tempfile

    import pexpect
    env = {**os.environ, "PLATEAU_HOME": tempfile.mkdtemp(prefix="plateau-bench-"), "NO_COLOR": "1",
           "PROMPT_TOOLKIT_NO_CPR": "1", "COLUMNS": "80", "LINES": "24"}
    times: dict[bool, list[float]] = {False: [], True: []}
    for n in range(runs + 1):
        for free in (False, True):
            started = time.perf_counter()
            child = pexpect.spawn(sys.executable, ["-m", "simulator", "play", "dour-festival", "--lang", "fr",
                                                   "--trainee", "Bench", *(["--free"] if free else [])],
                                  env=env, encoding="utf-8", timeout=30)
            child.expect("Que dites-vous" if free else "Votre choix")
            if n:
                times[free].append(time.perf_counter() - started)
            child.terminate(force=True)
    return statistics.median(times[False]), statistics.median(times[True])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--mistakes", action="store_true", help="list the sentences not understood as meant")
    parser.add_argument("--start-up", action="store_true",
                        help="also time the first prompt of 'play dour-festival --free' against the plain player's")
    args = parser.parse_args()
    if args.start_up:
        plain, free = first_prompts()
        print(f"first prompt: plain {plain * 1000:.0f} ms, --free {free * 1000:.0f} ms, ratio {free / plain:.2f}x "
              f"(goal: at most 1.3x)")
    rows = measure()
    if args.json:
        print(json.dumps([{k: v for k, v in r.items() if k != "mistakes"} for r in rows], indent=2))
        return
    print(f"{'scenario':<20} {'lang':<4} {'n':>4} {'top-1':>6} {'sure':>6} {'pick 2':>7} {'wrong':>6} {'missed':>7} {'ms':>6}")
    for r in rows:
        print(f"{r['scenario']:<20} {r['lang']:<4} {r['sentences']:>4} {r['first']:>6.1%} {r['right']:>6.1%} {r['unsure']:>7.1%} "
              f"{r['wrong']:>6.1%} {r['missed']:>7.1%} {r['ms_per_sentence']:>6}")
        if args.mistakes:
            for node, meant, said, kind, best in r["mistakes"]:
                print(f"    [{node}] {said!r}: meant {meant}, read {kind} {best}")


if __name__ == "__main__":
    main()

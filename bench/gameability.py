"""Print, per bundled scenario, what naive strategies score: the gameability table.

    python bench/gameability.py [--random N] [--json]

Columns: the model call's score; the best score of "always option k" (k = 1..4, 20 seeds); the best
of "always the longest/shortest" (fr, nl, en); how many of N uniformly random calls pass, and the
best random score.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.catalog import bundled_scenarios, open_scenario  # noqa: E402
from simulator.scoring import score_actions  # noqa: E402
from simulator.strategies import always, at_random, by_length, play  # noqa: E402


def table(random_calls: int) -> list[dict]:
    rows = []
    for path in bundled_scenarios():
        scenario, lib = open_scenario(path.stem, check_model=False)
        rubric, directory = lib.rubrics[scenario.rubric_id], lib.directory
        model = score_actions(scenario, rubric, directory, list(scenario.model))
        fixed = [play(scenario, rubric, directory, always(k), seed=seed).score for k in range(1, 5) for seed in range(1, 21)]
        lengths = [play(scenario, rubric, directory, by_length(lang, longest), seed=1, lang=lang).score
                   for lang in ("fr", "nl", "en") for longest in (True, False)]
        rng = random.Random(20261204)
        randoms = [play(scenario, rubric, directory, at_random(rng), seed=rng.randrange(1, 2**31)).score
                   for _ in range(random_calls)]
        rows.append({"scenario": scenario.id, "model": model.overall, "model_passed": model.passed,
                     "always_k_best": max(s.overall for s in fixed), "always_k_passes": sum(s.passed for s in fixed),
                     "length_best": max(s.overall for s in lengths), "length_passes": sum(s.passed for s in lengths),
                     "random_passes": sum(s.passed for s in randoms), "random_calls": random_calls,
                     "random_best": max(s.overall for s in randoms)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--random", type=int, default=2000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = table(args.random)
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{'scenario':26} {'model':>6} {'k best':>7} {'k pass':>6} {'len best':>8} {'random pass':>12} {'rnd best':>8}")
    for r in rows:
        print(f"{r['scenario']:26} {r['model']:6.1f} {r['always_k_best']:7.1f} {r['always_k_passes']:6d} "
              f"{r['length_best']:8.1f} {r['random_passes']:5d}/{r['random_calls']:<6d} {r['random_best']:8.1f}")


if __name__ == "__main__":
    main()

"""Random calls played and scored per second (the gameability gate's sampler), on this checkout and, for a
ratio, on another one measured in the same run.

    python bench/bench_random.py                  this checkout only
    python bench/bench_random.py ../plateau-old   this checkout against another (the baseline)

Each checkout is measured in its own process, alternately, twice; the best of the two runs is kept.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CALLS = 300
SCENARIOS = ("antwerp-ring-jam", "dour-festival", "bangkok-lost-papers")

MEASURE = """
import json, random, sys, time
sys.path.insert(0, sys.argv[1])
from simulator.catalog import open_scenario
from simulator.strategies import at_random, play
rates = {}
for sid in sys.argv[3:]:
    scenario, lib = open_scenario(sid)
    rubric = lib.rubrics[scenario.rubric_id]
    rng = random.Random(20261204)
    started = time.perf_counter()
    for _ in range(int(sys.argv[2])):
        play(scenario, rubric, lib.directory, at_random(rng), seed=rng.randrange(1, 2**31))
    rates[sid] = int(sys.argv[2]) / (time.perf_counter() - started)
print(json.dumps(rates))
"""


def rates(checkout: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", MEASURE, str(checkout), str(CALLS), *SCENARIOS],
                         capture_output=True, text=True, encoding="utf-8", check=True, cwd=checkout)
    return json.loads(out.stdout)


def main() -> None:
    checkouts = [ROOT] + [Path(a).resolve() for a in sys.argv[1:2]]
    best: dict[Path, dict[str, float]] = {c: {} for c in checkouts}
    for _ in range(2):
        for checkout in checkouts:
            for sid, rate in rates(checkout).items():
                best[checkout][sid] = max(best[checkout].get(sid, 0.0), rate)
    print("| scenario | " + " | ".join(c.name for c in checkouts) + (" | ratio |" if len(checkouts) > 1 else ""))
    print("| --- | " + " | ".join("---:" for _ in checkouts) + (" | ---: |" if len(checkouts) > 1 else ""))
    for sid in SCENARIOS:
        cells = [f"{best[c][sid]:.0f}/s" for c in checkouts]
        ratio = f" | {best[ROOT][sid] / best[checkouts[1]][sid]:.2f}x" if len(checkouts) > 1 else ""
        print(f"| {sid} | " + " | ".join(cells) + ratio + " |")


if __name__ == "__main__":
    main()

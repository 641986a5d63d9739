"""The long fuzz run: the suite's mutation fuzzing with many more examples.

    python bench/fuzz_long.py [EXAMPLES]

Prints how many mutated files loaded and how many were refused with positioned problems;
any other outcome (an exception that is not a ScenarioError) fails with its traceback.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from simulator.errors import ScenarioError  # noqa: E402
from simulator.loader import build_rubric, parse_scenario  # noqa: E402
from simulator.yamlsource import parse_yaml  # noqa: E402
from tests.test_fuzz import LIB, RUBRIC_SOURCES, SOURCES, mutated  # noqa: E402

outcomes: Counter = Counter()


def load(path, text):
    try:
        if path in RUBRIC_SOURCES:
            build_rubric(parse_yaml(text, path.name))
        else:
            parse_scenario(text, path.name, LIB.rubrics, LIB.directory)
        outcomes["loaded"] += 1
    except ScenarioError as exc:
        assert all(p.line >= 1 and p.column >= 1 and p.code for p in exc.problems)
        outcomes["refused: " + exc.problems[0].code] += 1


def main(examples: int) -> None:
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(mutated(SOURCES + RUBRIC_SOURCES))
    def run(case):
        load(*case)

    started = time.perf_counter()
    run()
    total = sum(outcomes.values())
    print(f"{total} mutated files in {time.perf_counter() - started:.1f} s; none raised anything but a positioned problem")
    for outcome, count in outcomes.most_common():
        print(f"  {outcome}: {count}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)

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

import random  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402

from simulator.engine import Session, Status  # noqa: E402
from simulator.errors import PlateauError, ScenarioError  # noqa: E402
from simulator.loader import build_rubric, parse_scenario  # noqa: E402
from simulator.scoring import score_actions  # noqa: E402
from simulator.yamlsource import parse_yaml  # noqa: E402
from tests.test_fuzz import LIB, RUBRIC_SOURCES, SOURCES, mutated  # noqa: E402

outcomes: Counter = Counter()


def play_randomly(scenario, seed: int) -> str:
    """Up to 60 random legal actions, then scoring: a loaded file must also play and score."""
    rng = random.Random(seed)
    session = Session(scenario, LIB.directory)
    try:
        actions = [{"type": "start", "lang": rng.choice(["fr", "nl", "en"])}]
        session.apply(actions[0])
        for _ in range(60):
            if session.ended:
                break
            status = session.state.status
            if status is Status.AWAITING_INPUT:
                action = {"type": "input", "value": rng.choice(["GH-512-KL", "x", "50.39, 3.77"])}
            elif status is Status.AWAITING_PROVIDER:
                ids = [p.id for p in LIB.directory.of_kind(session.state.pending["kind"])]
                action = {"type": "provider", "id": rng.choice(ids)} if ids else {"type": "provider", "id": "none"}
            else:
                choices = [{"type": "choose", "option": o.id} for o in session.options()] + [{"type": "silence"}]
                action = rng.choice(choices)
            session.apply(action)
            actions.append(action)
        score_actions(scenario, LIB.rubrics[scenario.rubric_id], LIB.directory, actions)
        return "loaded and played"
    except PlateauError as exc:  # a scenario fault reported in words (dead end, failing condition)
        return "loaded, then refused in play: " + type(exc).__name__


def load(path, text):
    try:
        if path in RUBRIC_SOURCES:
            build_rubric(parse_yaml(text, path.name))
            outcomes["loaded"] += 1
        else:
            scenario = parse_scenario(text, path.name, LIB.rubrics, LIB.directory)
            outcomes[play_randomly(scenario, len(text))] += 1
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

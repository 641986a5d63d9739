"""Expert-graded calls: for every bundled scenario, calls an experienced Belgian assistance trainer
graded (pass or fail, and the weakness the debrief must name) before the scoring was tuned.

Each file `tests/graded/SCENARIO.yaml` is a list of calls:

    - name: dispatch before locating
      trainer: Sends the tow truck to the car-park entrance while nobody knows where the car is.
      verdict: fail                      # pass or fail: what the trainer says of this call
      weakness: {critical: locate}       # what the debrief must name (one mapping, or a list of them)
      answers: [greet, safety-check, ...] # as in an answers file; `start` is added when missing

A weakness is one of: `{critical: STEP}` (a critical failure on that step: missed, broken or out
of order), `{deviation: STEP}` (a deviation from the protocol on that step, any level),
`{missed: STEP}` (the step was never performed), `{weakest: CRITERION}` (that criterion has the
lowest share of its points), `{criterion: CRITERION}` (that criterion lost points and the debrief
explains it), `{ending: ENDING}` (the call ended so), `{below_mark: true}` (the total is under the
pass mark). `overall: [LOW, HIGH]` may bound the total where the trainer's verdict is about
how far above or below the mark a call lands.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from simulator.catalog import bundled_scenarios, open_scenario
from simulator.scoring import score_actions
from simulator.yamlsource import load_yaml

GRADED = Path(__file__).parent / "graded"
IDS = [p.stem for p in bundled_scenarios()]


@lru_cache(maxsize=None)
def opened(sid):
    return open_scenario(sid, check_model=False)


def graded_calls():
    for path in sorted(GRADED.glob("*.yaml")):
        for call in load_yaml(path).data or []:
            yield pytest.param(path.stem, call, id=f"{path.stem}: {call['name']}")


def actions_of(call) -> list[dict]:
    out = [{"type": "choose", "option": a} if isinstance(a, str) else
           {**a, "value": str(a["value"])} if a.get("type") == "input" else dict(a) for a in call["answers"]]
    return out if out and out[0]["type"] == "start" else [{"type": "start", "lang": "fr"}] + out


def weakness_holds(score, weakness: dict) -> bool:
    (kind, what), = weakness.items()
    procedure = score.criteria.get("procedure")
    evidence = procedure.evidence if procedure else []
    if kind == "critical":
        return any(f.get("step") == what for f in score.critical_failures)
    if kind == "deviation":
        return any(e.extra.get("deviation") and e.extra.get("step") == what for e in evidence)
    if kind == "missed":
        return any(e.extra.get("missed") and e.extra.get("step") == what for e in evidence)
    if kind == "weakest":
        applying = {cid: c.percent for cid, c in score.criteria.items() if c.applies}
        return applying[what] == min(applying.values()) and applying[what] < 100
    if kind == "criterion":
        result = score.criteria[what]
        return result.applies and result.percent < 100 and any(e.points < 0 for e in result.evidence)
    if kind == "ending":
        return score.ending == what
    if kind == "below_mark":
        return score.overall < score.pass_mark
    raise AssertionError(f"unknown weakness {kind!r}")


def test_every_bundled_scenario_has_at_least_eight_graded_calls():
    counts = {sid: len(load_yaml(GRADED / f"{sid}.yaml").data or []) if (GRADED / f"{sid}.yaml").exists() else 0
              for sid in IDS}
    assert {sid: n for sid, n in counts.items() if n < 8} == {}


@pytest.mark.parametrize("sid, call", list(graded_calls()))
def test_the_verdict_and_the_named_weakness_are_the_trainers(sid, call):
    scenario, lib = opened(sid)
    score = score_actions(scenario, lib.rubrics[scenario.rubric_id], lib.directory, actions_of(call))
    verdict = "pass" if score.passed else "fail"
    summary = {"overall": score.overall, "compliance": score.compliance, "ending": score.ending,
               "critical": [(f.get("step"), f.get("reason")) for f in score.critical_failures],
               "criteria": {cid: round(c.percent) for cid, c in score.criteria.items() if c.applies}}
    assert verdict == call["verdict"], summary
    weaknesses = call.get("weakness") or []
    for weakness in weaknesses if isinstance(weaknesses, list) else [weaknesses]:
        assert weakness_holds(score, weakness), (weakness, summary)
    if "overall" in call:
        low, high = call["overall"]
        assert low <= score.overall <= high, summary

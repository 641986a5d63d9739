"""What the explorer reports about one scenario: the Exploration, its findings, and the score tally.

`explore` and `explore_random` fill an Exploration as they go; `_tally` turns the scores of the calls
that reached an ending into the minimum, maximum, per-criterion ranges, and best and worst paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.scoring import Score


@dataclass(frozen=True)
class Finding:
    """Something wrong that only playing the scenario shows; `path` replays it.

    `at` is where in the file the problem is written when that is known (the condition or
    text that failed), and `hint` how to fix it.
    """

    code: str
    message: str
    path: tuple = ()
    case: str | None = None
    node: str | None = None
    at: tuple = ()
    hint: str = ""

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "case": self.case, "node": self.node,
                "path": list(self.path), "at": list(self.at), "hint": self.hint}


@dataclass
class Exploration:
    """What `plateau paths` reports about one scenario."""

    scenario: str
    mode: str                      # "exhaustive" or "random"
    complete: bool                 # every path was followed to an ending or to a problem that stops it
    paths: int | None              # distinct paths to an ending (None: endless, a loop without time passing)
    states: int
    transitions: int
    endings: dict[str, int]        # ending -> number of paths that reach it
    score_min: float | None = None
    score_max: float | None = None
    passes: int = 0                # paths that pass
    criteria: dict[str, dict[str, float]] = field(default_factory=dict)
    best: list[dict] = field(default_factory=list)
    worst: list[dict] = field(default_factory=list)
    best_score: Score | None = None
    worst_score: Score | None = None
    problems: list[Finding] = field(default_factory=list)
    stopped: int = 0               # paths (random: calls) that a problem stopped before any ending
    calls: int | None = None       # random mode: the calls played, each to an ending or to a problem
    out_of_states: bool = False    # exhaustive mode: stopped at max_states with paths left to follow
    # What was seen on the way, for lint: (case, node), (case, option), (case, step), ending.
    nodes_seen: set = field(default_factory=set)
    offered: set = field(default_factory=set)
    steps_done: set = field(default_factory=set)
    endings_seen: set = field(default_factory=set)
    events_fired: set = field(default_factory=set)

    def as_dict(self) -> dict:
        return {"scenario": self.scenario, "mode": self.mode, "complete": self.complete, "paths": self.paths,
                "states": self.states, "transitions": self.transitions, "endings": dict(sorted(self.endings.items())),
                "score": {"min": self.score_min, "max": self.score_max}, "passes": self.passes,
                "criteria": self.criteria, "best": self.best, "worst": self.worst,
                "best_score": _short(self.best_score), "worst_score": _short(self.worst_score),
                "stopped": self.stopped, "calls": self.calls, "out_of_states": self.out_of_states,
                "problems": [p.as_dict() for p in self.problems]}


def _short(score: Score | None) -> dict | None:
    if score is None:
        return None
    return {"overall": score.overall, "passed": score.passed, "ending": score.ending,
            "critical_failures": [f["step"] or f["reason"] for f in score.critical_failures]}


def _tally(result: Exploration, scores: list[tuple[Score, int, tuple]]) -> None:
    """Min, max, per-criterion ranges, best and worst from (score, number of paths, path) triples."""
    if not scores:
        return
    best = max(scores, key=lambda s: (s[0].overall, -len(s[2])))
    worst = min(scores, key=lambda s: (s[0].overall, len(s[2])))
    result.score_min, result.score_max = worst[0].overall, best[0].overall
    result.best, result.worst = list(best[2]), list(worst[2])
    result.best_score, result.worst_score = best[0], worst[0]
    result.passes = sum(n for s, n, _ in scores if s.passed)
    criteria: dict[str, dict[str, float]] = {}
    for score, _, _ in scores:
        for cid, crit in score.criteria.items():
            if not crit.applies:
                continue
            r = criteria.setdefault(cid, {"min": crit.score, "max": crit.score, "out_of": crit.weight})
            r["min"], r["max"] = min(r["min"], crit.score), max(r["max"], crit.score)
    result.criteria = criteria

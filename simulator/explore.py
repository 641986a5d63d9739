"""Every path through a scenario, played on the engine and scored, with equivalent states merged.

The explorer is one more front-end of `engine.Session`: it applies the actions a trainee
could take and scores each finished call with `scoring.score_records`. What it tries at
each point:

- every option offered at the node (`choose`);
- for a typed value (`record` action): the true value, and one wrong value unless
  `inputs="truth"`;
- for a provider (`dispatch`, `book`): every provider of the kind when there are at most
  four, otherwise the best, the next suitable one, the worst suitable one and the first
  unsuitable one, as ranked by `scoring.rank_providers`;
- in a scenario with several calls: switching to another call that is ringing or live
  (never twice in a row);
- staying silent, only when asked (`silence=True`): silences let the clock run and the
  caller's stress rise, so they reach timed events and hang-ups that no option reaches;
- the agent always speaks the caller's first language (a `speak` action is added when a
  new call is answered in another one). Free edits of the case file and notes are not
  tried: they change nothing the scenario can react to.

A move that fails (a condition or text that cannot be worked out, a node with nothing left
to do) becomes a finding and stops its path there, as it would stop a trainee's call; every
other path goes on. Such paths are counted apart (`stopped`) from those that reach an ending.

Merging. Two paths that reach the same *key* are merged, and only the first one found
goes on. The key is the engine state with what cannot matter any more removed (the
options chosen at nodes that the call can never come back to, the turn counter), plus a
summary of what the score will read from the history: tone penalties, silences, whether
the caller's stress ever went above `vague_above`, for each procedure step whether it was
done late or out of order, the steps broken, the providers chosen and when, and the
language of the answers. Two paths with the same key have the same future moves, the same
events and the same final score, so min and max are exact over the moves above, while the
cost follows the number of keys (states), not the number of paths. Paths are counted by
adding, along the merged graph, the number of ways to reach each state.

The parts live beside this module: `explore_moves` (what is tried), `explore_state` (the keys
that merge states, and copies of a state), `explore_findings` (a failing condition explained) and
`explore_report` (the Exploration reported). This module walks the paths, exhaustively (`explore`)
or at random (`explore_random`); every name is importable from here.
"""

from __future__ import annotations

import functools
import gc
import random
from typing import Any

from simulator import model as m
from simulator.engine import CaseStatus, ScenarioDeadEnd, Session, State, Status
from simulator.explore_findings import (
    CONDITION_HINT,
    EMPTY_BEFORE_DISPATCH,
    TEXT_HINT,
    explain_failure,
    expression_origins,
)
from simulator.explore_moves import PROVIDER_SAMPLE, WRONG_VALUE, as_answer, moves, provider_choices, typed_values
from simulator.explore_report import Exploration, Finding, _tally
from simulator.explore_state import (
    EVENTS,
    _clone_records,
    _clone_state,
    _new_records,
    _sccs,
    _statics,
    case_graph,
    score_key,
    state_key,
    timing_targets,
)
from simulator.expressions import ExpressionError
from simulator.scoring import Score, record_action, score_records

__all__ = [
    "CONDITION_HINT", "EMPTY_BEFORE_DISPATCH", "EVENTS", "MAX_ACTIONS", "MAX_STATES", "PROVIDER_SAMPLE", "TEXT_HINT",
    "WRONG_VALUE", "Exploration", "Finding", "_sccs", "as_answer", "case_graph", "estimate_states", "explain_failure",
    "explore", "explore_random", "expression_origins", "moves", "provider_choices", "score_key", "state_key",
    "timing_targets", "typed_values",
]

MAX_STATES = 200_000
MAX_ACTIONS = 200


# ------------------------------------------------------------------ exploring


def estimate_states(scenario: m.Scenario) -> int:
    """A quick guess of the number of states: the options that keep the call at a node can be taken in
    any subset, so a node with 10 of them alone makes 1,024 states. A repeatable one counts as well:
    taking it or not already makes two states (the clock differs). Typed values, providers, events and
    a second call multiply that further."""
    total = 1
    for case in scenario.cases.values():
        for node in case.nodes.values():
            stay = sum(1 for o in node.options if not o.goto and not o.end)
            total *= 2 ** min(stay, 30)
            if total > 10 ** 9:
                return total
    return total


class _Walker:
    """Shared by both modes: applies a move to a copy of a state and notes what was seen."""

    def __init__(self, scenario: m.Scenario, rubric: m.Rubric, directory: m.Directory, result: Exploration,
                 scoring: bool = True):
        self.scenario, self.rubric, self.directory, self.scoring = scenario, rubric, directory, scoring
        self.session = Session(scenario, directory)
        self.statics = _statics(scenario)
        self.result = result
        self.problem_keys: set = set()
        self._origins: dict[int, tuple[str, tuple]] | None = None

    def note(self, state: State, actions: list[dict]) -> None:
        for cid, cs in state.cases.items():
            if cs.status is CaseStatus.LIVE:
                self.result.nodes_seen.add((cid, cs.node))
            self.result.events_fired.update((cid, e) for e in cs.fired)
        self.result.offered.update((state.active, a["option"]) for a in actions if a["type"] == "choose")

    def step(self, state: State, records, number: int, action: dict, path, offered: list | None = None):
        """(new state, new records) or None when the move fails; failures become findings.

        `path` is the answers so far, or a function that returns them (worked out only for a finding).
        """
        self.session.state = _clone_state(state)
        new_records = _clone_records(records) if self.scoring else records
        try:
            if self.scoring:
                record_action(self.session, new_records, number, action,
                              offered if state.status is Status.AWAITING_CHOICE and offered is not None else None)
            else:
                active = self.session.state.active
                self.session.apply(action)
                step = self.statics[active].option_step.get(action.get("option"))
                if action["type"] == "choose" and step:
                    self.result.steps_done.add((active, step))
        except ScenarioDeadEnd as exc:
            cs = self.session.case_state
            self.problem("dead_end", str(exc), _path(path) + (as_answer(action),), self.session.state.active, cs.node)
            return None
        except ExpressionError as exc:
            # The engine stopped half-way through the move: the call cannot go on along this path.
            self.condition_failed(exc, _path(path) + (as_answer(action),))
            return None
        new = self.session.state
        for cid, rec in new_records.items():
            self.result.steps_done.update((cid, s) for s in rec.steps)
        return new, new_records

    def condition_failed(self, exc: ExpressionError, path: tuple) -> None:
        """A finding that names the condition or text that failed, where it is written and why."""
        state = self.session.state
        expression, context = exc.expression, exc.context
        if self._origins is None:
            self._origins = expression_origins(self.scenario)
        case, at = self._origins.get(id(expression), (state.active, ()))
        node = at[3] if at[2:3] == ("nodes",) else state.cases[case].node
        if expression is None:
            message, hint = str(exc), ""
        else:
            message, hint = explain_failure(expression, context, exc.cause)
        self.problem("condition_failed", message, path, case, node, at, hint)

    def problem(self, code: str, message: str, path: tuple, case=None, node=None, at: tuple = (),
                hint: str = "") -> None:
        key = (code, case, at or node, message)
        if key not in self.problem_keys:
            self.problem_keys.add(key)
            self.result.problems.append(Finding(code, message, path, case, node, at, hint))

    def finish(self, state: State, records, path: tuple) -> Score | None:
        self.result.endings_seen.add(state.ending)
        for cid, cs in state.cases.items():
            self.result.events_fired.update((cid, e) for e in cs.fired)
            self.result.nodes_seen.add((cid, cs.node))
        if not self.scoring:
            return None
        self.session.state = state
        score = score_records(self.scenario, self.rubric, self.directory, self.session, records)
        if score.passed:
            missing = [(cid, s.id) for cid in self.scenario.cases for s in self.rubric.protocol.values()
                       if s.critical and s.id not in records[cid].steps]
            for cid, sid in missing:
                self.problem("passes_without_critical",
                             f"a call can pass without the critical step '{sid}' in case '{cid}'.", path, cid, None)
        return score


def _without_gc(function):
    """Run without the cyclic garbage collector: the explorer keeps every state it makes, and each
    collection would walk them all again (a third of the time at 10,000 states)."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()
    return wrapper


@_without_gc
def explore(scenario: m.Scenario, rubric: m.Rubric, directory: m.Directory, *, inputs: str = "both",
            silence: bool = False, scoring: bool = True, providers: str = "sample", max_states: int = MAX_STATES,
            max_actions: int = MAX_ACTIONS) -> Exploration:
    """Follow every path (see the module docstring for what is tried and how states merge).

    With `scoring=False` paths are neither scored nor told apart by their score: what is
    left is what the call can reach (nodes, options, endings, events), which lint needs,
    in fewer states. `providers="best"` tries only the best provider of each kind.
    """
    result = Exploration(scenario.id, "exhaustive", True, 0, 0, 0, {})
    walker = _Walker(scenario, rubric, directory, result, scoring)
    targets = timing_targets(rubric)
    start = walker.session.state
    keys: dict[tuple, int] = {}
    # Per state: engine state, records, depth, whether reached by a switch; parent and action for its path.
    states: list[Any] = []
    parent: list[tuple[int, dict] | None] = []
    children: list[list[int]] = []
    terminal: dict[int, Score] = {}
    stops: list[int] = []  # a state where a problem stops a path, once for each move that fails from it

    def add(state, records, depth, switched, origin) -> int:
        key = (state_key(state, walker.statics), score_key(records, scenario, rubric, targets) if scoring else None,
               switched)
        index = keys.get(key)
        if index is not None:
            return index
        index = len(states)
        keys[key] = index
        states.append((state, records, depth, switched))
        parent.append(origin)
        children.append([])
        return index

    def path_to(index: int) -> tuple:
        out = []
        while parent[index] is not None:
            index, action = parent[index]
            out.append(as_answer(action))
        return tuple(reversed(out))

    add(start, _new_records(scenario), 0, False, None)
    frontier = 0
    while frontier < len(states):
        index = frontier
        frontier += 1
        state, records, depth, switched = states[index]
        if state.status is Status.ENDED:
            terminal[index] = walker.finish(state, records, path_to(index))
            continue
        if depth >= max_actions:
            result.complete = False  # what lies beyond is not known
            stops.append(index)
            walker.problem("too_long", f"a path is longer than {max_actions} actions (a loop that never ends?).",
                           path_to(index), state.active, state.cases[state.active].node)
            continue
        walker.session.state = state
        offered: list = []
        possible = moves(scenario, walker.session, inputs, switched, silence, providers, offered)
        walker.note(state, possible)
        for action in possible:
            if len(states) >= max_states:
                result.complete, result.out_of_states = False, True
                break
            stepped = walker.step(state, records, depth + 1, action, lambda index=index: path_to(index), offered)
            result.transitions += 1
            if stepped is None:
                stops.append(index)
                continue
            child = add(stepped[0], stepped[1], depth + 1, action["type"] == "switch", (index, action))
            children[index].append(child)
        walker.session.state = state
        if not possible:
            stops.append(index)
            walker.problem("stuck", _stuck_message(state), path_to(index), state.active, state.cases[state.active].node)
    result.states = len(states)
    counts = _count_paths(children)
    result.paths = None if counts is None else sum(counts[i] for i in terminal)
    result.stopped = sum(counts[i] if counts else 1 for i in stops)
    if counts is None:
        result.complete = False
        walker.problem("endless", "a loop lets the call go round forever without the clock moving.")
    for i in terminal:
        n = counts[i] if counts else 1
        ending = states[i][0].ending
        result.endings[ending] = result.endings.get(ending, 0) + n
    if not scoring:
        return result
    _tally(result, [(score, counts[i] if counts else 1, path_to(i)) for i, score in terminal.items()])
    return result


def _path(path) -> tuple:
    return path() if callable(path) else path


def _stuck_message(state: State) -> str:
    if state.status is Status.AWAITING_PROVIDER:
        return f"the directory has no provider of kind '{state.pending['kind']}' to choose."
    if state.status is Status.AWAITING_INPUT:
        return f"no value typed for '{state.pending['field']}' matches the truth."
    return "nothing can be done here and the call is not over."


def _count_paths(children: list[list[int]]) -> list[int] | None:
    """Number of ways to reach each state from the first one; None if the state graph has a cycle."""
    indegree = [0] * len(children)
    for kids in children:
        for k in kids:
            indegree[k] += 1
    counts = [0] * len(children)
    if not children:
        return counts
    counts[0] = 1
    ready = [i for i, d in enumerate(indegree) if d == 0]
    seen = 0
    while ready:
        i = ready.pop()
        seen += 1
        for k in children[i]:
            counts[k] += counts[i]
            indegree[k] -= 1
            if indegree[k] == 0:
                ready.append(k)
    return counts if seen == len(children) else None


@_without_gc
def explore_random(scenario: m.Scenario, rubric: m.Rubric, directory: m.Directory, *, runs: int, seed: int = 0,
                   inputs: str = "both", silence: bool = False, max_actions: int = MAX_ACTIONS) -> Exploration:
    """Play `runs` random calls (each move drawn among those `explore` would try) with the same report.

    Every call is played until it ends or a problem stops it; `stopped` counts the latter."""
    rng = random.Random(seed)
    result = Exploration(scenario.id, "random", False, 0, 0, 0, {}, calls=runs)
    walker = _Walker(scenario, rubric, directory, result)
    seen_keys: set = set()
    distinct: dict[str, Score] = {}
    chosen_paths: dict[str, tuple] = {}
    for _ in range(runs):
        state, records, path, switched = _clone_state(Session(scenario, directory).state), _new_records(scenario), (), False
        while state.status is not Status.ENDED and len(path) < max_actions:
            walker.session.state = state
            options = moves(scenario, walker.session, inputs, switched, silence)
            walker.note(state, options)
            if not options:
                walker.problem("stuck", _stuck_message(state), path, state.active, state.cases[state.active].node)
                break
            action = rng.choice(options)
            stepped = walker.step(state, records, len(path) + 1, action, path)
            result.transitions += 1
            if stepped is None:
                break
            state, records = stepped
            path += (as_answer(action),)
            switched = action["type"] == "switch"
            seen_keys.add(state_key(state, walker.statics))
        if state.status is Status.ENDED:
            score = distinct.get(repr(path)) or walker.finish(state, records, path)
            distinct[repr(path)] = (score, path)[0]
            chosen_paths[repr(path)] = path
            result.endings[score.ending] = result.endings.get(score.ending, 0) + 1
        else:
            result.stopped += 1
            if len(path) >= max_actions:
                walker.problem("too_long", f"a path is longer than {max_actions} actions (a loop that never ends?).",
                               path)
    result.paths = len(distinct)
    result.states = len(seen_keys)
    _tally(result, [(score, 1, chosen_paths[key]) for key, score in distinct.items()])
    result.passes = sum(1 for s in distinct.values() if s.passed)
    return result

"""The explorer's states: the key under which equivalent paths merge, and cheap copies of a path's state.

A key is the engine state without what can no longer change the call's future (options chosen at nodes
the call cannot come back to), plus what scoring will read from the history (`score_key`). The docstring
of simulator/explore.py says why two paths with the same key have the same future and the same score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator import model as m
from simulator.engine import CaseState, CaseStatus, State
from simulator.scoring import CaseRecord, new_records

# ------------------------------------------------------------------ what cannot matter any more


def _sccs(edges: dict[str, list[str]]) -> dict[str, int]:
    """Strongly connected component of each vertex (iterative Tarjan: 100,000 nodes need no recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    comp: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = components = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(edges.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            vertex, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, ()))))
                    advanced = True
                    break
                if child in on_stack:
                    low[vertex] = min(low[vertex], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[vertex])
            if low[vertex] == index[vertex]:
                number = components
                components += 1
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp[member] = number
                    if member == vertex:
                        break
    return comp


EVENTS = "*events*"  # a vertex standing for "an event may move the case to its node from anywhere"


def case_graph(case: m.Case) -> dict[str, list[str]]:
    """Node -> nodes the dialogue can move to next (option gotos, and event gotos from anywhere)."""
    jumps = [e.goto for e in case.events if e.goto]
    edges: dict[str, list[str]] = {}
    for node in case.nodes.values():
        edges[node.id] = [o.goto for o in node.options if o.goto] + ([EVENTS] if jumps else [])
    edges[EVENTS] = jumps
    return edges


@dataclass(frozen=True)
class _CaseStatic:
    scc: dict[str, int]
    option_node: dict[str, str]
    repeatable: frozenset[str]
    option_step: dict[str, str]
    scc_options: dict[int, frozenset[str]]  # options offered once, by strongly connected component


def _statics(scenario: m.Scenario) -> dict[str, _CaseStatic]:
    out = {}
    for cid, case in scenario.cases.items():
        option_node = {o.id: n.id for n in case.nodes.values() for o in n.options}
        repeatable = frozenset(o.id for n in case.nodes.values() for o in n.options if o.repeatable)
        option_step = {o.id: o.step for n in case.nodes.values() for o in n.options if o.step}
        scc = _sccs(case_graph(case))
        by_scc: dict[int, set[str]] = {}
        for option, node in option_node.items():
            if option not in repeatable:
                by_scc.setdefault(scc[node], set()).add(option)
        out[cid] = _CaseStatic(scc, option_node, repeatable, option_step,
                               {k: frozenset(v) for k, v in by_scc.items()})
    return out


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


def state_key(state: State, statics: dict[str, _CaseStatic]) -> tuple:
    """The engine state without what can no longer change the call's future."""
    cases = []
    for cid, cs in state.cases.items():
        static = statics[cid]
        chosen: frozenset[str] = frozenset()
        component = static.scc.get(cs.node)
        if cs.status is not CaseStatus.ENDED and cs.chosen and component is not None:
            chosen = static.scc_options.get(component, frozenset()).intersection(cs.chosen)
        cases.append((cid, cs.node, cs.stress, cs.status, frozenset(cs.flags), frozenset(cs.known),
                      _frozen(cs.file), chosen, frozenset(cs.fired), cs.speaking, _frozen(cs.dispatched),
                      _frozen(cs.booked), cs.ending))
    return (tuple(cases), state.active, state.clock, state.status, _frozen(state.pending), state.ending)


def timing_targets(rubric: m.Rubric) -> dict[str, int]:
    """Seconds within which the timing criterion wants each step done."""
    from simulator.durations import parse_duration
    timing = rubric.criteria.get("timing")
    targets = (timing.settings.get("targets") or {}) if timing else {}
    return {step: seconds for step, value in targets.items() if (seconds := parse_duration(value)) is not None}


@dataclass
class _Record(CaseRecord):
    """A CaseRecord that also keeps running counts, so that a path's score key costs the same at any length."""

    seen_turns: int = 0
    seen_stress: int = 0
    tones: tuple = ()            # curt and alarming answers, sorted
    langs: tuple = (0, 0, 0, 0)  # answers in one of the listener's own languages, the caller's weak one, neither; to providers wrong
    peak: float = 0.0

    def catch_up(self, case: m.Case) -> None:
        if len(self.turns) > self.seen_turns:
            own, weak, wrong, provider_wrong = self.langs
            tones = list(self.tones)
            for turn in self.turns[self.seen_turns:]:
                if turn.option.tone in (m.Tone.CURT, m.Tone.ALARMING):
                    tones.append(turn.option.tone.value)
                if turn.to_other:
                    continue
                if turn.to_provider and turn.provider_langs:
                    if turn.lang in turn.provider_langs:
                        own += 1
                    else:
                        provider_wrong += 1
                elif case.caller.fluent(turn.lang):
                    own += 1
                elif turn.lang in case.caller.languages:
                    weak += 1
                else:
                    wrong += 1
            self.tones, self.langs, self.seen_turns = tuple(sorted(tones)), (own, weak, wrong, provider_wrong), len(self.turns)
        if len(self.stress) > self.seen_stress:
            self.peak = max([self.peak, *self.stress[self.seen_stress:]])
            self.seen_stress = len(self.stress)


def _new_records(scenario: m.Scenario) -> dict[str, _Record]:
    out = {}
    for cid, rec in new_records(scenario).items():
        out[cid] = _Record(turns=rec.turns, silences=rec.silences, stress=rec.stress, steps=rec.steps, broken=rec.broken,
                           providers=rec.providers, hung_up=rec.hung_up, emergency=rec.emergency)
        out[cid].catch_up(scenario.cases[cid])
    return out


def score_key(records: dict[str, _Record], scenario: m.Scenario, rubric: m.Rubric,
              targets: dict[str, int] | None = None) -> tuple:
    """What `scoring.score_records` reads from the history, and nothing more.

    Keep in step with scoring_criteria.py: tests/test_paths.py compares merged exploration with
    plain enumeration of every path.
    """
    out = []
    for cid, rec in records.items():
        case = scenario.cases[cid]
        rec.catch_up(case)
        peak = rec.peak > case.caller.vague_above and rec.peak > case.caller.stress
        steps = []
        for step_id, (_number, clock) in rec.steps.items():
            step = rubric.protocol.get(step_id)
            if step is None:
                continue
            late = step.within_seconds is not None and (clock - case.rings_at_seconds / 60) * 60 > step.within_seconds
            target = (targets or {}).get(step_id)
            since = clock - case.rings_at_seconds / 60  # in minutes, compared as scoring compares it
            timing = None if target is None else 2 if since <= target / 60 else 1 if since <= 2 * target / 60 else 0
            steps.append((step_id, late, timing))
        # Order rules broken: `then` done while `first` was not yet (scoring.score_procedure).
        orders = tuple((o.first, o.then) for o in rubric.orders
                       if o.then in rec.steps and (rec.steps[o.first][0] > rec.steps[o.then][0] if o.first in rec.steps
                                                   else not rubric.protocol[o.first].critical))
        own, weak, wrong, provider_wrong = rec.langs
        language = (own > 0,) if not weak and not wrong and not provider_wrong else rec.langs
        providers = tuple(sorted((p["type"], p["id"], p["kind"], p["clock"], p["eta"]) for p in rec.providers))
        broken = tuple(sorted((turn.option.id, s) for turn, s in rec.broken))
        out.append((cid, rec.tones, len(rec.silences), peak, rec.hung_up, bool(rec.turns), tuple(sorted(steps)),
                    orders, broken, providers, language, tuple(minute for _, minute in rec.emergency)))
    return tuple(out)


# ------------------------------------------------------------------ copying a path's state


def _clone_state(state: State) -> State:
    """A copy that the engine may change without touching `state` (copy.deepcopy is ten times slower)."""
    new = object.__new__(State)
    new.__dict__.update(state.__dict__)
    new.cases = {}
    for cid, cs in state.cases.items():
        c = object.__new__(CaseState)
        c.__dict__.update(cs.__dict__)
        c.flags, c.known, c.chosen, c.fired = list(cs.flags), list(cs.known), list(cs.chosen), list(cs.fired)
        c.file, c.booked = dict(cs.file), list(cs.booked)
        new.cases[cid] = c
    new.pending = state.pending.copy() if state.pending else None
    return new


def _clone_records(records: dict[str, _Record]) -> dict[str, _Record]:
    return {cid: _Record(turns=list(r.turns), silences=list(r.silences), stress=list(r.stress), steps=dict(r.steps),
                         broken=list(r.broken), providers=list(r.providers), hung_up=r.hung_up, emergency=list(r.emergency),
                         seen_turns=r.seen_turns, seen_stress=r.seen_stress, tones=r.tones, langs=r.langs, peak=r.peak)
            for cid, r in records.items()}

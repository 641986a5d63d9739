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
"""

from __future__ import annotations

import functools
import gc
import random
import re
from dataclasses import dataclass, field
from typing import Any

from simulator import model as m
from simulator.engine import CaseState, CaseStatus, ScenarioDeadEnd, Session, State, Status
from simulator.expressions import Condition, ExpressionError, Template
from simulator.scoring import CaseRecord, Score, field_matches, new_records, rank_providers, record_action, score_records

MAX_STATES = 200_000
MAX_ACTIONS = 200
WRONG_VALUE = "?"
PROVIDER_SAMPLE = 4


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
        if cs.status is CaseStatus.ENDED or not cs.chosen:
            chosen = frozenset()
        else:
            chosen = static.scc_options.get(static.scc.get(cs.node), frozenset()).intersection(cs.chosen)
        cases.append((cid, cs.node, cs.stress, cs.status, frozenset(cs.flags), frozenset(cs.known),
                      _frozen(cs.file), chosen, frozenset(cs.fired), cs.speaking, _frozen(cs.dispatched),
                      _frozen(cs.booked), cs.ending))
    return (tuple(cases), state.active, state.clock, state.status, _frozen(state.pending), state.ending)


def timing_targets(rubric: m.Rubric) -> dict[str, int]:
    """Seconds within which the timing criterion wants each step done."""
    from simulator.loader import parse_duration
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

    Keep in step with scoring.py: tests/test_paths.py compares merged exploration with
    plain enumeration of every path.
    """
    out = []
    for cid, rec in records.items():
        case = scenario.cases[cid]
        rec.catch_up(case)
        peak = rec.peak > case.caller.vague_above and rec.peak > case.caller.stress
        steps = []
        for step_id, (number, clock) in rec.steps.items():
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
    new.pending = dict(state.pending) if state.pending else None
    return new


def _clone_records(records: dict[str, _Record]) -> dict[str, _Record]:
    return {cid: _Record(turns=list(r.turns), silences=list(r.silences), stress=list(r.stress), steps=dict(r.steps),
                         broken=list(r.broken), providers=list(r.providers), hung_up=r.hung_up, emergency=list(r.emergency),
                         seen_turns=r.seen_turns, seen_stress=r.seen_stress, tones=r.tones, langs=r.langs, peak=r.peak)
            for cid, r in records.items()}


# ------------------------------------------------------------------ the moves a trainee could make


def typed_values(fact: m.Fact, inputs: str) -> list[str]:
    """The true value as a trainee would type it, then (unless inputs='truth') a wrong one."""
    candidates = [str(fact.value), *fact.accept]
    if fact.coordinates:
        candidates.append(f"{fact.coordinates[0]}, {fact.coordinates[1]}")
    right = next((c for c in candidates if field_matches(fact, c)), None)
    out = [right] if right is not None else []
    if inputs == "both" and not field_matches(fact, WRONG_VALUE):
        out.append(WRONG_VALUE)
    return out


def provider_choices(scenario: m.Scenario, session: Session, case: m.Case, kind: str, providers: str = "sample") -> list[str]:
    ranked = rank_providers(scenario, case, session.directory, kind, session.now())
    if providers == "best":
        return [r["id"] for r in ranked[:1]]
    if len(ranked) <= PROVIDER_SAMPLE:
        return [r["id"] for r in ranked]
    suitable = [r["id"] for r in ranked if r["suitable"]]
    unsuitable = [r["id"] for r in ranked if not r["suitable"]]
    picks = suitable[:2] + suitable[-1:] + unsuitable[:1]
    return list(dict.fromkeys(picks)) or [ranked[0]["id"]]


def moves(scenario: m.Scenario, session: Session, inputs: str, just_switched: bool, silence: bool = False,
          providers: str = "sample", offered: list | None = None) -> list[dict]:
    """The actions the explorer tries from the session's current state.

    `offered`, when given, receives the options offered now (so that scoring need not ask again)."""
    st = session.state
    if st.status is Status.READY:
        first = min(scenario.cases.values(), key=lambda c: c.rings_at_seconds)
        return [{"type": "start", "lang": first.caller.languages[0]}]
    if st.status is Status.ENDED:
        return []
    if st.status is Status.AWAITING_INPUT:
        case = scenario.cases[st.pending["case"]]
        return [{"type": "input", "value": v} for v in typed_values(case.truth[st.pending["field"]], inputs)]
    if st.status is Status.AWAITING_PROVIDER:
        case = scenario.cases[st.pending["case"]]
        return [{"type": "provider", "id": pid} for pid in provider_choices(scenario, session, case, st.pending["kind"], providers)]
    preferred = session.case.caller.languages[0]
    if session.case_state.speaking != preferred:
        return [{"type": "speak", "lang": preferred}]
    options = session.options()
    if offered is not None:
        offered.extend(options)
    out: list[dict] = [{"type": "choose", "option": o.id} for o in options]
    if silence:
        out.append({"type": "silence"})
    if not just_switched:
        out += [{"type": "switch", "case": cid} for cid, cs in st.cases.items()
                if cid != st.active and cs.status in (CaseStatus.RINGING, CaseStatus.LIVE)]
    return out


def as_answer(action: dict) -> Any:
    """An action as written in an answers file: a bare option id for a choice."""
    return action["option"] if action["type"] == "choose" else action


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


# ------------------------------------------------------------------ a condition or text that fails


def expression_origins(scenario: m.Scenario) -> dict[int, tuple[str, tuple]]:
    """Every condition and text of a scenario, by identity: (case id, where it is written in the file)."""
    out: dict[int, tuple[str, tuple]] = {}

    def text(cid: str, path: tuple, value: m.Text | None) -> None:
        for lang, template in value.values.items() if value else ():
            out[id(template)] = (cid, path + (lang,))

    def lines(cid: str, path: tuple, value: m.Lines | None) -> None:
        if value is None:
            return
        listed = len(value.variants) > 1 or any(v.when is not None for v in value.variants)  # variants, not one text
        for i, variant in enumerate(value.variants):
            if variant.when is not None:
                out[id(variant.when)] = (cid, path + (i, "when"))
            text(cid, path + (i, "text") if listed else path, variant.text)

    for cid, case in scenario.cases.items():
        text(cid, ("cases", cid, "caller", "silence"), case.caller.silence)
        for node in case.nodes.values():
            lines(cid, node.origin + ("say",), node.say)
            for option in node.options:
                if option.when is not None:
                    out[id(option.when)] = (cid, option.origin + ("when",))
                text(cid, option.origin + ("text",), option.text)
                text(cid, option.origin + ("debrief",), option.debrief)
                lines(cid, option.origin + ("reply",), option.reply)
        for event in case.events:
            if event.when is not None:
                out[id(event.when)] = (cid, event.origin + ("when",))
            lines(cid, event.origin + ("say",), event.say)
    return out


# Names that stay empty until a provider is dispatched; a condition reading them must test 'dispatched' first.
EMPTY_BEFORE_DISPATCH = ("dispatched", "eta")
_KINDS = {"NoneType": "an empty value", "str": "a text", "int": "a number", "float": "a number",
          "bool": "a yes-or-no value", "list": "a list", "dict": "a group of values"}
TEXT_HINT = ("Use the variables listed in docs/authoring.md under 'Texts and languages' ({{ caller }}, {{ eta }}, "
             "{{ provider }}, {{ time }}, {{ stress }}) or a flag of the case.")
CONDITION_HINT = ("Compare a number with a number ('stress > 60') and a text with a text between quotes "
                  "(\"lang == 'fr'\"); docs/authoring.md lists the names a condition can use under 'Conditions'.")


def explain_failure(expression: Condition | Template, context: dict, error: BaseException | None) -> tuple[str, str]:
    """What went wrong and how to fix it, in an instructor's words: (message, hint)."""
    is_text = isinstance(expression, Template)
    source = expression.source.strip()
    if is_text:
        shown = source if len(source) <= 60 else source[:57] + "..."
        what = f"the text '{shown}' cannot be filled in"
    else:
        what = f"the condition '{source}' cannot be worked out"
    empty = [name for name in EMPTY_BEFORE_DISPATCH if name in expression.names.names and context.get(name) is None]
    if empty:
        verb = "is" if len(empty) == 1 else "are"
        message = f"{what} when no provider has been dispatched yet: {' and '.join(empty)} {verb} empty."
        if is_text:
            return message, ("Use it only once a provider is dispatched (in a line or an option with "
                             "'when: dispatched'), or leave the placeholder out.")
        guarded = _guarded(source, empty)
        if guarded is None:
            return message, (f"Test 'dispatched' before the part that reads {' and '.join(empty)}: "
                             "'(dispatched and ...)'.")
        return message, f"Test 'dispatched' first: '{guarded}'."
    return f"{what}: {_plain(error, expression)}.", TEXT_HINT if is_text else CONDITION_HINT


def _guarded(source: str, names: list[str]) -> str | None:
    """The condition with 'dispatched and' before each part joined by 'or' that reads `names`; None when
    brackets or quotes make its parts hard to tell apart."""
    if any(c in source for c in "()[]'\""):
        return None
    parts = re.split(r"\s+or\s+", source)
    if len(parts) == 1:
        return f"dispatched and {source}"
    reads = re.compile(r"\b(" + "|".join(names) + r")\b")
    return " or ".join(f"(dispatched and {part})" if reads.search(part) else part for part in parts)


def _plain(error: BaseException | None, expression: Condition | Template) -> str:
    """The error that Python or Jinja gave, said without their vocabulary where it is a common one."""
    text = str(error) if error is not None else "it failed"
    if isinstance(error, ZeroDivisionError):
        return "it divides by zero"
    found = re.search(r"has no attribute '([^']+)'", text)
    if found:
        owner = next((o for o, a in sorted(expression.names.attributes) if a == found[1]), None)
        return f"'{owner}' has no '{found[1]}'" if owner else f"nothing there has a '{found[1]}'"
    found = re.search(r"'(.+)' not supported between instances of '(\w+)' and '(\w+)'", text)
    if found:
        return f"'{found[1]}' compares {_KINDS.get(found[2], found[2])} with {_KINDS.get(found[3], found[3])}"
    found = re.search(r"unsupported operand type\(s\) for (.+): '(\w+)' and '(\w+)'", text)
    if found:
        return f"'{found[1]}' combines {_KINDS.get(found[2], found[2])} with {_KINDS.get(found[3], found[3])}"
    return text


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
            stepped = walker.step(state, records, depth + 1, action, lambda: path_to(index), offered)
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

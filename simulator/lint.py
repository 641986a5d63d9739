"""Lint: the loader's checks, then checks of what a scenario means, each with a stable code.

The loader already refuses what cannot be read (codes P, S, T, D, X, R). Lint adds the
checks that need the whole scenario, its rubric and the directory: nodes no path reaches,
loops with no way out, endings never reached, options never offered, critical steps no
path performs, translations copied from another language, options whose length gives the
answer away, options off the model call that cost nothing, and more (codes L001-L015,
listed in LINT_CODES and in docs/authoring.md).

Checks that follow every path (L001, L002, L007 on paths, L003, L009, L011, L012) play the
scenario through `explore`: they run when every path can be followed within LINT_STATES
states, and are skipped for scenarios too large for that, with a note (L000) that says so.

Before them, every condition and text that could reach a limit of `expressions` (X003) is run
once within those limits, whether or not a path reaches it: a text that would fill the memory
is found in milliseconds, at its line, instead of on the path that meets it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Iterable, Iterator

from simulator import model as m
from simulator.errors import Problem, ScenarioError, Severity, display_path
from simulator.yamlsource import Document, load_yaml

# About 300 µs a state: 20,000 states is a few seconds, enough for a call written by hand with a
# dozen questions that can be asked in any order. Also the default of 'plateau lint --max-states'.
LINT_STATES = 20_000
# The estimate counts only the orders of questions at each node; typed values, providers and events
# multiply it, hence the margin: a scenario that would stop half-way is not started.
ESTIMATE_MARGIN = 2

ERROR, WARNING = Severity.ERROR, Severity.WARNING

# code -> (severity, what it finds). One place: the docs test checks every code is documented.
LINT_CODES: dict[str, tuple[Severity, str]] = {
    "L001": (WARNING, "a node no path reaches"),
    "L002": (WARNING, "an ending no path reaches"),
    "L003": (WARNING, "an option never offered"),
    "L004": (ERROR, "a loop with no way out"),
    "L005": (WARNING, "the same text in two languages"),
    "L006": (WARNING, "a rubric step no option performs"),
    "L007": (ERROR, "a critical step no path can perform"),
    "L008": (WARNING, "two options with the same text at one node"),
    "L009": (ERROR, "a path where the call gets stuck"),
    "L010": (ERROR, "a dispatch or booking with no provider of its kind"),
    "L011": (WARNING, "an event that never happens"),
    "L012": (ERROR, "a condition or text that fails on some path"),
    "L013": (WARNING, "a procedure step given away by the length of its option"),
    "L014": (WARNING, "an option off the model call that costs nothing and says nothing"),
    "L015": (WARNING, "two options free-text answers cannot tell apart"),
}

# L015: how close (in the reading's score, out of about 1) another option may come to an option's own words.
CONFUSABLE_GAP = 0.05

# L013: how much longer than every other option at its node an option may be before its length
# alone points a trainee at it.
GIVEAWAY_RATIO = 1.8


# code -> what a note says. A note is not a problem in the file: it never makes lint fail, even with --strict.
SKIPPED = "L000"
NOTE_CODES: dict[str, str] = {
    SKIPPED: "the checks that follow every path were not done",
}
PATH_CHECKS = "L001, L002, L003, L007, L009, L011, L012"
LIMIT = "X003"  # a condition or text beyond the limits (simulator/expressions.py), the loader's code
NEVER_CHECKS = "L001, L002, L003, L007, L011"


class Level(str, Enum):
    """A note's level, beside a Problem's error and warning."""

    NOTE = "note"


@dataclass(frozen=True)
class Note:
    """Something lint could not check in a file, listed with the problems at the file's first line."""

    file: str
    line: int
    column: int
    code: str
    message: str
    hint: str = ""
    severity: Level = Level.NOTE

    def format(self) -> str:
        head = f"{self.file}:{self.line}:{self.column}: {self.code} (note) {self.message}"
        return head + (f"\n    hint: {self.hint}" if self.hint else "")

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "column": self.column, "code": self.code,
                "severity": self.severity.value, "message": self.message, "hint": self.hint}


class _Report:
    def __init__(self, doc: Document):
        self.doc = doc
        self.problems: list[Problem] = []

    def add(self, path, code: str, message: str, hint: str, *, key: bool = False) -> None:
        p = self.doc.problem(tuple(path), code, message, hint, key=key)
        self.problems.append(Problem(p.file, p.line, p.column, code, message, hint, LINT_CODES[code][0]))

    def limit(self, path, message: str, hint: str) -> None:
        """X003, the loader's code for a condition or text beyond the limits: always an error."""
        self.problems.append(self.doc.problem(tuple(path), LIMIT, message, hint))


# ------------------------------------------------------------------ files


def default_paths() -> list[Path]:
    from simulator.catalog import RUBRICS, bundled_scenarios
    return bundled_scenarios() + sorted(RUBRICS.glob("*.yaml"))


def expand(paths: Iterable[Path]) -> list[Path]:
    out = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*.yaml") if "providers" not in p.relative_to(path).parts[:-1]))
        else:
            out.append(path)
    return out


def kind_of(doc: Document) -> str:
    data = doc.data if isinstance(doc.data, dict) else {}
    if "providers" in data and "cases" not in data:
        return "providers"
    if "pass_mark" in data or "protocol" in data:
        return "rubric"
    return "scenario"


def lint_paths(paths: Iterable[Path], *, max_states: int = LINT_STATES) -> tuple[list[Problem], list[Note]]:
    """Every problem in the files (folders are searched for *.yaml), sorted by file and line."""
    from simulator.catalog import library
    from simulator.loader import build_rubric, build_scenario, content_hash, load_directory

    problems: list[Problem] = []
    notes: list[Note] = []
    for path in expand(paths):
        try:
            doc = load_yaml(path)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        kind = kind_of(doc)
        try:
            if kind == "rubric":
                build_rubric(doc, content_hash(path.read_bytes()))
                problems.extend(check_texts(doc))
            elif kind == "providers":
                load_directory([path])
            else:
                lib = library(path)
                scenario = build_scenario(doc, content_hash(path.read_bytes()), lib.rubrics, lib.directory)
                from simulator.modelcall import model_problems
                played = model_problems(scenario, doc, lib.directory)
                if played:
                    raise ScenarioError(played)
                found, note = check_scenario(scenario, doc, lib.rubrics[scenario.rubric_id], lib.directory,
                                             max_states=max_states)
                problems.extend(found)
                if note:
                    notes.append(note)
        except ScenarioError as exc:
            problems.extend(exc.problems)
    return sorted(set(problems)), notes


# ------------------------------------------------------------------ checks


def check_scenario(scenario: m.Scenario, doc: Document, rubric: m.Rubric, directory: m.Directory, *,
                   max_states: int = LINT_STATES) -> tuple[list[Problem], Note | None]:
    """Problems in a scenario the loader accepted, and a note (L000) when the path checks were not done."""
    report = _Report(doc)
    for problem in check_texts(doc):
        report.problems.append(problem)
    for case in scenario.cases.values():
        _check_graph(report, case)
        _check_duplicates(report, case)
        _check_giveaways(report, case)
        _check_confusable(report, case)
        _check_providers(report, case, directory)
    _check_steps(report, scenario, rubric)
    _check_endings_named(report, scenario)
    _check_free_options(report, scenario)
    if _check_limits(report, scenario, directory):
        skipped = (f"the checks that follow every path ({PATH_CHECKS}) were not done: a condition or text goes "
                   f"beyond the limits ({LIMIT}).", f"Fix the {LIMIT} error, then lint again.")
    else:
        skipped = _check_paths(report, scenario, rubric, directory, max_states)
    return report.problems, Note(doc.name, 1, 1, SKIPPED, *skipped) if skipped else None


def _check_limits(report: _Report, scenario: m.Scenario, directory: m.Directory) -> bool:
    """X003: every condition and text that could reach a limit (more than names, constants and comparisons)
    run once within the limits, with the values its case starts with.

    Only going beyond a limit is reported here: any other failure depends on the state the call is in,
    and the path checks (L012) find it in the states where it happens. True when something was found."""
    from simulator.engine import Session
    from simulator.expressions import ExpressionError, LimitError, Template
    from simulator.loader import expressions_of

    session = Session(scenario, directory)
    contexts: dict[str, dict] = {}
    found = False
    for cid, path, expression in expressions_of(scenario, report.doc):
        if expression.bounded:  # '{{ provider }}', 'stress > 70': nothing to run
            continue
        if cid not in contexts:
            contexts[cid] = session.context(cid).full()
        try:
            if isinstance(expression, Template):
                expression.render(contexts[cid])
            else:
                expression(contexts[cid])
        except LimitError as exc:
            report.limit(path, exc.message, exc.hint)
            found = True
        except ExpressionError:
            pass
    return found


def _reachable(edges: dict[str, list[str]], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _check_graph(report: _Report, case: m.Case) -> None:
    from simulator.explore import EVENTS, _sccs, case_graph

    edges = case_graph(case)
    reached = _reachable(edges, case.start)
    for node in case.nodes.values():
        if node.id not in reached:
            report.add(node.origin, "L001", f"the node '{node.id}' cannot be reached: no option or event of case "
                       f"'{case.id}' leads to it.",
                       f"Add 'goto: {node.id}' to the option that should lead here, or remove the node.", key=True)
    # Which nodes can still end the call: walk back from every way out.
    exits = {n.id for n in case.nodes.values() if n.end or any(o.end for o in n.options)}
    if any(e.end for e in case.events):
        exits |= set(case.nodes)
    back: dict[str, list[str]] = {}
    for src, targets in edges.items():
        for dst in targets:
            back.setdefault(dst, []).append(src)
    can_end: set[str] = set()
    todo = list(exits)
    while todo:
        vertex = todo.pop()
        if vertex in can_end:
            continue
        can_end.add(vertex)
        todo.extend(back.get(vertex, ()))
    stuck = [n for n in case.nodes.values() if n.id in reached and n.id not in can_end]
    if not stuck:
        return
    scc = _sccs(edges)
    stuck_ids = {n.id for n in stuck}
    for component in dict.fromkeys(scc[n.id] for n in stuck):
        members = [n for n in stuck if scc[n.id] == component]
        leaves = any(t in stuck_ids and scc[t] != component for n in members for t in edges[n.id] if t != EVENTS)
        if leaves:
            continue  # it leads into another stuck loop, which is the one reported
        names = ", ".join(f"'{n.id}'" for n in members)
        what = (f"once the call reaches {names}, nothing can end it: no option there leads on or ends the call."
                if len(members) == 1 else
                f"the nodes {names} form a loop with no way out: no option or event there ends the call.")
        report.add(members[0].origin, "L004", what,
                   "Give one of these nodes an option with 'end: ENDING', or a 'goto' to a node that leads to an ending.",
                   key=True)


def _check_duplicates(report: _Report, case: m.Case) -> None:
    for node in case.nodes.values():
        seen: dict[tuple[str, str], str] = {}
        for option in node.options:
            for lang, template in option.text.values.items():
                key = (lang, template.source.strip())
                if key in seen:
                    report.add(option.origin + ("text", lang), "L008",
                               f"the options '{seen[key]}' and '{option.id}' at node '{node.id}' say the same in {lang}: "
                               f"the trainee cannot tell them apart.",
                               "Reword one of them so that each choice says what it does.")
                    break
                seen[key] = option.id


def _conjuncts(option: m.Option) -> set[str]:
    return {part.strip() for part in option.when.source.split(" and ")} if option.when else set()


def _exclusive(a: m.Option, b: m.Option) -> bool:
    """Never offered together, as far as their conditions say plainly: one requires `X`, the other `not X`."""
    ca, cb = _conjuncts(a), _conjuncts(b)
    return any(f"not {c}" in cb for c in ca) or any(f"not {c}" in ca for c in cb)


def _check_confusable(report: _Report, case: m.Case) -> None:
    """L015: in free-text mode, a trainee who types an option's own words is understood as another option,
    or cannot be told from it, in a language the caller speaks."""
    from simulator.understand import _PLACEHOLDER, _phrase, understand
    for node in case.nodes.values():
        if len(node.options) < 2:
            continue
        tones = {o.id: o.tone.value for o in node.options}
        for lang in case.caller.languages:
            known = {o.id: [_phrase(_PLACEHOLDER.sub(" ", o.text.values[lang].source), lang),
                            *(_phrase(p, lang) for p in o.phrasings(lang))]
                     for o in node.options if lang in o.text.values}
            for option in node.options:
                if option.id not in known:
                    continue
                rivals = {o.id: known[o.id] for o in node.options
                          if o.id in known and (o is option or not _exclusive(option, o))}
                if len(rivals) < 2:
                    continue
                reading = understand(_PLACEHOLDER.sub(" ", option.text.values[lang].source), rivals, lang,
                                     {k: tones[k] for k in rivals})
                own = next(r.score for r in reading.readings if r.option == option.id)
                other = next(r for r in reading.readings if r.option != option.id)
                if other.score >= own - CONFUSABLE_GAP:
                    report.add(option.origin + ("text", lang), "L015",
                               f"in free-text mode, a trainee who types the {_LANG_NAMES[lang]} words of '{option.id}' at node "
                               f"'{node.id}' could be understood as '{other.option}': the two say nearly the same.",
                               "Reword one of them so that its words say what sets it apart (try them with "
                               f"'plateau understand FILE --node {node.id} --lang {lang} WORDS').")
                    break


def _check_giveaways(report: _Report, case: m.Case) -> None:
    """L013: at a node, the option that performs a step is far longer than any other, in some language.
    A trainee who knows nothing of the job but picks the longest sentence then does the step."""
    for node in case.nodes.values():
        if len(node.options) < 2:
            continue
        for lang in m.LANGS:
            lengths = sorted(((len(o.text.values[lang].source.strip()), o) for o in node.options
                              if lang in o.text.values), key=lambda pair: pair[0], reverse=True)
            if len(lengths) < 2:
                continue
            (longest, option), (second, other) = lengths[0], lengths[1]
            if option.step and longest > GIVEAWAY_RATIO * second:
                report.add(option.origin + ("text", lang), "L013",
                           f"at node '{node.id}', the option '{option.id}' (step '{option.step}') is more than "
                           f"{GIVEAWAY_RATIO:g} times as long as any other in {_LANG_NAMES[lang]} ({longest} characters, "
                           f"against {second} for '{other.id}'): its length alone gives the answer away.",
                           "Shorten it, or give the other options the same level of detail.")
                break  # one warning per node: the same fix serves every language


def _check_providers(report: _Report, case: m.Case, directory: m.Directory) -> None:
    kinds = {p.kind for p in directory.providers}
    for node in case.nodes.values():
        for option in node.options:
            action = option.action
            if action and action.type in (m.ActionType.DISPATCH, m.ActionType.BOOK) and action.kind not in kinds:
                report.add(option.origin + ("action", "kind"), "L010",
                           f"the directory has no provider of kind '{action.kind}': the trainee could not choose one.",
                           "Add providers of this kind under scenarios/providers/ (or a providers/ folder beside the "
                           "scenario), or use another kind.")


def _check_steps(report: _Report, scenario: m.Scenario, rubric: m.Rubric) -> None:
    performed = {s for c in scenario.cases.values() for n in c.nodes.values() for o in n.options for s in o.steps}
    for step in rubric.protocol.values():
        if step.id in performed or step.optional:
            continue
        if not step.critical:
            report.add(("rubric",), "L006", f"no option performs the step '{step.id}' of the '{rubric.id}' rubric: "
                       "the score leaves it out of this call.",
                       f"If a trainee should do it in this call, give an option 'step: {step.id}'.")
    for case in scenario.cases.values():
        here = {s for n in case.nodes.values() for o in n.options for s in o.steps}
        if case.rings_when is not None and not here:
            continue  # another party calling in (a hospital desk, a doctor): no step of the protocol is theirs
        for step in rubric.protocol.values():
            if step.critical and step.id not in here:
                report.add(("cases", case.id), "L007",
                           f"no option of case '{case.id}' performs the critical step '{step.id}': a call could pass "
                           "without it.",
                           f"Add an option with 'step: {step.id}' that the trainee can choose on every way to a good ending.",
                           key=True)


def _endings_named(scenario: m.Scenario) -> set[str]:
    named = set()
    for case in scenario.cases.values():
        named.add(case.caller.hang_up_ending)
        named.update(e.end for e in case.events)
        for node in case.nodes.values():
            named.add(node.end)
            named.update(o.end for o in node.options)
    return named


def _check_free_options(report: _Report, scenario: m.Scenario) -> None:
    """L014: an option the model call does not take that performs no step, breaks nothing, is said in a
    neutral tone and costs neither stress nor time: choosing it changes no score, so the debrief cannot
    say whether it was right or wrong. The model call stands for the best call (`plateau paths` finds
    the best calls of small scenarios exactly)."""
    if not scenario.model:
        return
    chosen = {a.get("option") for a in scenario.model if a.get("type") == "choose"}
    for case in scenario.cases.values():
        for node in case.nodes.values():
            for option in node.options:
                ends_badly = option.end is not None and option.end in scenario.endings and \
                    scenario.endings[option.end].outcome in (m.Outcome.UNSAFE, m.Outcome.FAILED, m.Outcome.HUNG_UP)
                if (option.id in chosen or option.steps or option.breaks or option.tone is not m.Tone.NEUTRAL
                        or option.stress_delta > 0 or option.effects.seconds > 60 or ends_badly):
                    continue
                report.add(option.origin + ("id",), "L014",
                           f"the option '{option.id}' is not in the model call, yet it performs no step, breaks "
                           "nothing and costs no time or stress: a trainee who picks it is never told whether it was "
                           "right.",
                           "If it is a mistake, say what it breaks: 'breaks: [{step: locate, level: moderate}]'. "
                           "If it is as good as the model's choice, give it the step it performs ('step: ...').")


def _check_endings_named(report: _Report, scenario: m.Scenario) -> None:
    named = _endings_named(scenario)
    for ending in scenario.endings:
        if ending not in named:
            report.add(("endings", ending), "L002", f"no option, node or event ends the call with '{ending}'.",
                       f"Add 'end: {ending}' where the call should end this way, or remove the ending.", key=True)


def _check_paths(report: _Report, scenario: m.Scenario, rubric: m.Rubric, directory: m.Directory,
                 max_states: int) -> tuple[str, str] | None:
    """The checks that follow every path; (message, hint) of a note when they could not be done."""
    from simulator.explore import MAX_ACTIONS, estimate_states, explore
    from simulator.expressions import limit_hint

    file = display_path(scenario.source) if scenario.source else scenario.id
    too_many = (f"the checks that follow every path ({PATH_CHECKS}) were not done: the call has too many paths "
                f"to follow within {max_states:,} states.",
                f"Sample its paths with 'plateau paths {file} --random 1000 --seed 1', or raise --max-states if you "
                "can wait (about 3 s for each 10,000 states).")
    if estimate_states(scenario) * ESTIMATE_MARGIN > max_states:
        return too_many
    # Typed values and the provider chosen change what the call can reach only through the
    # conditions that read them: when none does, one value and one provider are enough.
    names = _condition_names(scenario)
    result = explore(scenario, rubric, directory, scoring=False, max_states=max_states,
                     inputs="both" if "file" in names else "truth",
                     providers="sample" if names & {"dispatched", "eta", "provider"} else "best")
    seen_problem_nodes = set()
    for finding in result.problems:
        case = scenario.cases.get(finding.case) if finding.case else None
        node = case.nodes.get(finding.node) if case and finding.node else None
        where = node.origin if node else ("cases", finding.case) if finding.case else ()
        after = ", ".join(a if isinstance(a, str) else a.get("option") or a.get("value") or a.get("id") or a["type"]
                          for a in finding.path[1:])
        if finding.code in ("dead_end", "stuck") and (finding.case, finding.node) not in seen_problem_nodes:
            seen_problem_nodes.add((finding.case, finding.node))
            report.add(where, "L009", f"the call can get stuck at node '{finding.node}': {finding.message.rstrip('.')} "
                       f"(after: {after}).",
                       "Give the node an option that is always offered and leads on (goto) or ends the call (end).", key=True)
        elif finding.code == "condition_failed" and limit_hint(finding.message):
            # beyond a limit only in a state some path reaches: the limit's own code and hint
            report.limit(finding.at or where, f"{finding.message.rstrip('.')} (after: {after}).",
                         limit_hint(finding.message))
        elif finding.code == "condition_failed":
            report.add(finding.at or where, "L012", f"{finding.message.rstrip('.')} (after: {after}).", finding.hint,
                       key=not finding.at)
        elif finding.code == "endless":
            report.add(where, "L004", "a loop lets the call go round forever without the clock moving.",
                       "Give the repeatable options of the loop some 'minutes', or a way out.")
    # What no path reaches can be said only when every path was followed to its end.
    if result.out_of_states:
        return too_many
    failed = {LIMIT if limit_hint(f.message) else "L012" for f in result.problems if f.code == "condition_failed"}
    if failed:
        code = "L012" if "L012" in failed else LIMIT
        return (f"the checks that say something never happens on any path ({NEVER_CHECKS}) were not done: a "
                f"condition or text fails on some path ({code}), and the call cannot go on beyond it.",
                f"Fix the {code} error, then lint again.")
    if any(f.code == "too_long" for f in result.problems):
        return (f"the checks that say something never happens on any path ({NEVER_CHECKS}) were not done: a path "
                f"goes on for more than {MAX_ACTIONS} actions, and what lies beyond it was not followed.",
                f"Look for repeatable options that let the call go round without ending: 'plateau paths {file}' "
                "shows such a path.")
    hang_up = {c.caller.hang_up_ending for c in scenario.cases.values()}
    named = _endings_named(scenario)
    for ending in scenario.endings:
        if ending in named and ending not in hang_up and ending not in result.endings_seen:
            report.add(("endings", ending), "L002", f"no path of the call ends with '{ending}': the options and "
                       "events that end it are never reached or never offered.",
                       "Check the conditions ('when') on the way to it, or remove the ending.", key=True)
    for case in scenario.cases.values():
        statically = _reachable(_case_edges(case), case.start)
        for node in case.nodes.values():
            if (case.id, node.id) not in result.nodes_seen:
                if node.id in statically:
                    report.add(node.origin, "L001", f"no path of the call reaches the node '{node.id}': the options "
                               "and events that lead to it are never offered or never happen.",
                               "Check the conditions ('when') of the options that lead here.", key=True)
                continue
            for option in node.options:
                if (case.id, option.id) not in result.offered:
                    cond = f" (its condition '{option.when.source}' never holds there)" if option.when else ""
                    report.add(option.origin + (("when",) if option.when else ("id",)), "L003",
                               f"the option '{option.id}' is never offered on any path{cond}.",
                               "Change its condition, or remove the option.")
        performable = {o.step for n in case.nodes.values() for o in n.options if o.step}
        for step in rubric.protocol.values():
            if step.critical and step.id in performable and (case.id, step.id) not in result.steps_done:
                first = next(o for n in case.nodes.values() for o in n.options if o.step == step.id)
                report.add(first.origin + ("step",), "L007",
                           f"no path of case '{case.id}' performs the critical step '{step.id}': the options that do "
                           "are never offered.", "Make one of them reachable on the way to a good ending.")
        fired = result.events_fired
        for event in case.events:
            # Lint does not try silences, so an event with a time may be reached by waiting: only
            # events that wait for a condition alone are checked.
            if event.at_seconds is None and (case.id, event.id) not in fired:
                report.add(event.origin, "L011", f"the event '{event.id}' never happens on any path.",
                           "Check its 'at' and 'when': the call may always end before, or the condition never hold.")
    return None


def _condition_names(scenario: m.Scenario) -> set[str]:
    """Every name that a condition of the scenario reads (the flags, 'stress', 'file', 'eta'...)."""
    names: set[str] = set()

    def lines(value: m.Lines | None):
        for variant in value.variants if value else ():
            if variant.when is not None:
                names.update(variant.when.names.names)

    for case in scenario.cases.values():
        for node in case.nodes.values():
            lines(node.say)
            for option in node.options:
                lines(option.reply)
                if option.when is not None:
                    names.update(option.when.names.names)
        for event in case.events:
            lines(event.say)
            if event.when is not None:
                names.update(event.when.names.names)
    return names


def _case_edges(case: m.Case) -> dict[str, list[str]]:
    from simulator.explore import case_graph
    return case_graph(case)


# ------------------------------------------------------------------ texts


def _texts(data, path: tuple = ()) -> Iterator[tuple[tuple, dict]]:
    """Every text (a mapping with fr, nl and en) in a file's data, with its path."""
    todo = [(path, data)]
    while todo:
        p, value = todo.pop()
        if isinstance(value, dict):
            if set(m.LANGS) <= set(value) and all(isinstance(value[k], str) for k in m.LANGS):
                yield p, value
                continue
            todo.extend((p + (k,), v) for k, v in value.items())
        elif isinstance(value, list):
            todo.extend((p + (i,), v) for i, v in enumerate(value))


def _worth_translating(text: str) -> bool:
    """Short texts (names, 'OK', 'Bangkok') may well be the same in every language."""
    return len(text.split()) >= 3 and len(text) >= 15


def check_texts(doc: Document) -> list[Problem]:
    report = _Report(doc)
    for path, text in _texts(doc.data):
        for i, lang in enumerate(m.LANGS):
            same = next((other for other in m.LANGS[:i] if text[other].strip() == text[lang].strip()), None)
            if same and _worth_translating(text[lang]):
                report.add(path + (lang,), "L005", f"the {lang} text is the same as the {same} text: "
                           f"\"{text[lang].strip()[:50]}\".",
                           f"Translate it into {_LANG_NAMES[lang]}.")
    return report.problems


_LANG_NAMES = {"fr": "French", "nl": "Dutch", "en": "English"}
